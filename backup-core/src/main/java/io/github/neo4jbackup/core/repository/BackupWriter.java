package io.github.neo4jbackup.core.repository;

import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.StorageException;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.ObjectKey;

import java.io.OutputStream;
import java.util.function.LongConsumer;

/**
 * Writes one new backup in the commit protocol's order:
 * <ol>
 *   <li>{@link #open} — the stored (encoded) bytes stream into a pending write, counted and hashed;</li>
 *   <li>{@link #commitData} — the data is made durable, then checked: the store must report the
 *       size written and, where it keeps one, the SHA-256 written;</li>
 *   <li>the caller may check more (e.g. read the data back) and builds the manifest;</li>
 *   <li>{@link #commitManifest} — the manifest is written, last. Only now does the backup exist.</li>
 * </ol>
 * Closing the writer before step 4 has succeeded removes what was written: a pending write is
 * aborted, committed data is deleted. No failure leaves a manifest without its data.
 *
 * <p>Not thread-safe: one run writes through one writer.
 */
public interface BackupWriter extends AutoCloseable {

    /**
     * Where the backup's data goes; the manifest records it.
     *
     * @return the data key
     */
    ObjectKey key();

    /**
     * Starts writing the data. Call once.
     *
     * @param storedProgress told the total of stored bytes written so far, or {@code null}
     * @return the stream to write the stored bytes to; closing it does not commit
     * @throws StorageException when the store could not start the write
     */
    OutputStream open(LongConsumer storedProgress);

    /**
     * The first failure the store reported while the data was written, if any (the stream
     * throws it too, but what sits between the source and this stream may hide it).
     *
     * @return the failure or {@code null}
     */
    java.io.IOException storageFailure();

    /**
     * Commits the data and checks what the store now holds against what was written.
     *
     * @return size and SHA-256 of the stored bytes
     * @throws IntegrityException    when the store holds something else; the data was removed
     * @throws InvalidInputException when the key is already taken; nothing was overwritten
     * @throws StorageException      when the store failed
     */
    Committed commitData();

    /**
     * Writes the manifest, last. When this fails the data is removed and the backup does not exist.
     *
     * @param manifest the manifest; it must describe the committed data
     * @throws StorageException when the store failed
     */
    void commitManifest(Manifest manifest);

    /**
     * Removes every trace of the backup unless {@link #commitManifest} succeeded. Idempotent,
     * never throws (a removal that fails is logged; prune removes the leftover later).
     */
    @Override
    void close();

    /**
     * What the store holds after {@link #commitData()}.
     *
     * @param key    the data key
     * @param size   stored bytes
     * @param sha256 SHA-256 of the stored bytes, lower-case hex
     */
    record Committed(ObjectKey key, long size, String sha256) {
    }
}
