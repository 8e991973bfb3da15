package io.github.neo4jbackup.cli.service;

import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.KeyTemplate;
import io.github.neo4jbackup.core.PruneResult;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.notify.WebhookNotifier;
import io.github.neo4jbackup.core.spi.ObjectKey;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The command line's notifications: one {@link WebhookNotifier} per {@code --notify-url}, used as a
 * pipeline listener (so failures inside a backup carry the backup's id and database), plus
 * {@link #failedOutsidePipeline(String, RuntimeException, boolean)} for failures that happen before a
 * pipeline runs (Neo4j unreachable, the wait timed out, a bad setting): every failed backup
 * produces exactly one notification per URL. {@code verify}, {@code restore} and {@code prune} use it
 * the same way ({@link #failedOutsidePipeline(Operation, String, VerifyLevel, RuntimeException, boolean)},
 * {@link #restoreListener()}): one message per failed command. A failing delivery is logged by the notifier and
 * never changes an exit code. Thread-safe for one run at a time.
 */
public final class Notifier implements BackupListener, AutoCloseable {

    private final List<WebhookNotifier> webhooks;
    private final Clock clock;
    private volatile boolean failureReported;

    /**
     * Creates the notifier.
     *
     * @param webhooks the webhooks (possibly none)
     * @param clock    the clock for the id of a failed attempt
     */
    public Notifier(List<WebhookNotifier> webhooks, Clock clock) {
        this.webhooks = List.copyOf(webhooks);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Whether any webhook is configured.
     *
     * @return whether notifications are sent
     */
    public boolean active() {
        return !webhooks.isEmpty();
    }

    /** Marks the start of one backup attempt. */
    public void beginRun() {
        failureReported = false;
    }

    /**
     * A backup attempt failed: notifies unless the pipeline already did.
     *
     * @param database      the database
     * @param failure       what went wrong (its message carries no secrets)
     * @param configuration whether it is a usage or configuration error (reported as {@code InvalidInputException})
     */
    public void failedOutsidePipeline(String database, RuntimeException failure, boolean configuration) {
        if (failureReported || webhooks.isEmpty()) {
            return;
        }
        BackupException typed;
        if (failure instanceof BackupException b) {
            typed = b;
        } else {
            String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
            typed = configuration ? new InvalidInputException(message) : new SourceFailedException(message, null);
        }
        String id = database + "-" + KeyTemplate.TIMESTAMP.format(clock.instant());
        for (WebhookNotifier w : webhooks) {
            w.backupStarted(id, database, ObjectKey.of(database));
            w.backupFailed(id, typed);
        }
        failureReported = true;
    }

    /** An operation of the command line other than a backup. */
    public enum Operation {
        /** {@code verify}: reported as {@code verify.failed}. */
        VERIFY,
        /** {@code restore}: reported as {@code restore.failed}. */
        RESTORE,
        /** {@code prune}: reported as {@code prune.failed}. */
        PRUNE
    }

    /**
     * A verification, restore or prune failed: notifies unless the pipeline already reported a
     * failure (each failed command sends exactly one notification per URL).
     *
     * @param operation     what failed
     * @param id            the backup id, or a description of the selection when it is not known yet
     * @param level         the verification level (verify only; {@code null} otherwise)
     * @param failure       what went wrong (its message carries no secrets)
     * @param configuration whether it is a usage or configuration error (reported as {@code InvalidInputException})
     */
    public void failedOutsidePipeline(Operation operation, String id, VerifyLevel level, RuntimeException failure,
                                      boolean configuration) {
        if (failureReported || webhooks.isEmpty()) {
            return;
        }
        BackupException typed = typed(failure, configuration);
        for (WebhookNotifier w : webhooks) {
            switch (operation) {
                case VERIFY -> w.verified(new VerifyReport(id, level == null ? VerifyLevel.MANIFEST : level, false,
                        List.of(message(failure) + " (" + typed.getClass().getSimpleName() + ")"), 0, 0,
                        Duration.ZERO));
                case RESTORE -> w.restoreFailed(id, typed);
                case PRUNE -> w.pruneFailed(typed);
            }
        }
        failureReported = true;
    }

    /**
     * This notifier as the listener of a restore: the verification a restore runs first is part of
     * the restore, so only the restore's own outcome is reported (one message per restore).
     *
     * @return the listener
     */
    public BackupListener restoreListener() {
        Notifier self = this;
        return new BackupListener() {
            @Override
            public void restoreCompleted(RestoreResult result) {
                self.restoreCompleted(result);
            }

            @Override
            public void restoreFailed(String id, BackupException failure) {
                self.restoreFailed(id, failure);
            }
        };
    }

    private static String message(RuntimeException failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    private static BackupException typed(RuntimeException failure, boolean configuration) {
        if (failure instanceof BackupException b) {
            return b;
        }
        return configuration ? new InvalidInputException(message(failure)) : new SourceFailedException(message(failure), null);
    }

    @Override
    public void backupStarted(String id, String database, ObjectKey dataKey) {
        webhooks.forEach(w -> w.backupStarted(id, database, dataKey));
    }

    @Override
    public void backupCommitted(BackupResult result) {
        webhooks.forEach(w -> w.backupCommitted(result));
    }

    @Override
    public void backupFailed(String id, BackupException failure) {
        failureReported = true;
        webhooks.forEach(w -> w.backupFailed(id, failure));
    }

    @Override
    public void restoreCompleted(RestoreResult result) {
        webhooks.forEach(w -> w.restoreCompleted(result));
    }

    @Override
    public void restoreFailed(String id, BackupException failure) {
        failureReported = true;
        webhooks.forEach(w -> w.restoreFailed(id, failure));
    }

    @Override
    public void verified(VerifyReport report) {
        failureReported |= !report.ok();
        webhooks.forEach(w -> w.verified(report));
    }

    @Override
    public void pruned(PruneResult result) {
        webhooks.forEach(w -> w.pruned(result));
    }

    @Override
    public void pruneFailed(BackupException failure) {
        failureReported = true;
        webhooks.forEach(w -> w.pruneFailed(failure));
    }

    /** Waits (bounded) for notifications in flight. */
    @Override
    public void close() {
        webhooks.forEach(WebhookNotifier::close);
    }
}
