package io.github.neo4jbackup.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment variables of {@code neo4j-backup run}: every option has one, and a flag on the
 * command line wins over its variable (a picocli default value provider, consulted only for options
 * the command line does not give). The table in {@code docs/service.md} lists the same variables;
 * a test keeps the two in step.
 */
final class ServiceEnvironment implements CommandLine.IDefaultValueProvider {

    /** Option name → environment variable. */
    static final Map<String, String> VARIABLES;

    /**
     * Options whose variable the command reads itself (not through this provider), with the reason:
     * their variables have a different shape than the flag.
     */
    static final Map<String, String> READ_BY_THE_COMMAND = Map.of(
            "--notify-url", "NOTIFY_URL", // several addresses separated by spaces
            "--password-env", "NEO4J_PASSWORD"); // the password itself, or NEO4J_AUTH=user/password

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("--uri", "NEO4J_URI");
        m.put("--user", "NEO4J_USER");
        m.put("--password-file", "NEO4J_PASSWORD_FILE");
        m.put("--database", "NEO4J_DATABASE");
        m.put("--all-databases", "BACKUP_ALL_DATABASES");
        m.put("--engine", "BACKUP_ENGINE");
        m.put("--to", "BACKUP_TARGET");
        m.put("--key-template", "BACKUP_KEY_TEMPLATE");
        m.put("--s3-endpoint", "S3_ENDPOINT");
        m.put("--s3-region", "AWS_REGION");
        m.put("--s3-path-style", "S3_PATH_STYLE");
        m.put("--s3-sse", "S3_SSE");
        m.put("--compress", "BACKUP_COMPRESSION");
        m.put("--level", "BACKUP_COMPRESSION_LEVEL");
        m.put("--zstd-workers", "BACKUP_ZSTD_WORKERS");
        m.put("--keep-last", "BACKUP_KEEP_LAST");
        m.put("--keep-within", "BACKUP_KEEP_WITHIN");
        m.put("--keep-daily", "BACKUP_KEEP_DAILY");
        m.put("--keep-weekly", "BACKUP_KEEP_WEEKLY");
        m.put("--keep-monthly", "BACKUP_KEEP_MONTHLY");
        m.put("--label", "BACKUP_LABEL");
        m.put("--neo4j-home", "NEO4J_HOME");
        m.put("--admin-command", "BACKUP_ADMIN_COMMAND");
        m.put("--stop-command", "BACKUP_STOP_COMMAND");
        m.put("--start-command", "BACKUP_START_COMMAND");
        m.put("--hook-timeout", "BACKUP_HOOK_TIMEOUT");
        m.put("--already-offline", "BACKUP_ALREADY_OFFLINE");
        m.put("--describe-database", "BACKUP_DESCRIBE_DATABASE");
        m.put("--age-recipient", "BACKUP_AGE_RECIPIENT");
        m.put("--age-passphrase-env", "BACKUP_AGE_PASSPHRASE_ENV");
        m.put("--notify-on", "NOTIFY_ON");
        m.put("--notify-format", "NOTIFY_FORMAT");
        m.put("--metrics-file", "METRICS_FILE");
        m.put("--pre-command", "BACKUP_PRE_COMMAND");
        m.put("--post-command", "BACKUP_POST_COMMAND");
        m.put("--on-change", "BACKUP_ON_CHANGE");
        m.put("--on-change-retries", "BACKUP_ON_CHANGE_RETRIES");
        m.put("--on-change-exhausted", "BACKUP_ON_CHANGE_EXHAUSTED");
        m.put("--copy-to", "BACKUP_COPY_TO");
        m.put("--copy-key-template", "BACKUP_COPY_KEY_TEMPLATE");
        m.put("--copy-s3-endpoint", "COPY_S3_ENDPOINT");
        m.put("--copy-s3-region", "COPY_S3_REGION");
        m.put("--copy-s3-path-style", "COPY_S3_PATH_STYLE");
        m.put("--copy-s3-sse", "COPY_S3_SSE");
        m.put("--copy-s3-access-key-env", "COPY_S3_ACCESS_KEY_ENV");
        m.put("--copy-s3-secret-key-env", "COPY_S3_SECRET_KEY_ENV");
        m.put("--s3-access-key-env", "S3_ACCESS_KEY_ENV");
        m.put("--s3-secret-key-env", "S3_SECRET_KEY_ENV");
        m.put("--expect-nonempty", "BACKUP_EXPECT_NONEMPTY");
        m.put("--max-shrink", "BACKUP_MAX_SHRINK");
        m.put("--keep-yearly", "BACKUP_KEEP_YEARLY");
        m.put("--keep-safety", "BACKUP_KEEP_SAFETY");
        m.put("--include-safety", "BACKUP_INCLUDE_SAFETY");
        m.put("--schedule", "BACKUP_SCHEDULE");
        m.put("--timezone", "BACKUP_TIMEZONE");
        m.put("--every", "BACKUP_EVERY");
        m.put("--run-on-start", "RUN_IMMEDIATE_BACKUP");
        m.put("--wait-timeout", "BACKUP_WAIT_TIMEOUT");
        m.put("--shutdown-grace", "BACKUP_SHUTDOWN_GRACE");
        m.put("--max-age", "BACKUP_MAX_AGE");
        m.put("--http-port", "HTTP_PORT");
        m.put("--http-bind", "HTTP_BIND");
        m.put("--log-format", "LOG_FORMAT");
        m.put("--verbose", "BACKUP_VERBOSE");
        VARIABLES = Collections.unmodifiableMap(m);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        String variable = VARIABLES.get(option.longestName());
        if (variable == null) {
            return null;
        }
        CliContext ctx = context(arg.command());
        if (ctx == null) {
            return null;
        }
        String value = ctx.env(variable);
        if (value == null && option.longestName().equals("--to") && ctx.env("R2_BUCKET_NAME") != null) {
            // the seed-style R2 settings alone name the target: r2:// takes R2_BUCKET_NAME and BACKUP_PREFIX
            return "r2://";
        }
        return value == null ? null : value.strip();
    }

    private static CliContext context(CommandSpec spec) {
        for (CommandSpec s = spec; s != null; s = s.parent()) {
            if (s.userObject() instanceof NeoBackupCommand root) {
                return root.context();
            }
        }
        return null;
    }
}
