package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.core.health.Staleness;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.StorageTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** {@code neo4j-backup list}: the backups in a repository, and optionally a staleness check. */
@Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List the backups in a repository, newest first.",
                "With --max-age or --min-size, exit 3 when the newest backup is older or smaller (a monitoring check)."})
final class ListCommand extends AbstractCommand {

    @Option(names = "--from", required = true, paramLabel = "TARGET",
            description = "Repository: a directory, a file: URI or s3://bucket/prefix.")
    String from;

    @Mixin
    Options.S3 s3;

    @Option(names = "--database", paramLabel = "DB", description = "Only this database's backups (default: NEO4J_DATABASE, else all).")
    String database;

    @Option(names = "--max-age", paramLabel = "DURATION",
            description = "Exit 3 when the newest backup finished longer ago than this (e.g. 26h).")
    String maxAge;

    @Option(names = "--min-size", paramLabel = "BYTES",
            description = "Exit 3 when the newest backup stores fewer bytes than this.")
    Long minSize;

    @Option(names = "--include-suspect",
            description = "Let the --max-age/--min-size check count backups a shrink guard marked suspect.")
    boolean includeSuspect;

    @Option(names = "--include-safety",
            description = "Let the --max-age/--min-size check count safety backups taken before restores.")
    boolean includeSafety;

    @Option(names = "--json", description = "Print the list as one JSON document on stdout.")
    boolean json;

    Clock clock = Clock.systemUTC();

    @Override
    boolean json() {
        return json;
    }

    @Override
    public Integer call() {
        Staleness check = null;
        if (maxAge != null || minSize != null) {
            Duration age = maxAge == null ? null : Options.duration("--max-age", maxAge);
            if (minSize != null && minSize < 0) {
                throw CliException.usage("--min-size must not be negative");
            }
            check = (age == null ? Staleness.anyAge() : Staleness.maxAge(age)).withMinSize(minSize == null ? 0 : minSize)
                    .includeSuspect(includeSuspect).includeSafety(includeSafety);
        }
        try (Resources res = new Resources(ctx())) {
            StorageTarget target = res.target(from, "--from", s3, false);
            String db = database(database, null);
            List<Manifest> manifests = pipeline(target).build().list(db);
            if (manifests.isEmpty()) {
                say("No backups" + (db == null ? "" : " of database '" + db + "'") + " on " + target.describe());
            } else {
                say(String.format("%-40s %-12s %-14s %-22s %12s  %s", "ID", "DATABASE", "ENGINE", "FINISHED",
                        "STORED", "NODES/RELS"));
                for (Manifest m : manifests) {
                    say(String.format("%-40s %-12s %-14s %-22s %12s  %s", m.id(), m.database(), m.source().type(),
                            m.finishedAt(), ProgressListener.bytes(m.object().storedSize()),
                            (m.counts().known() ? m.counts().nodes() + "/" + m.counts().relationships() : "-")
                                    + (m.isSafety() ? "  SAFETY (before restoring " + m.safetyFor() + ")" : "")
                                    + (m.isSuspect() ? "  SUSPECT: " + String.join("; ", m.suspect()) : "")));
                }
            }
            Staleness.Report report = check == null ? null : check.check(manifests, clock.instant());
            if (json) {
                printJson(Json.list(target.describe(), manifests, report));
            }
            if (report != null) {
                if (!report.ok()) {
                    say("STALE: " + report.reason());
                    return ExitCodes.VERIFICATION;
                }
                say("OK: the newest backup " + report.newestId() + " finished " + report.age().getSeconds()
                        + " s ago and stores " + report.size() + " bytes");
            }
            return ExitCodes.OK;
        }
    }
}
