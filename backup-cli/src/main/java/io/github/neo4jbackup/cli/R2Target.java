package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.core.Secret;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.storage.s3.S3Config;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * {@code r2://BUCKET/PREFIX}: a Cloudflare R2 bucket with R2's settings filled in: the endpoint
 * {@code https://<R2_ACCOUNT_ID>.r2.cloudflarestorage.com} (unless {@code --s3-endpoint} names
 * another), region {@code auto}, path-style requests, checksums only where required (R2 rejects the
 * SDK's default CRC32 trailers on some requests), and the credentials {@code R2_ACCESS_KEY_ID} /
 * {@code R2_SECRET_ACCESS_KEY} (else the AWS default chain). {@code r2://} without a bucket uses
 * {@code R2_BUCKET_NAME}, and without a prefix {@code BACKUP_PREFIX}.
 */
final class R2Target {

    private R2Target() {
    }

    static StorageTarget open(Resources res, CliContext ctx, String spec, String flag, Options.S3 s3) {
        String rest = spec.substring("r2://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) {
            bucket = ctx.env("R2_BUCKET_NAME");
            if (bucket == null) {
                throw CliException.usage(flag + " '" + spec + "' has no bucket: use r2://bucket/prefix or set R2_BUCKET_NAME");
            }
        }
        if (prefix.isEmpty() && ctx.env("BACKUP_PREFIX") != null) {
            prefix = ctx.env("BACKUP_PREFIX").strip();
        }
        prefix = prefix.replaceAll("^/+", "");
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        URI endpoint = endpoint(ctx, s3, spec, flag);
        S3Config.Builder config = S3Config.builder().endpoint(endpoint).pathStyle(true).checksumsWhenRequired()
                .region(s3.region != null ? s3.region : "auto");
        String keyId = ctx.env("R2_ACCESS_KEY_ID");
        String secret = ctx.env("R2_SECRET_ACCESS_KEY");
        if (keyId != null && secret != null) {
            config.credentials(keyId, Secret.of(secret));
        } else if (keyId != null || secret != null) {
            throw CliException.usage("Set both R2_ACCESS_KEY_ID and R2_SECRET_ACCESS_KEY (an R2 API token's key pair),"
                    + " or neither to use the AWS credentials");
        } else {
            config.defaultCredentials();
        }
        return res.openS3(config, bucket, prefix, spec, flag, s3.sse, s3.flagPrefix);
    }

    /** The endpoint: {@code --s3-endpoint} (or S3_ENDPOINT) when given, else the account's R2 endpoint. */
    static URI endpoint(CliContext ctx, Options.S3 s3, String spec, String flag) {
        if (s3.endpoint != null) {
            try {
                URI endpoint = new URI(s3.endpoint);
                if (endpoint.getScheme() == null || endpoint.getHost() == null) {
                    throw new URISyntaxException(s3.endpoint, "expected scheme://host[:port]");
                }
                return endpoint;
            } catch (URISyntaxException e) {
                throw CliException.usage("--s3-endpoint '" + s3.endpoint + "' is not a URL", e);
            }
        }
        String account = ctx.env("R2_ACCOUNT_ID");
        if (account == null) {
            throw CliException.usage(flag + " '" + spec + "' needs the Cloudflare account id: set R2_ACCOUNT_ID"
                    + " (the R2 endpoint is https://<account id>.r2.cloudflarestorage.com), or pass --s3-endpoint");
        }
        if (!account.strip().matches("[A-Za-z0-9]{1,64}")) {
            throw CliException.usage("R2_ACCOUNT_ID is not an account id (letters and digits only): copy it from the"
                    + " Cloudflare dashboard's R2 page");
        }
        return URI.create("https://" + account.strip() + ".r2.cloudflarestorage.com");
    }
}
