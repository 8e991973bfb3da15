package io.github.neo4jbackup.core.spi;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An object being written. Nothing is visible under its key until {@link #commit()} returns;
 * closing it without a commit aborts the write and removes every trace of it (temporary files,
 * incomplete multipart uploads).
 *
 * <p>Closing the {@link #stream()} does not commit. The typical use:
 * <pre>{@code
 * try (PendingObject pending = target.create(key, metadata, WriteMode.CREATE_NEW)) {
 *     pending.stream().write(bytes);
 *     pending.commit();
 * } // aborted here if commit() was not reached
 * }</pre>
 */
public interface PendingObject extends Closeable {

    /**
     * The key the object will have once committed.
     *
     * @return the key
     */
    ObjectKey key();

    /**
     * The stream to write the object's bytes to. Closing it does not commit the object.
     *
     * @return the stream, always the same instance
     */
    OutputStream stream();

    /**
     * Makes the written bytes durable and visible under the key, atomically.
     *
     * @return what the store now holds under the key
     * @throws ObjectExistsException in {@link WriteMode#CREATE_NEW} when the key is already taken
     * @throws IOException           when the store failed; the object is then not visible
     */
    ObjectInfo commit() throws IOException;

    /** Discards the write. Idempotent, never throws; a no-op after a successful commit. */
    void abort();

    /** Aborts unless {@link #commit()} succeeded. Idempotent. */
    @Override
    void close();
}
