package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.lock.UnlockResult;
import io.github.neo4jbackup.core.spi.StorageTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.time.Instant;

/** {@code neo4j-backup unlock}: removes repository locks whose holders are dead or stale. */
@Command(name = "unlock", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Remove repository locks whose holders are gone (a process on this host that no longer runs)"
                + " or stale (no heartbeat for the stale period), and say what was removed.",
                "Live locks are kept (exit 4) unless --force is given."})
final class UnlockCommand extends AbstractCommand {

    @Option(names = "--from", required = true, paramLabel = "TARGET",
            description = "Repository: a directory, a file: URI or s3://bucket/prefix.")
    String from;

    @Mixin
    Options.S3 s3;

    @Option(names = "--database", paramLabel = "DB",
            description = "Only this database's lock (default: NEO4J_DATABASE, else every lock in the repository).")
    String database;

    @Option(names = "--force", description = "Remove live locks too. Only when you are sure their runs are not "
            + "running: a run whose lock is removed stops at its next heartbeat, but may overlap until then.")
    boolean force;

    @Option(names = "--json", description = "Print what was removed and kept as one JSON document on stdout.")
    boolean json;

    Clock clock = Clock.systemUTC();

    @Override
    boolean json() {
        return json;
    }

    @Override
    public Integer call() {
        try (Resources res = new Resources(ctx())) {
            StorageTarget target = res.target(from, "--from", s3, false);
            String db = database(database, null);
            UnlockResult result;
            try {
                result = pipeline(target).build().unlock(db, force);
            } catch (InvalidInputException e) {
                throw CliException.usage(e.getMessage(), e);
            }
            Instant now = clock.instant();
            for (UnlockResult.Entry e : result.removed()) {
                say((e.forced() ? "Warning: removed the LIVE lock " : "Removed the lock ") + e.lock().key().value()
                        + " of " + e.lock().describe(now) + ": " + (e.forced() ? "--force was given"
                        : e.state().reason()));
            }
            for (UnlockResult.Entry e : result.kept()) {
                say("Kept the lock " + e.lock().key().value() + " of " + e.lock().describe(now) + ": it is "
                        + e.state().reason() + " (expires " + e.lock().expiresAt() + "). Use --force only if you are"
                        + " sure that run is not running.");
            }
            if (result.removed().isEmpty() && result.kept().isEmpty()) {
                say("No locks" + (db == null ? "" : " of database '" + db + "'") + " on " + target.describe());
            }
            if (json) {
                printJson(Json.unlock(target.describe(), result, now));
            }
            return result.kept().isEmpty() ? ExitCodes.OK : ExitCodes.LOCKED;
        }
    }
}
