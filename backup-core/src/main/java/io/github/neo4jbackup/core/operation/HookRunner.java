package io.github.neo4jbackup.core.operation;

import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.core.spi.BackupHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Runs a {@link BackupHook} around the export of a backup run: {@code beforeBackup}, the export,
 * then {@code afterBackup} whatever happened, and measures how long the database was unavailable.
 * A failure of {@code afterBackup} after a successful export does not undo the backup: it is kept
 * in the {@link Outcome} for the run to report once the backup is stored.
 */
final class HookRunner {

    private static final Logger LOG = LoggerFactory.getLogger(HookRunner.class);

    /** What the hook did: attributes for the manifest, and a failure of afterBackup. */
    static final class Outcome {
        final Map<String, String> attributes = new TreeMap<>();
        IOException afterFailure;
    }

    private HookRunner() {
    }

    static <T> T around(BackupHook hook, String database, Outcome outcome, Supplier<T> export) {
        if (hook == null) {
            return export.get();
        }
        outcome.attributes.put("hook", hook.name());
        long start = System.nanoTime();
        boolean succeeded = false;
        RuntimeException failure = null;
        try {
            try {
                LOG.info("Running the {} hook before backing up '{}'", hook.name(), database);
                hook.beforeBackup(database);
            } catch (IOException e) {
                throw new SourceFailedException("The " + hook.name() + " hook could not prepare database '" + database
                        + "' for the backup: " + e.getMessage() + ". Nothing was backed up.", e);
            }
            T result = export.get();
            succeeded = true;
            return result;
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            try {
                LOG.info("Running the {} hook after backing up '{}'", hook.name(), database);
                hook.afterBackup(database, succeeded);
            } catch (IOException | RuntimeException e) {
                IOException io = e instanceof IOException ioe ? ioe : new IOException(e.getMessage(), e);
                LOG.error("The {} hook failed to bring database '{}' back after the backup: {}. The database may "
                        + "still be stopped: check it now.", hook.name(), database, e.getMessage());
                if (failure != null) {
                    failure.addSuppressed(io);
                } else {
                    outcome.afterFailure = io;
                }
            }
            if (hook.takesDatabaseOffline()) {
                long ms = (System.nanoTime() - start) / 1_000_000;
                outcome.attributes.put("downtime.ms", Long.toString(ms));
                LOG.info("Database '{}' was unavailable for {} ms", database, ms);
            }
        }
    }
}
