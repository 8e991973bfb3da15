package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.cli.service.Notifier;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.export.admin.CheckReport;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.export.cypher.driver.DriverRestoreSink;
import io.github.neo4jbackup.export.cypher.script.CypherScriptSink;
import org.neo4j.driver.Driver;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;

/** {@code neo4j-backup verify}: checks a backup at one of three levels. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Verify a backup: by default its manifest and stored size; with --deep a full read-back",
                "(hashes and decoding); with --restore-into a restore into a scratch server whose counts and",
                "fingerprints are compared with the manifest. neo4j-admin dumps are loaded into a stopped,",
                "disposable installation (--neo4j-home): --check runs neo4j-admin database check on the loaded",
                "database; --restore-into also starts it (--start-command), compares, and stops it (--stop-command).",
                "Exit 3 when the backup fails its checks."})
final class VerifyCommand extends AbstractCommand {

    @Option(names = "--from", required = true, paramLabel = "TARGET",
            description = "Repository: a directory, a file: URI or s3://bucket/prefix.")
    String from;

    @Mixin
    Options.S3 s3;

    @ArgGroup(exclusive = true, multiplicity = "1")
    BackupSelection selection;

    @Option(names = "--deep", description = "Read the whole backup back: stored and raw hashes, decoding (FULL).")
    boolean deep;

    @Option(names = "--restore-into", paramLabel = "URI",
            description = "Restore into this scratch Neo4j server (its database is WIPED) and compare (RESTORE).")
    String restoreInto;

    @Option(names = "--database", paramLabel = "DB",
            description = {"The scratch database for --restore-into (default: neo4j) or, for a neo4j-admin dump,"
                    + " --check alone (default: " + AdminVerification.DEFAULT_SCRATCH + "); it is overwritten."})
    String database;

    @Option(names = "--check",
            description = {"neo4j-admin dumps: load the dump into a scratch database of the stopped installation"
                    + " --neo4j-home and run neo4j-admin database check on it (exit 3 when it finds problems);"
                    + " a scratch database that did not exist before is removed afterwards."})
    boolean check;

    @Option(names = "--neo4j-home", paramLabel = "DIR",
            description = "neo4j-admin dumps: a stopped, disposable Neo4j installation to load the dump into.")
    java.nio.file.Path neo4jHome;

    @Option(names = "--start-command", paramLabel = "\"ARGV\"",
            description = "neo4j-admin dumps with --restore-into: starts the --neo4j-home installation after the load.")
    String startCommand;

    @Option(names = "--stop-command", paramLabel = "\"ARGV\"",
            description = "neo4j-admin dumps with --restore-into: stops it again afterwards, always.")
    String stopCommand;

    @Option(names = "--hook-timeout", paramLabel = "DURATION", defaultValue = "10m",
            description = {"How long the start or stop command may take, and how long the started server may take"
                    + " to answer (default: ${DEFAULT-VALUE})."})
    String hookTimeout;

    @Option(names = "--engine", paramLabel = "driver|apoc",
            description = "Override the restore engine recorded in the manifest for --restore-into.")
    Engine engine;

    @Mixin
    Options.Credentials credentials;

    @Mixin
    Options.Decryption decryption;


    @Mixin
    WebhookOptions notify;

    @Option(names = "--json", description = "Print the verify report as one JSON document on stdout.")
    boolean json;

    @Override
    boolean json() {
        return json;
    }

    @Override
    public Integer call() {
        VerifyLevel level = restoreInto != null || check ? VerifyLevel.RESTORE : deep ? VerifyLevel.FULL : VerifyLevel.MANIFEST;
        try (Notifier notifier = notify.open(ctx(), true, Clock.systemUTC())) {
            try {
                return verify(notifier);
            } catch (RuntimeException e) {
                notifier.failedOutsidePipeline(Notifier.Operation.VERIFY, selection.describe(), level, e,
                        ExitCodes.of(e) == ExitCodes.USAGE);
                throw e;
            }
        }
    }

    private Integer verify(Notifier notifier) {
        try (Resources res = new Resources(ctx())) {
            StorageTarget target = res.target(from, "--from", s3, false);
            BackupPipeline pipeline = decryption.apply(pipeline(target).listener(notifier), ctx().env()).build();
            Manifest manifest = selection.resolve(pipeline);
            VerifyReport report;
            Engine chosen = restoreInto != null || check || adminOptions()
                    ? engine != null ? engine : Engine.forSourceType(manifest.source().type(), manifest.id()) : null;
            if (chosen == Engine.admin) {
                return verifyDump(res, pipeline, manifest);
            }
            if (check || adminOptions()) {
                throw CliException.usage("--check, --neo4j-home, --start-command and --stop-command apply to neo4j-admin"
                        + " dumps; backup " + manifest.id() + " was made by the " + chosen + " engine: verify it with"
                        + " --deep or --restore-into URI");
            }
            if (restoreInto != null) {
                Engine e = chosen;
                Driver driver = res.driver(res.neo4jUri(restoreInto, "--restore-into"), credentials);
                String db = database != null ? database : "neo4j";
                RestoreSink sink = e == Engine.driver
                        ? DriverRestoreSink.builder(driver).database(db).wipe(true).build()
                        : CypherScriptSink.builder(driver).database(db).wipe(true).build();
                say("Verifying backup " + manifest.id() + " by restoring it into database '" + db + "' at "
                        + Resources.redact(restoreInto) + " (wiped first)");
                report = pipeline.verify(manifest.id(), VerifyLevel.RESTORE, sink);
            } else {
                report = pipeline.verify(manifest.id(), deep ? VerifyLevel.FULL : VerifyLevel.MANIFEST);
            }
            sayReport(report);
            if (json) {
                printJson(Json.verify(report));
            }
            return report.ok() ? ExitCodes.OK : ExitCodes.VERIFICATION;
        }
    }

    private void sayReport(VerifyReport report) {
        if (report.ok()) {
            say("Backup " + report.id() + " verified (" + report.level() + ") in " + report.duration().toMillis() + " ms");
        } else {
            say("Backup " + report.id() + " FAILED verification (" + report.level() + "):");
            report.problems().forEach(p -> say("  - " + p));
            say("Do not rely on this backup: take a new one, and check the storage it was kept on.");
        }
    }

    private boolean adminOptions() {
        return neo4jHome != null || startCommand != null || stopCommand != null;
    }

    /** A neo4j-admin dump with --check and/or --restore-into: loaded into the stopped installation --neo4j-home. */
    private Integer verifyDump(Resources res, BackupPipeline pipeline, Manifest manifest) {
        if (!check && restoreInto == null) {
            throw CliException.usage("--neo4j-home, --start-command and --stop-command go with --check or --restore-into");
        }
        if (neo4jHome == null) {
            throw CliException.usage("Backup " + manifest.id() + " is a neo4j-admin dump: " + (check ? "--check" : "--restore-into")
                    + " loads it into a stopped, disposable Neo4j installation; give its home with --neo4j-home DIR");
        }
        java.net.URI uri = null;
        io.github.neo4jbackup.core.spi.BackupHook commands = null;
        java.time.Duration timeout = Options.duration("--hook-timeout", hookTimeout);
        if (restoreInto != null) {
            uri = res.neo4jUri(restoreInto, "--restore-into");
            if (startCommand == null || stopCommand == null) {
                throw CliException.usage("--restore-into with a neo4j-admin dump loads it into --neo4j-home, then starts"
                        + " that installation to read it over Bolt and stops it again: give --start-command and"
                        + " --stop-command (e.g. \"DIR/bin/neo4j start\" and \"DIR/bin/neo4j stop\")");
            }
            commands = AdminVerification.commands(ArgvTokenizer.split(stopCommand), ArgvTokenizer.split(startCommand),
                    timeout);
        } else if (startCommand != null || stopCommand != null) {
            throw CliException.usage("--start-command and --stop-command go with --restore-into (--check alone runs"
                    + " offline)");
        }
        String db = database != null ? database : restoreInto != null ? "neo4j" : AdminVerification.DEFAULT_SCRATCH;
        try {
            io.github.neo4jbackup.core.DatabaseName.validate(db);
        } catch (io.github.neo4jbackup.core.InvalidInputException e) {
            throw CliException.usage("--database: " + e.getMessage(), e);
        }
        if (db.equalsIgnoreCase("system")) {
            throw CliException.usage("--database system: a dump is never loaded over the system database; name a"
                    + " scratch database");
        }
        ScratchInstallation installation = ScratchInstallation.of(neo4jHome, "--neo4j-home", null);
        installation.requireStopped("--neo4j-home");
        AdminVerification verification = new AdminVerification(installation, db, check, uri, commands, timeout,
                u -> res.driver(u, credentials), this::say);
        AdminVerification.Outcome outcome = verification.run(pipeline, manifest);
        VerifyReport report = outcome.report();
        if (outcome.check() != null) {
            CheckReport c = outcome.check();
            say("neo4j-admin database check of '" + c.database() + "': " + c.outcome() + " in "
                    + c.duration().toMillis() + " ms" + c.reportFile().map(f -> " (report: " + f + ")").orElse(""));
        }
        sayReport(report);
        if (json) {
            com.fasterxml.jackson.databind.node.ObjectNode o = Json.verify(report);
            o.put("neo4jHome", installation.home().toString());
            o.put("database", db);
            if (outcome.check() != null) {
                o.set("check", AdminVerification.json(outcome.check()));
            }
            o.put("scratchRemoved", outcome.removed());
            o.put("serverStopped", outcome.stopped());
            printJson(o);
        }
        if (!report.ok()) {
            return ExitCodes.VERIFICATION;
        }
        return outcome.stopped() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
