package io.github.neo4jbackup.export.admin;

import io.github.neo4jbackup.core.DatabaseName;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.BackupHook;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.export.admin.internal.AdminProcess;
import io.github.neo4jbackup.export.admin.internal.DumpFormat;
import io.github.neo4jbackup.export.admin.internal.WithheldTailOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Restores a dump made by {@link AdminDumpSource} with
 * {@code neo4j-admin database load <db> --from-stdin --overwrite-destination=true}, streaming the
 * decoded backup into the tool's standard input.
 *
 * <pre>{@code
 * pipeline.restore(id, AdminLoadSink.builder(admin, "neo4j").checkAfterLoad(true).build(),
 *         RestoreOptions.defaults().withSafetyBackup(safetyPipeline));
 * }</pre>
 *
 * <p>Neo4j must not have the database open: stop the server first, or give the sink a
 * {@link Builder#hook(BackupHook) hook} that stops it before the load and starts it afterwards.
 *
 * <p>The pipeline verifies the stored checksum while the sink reads and reports a mismatch only
 * at the end of the stream. So that neo4j-admin can never complete a load of damaged data, the
 * sink always holds the last megabyte back (the end of the zstd stream and of the tar inside it)
 * until the stream has ended and verified; when the verification (or anything else) fails, the
 * process is killed while it still waits for those bytes, and standard input is never closed
 * normally. The database directory may then hold a partial load: restore another backup (or the
 * safety backup) before starting Neo4j. With {@link io.github.neo4jbackup.core.RestoreOptions#verifyFirst()}
 * (the default) a damaged backup is refused before the tool starts at all.
 */
public final class AdminLoadSink implements RestoreSink {

    private static final Logger LOG = LoggerFactory.getLogger(AdminLoadSink.class);
    /** Bytes held back from neo4j-admin until the stream verified: more than a zstd block (128 KiB). */
    static final int WITHHELD_BYTES = 1024 * 1024;
    /**
     * Result attribute: a note for the user about the loaded store, e.g. that a dump of an older
     * Neo4j keeps its store format and index providers (with the {@code neo4j-admin database
     * migrate} command that moves it on).
     */
    public static final String RESTORE_NOTE = "restore.note";

    private final Neo4jAdmin admin;
    private final String database;
    private final boolean overwriteDestination;
    private final AdminCheck check;
    private final BackupHook hook;
    private final OnlineProbe afterLoadProbe;

    private AdminLoadSink(Builder b) {
        this.admin = b.admin;
        this.database = b.database;
        this.overwriteDestination = b.overwriteDestination;
        this.check = b.check;
        this.hook = b.hook;
        this.afterLoadProbe = b.afterLoadProbe;
    }

    /**
     * A builder.
     *
     * @param admin    how to run neo4j-admin
     * @param database the database to load into (validated at once)
     * @return the builder
     * @throws io.github.neo4jbackup.core.InvalidInputException when the name is invalid
     */
    public static Builder builder(Neo4jAdmin admin, String database) {
        return new Builder(admin, database);
    }

    /**
     * A sink with the defaults (overwrite the destination, no check, no hook).
     *
     * @param admin    how to run neo4j-admin
     * @param database the database to load into
     * @return the sink
     */
    public static AdminLoadSink of(Neo4jAdmin admin, String database) {
        return builder(admin, database).build();
    }

    /**
     * Accepts backups made by {@link AdminDumpSource} ({@value AdminDumpSource#TYPE}).
     *
     * @param sourceType the engine id in the manifest
     * @return whether it is a dump
     */
    @Override
    public boolean accepts(String sourceType) {
        return AdminDumpSource.TYPE.equals(sourceType);
    }

    /**
     * The database loaded into.
     *
     * @return the name
     */
    public String database() {
        return database;
    }

    @Override
    public SinkResult restore(InputStream data, Manifest manifest) throws IOException {
        byte[] header = data.readNBytes(4);
        String format = DumpFormat.recognise(header, header.length);
        if (format == null) {
            throw new IOException("Backup " + manifest.id() + " is not a neo4j-admin dump: it starts with "
                    + DumpFormat.show(header, header.length) + " instead of a dump header (DZV1). Nothing was loaded.");
        }
        if (!manifest.database().equals(database)) {
            LOG.info("Loading backup {} of database '{}' into database '{}'", manifest.id(), manifest.database(),
                    database);
        }
        String sourceVersion = manifest.source().neo4jVersion();
        String targetVersion = DumpVersions.installed(admin).orElse(null);
        DumpVersions.refuseDowngrade(manifest.id(), database, sourceVersion, targetVersion);
        Map<String, String> attributes = new TreeMap<>();
        attributes.put("load.format", format);
        if (targetVersion != null) {
            attributes.put("load.targetNeo4jVersion", targetVersion);
        }
        String upgradeNote = DumpVersions.upgradeNote(manifest.id(), database, sourceVersion, targetVersion);
        if (upgradeNote != null) {
            attributes.put(RESTORE_NOTE, upgradeNote);
        }
        if (hook != null) {
            try {
                LOG.info("Running the {} hook before loading into '{}'", hook.name(), database);
                hook.beforeBackup(database);
            } catch (IOException | RuntimeException e) {
                IOException failure = new IOException("The " + hook.name() + " hook could not stop database '"
                        + database + "' before the load: " + e.getMessage() + ". Nothing was loaded.", e);
                startAgain(failure, false);
                throw failure;
            }
        }
        boolean loaded = false;
        LoadState state = new LoadState();
        try {
            long start = System.nanoTime();
            load(header, data, manifest, state);
            attributes.put("load.ms", Long.toString((System.nanoTime() - start) / 1_000_000));
            if (check != null) {
                CheckReport report = check.check(database);
                attributes.put("check.outcome", report.outcome().name());
                attributes.put("check.ms", Long.toString(report.duration().toMillis()));
                report.reportFile().ifPresent(f -> attributes.put("check.report", f.toString()));
                if (!report.consistent()) {
                    throw new AdminCommandException("Backup " + manifest.id() + " was loaded into database '" + database
                            + "', but the consistency check after the load did not pass (" + report.outcome() + "): "
                            + String.join("; ", report.problems()) + ". Do not start the database on it: restore "
                            + "another backup.", report.exitCode().isPresent() ? report.exitCode().getAsInt() : null,
                            null, null);
                }
            }
            loaded = true;
        } catch (IOException | RuntimeException e) {
            if (hook != null) {
                boolean refusedAtOnce = e instanceof AdminCommandException ace && AdminFailures.inUse(ace.errorTail());
                if (state.destinationTouched && !refusedAtOnce) {
                    LOG.error("Not running the {} hook after the failed load: database '{}' may hold a partial load "
                            + "and Neo4j must not start on it. Restore the safety backup or another backup, then start "
                            + "Neo4j.", hook.name(), database);
                    e.addSuppressed(new IOException("Neo4j was left stopped: database '" + database + "' may hold a "
                            + "partial load. Restore the safety backup or another backup, then start Neo4j."));
                } else {
                    startAgain(e, false);
                }
            }
            throw e;
        }
        if (hook != null) {
            IOException failure = startAgain(null, loaded);
            if (failure != null) {
                throw new IOException("Backup " + manifest.id() + " was loaded into database '" + database
                        + "', but the " + hook.name() + " hook that starts Neo4j again failed: " + failure.getMessage()
                        + ". Neo4j may still be stopped: start it now.", failure);
            }
        }
        GraphCounts counts = GraphCounts.UNKNOWN;
        if (afterLoadProbe != null) {
            try {
                Map<String, String> probed = afterLoadProbe.attributes(database);
                if (probed != null) {
                    attributes.putAll(probed);
                }
                GraphCounts probedCounts = afterLoadProbe.counts(database);
                if (probedCounts != null) {
                    counts = probedCounts;
                }
            } catch (Exception e) {
                throw new IOException("Backup " + manifest.id() + " was loaded into database '" + database
                        + "', but the probe after the load failed: " + e.getMessage() + ". Check that Neo4j started "
                        + "(give the sink a hook that starts it).", e);
            }
        }
        if (upgradeNote != null) {
            LOG.warn(upgradeNote);
        }
        return new SinkResult(counts, attributes);
    }

    private IOException startAgain(Throwable earlier, boolean succeeded) {
        try {
            LOG.info("Running the {} hook after loading into '{}'", hook.name(), database);
            hook.afterBackup(database, succeeded);
            return null;
        } catch (IOException | RuntimeException e) {
            IOException io = e instanceof IOException ioe ? ioe : new IOException(e.getMessage(), e);
            LOG.error("The {} hook failed to start Neo4j again after the load into '{}': {}. Neo4j may still be "
                    + "stopped: start it now.", hook.name(), database, e.getMessage());
            if (earlier != null) {
                earlier.addSuppressed(io);
            }
            return io;
        }
    }

    /** Whether the destination may have been changed (neo4j-admin load ran and did not refuse at once). */
    private static final class LoadState {
        boolean destinationTouched;
    }

    private void load(byte[] header, InputStream data, Manifest manifest, LoadState state) throws IOException {
        // neo4j-admin is started only now, after the pipeline's check of the whole backup (verifyFirst), and
        // not while that check runs to hide its JVM start: `database load` deletes the database before it reads
        // a byte of its input. In 5.26 and 2026.x, LoadDumpExecutor.execute takes the database lock, then
        // deleteIfNecessary(layout, overwrite) removes the store files (all but the lock file) and the
        // transaction logs, and only then does Loader.load open standard input. A load started early and killed
        // because the check failed would leave the database deleted (measured: with nothing written to its
        // standard input, databases/<db> held only database_lock and `database info` reported no database).
        List<String> args = admin.databaseArguments("load", database,
                List.of("--from-stdin", "--overwrite-destination=" + overwriteDestination));
        AdminProcess process = admin.start(args, admin.timeout(), AdminProcess.Stdout.DRAIN, true);
        state.destinationTouched = true;
        try (process) {
            WithheldTailOutputStream feed = new WithheldTailOutputStream(process.stdin(), WITHHELD_BYTES);
            DumpFormat.Checker checker = new DumpFormat.Checker();
            checker.update(header, 0, header.length);
            write(process, feed, header, header.length);
            byte[] buffer = new byte[64 * 1024];
            while (true) {
                int n;
                try {
                    n = data.read(buffer);
                } catch (IOException | RuntimeException e) {
                    throw abort(process, manifest, e);
                }
                if (n < 0) {
                    break;
                }
                checker.update(buffer, 0, n);
                if (checker.invalid()) {
                    throw abort(process, manifest, new IOException("Backup " + manifest.id()
                            + " is not a well-formed dump: " + checker.problem()));
                }
                write(process, feed, buffer, n);
            }
            String problem = checker.problemAtEnd();
            if (problem != null) {
                throw abort(process, manifest, new IOException("Backup " + manifest.id() + " is not a complete dump: "
                        + problem));
            }
            try {
                feed.release();
                process.stdin().close();
            } catch (IOException e) {
                throw processFailed(process, e);
            }
            int exit = process.waitFor();
            if (process.timedOut()) {
                throw new AdminCommandException(AdminFailures.timedOut(process) + ". The database directory may hold a "
                        + "partial load: restore again before starting Neo4j.", null, process.diagnostics(), null);
            }
            if (exit != 0) {
                throw failure(process, exit, null);
            }
            LOG.info("Loaded backup {} into database '{}': {} bytes in {} ms", manifest.id(), database,
                    checker.bytes(), process.elapsed().toMillis());
        }
    }

    private static void write(AdminProcess process, WithheldTailOutputStream feed, byte[] bytes, int n)
            throws IOException {
        try {
            feed.write(bytes, 0, n);
        } catch (IOException e) {
            throw processFailed(process, e);
        }
    }

    /** neo4j-admin stopped reading: it exited (or is about to); report its exit status. */
    private static IOException processFailed(AdminProcess process, IOException writeFailure) throws IOException {
        int exit = process.waitFor();
        if (process.timedOut()) {
            return new AdminCommandException(AdminFailures.timedOut(process) + ". The database directory may hold a "
                    + "partial load: restore again before starting Neo4j.", null, process.diagnostics(), writeFailure);
        }
        if (exit == 0) {
            return new AdminCommandException(process.description() + " exited before it read the whole dump ("
                    + writeFailure.getMessage() + "). The database directory may hold a partial load: restore again "
                    + "before starting Neo4j.", exit, process.diagnostics(), writeFailure);
        }
        return failure(process, exit, writeFailure);
    }

    private static AdminCommandException failure(AdminProcess process, int exit, Throwable cause) {
        String diagnostics = process.diagnostics();
        String what = AdminFailures.exited(process, exit);
        if (AdminFailures.inUse(diagnostics)) {
            return new AdminCommandException(what + ": the database is in use by a running Neo4j server. Stop Neo4j "
                    + "before restoring (or give AdminLoadSink.Builder.hook(..) a hook that stops and starts it, e.g. "
                    + "BackupHooks.commands(..) with docker stop/start or systemctl stop/start). Nothing was loaded.",
                    exit, diagnostics, cause);
        }
        return new AdminCommandException(what + ". The database directory may hold a partial load: restore again "
                + "before starting Neo4j.", exit, diagnostics, cause);
    }

    /**
     * Stops the load before neo4j-admin can complete it: kills the process (standard input is never
     * closed normally) and explains what state the database is in.
     */
    private IOException abort(AdminProcess process, Manifest manifest, Throwable reason) {
        process.kill();
        try {
            process.waitFor();
        } catch (IOException e) {
            reason.addSuppressed(e);
        }
        String note = "neo4j-admin database load was killed before it completed, so it did not load backup "
                + manifest.id() + "; database '" + database + "' may now hold a partial load. Do not start Neo4j on "
                + "it: restore another backup (or the safety backup) first.";
        LOG.error("{} Cause: {}", note, reason.getMessage());
        if (reason instanceof IntegrityException integrity) {
            integrity.addSuppressed(new IOException(note));
            throw integrity;
        }
        if (reason instanceof RuntimeException runtime) {
            runtime.addSuppressed(new IOException(note));
            throw runtime;
        }
        return new IOException(reason.getMessage() + ". " + note, reason);
    }

    @Override
    public String toString() {
        return "AdminLoadSink[database=" + database + ", " + admin + "]";
    }

    /** Builds an immutable {@link AdminLoadSink}. Not thread-safe. */
    public static final class Builder {
        private final Neo4jAdmin admin;
        private final String database;
        private boolean overwriteDestination = true;
        private AdminCheck check;
        private BackupHook hook;
        private OnlineProbe afterLoadProbe;

        private Builder(Neo4jAdmin admin, String database) {
            this.admin = Objects.requireNonNull(admin, "admin");
            this.database = DatabaseName.validate(database);
        }

        /**
         * Whether an existing database is replaced (default {@code true}; with {@code false} the
         * load fails when the database exists).
         *
         * @param value the setting
         * @return this builder
         */
        public Builder overwriteDestination(boolean value) {
            this.overwriteDestination = value;
            return this;
        }

        /**
         * Runs {@code neo4j-admin database check} on the database after the load with the default
         * check options (default off; takes about as long as the load or longer). An inconsistent
         * result fails the restore.
         *
         * @param value the setting
         * @return this builder
         */
        public Builder checkAfterLoad(boolean value) {
            this.check = value ? AdminCheck.of(admin) : null;
            return this;
        }

        /**
         * Runs this check on the database after the load (see {@link #checkAfterLoad(boolean)}).
         *
         * @param value the check, or {@code null} for none
         * @return this builder
         */
        public Builder checkAfterLoad(AdminCheck value) {
            this.check = value;
            return this;
        }

        /**
         * Facts to gather once the load is done and the {@link #hook hook} has started Neo4j again
         * (e.g. the content and schema fingerprints, and the counts when the probe overrides
         * {@link OnlineProbe#counts}), reported in the sink result so that
         * {@code verify(id, VerifyLevel.RESTORE, sink)} compares them with the manifest.
         *
         * @param value the probe, or {@code null} for none
         * @return this builder
         */
        public Builder afterLoadProbe(OnlineProbe value) {
            this.afterLoadProbe = value;
            return this;
        }

        /**
         * A hook run around the load: {@code beforeBackup} stops Neo4j before the tool starts,
         * {@code afterBackup} starts it again afterwards, whatever happened (for example
         * {@link io.github.neo4jbackup.core.hook.BackupHooks#commands}).
         *
         * @param value the hook, or {@code null} for none
         * @return this builder
         */
        public Builder hook(BackupHook value) {
            this.hook = value;
            return this;
        }

        /**
         * Builds the sink.
         *
         * @return the sink
         */
        public AdminLoadSink build() {
            return new AdminLoadSink(this);
        }
    }
}
