package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The option groups several commands share, as picocli mixins. */
final class Options {

    private Options() {
    }

    /** The age identities that decrypt encrypted backups (verify, restore). */
    static final class Decryption {
        @Option(names = "--age-identity", paramLabel = "FILE",
                description = "An age identity file (as age-keygen writes it) to decrypt encrypted backups (repeatable).")
        List<String> identities = List.of();

        @Option(names = "--age-passphrase-env", paramLabel = "VAR",
                description = "Decrypt age passphrase-encrypted backups with the passphrase in this environment variable.")
        String passphraseEnv;

        /** Registers the age decoder on the pipeline when an identity or passphrase was given. */
        BackupPipeline.Builder apply(BackupPipeline.Builder builder, Map<String, String> env) {
            ageDecoder(identities, passphraseEnv, env).ifPresent(builder::decoder);
            return builder;
        }
    }

    /** How to log in to Neo4j: the password never comes from a flag value. */
    static final class Credentials {
        @Option(names = "--user", paramLabel = "USER",
                description = "Neo4j user (default: NEO4J_USER, else the user of NEO4J_AUTH, else neo4j).")
        String user;

        @Option(names = "--password-env", paramLabel = "VAR",
                description = "Read the Neo4j password from this environment variable (default: NEO4J_PASSWORD, "
                        + "else the password of NEO4J_AUTH=user/password).")
        String passwordEnv;

        @Option(names = "--password-file", paramLabel = "FILE",
                description = "Read the Neo4j password from the first line of this file.")
        Path passwordFile;
    }

    /** Settings of {@code s3://} targets. */
    static final class S3 {
        @Option(names = "--s3-endpoint", paramLabel = "URL",
                description = "Endpoint of an S3-compatible store (MinIO, R2, Ceph...); default: AWS.")
        String endpoint;

        @Option(names = "--s3-region", paramLabel = "REGION",
                description = "Region (default: AWS_REGION or the AWS profile; us-east-1 with --s3-endpoint).")
        String region;

        @Option(names = "--s3-path-style", description = "Use path-style requests (most S3-compatible stores).")
        boolean pathStyle;

        @Option(names = "--s3-sse", paramLabel = "aes256|kms[:KEYID]",
                description = "Server-side encryption of stored objects.")
        String sse;

        @Option(names = "--s3-access-key-env", paramLabel = "VAR",
                description = "Read the access key id from this environment variable, with --s3-secret-key-env "
                        + "(default: the AWS default chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile, role).")
        String accessKeyEnv;

        @Option(names = "--s3-secret-key-env", paramLabel = "VAR",
                description = "Read the secret access key from this environment variable, with --s3-access-key-env.")
        String secretKeyEnv;

        /** How the flags of these settings start, for messages. */
        String flagPrefix = "--s3-";
    }

    /**
     * Settings of an {@code s3://} destination that is not the command's main repository (copy
     * {@code --to}, backup {@code --copy-to}), so that source and destination can be different
     * stores with different credentials.
     */
    static final class DestinationS3 {
        @Option(names = "--to-s3-endpoint", paramLabel = "URL",
                description = "Endpoint of the destination's S3-compatible store; default: AWS.")
        String endpoint;

        @Option(names = "--to-s3-region", paramLabel = "REGION",
                description = "Region of the destination (default: AWS_REGION; us-east-1 with --to-s3-endpoint).")
        String region;

        @Option(names = "--to-s3-path-style", description = "Path-style requests to the destination.")
        boolean pathStyle;

        @Option(names = "--to-s3-sse", paramLabel = "aes256|kms[:KEYID]",
                description = "Server-side encryption of the objects written to the destination.")
        String sse;

        @Option(names = "--to-s3-access-key-env", paramLabel = "VAR",
                description = "Destination access key id from this environment variable, with --to-s3-secret-key-env "
                        + "(default: the AWS default chain).")
        String accessKeyEnv;

        @Option(names = "--to-s3-secret-key-env", paramLabel = "VAR",
                description = "Destination secret access key from this environment variable.")
        String secretKeyEnv;

        /** These settings in the shape the target factory takes, with the flag names messages use. */
        S3 asS3() {
            S3 s3 = new S3();
            s3.endpoint = endpoint;
            s3.region = region;
            s3.pathStyle = pathStyle;
            s3.sse = sse;
            s3.accessKeyEnv = accessKeyEnv;
            s3.secretKeyEnv = secretKeyEnv;
            s3.flagPrefix = "--to-s3-";
            return s3;
        }
    }

    /** The repository layout on the target. */
    static final class Layout {
        @Option(names = "--key-template", paramLabel = "TEMPLATE",
                description = "Object key template; use the same one for every command on a repository "
                        + "(default: {database}/{database}-{timestamp}.{ext}).")
        String keyTemplate;
    }

    /** The retention options. */
    static final class Retention {
        @Option(names = "--keep-last", paramLabel = "N", description = "Keep the N newest backups.")
        Integer keepLast;

        @Option(names = "--keep-within", paramLabel = "DURATION",
                description = "Keep every backup younger than this (7d, 36h, P2W; default: BACKUP_RETENTION_DAYS days).")
        String keepWithin;

        @Option(names = "--keep-daily", paramLabel = "N", description = "Keep the newest backup of each of the last N days.")
        Integer keepDaily;

        @Option(names = "--keep-weekly", paramLabel = "N", description = "Keep the newest backup of each of the last N weeks.")
        Integer keepWeekly;

        @Option(names = "--keep-monthly", paramLabel = "N", description = "Keep the newest backup of each of the last N months.")
        Integer keepMonthly;

        @Option(names = "--keep-yearly", paramLabel = "N", description = "Keep the newest backup of each of the last N years.")
        Integer keepYearly;

        @Option(names = "--keep-safety", paramLabel = "N", defaultValue = "3",
                description = "Keep the N newest safety backups (taken before restores) of each database, apart from the"
                        + " other keep options (default: ${DEFAULT-VALUE}).")
        int keepSafety;

        @Option(names = "--include-safety",
                description = "Let the keep options treat safety backups like any other backup (instead of --keep-safety).")
        boolean includeSafety;

        /** Applies the safety-backup options to a pipeline. */
        BackupPipeline.Builder applySafety(BackupPipeline.Builder builder) {
            try {
                return builder.safetyRetention(keepSafety, includeSafety);
            } catch (InvalidInputException e) {
                throw CliException.usage("--keep-safety: " + e.getMessage(), e);
            }
        }

        /**
         * The policy, or {@code null} when no option (and no BACKUP_RETENTION_DAYS) is set.
         */
        RetentionPolicy policy(CliContext ctx) {
            RetentionPolicy.Builder b = RetentionPolicy.builder();
            try {
                if (keepLast != null) {
                    b.keepLast(keepLast);
                }
                if (keepWithin != null) {
                    b.keepWithin(Options.duration("--keep-within", keepWithin));
                } else if (ctx.env("BACKUP_RETENTION_DAYS") != null) {
                    String days = ctx.env("BACKUP_RETENTION_DAYS").strip();
                    if (!days.matches("[0-9]{1,5}") || Integer.parseInt(days) == 0) {
                        throw CliException.usage("BACKUP_RETENTION_DAYS='" + days + "' is not a positive whole number"
                                + " of days: set it to e.g. 14, or unset it and pass --keep-within");
                    }
                    b.keepWithin(Duration.ofDays(Integer.parseInt(days)));
                }
                if (keepDaily != null) {
                    b.keepDaily(keepDaily);
                }
                if (keepWeekly != null) {
                    b.keepWeekly(keepWeekly);
                }
                if (keepMonthly != null) {
                    b.keepMonthly(keepMonthly);
                }
                if (keepYearly != null) {
                    b.keepYearly(keepYearly);
                }
            } catch (InvalidInputException e) {
                throw CliException.usage("Invalid retention option: " + e.getMessage(), e);
            }
            return b.isEmpty() ? null : b.build();
        }
    }

    /** How to run neo4j-admin and the commands that stop and start the database. */
    static final class Admin {
        @Option(names = "--neo4j-home", paramLabel = "DIR", description = "Neo4j home: runs DIR/bin/neo4j-admin.")
        Path neo4jHome;

        @Option(names = "--admin-command", paramLabel = "\"ARGV\"",
                description = "How to run neo4j-admin, split into words like a shell would but never run through one, "
                        + "e.g. \"docker exec neo4j neo4j-admin\".")
        String adminCommand;

        @Option(names = "--stop-command", paramLabel = "\"ARGV\"",
                description = "Command that stops the database before a dump or load, e.g. \"docker stop neo4j\".")
        String stopCommand;

        @Option(names = "--start-command", paramLabel = "\"ARGV\"",
                description = "Command that starts the database again afterwards.")
        String startCommand;

        @Option(names = "--hook-timeout", paramLabel = "DURATION", defaultValue = "10m",
                description = "How long a stop or start command may take (default: ${DEFAULT-VALUE}).")
        String hookTimeout;

        boolean any() {
            return neo4jHome != null || adminCommand != null || stopCommand != null || startCommand != null;
        }

        List<String> stopArgv() {
            return stopCommand == null ? null : ArgvTokenizer.split(stopCommand);
        }

        List<String> startArgv() {
            return startCommand == null ? null : ArgvTokenizer.split(startCommand);
        }
    }

    /**
     * The age encryption for a backup, from {@code --age-recipient} keys and/or
     * {@code --age-passphrase-env}, or empty when neither is given.
     */
    static java.util.Optional<io.github.neo4jbackup.core.spi.Transformer> ageEncryption(Map<String, String> env,
                                                                                      List<String> recipients,
                                                                                      String passphraseEnv) {
        if ((recipients == null || recipients.isEmpty()) && passphraseEnv == null) {
            return java.util.Optional.empty();
        }
        try {
            io.github.neo4jbackup.encryption.age.AgeEncryption.Builder b =
                    io.github.neo4jbackup.encryption.age.AgeEncryption.builder();
            if (recipients != null) {
                for (String r : recipients) {
                    java.nio.file.Path file = java.nio.file.Path.of(r);
                    if (!r.startsWith("age1") && java.nio.file.Files.isRegularFile(file)) {
                        b.recipientsFile(file);
                    } else {
                        b.recipient(r);
                    }
                }
            }
            if (passphraseEnv != null) {
                b.passphraseFromEnv(passphraseEnv, env);
            }
            return java.util.Optional.of(b.build());
        } catch (InvalidInputException e) {
            throw CliException.usage(e.getMessage(), e);
        }
    }

    /**
     * The age decoder for verify and restore, from {@code --age-identity FILE} and/or
     * {@code --age-passphrase-env VAR}, or empty when neither is given.
     */
    static java.util.Optional<io.github.neo4jbackup.core.spi.Transformer> ageDecoder(List<String> identityFiles,
                                                                                   String passphraseEnv,
                                                                                   Map<String, String> env) {
        if ((identityFiles == null || identityFiles.isEmpty()) && passphraseEnv == null) {
            return java.util.Optional.empty();
        }
        try {
            io.github.neo4jbackup.encryption.age.AgeEncryption.Builder b =
                    io.github.neo4jbackup.encryption.age.AgeEncryption.builder();
            if (identityFiles != null) {
                for (String f : identityFiles) {
                    b.identityFile(java.nio.file.Path.of(f));
                }
            }
            if (passphraseEnv != null) {
                b.passphraseFromEnv(passphraseEnv, env);
            }
            return java.util.Optional.of(b.build());
        } catch (InvalidInputException e) {
            throw CliException.usage(e.getMessage(), e);
        }
    }

    /** Parses a duration option, turning the library's message into a usage error naming the flag. */
    static Duration duration(String flag, String text) {
        try {
            return RetentionPolicy.parseDuration(text);
        } catch (InvalidInputException e) {
            throw CliException.usage(flag + ": " + e.getMessage(), e);
        }
    }
}
