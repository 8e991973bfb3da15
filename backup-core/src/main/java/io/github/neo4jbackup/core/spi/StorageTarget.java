package io.github.neo4jbackup.core.spi;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Where backups are kept: a flat key space of immutable objects (a folder, a bucket).
 *
 * <p>The contract is deliberately small. Every implementation must pass the contract suite in
 * {@code backup-testkit}. Retries, metrics and logging are decorators around a target, not part
 * of one. Implementations are thread-safe; the caller owns heavy clients handed to a target.
 */
public interface StorageTarget {

    /**
     * A short description of the location for logs and manifests, with no secret in it (no
     * credentials, no user info in URIs), for example {@code file:/var/backups/neo4j}.
     *
     * @return the description
     */
    String describe();

    /**
     * Starts writing an object. Nothing is visible under the key before {@link PendingObject#commit()}.
     *
     * @param key      the key
     * @param metadata user metadata to keep with the object where the store supports it
     * @param mode     what to do if the key already exists at commit time
     * @return the pending write
     * @throws IOException when the write cannot start
     */
    PendingObject create(ObjectKey key, Map<String, String> metadata, WriteMode mode) throws IOException;

    /**
     * Opens a committed object for reading.
     *
     * @param key the key
     * @return the object's bytes; the caller closes the stream
     * @throws ObjectNotFoundException when there is no such object
     * @throws IOException             when the store failed
     */
    InputStream open(ObjectKey key) throws IOException;

    /**
     * Describes a committed object.
     *
     * @param key the key
     * @return the object's description, or empty when there is no such object
     * @throws IOException when the store failed
     */
    Optional<ObjectInfo> stat(ObjectKey key) throws IOException;

    /**
     * Lists committed objects whose key starts with {@code prefix}, one page at a time, in
     * ascending key order. Pending writes are never listed.
     *
     * @param prefix            a key prefix (may be empty for everything)
     * @param continuationToken {@code null} for the first page, else the token of the previous page
     * @return the page
     * @throws IOException when the store failed
     */
    ObjectPage list(String prefix, String continuationToken) throws IOException;

    /**
     * Deletes an object. Deleting a missing object is not an error.
     *
     * @param key the key
     * @throws IOException when the store failed
     */
    void delete(ObjectKey key) throws IOException;

    /**
     * Deletes several objects; stores with batch deletes override this.
     *
     * @param keys the keys
     * @throws IOException when the store failed (some keys may have been deleted)
     */
    default void deleteAll(Collection<ObjectKey> keys) throws IOException {
        for (ObjectKey key : keys) {
            delete(key);
        }
    }

    /**
     * Removes leftovers of writes that never completed (temporary files of a killed process,
     * incomplete multipart uploads) started before {@code olderThan}. Stores without such
     * leftovers do nothing.
     *
     * @param olderThan only leftovers started before this instant are removed
     * @return how many leftovers were removed
     * @throws IOException when the store failed
     */
    default int cleanupIncomplete(Instant olderThan) throws IOException {
        return 0;
    }

    /**
     * Tells whether a failure of this store is worth retrying (timeouts, throttling, 5xx), as
     * opposed to permanent (missing object, access denied, bad request).
     *
     * @param failure a failure thrown by this target
     * @return {@code true} if a retry may succeed
     */
    default boolean isRetryable(IOException failure) {
        return false;
    }

    /**
     * Lists every committed object under a prefix, following continuation tokens lazily.
     *
     * @param prefix the key prefix
     * @return an iterable over all objects; iteration throws {@link java.io.UncheckedIOException}
     *         when the store fails
     */
    default Iterable<ObjectInfo> listAll(String prefix) {
        return () -> new Iterator<>() {
            private Iterator<ObjectInfo> current = null;
            private String token = null;
            private boolean last = false;

            @Override
            public boolean hasNext() {
                while (current == null || !current.hasNext()) {
                    if (last) {
                        return false;
                    }
                    ObjectPage page;
                    try {
                        page = list(prefix, token);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    current = page.objects().iterator();
                    token = page.continuationToken();
                    last = token == null;
                }
                return true;
            }

            @Override
            public ObjectInfo next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    /**
     * Lists every committed object under a prefix into a list.
     *
     * @param prefix the key prefix
     * @return all objects, in key order
     * @throws IOException when the store failed
     */
    default List<ObjectInfo> listAllObjects(String prefix) throws IOException {
        List<ObjectInfo> all = new ArrayList<>();
        String token = null;
        do {
            ObjectPage page = list(prefix, token);
            all.addAll(page.objects());
            token = page.continuationToken();
        } while (token != null);
        return all;
    }
}
