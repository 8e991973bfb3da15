package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.cli.service.Notifier;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.RestoreOptions;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.hook.BackupHooks;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.BackupHook;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.export.admin.AdminDumpSource;
import io.github.neo4jbackup.export.admin.AdminLoadSink;
import io.github.neo4jbackup.export.admin.Neo4jAdmin;
import io.github.neo4jbackup.export.cypher.apoc.ApocCypherSource;
import io.github.neo4jbackup.export.cypher.driver.DriverExportSource;
import io.github.neo4jbackup.export.cypher.driver.DriverRestoreSink;
import io.github.neo4jbackup.export.cypher.script.CypherScriptSink;
import org.neo4j.driver.Driver;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/** {@code neo4j-backup restore}: restores a verified backup into a database. */
@Command(name = "restore", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Restore a backup into a database. The backup is verified first (exit 3 and nothing written",
                "when it fails its checks). The restore engine is the one recorded in the manifest unless --engine",
                "overrides it. With --wipe a safety backup of the current database is taken first,",
                "into the --from repository unless --safety-backup-to or --no-safety-backup says otherwise.",
                "With --graphiti-group G (or --label/--where/--where-in/--where-range and --merge-on KEY) the",
                "selected subgraph is merged into the live database instead",
                "(see docs/selective-restore.md)."})
final class RestoreCommand extends AbstractCommand {

    @Option(names = "--from", required = true, paramLabel = "TARGET",
            description = "Repository: a directory, a file: URI or s3://bucket/prefix.")
    String from;

    @Mixin
    Options.S3 s3;

    @ArgGroup(exclusive = true, multiplicity = "1")
    BackupSelection selection;

    @Option(names = "--include-suspect",
            description = "Let --latest pick a backup a shrink guard marked suspect (skipped by default).")
    boolean includeSuspect;

    @Option(names = "--include-safety",
            description = "Let --latest pick a safety backup taken before an earlier restore (skipped by default).")
    boolean includeSafety;

    @Option(names = "--uri", paramLabel = "URI", description = "Neo4j Bolt URI to restore into (default: NEO4J_URI).")
    String uri;

    @Mixin
    Options.Credentials credentials;

    @Option(names = "--database", paramLabel = "DB",
            description = "Database to restore into (default: NEO4J_DATABASE, else the backup's database).")
    String database;

    @Option(names = "--engine", paramLabel = "driver|apoc|admin",
            description = "Override the restore engine recorded in the manifest.")
    Engine engine;

    @Mixin
    Options.Admin admin;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Safety safety;

    @Option(names = "--wipe", description = "Allow replacing a database that is not empty (its data and schema are deleted).")
    boolean wipe;

    @Option(names = "--yes", description = "Do not ask for confirmation (required without a terminal).")
    boolean yes;

    @Mixin
    Options.Decryption decryption;

    @Option(names = "--age-recipient", paramLabel = "KEY",
            description = "Encrypt the safety backup with age to this public key or recipients file (repeatable).")
    List<String> safetyRecipients = List.of();


    @Mixin
    WebhookOptions notify;

    @Option(names = "--json", description = "Print the restore result as one JSON document on stdout.")
    boolean json;

    @Mixin
    MergeRestoreOptions merge;

    @Option(names = "--writers", paramLabel = "N", description = "Concurrent write sessions of the driver-format "
            + "restore, for node and for relationship batches (1 to 16; default 2).")
    Integer writers;

    /** Where the safety backup goes. */
    static final class Safety {
        @Option(names = "--safety-backup-to", paramLabel = "TARGET",
                description = "Take the safety backup of the current database into this repository.")
        String to;

        @Option(names = "--no-safety-backup", description = "Take no safety backup (the current data is lost).")
        boolean none;
    }

    @Override
    boolean json() {
        return json;
    }

    @Override
    public Integer call() {
        try (Notifier notifier = notify.open(ctx(), true, Clock.systemUTC())) {
            try {
                return restore(notifier);
            } catch (RuntimeException e) {
                notifier.failedOutsidePipeline(Notifier.Operation.RESTORE, restoring != null ? restoring
                        : selection.describe(), null, e, ExitCodes.of(e) == ExitCodes.USAGE);
                throw e;
            }
        }
    }

    /** The id of the backup being restored, once known (for a notification of a failure). */
    private String restoring;

    private Integer restore(Notifier notifier) {
        try (Resources res = new Resources(ctx())) {
            StorageTarget target = res.target(from, "--from", s3, false);
            BackupPipeline pipeline = decryption.apply(pipeline(target).listener(notifier.restoreListener()),
                    ctx().env()).build();
            Manifest manifest = selection.resolve(pipeline, includeSuspect, includeSafety);
            restoring = manifest.id();
            if (merge.active()) { // selective restore into the live database: a run of its own
                return merge.run(this, res, pipeline, manifest, database(database, manifest.database()));
            }
            Engine e = engine != null ? engine : Engine.forSourceType(manifest.source().type(), manifest.id());
            String db = database(database, manifest.database());
            if (e.usesDriver() && admin.any()) {
                throw CliException.usage("--neo4j-home, --admin-command, --stop-command and --start-command apply to the"
                        + " admin engine only; backup " + manifest.id() + " restores with the " + e + " engine");
            }
            Driver driver = null;
            Neo4jAdmin neo4jAdmin = null;
            BackupHook hook = null;
            String where;
            if (e.usesDriver()) {
                var u = res.neo4jUri(uri, "--uri");
                where = "database '" + db + "' at " + Resources.redact(u.toString());
                driver = res.driver(u, credentials);
            } else {
                neo4jAdmin = res.admin(admin);
                hook = hook();
                where = "database '" + db + "' with " + neo4jAdmin.commandLine(java.util.List.of());
            }
            boolean destructive = wipe; // without it every sink refuses a database that holds data
            String safetyTo = safety == null ? null : safety.to;
            boolean takeSafety = safety == null ? destructive : !safety.none;
            confirm(manifest, where, destructive, takeSafety);
            // admin engine with a safety dump: stop once, dump, load, start once
            io.github.neo4jbackup.core.hook.OfflineWindow window = hook != null && takeSafety
                    ? io.github.neo4jbackup.core.hook.OfflineWindow.around(hook, 2) : null;
            if (window != null) {
                hook = window.step();
            }

            RestoreSink sink;
            try {
                sink = switch (e) {
                    case driver -> {
                        DriverRestoreSink.Builder b = DriverRestoreSink.builder(driver).database(db).wipe(wipe);
                        if (writers != null) {
                            b.writers(writers).relationshipWriters(writers); // out of range: a usage error below
                        }
                        yield b.build();
                    }
                    case apoc -> CypherScriptSink.builder(driver).database(db).wipe(wipe).build();
                    case admin -> {
                        AdminLoadSink.Builder b = AdminLoadSink.builder(neo4jAdmin, db).overwriteDestination(wipe);
                        if (hook != null) {
                            b.hook(hook);
                        }
                        yield b.build();
                    }
                };
            } catch (InvalidInputException ex) {
                throw CliException.usage(ex.getMessage(), ex);
            }
            RestoreOptions options = RestoreOptions.defaults();
            if (takeSafety) {
                StorageTarget safetyTarget = safetyTo == null ? target : res.target(safetyTo, "--safety-backup-to", s3, true);
                BackupSource source = switch (e) {
                    case driver -> DriverExportSource.builder(driver).database(db).build();
                    case apoc -> ApocCypherSource.builder(driver).database(db).build();
                    // as `backup --engine admin`: no `database info` run (a second neo4j-admin JVM) in the
                    // offline window; the dump itself refuses a database still in use
                    case admin -> AdminDumpSource.builder(neo4jAdmin, db).describeDatabase(false).build();
                };
                BackupPipeline.Builder sb = pipeline(safetyTarget).source(source).transform(Compression.zstd());
                Options.ageEncryption(ctx().env(), safetyRecipients, null).ifPresent(sb::transform);
                if (safetyRecipients.isEmpty()
                        && manifest.transformers().stream().anyMatch(t -> t.id().equals("age"))) {
                    say("Warning: the restored backup is age-encrypted but the safety backup is not; pass "
                            + "--age-recipient KEY to encrypt it too");
                }
                manifest.labels().forEach(sb::label); // a key template may name them
                sb.label("purpose", "safety-backup");
                if (hook != null) {
                    sb.hook(hook);
                }
                options = options.withSafetyBackup(sb.build());
                say("A safety backup of " + where + " is taken first, into " + safetyTarget.describe());
            }
            say("Restoring backup " + manifest.id() + " (" + manifest.source().type() + ") into " + where);
            RestoreResult result;
            try {
                result = pipeline.restore(manifest.id(), sink, options);
            } catch (InvalidInputException ex) {
                if (!wipe && String.valueOf(ex.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("empty")) {
                    throw CliException.usage(ex.getMessage() + " (pass --wipe to replace the current contents)", ex);
                }
                throw ex;
            } finally {
                if (window != null) {
                    window.close(); // starts the database if a failure left it stopped
                }
            }
            say("Restored backup " + manifest.id() + ": " + ProgressListener.bytes(result.rawBytes()) + " in "
                    + result.duration().toMillis() + " ms"
                    + result.countsMatched().map(m -> m ? ", counts match the manifest" : ", COUNTS DIFFER from the manifest").orElse("")
                    + result.safetyBackup().map(id -> "; safety backup " + id).orElse(""));
            String note = result.sinkResult().attributes().get("restore.note");
            if (note != null) {
                say(note);
            }
            // stored types the restore could not reproduce (e.g. 32-bit integer arrays through Bolt)
            Map<String, String> restoredFacts = result.sinkResult().attributes();
            if (restoredFacts.containsKey("census.warnings")) {
                say("Warning: stored types not reproduced exactly: " + restoredFacts.get("census.warnings"));
            }
            if (restoredFacts.containsKey("census.differences")) {
                say("Warning: STORED TYPES DIFFER from the backup: " + restoredFacts.get("census.differences"));
            }
            if (json) {
                printJson(Json.restore(result, db));
            }
            return ExitCodes.OK;
        }
    }

    private BackupHook hook() {
        if (admin.stopCommand == null && admin.startCommand == null) {
            return null;
        }
        if (admin.stopCommand == null || admin.startCommand == null) {
            throw CliException.usage("--stop-command and --start-command go together: the database must be started"
                    + " again after the load");
        }
        try {
            return BackupHooks.commands(admin.stopArgv(), admin.startArgv(),
                    Options.duration("--hook-timeout", admin.hookTimeout), Map.of());
        } catch (InvalidInputException ex) {
            throw CliException.usage(ex.getMessage(), ex);
        }
    }

    private void confirm(Manifest manifest, String where, boolean destructive, boolean takeSafety) {
        if (yes) {
            return;
        }
        String question = "Restore backup " + manifest.id() + " (" + manifest.finishedAt() + ") into " + where
                + (destructive ? ", REPLACING its current contents" + (takeSafety ? " (a safety backup is taken first)"
                : " (NO safety backup)") : "") + "? Type 'yes' to continue: ";
        if (!ctx().interactive()) {
            throw CliException.usage("Refusing to restore without confirmation: no terminal to ask on. Pass --yes to"
                    + " confirm restoring backup " + manifest.id() + " into " + where);
        }
        String answer = ctx().prompt().apply(question);
        if (answer == null || !answer.strip().equalsIgnoreCase("yes")) {
            throw CliException.usage("Restore cancelled: the answer was not 'yes' (pass --yes to skip the question)");
        }
    }
}
