package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.Secret;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.export.admin.Neo4jAdmin;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import io.github.neo4jbackup.storage.s3.S3Config;
import io.github.neo4jbackup.storage.s3.S3Encryption;
import io.github.neo4jbackup.storage.s3.S3StorageTarget;
import org.neo4j.driver.AuthToken;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;
import org.neo4j.driver.exceptions.AuthenticationException;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.SecurityException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The heavy clients one command builds (Neo4j drivers, S3 clients) and the translation of
 * TARGET and URI flags into them. The command owns them: {@link #close()} closes them all, newest first.
 */
final class Resources implements AutoCloseable {

    /** How long closing waits for a driver: its connections close well within this. */
    private static final long DRIVER_CLOSE_WAIT_MILLIS = 100;

    private final CliContext ctx;
    private final Deque<AutoCloseable> owned = new ArrayDeque<>();

    Resources(CliContext ctx) {
        this.ctx = ctx;
    }

    // ------------------------------------------------------------------------------- targets

    /**
     * Opens a repository target.
     *
     * @param spec   a local path, a {@code file:} URI or {@code s3://bucket/prefix}
     * @param flag   the flag that named it, for messages
     * @param s3     S3 settings
     * @param create whether a missing local directory is created (backup) or refused (reading commands)
     */
    StorageTarget target(String spec, String flag, Options.S3 s3, boolean create) {
        if (spec == null || spec.isBlank()) {
            throw CliException.usage("Missing " + flag + " TARGET: give a directory, a file: URI or s3://bucket/prefix");
        }
        String lower = spec.toLowerCase(Locale.ROOT);
        if (lower.startsWith("s3://")) {
            return s3Target(spec, flag, s3);
        }
        if (lower.startsWith("r2://")) {
            return R2Target.open(this, ctx, spec, flag, s3);
        }
        Path path;
        if (lower.startsWith("file:")) {
            String rest = spec.substring(5);
            if (rest.startsWith("//") || rest.startsWith("/")) {
                try {
                    path = Path.of(new URI(spec));
                } catch (URISyntaxException | IllegalArgumentException e) {
                    throw CliException.usage(flag + " '" + spec + "' is not a valid file: URI (" + e.getMessage()
                            + "): use file:///absolute/path or a plain path", e);
                }
            } else {
                path = Path.of(rest);
            }
        } else if (spec.matches("^[A-Za-z][A-Za-z0-9+.-]+://.*")) {
            throw CliException.usage(flag + " '" + spec + "' uses a storage scheme this command line does not support:"
                    + " use a local path, a file: URI, s3://bucket/prefix or r2://bucket/prefix");
        } else {
            path = Path.of(spec);
        }
        if (!create && !Files.isDirectory(path)) {
            throw CliException.usage(flag + " '" + path.toAbsolutePath() + "' is not an existing directory: check the"
                    + " path (reading commands never create a repository)");
        }
        try {
            return LocalStorageTarget.of(path);
        } catch (InvalidInputException e) {
            throw CliException.usage(flag + ": " + e.getMessage(), e);
        }
    }

    private StorageTarget s3Target(String spec, String flag, Options.S3 s3) {
        String rest = spec.substring(5);
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) {
            throw CliException.usage(flag + " '" + spec + "' has no bucket: use s3://bucket/prefix");
        }
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        S3Config.Builder config = S3Config.builder().pathStyle(s3.pathStyle).defaultCredentials();
        if (s3.accessKeyEnv != null || s3.secretKeyEnv != null) {
            config.credentials(envValue(s3.accessKeyEnv, s3.flagPrefix + "access-key-env"),
                    io.github.neo4jbackup.core.Secret.of(envValue(s3.secretKeyEnv, s3.flagPrefix + "secret-key-env")));
        }
        if (s3.endpoint != null) {
            try {
                URI endpoint = new URI(s3.endpoint);
                if (endpoint.getScheme() == null || endpoint.getHost() == null) {
                    throw new URISyntaxException(s3.endpoint, "expected scheme://host[:port]");
                }
                config.endpoint(endpoint);
            } catch (URISyntaxException e) {
                throw CliException.usage(s3.flagPrefix + "endpoint '" + s3.endpoint + "' is not a URL: use e.g. http://127.0.0.1:9000", e);
            }
        }
        String region = s3.region != null ? s3.region
                : ctx.env("AWS_REGION") != null ? ctx.env("AWS_REGION") : ctx.env("AWS_DEFAULT_REGION");
        if (region != null) {
            config.region(region);
        }
        return openS3(config, bucket, prefix, spec, flag, s3.sse, s3.flagPrefix);
    }

    /** Opens (and checks access to) a bucket with a finished client configuration; the client is owned here. */
    StorageTarget openS3(S3Config.Builder config, String bucket, String prefix, String spec, String flag, String sseValue,
                         String flagPrefix) {
        S3StorageTarget target;
        try {
            S3Client client = config.build().buildClient();
            owned.push(client);
            target = S3StorageTarget.builder().client(client).bucket(bucket).prefix(prefix)
                    .encryption(sse(sseValue, flagPrefix)).build();
        } catch (InvalidInputException e) {
            throw CliException.usage(flag + " '" + spec + "': " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw CliException.usage(flag + " '" + spec + "': the S3 client could not be configured (" + e.getMessage()
                    + "): check " + flagPrefix + "endpoint, " + flagPrefix + "region and the AWS credentials (AWS_ACCESS_KEY_ID,"
                    + " AWS_SECRET_ACCESS_KEY or an AWS profile)", e);
        }
        owned.push(target);
        try {
            target.checkAccess();
        } catch (IOException e) {
            String message = flag + " '" + spec + "' cannot be used: " + e.getMessage();
            if (target.isRetryable(e)) {
                throw CliException.failed(message, e);
            }
            throw CliException.usage(message, e);
        }
        return target;
    }

    /** The value of the environment variable a credentials flag names; both flags are needed. */
    private String envValue(String variable, String flag) {
        if (variable == null) {
            throw CliException.usage(flag + " is missing: give the access key and the secret key variables together");
        }
        String value = ctx.env(variable);
        if (value == null) {
            throw CliException.usage(flag + " names the environment variable " + variable + ", which is not set");
        }
        return value;
    }

    private static S3Encryption sse(String value, String flagPrefix) {
        if (value == null || value.isBlank() || value.equalsIgnoreCase("none")) {
            return S3Encryption.none();
        }
        String v = value.strip();
        if (v.equalsIgnoreCase("aes256")) {
            return S3Encryption.s3Managed();
        }
        if (v.equalsIgnoreCase("kms")) {
            return S3Encryption.kms();
        }
        if (v.regionMatches(true, 0, "kms:", 0, 4) && v.length() > 4) {
            return S3Encryption.kms(v.substring(4));
        }
        throw CliException.usage(flagPrefix + "sse '" + value + "' is not one of aes256, kms or kms:KEYID");
    }

    // ---------------------------------------------------------------------------------- neo4j

    /** The URI from the flag or NEO4J_URI; a usage error naming both when neither is set. */
    URI neo4jUri(String flagValue, String flag) {
        String text = flagValue != null ? flagValue : ctx.env("NEO4J_URI");
        if (text == null) {
            throw CliException.usage("No Neo4j server given: pass " + flag + " bolt://host:7687 (or neo4j://...)"
                    + " or set NEO4J_URI");
        }
        try {
            URI uri = new URI(text.strip());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new URISyntaxException(text, "expected scheme://host[:port]");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw CliException.usage(flag + " '" + redact(text) + "' is not a Neo4j URI: use e.g. bolt://localhost:7687"
                    + " or neo4j+s://xxxx.databases.neo4j.io", e);
        }
    }

    /**
     * Opens a driver and checks that the server answers and accepts the credentials.
     *
     * @return the driver, owned by these resources
     */
    Driver driver(URI uri, Options.Credentials credentials) {
        AuthToken auth = auth(uri, credentials);
        Driver driver;
        try {
            driver = GraphDatabase.driver(withoutUserInfo(uri), auth, Config.builder()
                    .withLogging(Logging.slf4j())
                    .withConnectionTimeout(15, TimeUnit.SECONDS)
                    .withUserAgent("neo4j-backup-cli")
                    .build());
        } catch (IllegalArgumentException | ClientException e) {
            throw CliException.usage("Cannot use the Neo4j URI " + redact(uri.toString()) + ": " + e.getMessage(), e);
        }
        owned.push(driver);
        try {
            driver.verifyConnectivity();
        } catch (AuthenticationException e) {
            throw CliException.usage("Neo4j at " + redact(uri.toString()) + " refused the credentials: check the user"
                    + " (--user, NEO4J_USER) and the password (NEO4J_PASSWORD, --password-env or --password-file)", e);
        } catch (SecurityException e) {
            throw CliException.usage("Neo4j at " + redact(uri.toString()) + " refused the connection ("
                    + e.getMessage() + "): check the credentials and the URI scheme (bolt+s/neo4j+s for TLS)", e);
        } catch (ServiceUnavailableException e) {
            throw CliException.failed("Cannot reach Neo4j at " + redact(uri.toString()) + " (" + e.getMessage()
                    + "): check the URI (--uri, NEO4J_URI), that the server is running and that its Bolt port is"
                    + " reachable from here", e);
        } catch (RuntimeException e) {
            throw CliException.failed("Cannot connect to Neo4j at " + redact(uri.toString()) + ": " + e.getMessage(), e);
        }
        return driver;
    }

    private AuthToken auth(URI uri, Options.Credentials c) {
        String neo4jAuth = ctx.env("NEO4J_AUTH");
        String authUser = null;
        String authPassword = null;
        if (neo4jAuth != null && !neo4jAuth.equalsIgnoreCase("none") && neo4jAuth.contains("/")) {
            authUser = neo4jAuth.substring(0, neo4jAuth.indexOf('/'));
            authPassword = neo4jAuth.substring(neo4jAuth.indexOf('/') + 1);
        }
        String user = c.user != null ? c.user : ctx.env("NEO4J_USER") != null ? ctx.env("NEO4J_USER")
                : authUser != null ? authUser : userFromUri(uri);
        Secret password;
        if (c.passwordEnv != null && c.passwordFile != null) {
            throw CliException.usage("Give the Neo4j password one way only: --password-env or --password-file");
        }
        if (c.passwordEnv != null) {
            String v = ctx.env(c.passwordEnv);
            if (v == null) {
                throw CliException.usage("--password-env " + c.passwordEnv + ": that environment variable is not set"
                        + " or empty: export it, or name the variable that holds the password");
            }
            password = Secret.of(v);
        } else if (c.passwordFile != null) {
            password = Secret.of(readPasswordFile(c.passwordFile));
        } else if (ctx.env("NEO4J_PASSWORD") != null) {
            password = Secret.of(ctx.env("NEO4J_PASSWORD"));
        } else if (authPassword != null) {
            password = Secret.of(authPassword);
        } else {
            password = null;
        }
        if (password == null) {
            // no password anywhere: a server with authentication disabled
            return AuthTokens.none();
        }
        return AuthTokens.basic(user == null ? "neo4j" : user, password.revealString());
    }

    private static String userFromUri(URI uri) {
        String info = uri.getUserInfo();
        if (info == null || info.isEmpty()) {
            return null;
        }
        return info.contains(":") ? info.substring(0, info.indexOf(':')) : info;
    }

    private static String readPasswordFile(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty() || lines.get(0).isEmpty()) {
                throw CliException.usage("--password-file " + file + " is empty: put the password on its first line");
            }
            return lines.get(0);
        } catch (IOException e) {
            throw CliException.usage("--password-file " + file + " cannot be read (" + e + "): check the path and"
                    + " that this user may read it", e);
        }
    }

    static URI withoutUserInfo(URI uri) {
        if (uri.getUserInfo() == null) {
            return uri;
        }
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
                    uri.getFragment());
        } catch (URISyntaxException e) {
            throw CliException.usage("Cannot use the Neo4j URI: " + e.getMessage(), e);
        }
    }

    /** A URI or target text without user info (user:password@), for messages and logs. */
    static String redact(String text) {
        return text == null ? null : text.replaceAll("(?<=//)[^/@\\s]*@", "");
    }

    // ------------------------------------------------------------------------------ neo4j-admin

    Neo4jAdmin admin(Options.Admin a) {
        if (a.neo4jHome != null && a.adminCommand != null) {
            throw CliException.usage("Give either --neo4j-home or --admin-command, not both");
        }
        try {
            if (a.neo4jHome != null) {
                return Neo4jAdmin.home(a.neo4jHome).build();
            }
            if (a.adminCommand != null) {
                return Neo4jAdmin.command(ArgvTokenizer.split(a.adminCommand)).build();
            }
        } catch (InvalidInputException e) {
            throw CliException.usage(e.getMessage(), e);
        }
        throw CliException.usage("The admin engine needs neo4j-admin: pass --neo4j-home DIR or --admin-command"
                + " \"docker exec neo4j neo4j-admin\"");
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        while (!owned.isEmpty()) {
            try {
                AutoCloseable c = owned.pop();
                if (c instanceof Driver d) {
                    closeDriver(d);
                } else {
                    c.close();
                }
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("Closing a client failed: " + e.getMessage(), e);
                }
            }
        }
        if (failure != null) {
            org.slf4j.LoggerFactory.getLogger(Resources.class).warn(failure.getMessage());
        }
    }

    /**
     * Closes a driver without waiting for its I/O threads to wind down. The driver says goodbye on
     * and closes its connections at once (a few milliseconds); its event loops then stop only after
     * 200 ms without work (the driver's fixed quiet period), which every command would otherwise add
     * to its run. Every transaction has ended when this runs, so nothing is left to send. The
     * threads still stop on their own shortly after, in a long-running {@code run} process too.
     */
    private static void closeDriver(Driver driver) throws Exception {
        CompletableFuture<Void> closed = driver.closeAsync().toCompletableFuture();
        try {
            closed.get(DRIVER_CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillWindingDown) {
            // the connections are closed; the event loops finish after the quiet period
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
