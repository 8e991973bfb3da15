package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.CopyResult;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.StorageTarget;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code backup --copy-to TARGET} (repeatable): once the primary backup is committed, copy it to each
 * further repository with the copy operation (one export, one downtime). Copy targets use the
 * {@code --copy-s3-*} settings when any is given, else the command's {@code --s3-*} settings.
 */
final class CopyTargets {

    @Option(names = "--copy-to", paramLabel = "TARGET",
            description = "After the backup is committed, copy it to this repository too (repeatable; "
                    + "a failed copy exits 1 and leaves the backup in --to intact).")
    List<String> targets = List.of();

    @Option(names = "--copy-key-template", paramLabel = "TEMPLATE",
            description = "Key template of the --copy-to repositories (default: --key-template).")
    String keyTemplate;

    @Option(names = "--copy-s3-endpoint", paramLabel = "URL",
            description = "Endpoint of the --copy-to S3 store (with any --copy-s3-* option the --s3-* ones are not used for copies).")
    String endpoint;

    @Option(names = "--copy-s3-region", paramLabel = "REGION", description = "Region of the --copy-to S3 store.")
    String region;

    @Option(names = "--copy-s3-path-style", description = "Path-style requests to the --copy-to S3 store.")
    boolean pathStyle;

    @Option(names = "--copy-s3-sse", paramLabel = "aes256|kms[:KEYID]",
            description = "Server-side encryption of the copies.")
    String sse;

    @Option(names = "--copy-s3-access-key-env", paramLabel = "VAR",
            description = "Access key id of the --copy-to S3 store from this environment variable.")
    String accessKeyEnv;

    @Option(names = "--copy-s3-secret-key-env", paramLabel = "VAR",
            description = "Secret access key of the --copy-to S3 store from this environment variable.")
    String secretKeyEnv;

    /** What the copies did. */
    record Outcome(List<CopyResult> copied, List<ObjectNode> failures) {

        boolean ok() {
            return failures.isEmpty();
        }

        ArrayNode json() {
            ArrayNode arr = Json.MAPPER.createArrayNode();
            copied.forEach(r -> arr.add(Json.copy(r)));
            failures.forEach(arr::add);
            return arr;
        }
    }

    boolean any() {
        return !targets.isEmpty();
    }

    /** The S3 settings of the copy targets: their own when any is given, else the command's. */
    Options.S3 s3(Options.S3 primary) {
        if (endpoint == null && region == null && !pathStyle && sse == null && accessKeyEnv == null
                && secretKeyEnv == null) {
            return primary;
        }
        Options.S3 s3 = new Options.S3();
        s3.endpoint = endpoint;
        s3.region = region;
        s3.pathStyle = pathStyle;
        s3.sse = sse;
        s3.accessKeyEnv = accessKeyEnv;
        s3.secretKeyEnv = secretKeyEnv;
        s3.flagPrefix = "--copy-s3-";
        return s3;
    }

    /**
     * Copies a committed backup to every target, each on its own: a target that cannot be opened or
     * a copy that fails is recorded and the others still run.
     *
     * @param backup         the committed backup
     * @param primary        the pipeline over the primary repository
     * @param res            where targets are opened (and closed)
     * @param primaryS3      the command's S3 settings
     * @param layoutTemplate the command's key template, or {@code null}
     * @param say            human output
     */
    Outcome copy(Manifest backup, BackupPipeline primary, Resources res, Options.S3 primaryS3, String layoutTemplate,
                 Consumer<String> say) {
        List<CopyResult> copied = new ArrayList<>();
        List<ObjectNode> failures = new ArrayList<>();
        for (String spec : targets) {
            try {
                StorageTarget target = res.target(spec, "--copy-to", s3(primaryS3), true);
                BackupPipeline destination = CopyCommand.destination(target, keyTemplate, layoutTemplate);
                CopyResult r = primary.copy(backup, destination, false);
                copied.add(r);
                say.accept(CopyCommand.Copies.line(r));
            } catch (RuntimeException e) {
                String where = Resources.redact(spec);
                say.accept("COPY FAILED: backup " + backup.id() + " could not be copied to " + where + ": "
                        + e.getMessage());
                ObjectNode o = Json.error(e, ExitCodes.FAILED);
                o.put("id", backup.id());
                o.put("outcome", "FAILED");
                o.put("to", where);
                failures.add(o);
            }
        }
        return new Outcome(copied, failures);
    }
}
