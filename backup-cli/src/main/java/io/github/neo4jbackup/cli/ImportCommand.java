package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.Transformer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/** {@code neo4j-backup import}: adopts an existing neo4j-admin dump or Cypher script as a backup. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Adopt an existing neo4j-admin dump or Cypher script (APOC export) as a backup of a repository,",
                "with a full manifest, so that list, verify, restore and prune treat it like any other.",
                "The format is told from the file's header; any other file is refused and nothing is written."})
final class ImportCommand extends AbstractCommand {

    /** The compression choices. */
    enum Compress { zstd, gzip, none }

    @Option(names = "--file", required = true, paramLabel = "PATH", description = "The dump or script to adopt.")
    Path file;

    @Option(names = "--to", required = true, paramLabel = "TARGET",
            description = "Repository: a directory, a file: URI or s3://bucket/prefix.")
    String to;

    @Mixin
    Options.S3 s3;

    @Option(names = "--database", paramLabel = "DB",
            description = "The database the file holds (default: NEO4J_DATABASE, else neo4j).")
    String database;

    @Option(names = "--taken-at", paramLabel = "TIME",
            description = "When the file was taken: 2025-12-24T03:00:00Z, an offset date-time, or a date (midnight UTC);"
                    + " names the backup and dates it for retention (default: the file's modification time).")
    String takenAt;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label recorded in the manifest (repeatable).")
    List<String> labels = List.of();

    @Option(names = "--compress", paramLabel = "zstd|gzip|none", defaultValue = "zstd",
            description = "Compression of scripts (default: ${DEFAULT-VALUE}); dumps are compressed already and stored as they are.")
    Compress compress;

    @Option(names = "--level", paramLabel = "N", description = "Compression level (zstd 1-22, gzip 1-9).")
    Integer level;

    @Option(names = "--zstd-workers", paramLabel = "N", description = "Background threads for zstd compression (0"
            + " compresses on the exporting thread; default: 1 when the machine has 2 or more cores, else 0).")
    Integer zstdWorkers;

    @Option(names = "--age-recipient", paramLabel = "KEY",
            description = "Encrypt with age to this X25519 public key (age1...) or recipients file (repeatable).")
    List<String> ageRecipients = List.of();

    @Option(names = "--age-passphrase-env", paramLabel = "VAR",
            description = "Encrypt with age to the passphrase in this environment variable (scrypt).")
    String agePassphraseEnv;

    @Option(names = "--json", description = "Print the result as one JSON document on stdout.")
    boolean json;

    @Override
    boolean json() {
        return json;
    }

    @Override
    public Integer call() {
        String db = database(database, "neo4j");
        Instant taken = takenAt == null ? null : parseTime(takenAt);
        try (Resources res = new Resources(ctx())) {
            StorageTarget target = res.target(to, "--to", s3, true);
            BackupPipeline.Builder b = pipeline(target).verifyAfterBackup(VerifyLevel.FULL);
            compression().ifPresent(b::transform);
            Options.ageEncryption(ctx().env(), ageRecipients, agePassphraseEnv).ifPresent(b::transform);
            for (String label : labels) {
                int eq = label.indexOf('=');
                if (eq <= 0) {
                    throw CliException.usage("--label '" + label + "' is not KEY=VALUE: write e.g. --label origin=legacy");
                }
                b.label(label.substring(0, eq), label.substring(eq + 1));
            }
            BackupPipeline pipeline;
            try {
                pipeline = b.build();
            } catch (InvalidInputException e) {
                throw CliException.usage(e.getMessage(), e);
            }
            BackupResult result = pipeline.importFile(file, db, taken);
            say("Imported " + file + " (" + result.manifest().source().type() + ") as backup " + result.id()
                    + " of database '" + db + "': " + ProgressListener.bytes(result.storedSize()) + " stored at "
                    + result.dataKey().value() + ", read back and checked");
            if (json) {
                printJson(Json.backup(result));
            }
            return ExitCodes.OK;
        }
    }

    static Instant parseTime(String text) {
        String t = text.strip();
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            // try the other forms
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            // try a date
        }
        try {
            return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw CliException.usage("--taken-at '" + text + "' is not a time: write e.g. 2025-12-24T03:00:00Z, "
                    + "2025-12-24T04:00:00+01:00 or 2025-12-24", e);
        }
    }

    private Optional<Transformer> compression() {
        return Compressions.of(compress.name(), level, zstdWorkers);
    }
}
