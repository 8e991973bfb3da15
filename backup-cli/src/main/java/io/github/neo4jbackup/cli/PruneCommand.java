package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.cli.service.Notifier;
import io.github.neo4jbackup.core.PruneResult;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.spi.StorageTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;

/** {@code neo4j-backup prune}: applies a retention policy to a repository. */
@Command(name = "prune", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Delete the backups the keep options do not keep (never the newest of a database).")
final class PruneCommand extends AbstractCommand {

    @Option(names = "--from", required = true, paramLabel = "TARGET",
            description = "Repository: a directory, a file: URI or s3://bucket/prefix.")
    String from;

    @Mixin
    Options.S3 s3;

    @Mixin
    Options.Retention retention;

    @Option(names = "--dry-run", description = "Only print the plan; delete nothing.")
    boolean dryRun;

    @Mixin
    WebhookOptions notify;

    @Option(names = "--json", description = "Print the prune plan/result as one JSON document on stdout.")
    boolean json;

    @Override
    boolean json() {
        return json;
    }

    @Override
    public Integer call() {
        try (Notifier notifier = notify.open(ctx(), true, Clock.systemUTC())) {
            try {
                return prune(notifier);
            } catch (RuntimeException e) {
                notifier.failedOutsidePipeline(Notifier.Operation.PRUNE, null, null, e, ExitCodes.of(e) == ExitCodes.USAGE);
                throw e;
            }
        }
    }

    private Integer prune(Notifier notifier) {
        RetentionPolicy policy = retention.policy(ctx());
        if (policy == null) {
            throw CliException.usage("prune needs at least one keep option: --keep-last, --keep-within, --keep-daily,"
                    + " --keep-weekly, --keep-monthly or --keep-yearly (or BACKUP_RETENTION_DAYS)");
        }
        try (Resources res = new Resources(ctx())) {
            StorageTarget target = res.target(from, "--from", s3, false);
            PruneResult result = retention.applySafety(pipeline(target).listener(notifier).retention(policy)).build().prune(dryRun);
            for (PruneResult.Decision d : result.decisions()) {
                say((d.keep() ? "keep   " : dryRun ? "would delete " : "delete ") + d.id() + "  ("
                        + String.join("; ", d.reasons()) + ")");
            }
            say((dryRun ? "Dry run: would delete " : "Deleted ") + result.deleted().size() + ", kept " + result.kept().size()
                    + (result.orphans().isEmpty() ? "" : ", orphaned objects: " + result.orphans().size()));
            if (json) {
                printJson(Json.prune(result));
            }
            return ExitCodes.OK;
        }
    }
}
