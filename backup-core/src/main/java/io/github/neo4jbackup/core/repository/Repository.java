package io.github.neo4jbackup.core.repository;

import io.github.neo4jbackup.core.BackupNotFoundException;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.LockHeldException;
import io.github.neo4jbackup.core.StorageException;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.ObjectKey;

import io.github.neo4jbackup.core.lock.UnlockResult;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The backups on one store, and the one place that knows how they are laid out there: where a
 * backup's data and manifest go, what a listing reads, what is left over from failed runs, where
 * the locks are, and in which order a backup is committed (data first, checked, manifest last).
 * Every operation (backup, verify, restore, prune) works through this interface and never touches
 * the {@link io.github.neo4jbackup.core.spi.StorageTarget} itself.
 *
 * <p>A backup is known by its {@link Manifest}: a backup exists once its manifest is readable, and
 * the manifest says how to read the data back. Methods that read throw {@link StorageException}
 * when the store fails and {@link IntegrityException} when what they read is damaged.
 *
 * <p>The layout today is {@link ObjectPerBackupRepository}: one data object per backup with its
 * manifest beside it. See the package description for how a deduplicating layout fits behind the
 * same interface.
 */
public interface Repository {

    /**
     * Where this repository is, for messages (never holds credentials).
     *
     * @return a description such as {@code s3://bucket/prefix}
     */
    String describe();

    // ---------------------------------------------------------------------------------- reading

    /**
     * Reads the repository once: every readable manifest, what could not be read, and what the
     * store holds beside them. Each call reads the store again.
     *
     * @return the contents at the time of the call
     * @throws StorageException when the store cannot be listed
     */
    Contents contents();

    /**
     * The backups of one database (or of all, with {@code null}), newest first. Unreadable
     * manifests are logged and skipped.
     *
     * @param database the database, or {@code null} for all
     * @return the manifests
     * @throws StorageException when the store failed
     */
    default List<Manifest> list(String database) {
        return contents().manifests(database);
    }

    /**
     * Finds a backup by id.
     *
     * @param id the backup id
     * @return its manifest
     * @throws BackupNotFoundException when there is none; the message names manifests that could
     *                                 not be read, since the backup may be among them
     */
    Manifest find(String id);

    /**
     * The newest backup of a database (or of all, with {@code null}).
     *
     * @param database the database, or {@code null}
     * @return its manifest
     * @throws BackupNotFoundException when there is none
     */
    Manifest latest(String database);

    /**
     * Checks what the store says about a backup's data without reading it: present, of the size
     * the manifest records, and with the manifest's hash where the store keeps one.
     *
     * @param manifest the backup
     * @return the problems found, empty when none
     * @throws StorageException when the store could not be asked
     */
    List<String> check(Manifest manifest);

    /**
     * Opens a backup's stored bytes (before decoding). The stream counts and hashes what it
     * reads and throws {@link IntegrityException} at the end, or as soon as it reads too much,
     * when size or SHA-256 differ from the manifest.
     *
     * @param manifest the backup
     * @return the stream; the caller closes it
     * @throws IntegrityException when the data is missing
     * @throws IOException        when the store failed to open it
     */
    StoredStream open(Manifest manifest) throws IOException;

    // ---------------------------------------------------------------------------------- writing

    /**
     * Plans a new backup. Nothing is written until {@link BackupWriter#open} is called; the
     * backup exists once {@link BackupWriter#commitManifest} has returned.
     *
     * @param backup what is about to be written
     * @return the writer; closing it before the manifest is committed removes every trace
     * @throws io.github.neo4jbackup.core.InvalidInputException when the backup cannot be placed
     *                                                          (e.g. a label makes an unsafe key)
     */
    BackupWriter newBackup(NewBackup backup);

    /**
     * Deletes a backup: the manifest first (from then on the backup does not exist, whatever
     * happens next), then its data.
     *
     * @param manifest the backup
     * @throws StorageException when the store failed
     */
    void delete(Manifest manifest);

    /**
     * Deletes a leftover found by {@link Contents#orphans}.
     *
     * @param key the leftover's key
     * @throws StorageException when the store failed
     */
    void deleteOrphan(ObjectKey key);

    /**
     * Removes what interrupted writes left behind on the store (temporary files, unfinished
     * multipart uploads) that is older than a bound.
     *
     * @param olderThan only what was started before this instant
     * @return how many were removed
     * @throws StorageException when the store failed
     */
    int removeIncomplete(Instant olderThan);

    // ---------------------------------------------------------------------------------- locking

    /**
     * Takes the exclusive lock of one database in this repository.
     *
     * @param database  the database
     * @param operation what for, recorded in the lock (e.g. {@code "backup neo4j-20260101T000000Z"})
     * @return the held lock; close it to release
     * @throws LockHeldException when another run holds it
     * @throws StorageException  when the store failed
     */
    Lock lock(String database, String operation);

    /**
     * Reads a database's lock without taking it (what a dry run checks): the holder when a live
     * run holds it; empty when it is free or its holder is gone or stale.
     *
     * @param database the database
     * @return the live holder, if any
     * @throws StorageException when the store failed
     * @throws UnsupportedOperationException when this repository cannot read its locks
     */
    default java.util.Optional<io.github.neo4jbackup.core.lock.LockInfo> lockHolder(String database) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot read its locks without taking them");
    }

    /**
     * A failure of the store, as operations report it: names the repository, says whether a retry
     * may help, keeps the cause.
     *
     * @param what  what could not be done, e.g. {@code "write neo4j/x.dump"}
     * @param cause the store's failure
     * @return the exception to throw
     */
    StorageException storageFailure(String what, IOException cause);

    /**
     * Removes the lock of one database (of every database with {@code null}) when its holder is
     * dead or stale, or always with {@code force}, and says what was removed and kept.
     *
     * @param database the database, or {@code null} for all
     * @param force    whether live locks are removed too
     * @return what was removed and what was kept
     * @throws StorageException when the store failed
     */
    UnlockResult unlock(String database, boolean force);

    /** A held lock. */
    interface Lock extends AutoCloseable {

        /**
         * Long operations call this as they go: a heartbeat keeps the lock fresh in the
         * background, and this throws when the lock was lost (taken over, removed, or not refreshed
         * in time), so that the operation stops rather than overlap with another run.
         *
         * @throws io.github.neo4jbackup.core.LockHeldException when another run took the lock over
         * @throws StorageException                              when the heartbeat failed for too long
         */
        void refreshIfDue();

        /** Releases the lock if this run still holds it. Never throws. */
        @Override
        void close();
    }

    /**
     * What a new backup is: enough to place it in the repository.
     *
     * @param id        the backup id
     * @param database  the database
     * @param createdAt when the backup started
     * @param engine    the source type
     * @param extension the file extension of the stored bytes (source and transformers), no leading dot
     * @param labels    the backup's labels (they may appear in its key)
     */
    record NewBackup(String id, String database, Instant createdAt, String engine, String extension,
                     Map<String, String> labels) {

        /**
         * Creates the record.
         *
         * @param id        id
         * @param database  database
         * @param createdAt start time
         * @param engine    source type
         * @param extension extension
         * @param labels    labels
         */
        public NewBackup {
            labels = Map.copyOf(labels);
        }
    }
}
