package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.cli.service.Notifier;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.manifest.Manifest;
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
                "fingerprints are compared with the manifest. Exit 3 when the backup fails its checks."})
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
            description = "The scratch database for --restore-into (default: neo4j).")
    String database;

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
        VerifyLevel level = restoreInto != null ? VerifyLevel.RESTORE : deep ? VerifyLevel.FULL : VerifyLevel.MANIFEST;
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
            if (restoreInto != null) {
                Engine e = engine != null ? engine : Engine.forSourceType(manifest.source().type(), manifest.id());
                if (!e.usesDriver()) {
                    throw CliException.usage("--restore-into restores through the driver (driver and apoc backups);"
                            + " backup " + manifest.id() + " is a neo4j-admin dump: verify it with --deep, or restore it"
                            + " into a scratch server with the restore command");
                }
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
            if (report.ok()) {
                say("Backup " + report.id() + " verified (" + report.level() + ") in " + report.duration().toMillis() + " ms");
            } else {
                say("Backup " + report.id() + " FAILED verification (" + report.level() + "):");
                report.problems().forEach(p -> say("  - " + p));
                say("Do not rely on this backup: take a new one, and check the storage it was kept on.");
            }
            if (json) {
                printJson(Json.verify(report));
            }
            return report.ok() ? ExitCodes.OK : ExitCodes.VERIFICATION;
        }
    }
}
