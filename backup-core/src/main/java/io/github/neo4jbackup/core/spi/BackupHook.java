package io.github.neo4jbackup.core.spi;

import java.io.IOException;

/**
 * Runs around a backup's export, e.g. to stop a Community Edition database before
 * {@code neo4j-admin database dump} and start it again afterwards.
 *
 * <p>{@link #beforeBackup(String)} runs after the repository lock is taken; if it throws, the
 * backup does not start (and {@link #afterBackup(String, boolean)} still runs, so a half-stopped
 * service is started again). {@link #afterBackup(String, boolean)} runs as soon as the export has
 * ended, whatever happened, before the backup is verified and its manifest written, so the
 * downtime is as short as possible. The pipeline measures the time from the start of
 * {@code beforeBackup} to the end of {@code afterBackup} and records it in the manifest.
 */
public interface BackupHook {

    /**
     * A stable name for logs and the manifest, e.g. {@code command} or {@code already-offline}.
     *
     * @return the name
     */
    String name();

    /**
     * Prepares the database for the backup (e.g. stops it).
     *
     * @param database the database about to be backed up
     * @throws IOException when preparing failed; the backup is not started
     */
    void beforeBackup(String database) throws IOException;

    /**
     * Undoes {@link #beforeBackup(String)} (e.g. starts the database again). Always called once
     * beforeBackup was called, whether it or the export succeeded or not.
     *
     * @param database  the database
     * @param succeeded whether the export completed
     * @throws IOException when it failed; the pipeline reports this loudly
     */
    void afterBackup(String database, boolean succeeded) throws IOException;

    /**
     * Whether this hook takes the database offline (so downtime is recorded).
     *
     * @return {@code true} when the database is unavailable between the two calls
     */
    default boolean takesDatabaseOffline() {
        return true;
    }
}
