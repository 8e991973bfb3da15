package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.hook.BackupHooks;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.spi.BackupHook;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.export.admin.AdminCheck;
import io.github.neo4jbackup.export.admin.AdminDumpSource;
import io.github.neo4jbackup.export.admin.AdminLoadSink;
import io.github.neo4jbackup.export.admin.CheckReport;
import io.github.neo4jbackup.export.cypher.restore.TargetDatabase;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.exceptions.Neo4jException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code verify} of a neo4j-admin dump against a stopped, disposable installation
 * ({@code --neo4j-home DIR}): the dump is loaded with {@code neo4j-admin database load
 * --overwrite-destination}; with {@code --check} the loaded database is checked with
 * {@code neo4j-admin database check}; with {@code --restore-into URI} the installation is started
 * with {@code --start-command}, the counts, fingerprints and stored types read over Bolt are
 * compared with the ones the backup recorded, and {@code --stop-command} stops it again (the loaded
 * database stays). A scratch database of {@code --check} alone that did not exist before is removed
 * afterwards.
 */
final class AdminVerification {

    /** The database {@code --check} loads into when no {@code --database} is given. */
    static final String DEFAULT_SCRATCH = "verifyscratch";

    private final ScratchInstallation installation;
    private final String database;
    private final boolean check;
    private final URI restoreInto;
    private final BackupHook commands;
    private final Duration serverTimeout;
    private final Connector connector;
    private final Consumer<String> say;

    /** Opens a driver to the started installation (and checks that it answers). */
    @FunctionalInterface
    interface Connector {
        Driver connect(URI uri);
    }

    /**
     * The result: the verification, the check (when asked and run) and whether the installation
     * was left stopped.
     *
     * @param report  the verification report
     * @param check   the consistency check, or {@code null} when not run
     * @param stopped {@code false} when the stop command failed after a start
     * @param removed whether the scratch database was removed afterwards
     */
    record Outcome(VerifyReport report, CheckReport check, boolean stopped, boolean removed) {
    }

    /**
     * Creates the verification.
     *
     * @param installation  the stopped installation
     * @param database      the database to load into
     * @param check         whether to run the consistency check on it
     * @param restoreInto   the Bolt URI of the installation once started, or {@code null}
     * @param commands      stop ({@code beforeBackup}) and start ({@code afterBackup}) commands, or
     *                      {@code null} without {@code restoreInto}
     * @param serverTimeout how long to wait for the started server to answer
     * @param connector     opens drivers
     * @param say           prints progress lines
     */
    AdminVerification(ScratchInstallation installation, String database, boolean check, URI restoreInto,
                      BackupHook commands, Duration serverTimeout, Connector connector, Consumer<String> say) {
        this.installation = installation;
        this.database = database;
        this.check = check;
        this.restoreInto = restoreInto;
        this.commands = commands;
        this.serverTimeout = serverTimeout;
        this.connector = connector;
        this.say = say;
    }

    /** The stop/start hook of the command options, checked. */
    static BackupHook commands(List<String> stop, List<String> start, Duration timeout) {
        try {
            return BackupHooks.commands(stop, start, timeout, Map.of());
        } catch (InvalidInputException e) {
            throw CliException.usage(e.getMessage(), e);
        }
    }

    /**
     * Runs the verification of one backup.
     *
     * @param pipeline the pipeline over the repository
     * @param manifest the backup, a neo4j-admin dump
     * @return the outcome
     */
    Outcome run(BackupPipeline pipeline, Manifest manifest) {
        // --check alone loads into a scratch database, removed afterwards unless it was there before;
        // --restore-into loads into the database the started server serves, which stays
        boolean scratch = restoreInto == null
                && installation.databaseFolders(database).stream().noneMatch(Files::exists);
        Sink sink = new Sink();
        VerifyReport report;
        boolean stopped = true;
        boolean removed = false;
        try {
            report = pipeline.verify(manifest.id(), VerifyLevel.RESTORE, sink);
        } finally {
            if (sink.started) {
                try {
                    commands.beforeBackup(database);
                    say.accept("Stopped the Neo4j server of " + installation.home() + " again");
                } catch (IOException | RuntimeException e) {
                    stopped = false;
                    say.accept("Warning: the stop command failed (" + e.getMessage() + "): the Neo4j server of "
                            + installation.home() + " may still run; stop it before the next verify");
                }
            }
            if (scratch) {
                removed = installation.removeDatabase(database);
                if (!removed) {
                    say.accept("Warning: could not remove the scratch database '" + database + "' from "
                            + installation.home() + " (see the log); remove its folders by hand");
                }
            }
        }
        return new Outcome(report, sink.report, stopped, removed);
    }

    /** The check report as JSON. */
    static ObjectNode json(CheckReport r) {
        ObjectNode o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        o.put("database", r.database());
        o.put("outcome", r.outcome().name());
        o.put("consistent", r.consistent());
        if (r.exitCode().isPresent()) {
            o.put("exitCode", r.exitCode().getAsInt());
        }
        r.problems().forEach(o.putArray("problems")::add);
        r.reportFile().ifPresent(f -> o.put("reportFile", f.toString()));
        o.put("durationMillis", r.duration().toMillis());
        return o;
    }

    /** Loads, checks, starts and reads the installation. */
    private final class Sink implements RestoreSink {
        private CheckReport report;
        private boolean started;

        @Override
        public boolean accepts(String sourceType) {
            return AdminDumpSource.TYPE.equals(sourceType);
        }

        @Override
        public SinkResult restore(InputStream data, Manifest manifest) throws IOException {
            say.accept("Loading backup " + manifest.id() + " into database '" + database + "' of "
                    + installation.home() + " (overwritten)");
            SinkResult loaded = AdminLoadSink.of(installation.admin(), database).restore(data, manifest);
            Map<String, String> attributes = new TreeMap<>(loaded.attributes());
            if (check) {
                say.accept("Checking database '" + database + "' with neo4j-admin database check");
                report = AdminCheck.of(installation.admin()).check(database);
                attributes.put("check.outcome", report.outcome().name());
                attributes.put("check.ms", Long.toString(report.duration().toMillis()));
                report.reportFile().ifPresent(f -> attributes.put("check.report", f.toString()));
                if (!report.consistent()) {
                    throw new IOException("neo4j-admin database check of backup " + manifest.id() + ", loaded into"
                            + " database '" + database + "', did not pass (" + report.outcome() + "): "
                            + String.join("; ", report.problems()));
                }
            }
            if (restoreInto == null) {
                attributes.put(Attributes.COUNTS_UNAVAILABLE, "the dump was loaded and checked offline");
                return new SinkResult(GraphCounts.UNKNOWN, attributes);
            }
            started = true; // a start command that failed halfway may still have started something
            say.accept("Starting the Neo4j server of " + installation.home());
            commands.afterBackup(database, true);
            Driver driver = await(manifest);
            try {
                GraphCounts counts = TargetDatabase.counts(driver, database);
                attributes.putAll(new OnlineFacts(driver).loaded(manifest, database));
                return new SinkResult(counts, attributes);
            } catch (Neo4jException e) {
                throw new IOException("backup " + manifest.id() + " was loaded and the server started, but reading"
                        + " database '" + database + "' at " + Resources.redact(restoreInto.toString()) + " failed: "
                        + e.getMessage(), e);
            }
        }

        /** Waits until the started server answers on Bolt and its database is online. */
        private Driver await(Manifest manifest) throws IOException {
            long deadline = System.nanoTime() + serverTimeout.toNanos();
            String last = "no answer";
            while (true) {
                try {
                    Driver driver = connector.connect(restoreInto);
                    try (Session session = driver.session(SessionConfig.forDatabase(database))) {
                        session.run("RETURN 1").consume();
                    }
                    return driver;
                } catch (CliException e) {
                    if (e.exitCode() == ExitCodes.USAGE) {
                        throw new IOException(e.getMessage(), e);
                    }
                    last = e.getMessage();
                } catch (Neo4jException e) {
                    last = e.getMessage();
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("backup " + manifest.id() + " was loaded, but the Neo4j server at "
                            + Resources.redact(restoreInto.toString()) + " did not answer for database '" + database
                            + "' within " + serverTimeout + " after the start command (" + last + "). Check that"
                            + " --restore-into is the Bolt address of " + installation.home()
                            + " and that --start-command starts it");
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the Neo4j server to start", e);
                }
            }
        }
    }
}
