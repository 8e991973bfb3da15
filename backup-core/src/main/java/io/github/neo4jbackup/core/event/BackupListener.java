package io.github.neo4jbackup.core.event;

import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.PruneResult;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.spi.ObjectKey;

/**
 * Observes what a pipeline does: started/progress/committed/failed pairs for backups, and the
 * outcome of restores, verifications and prunes. All methods have empty defaults. A listener can
 * never break a run: whatever it throws is logged and ignored. Calls come from the thread running
 * the operation.
 */
public interface BackupListener {

    /**
     * A backup started (the lock is held).
     *
     * @param id       the backup id
     * @param database the database
     * @param dataKey  where the data object will be stored
     */
    default void backupStarted(String id, String database, ObjectKey dataKey) {
    }

    /**
     * Progress of a backup, at most a few times per second.
     *
     * @param id          the backup id
     * @param rawBytes    bytes the source produced so far
     * @param storedBytes bytes written to the store so far
     * @param records     records the source reported so far (0 if it does not report them)
     */
    default void backupProgress(String id, long rawBytes, long storedBytes, long records) {
    }

    /**
     * A backup was committed, verified and its manifest written.
     *
     * @param result the result
     */
    default void backupCommitted(BackupResult result) {
    }

    /**
     * A backup failed; nothing that looks complete was left behind.
     *
     * @param id      the backup id
     * @param failure the failure
     */
    default void backupFailed(String id, BackupException failure) {
    }

    /**
     * A restore completed and its data was verified.
     *
     * @param result the result
     */
    default void restoreCompleted(RestoreResult result) {
    }

    /**
     * A restore failed.
     *
     * @param id      the backup id
     * @param failure the failure
     */
    default void restoreFailed(String id, BackupException failure) {
    }

    /**
     * A verification finished (passed or not).
     *
     * @param report the report
     */
    default void verified(VerifyReport report) {
    }

    /**
     * Retention ran (or was planned, in a dry run).
     *
     * @param result the result
     */
    default void pruned(PruneResult result) {
    }

    /**
     * Retention failed.
     *
     * @param failure the failure
     */
    default void pruneFailed(BackupException failure) {
    }

    /**
     * A backup or prune found the repository lock stale (its holder on this host no longer runs,
     * or its heartbeat was too old) and took it over. Also logged as a warning.
     *
     * @param takeover whose lock it was and why it was stale
     */
    default void lockTakenOver(io.github.neo4jbackup.core.lock.LockTakeover takeover) {
    }
}
