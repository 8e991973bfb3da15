package io.github.neo4jbackup.core.repository;

import java.io.IOException;
import java.io.InputStream;

/**
 * The stored bytes of one backup as {@link Repository#open} returns them: checked against the
 * manifest (size and SHA-256) as they stream, with an
 * {@link io.github.neo4jbackup.core.IntegrityException} at the end, or as soon as too many bytes
 * arrive, when they differ.
 */
public abstract class StoredStream extends InputStream {

    /** For subclasses. */
    protected StoredStream() {
    }

    /**
     * Bytes read so far.
     *
     * @return the count
     */
    public abstract long count();

    /**
     * Reads the rest of the stream so that the check completes.
     *
     * @return the number of bytes drained
     * @throws IOException when reading fails
     * @throws io.github.neo4jbackup.core.IntegrityException when the bytes differ from the manifest
     */
    public abstract long drain() throws IOException;

    /**
     * The first failure the store itself reported while reading, if any. A failure of the store is
     * not damage to the backup: callers use this to tell the two apart.
     *
     * @return the failure or {@code null}
     */
    public abstract IOException storageFailure();
}
