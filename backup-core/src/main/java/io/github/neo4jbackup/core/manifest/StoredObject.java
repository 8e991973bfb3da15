package io.github.neo4jbackup.core.manifest;

import io.github.neo4jbackup.core.spi.ObjectKey;

import java.util.Objects;

/**
 * The data object of a backup and what identifies its bytes.
 *
 * @param key          the object key on the target
 * @param rawSize      size in bytes of the stream the source produced (before transformers)
 * @param storedSize   size in bytes of the stored object (after transformers)
 * @param rawSha256    SHA-256 (lower-case hex) of the raw stream
 * @param storedSha256 SHA-256 (lower-case hex) of the stored bytes
 */
public record StoredObject(ObjectKey key, long rawSize, long storedSize, String rawSha256, String storedSha256) {

    /**
     * Creates the record.
     *
     * @param key          key
     * @param rawSize      raw size
     * @param storedSize   stored size
     * @param rawSha256    raw hash
     * @param storedSha256 stored hash
     */
    public StoredObject {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(rawSha256, "rawSha256");
        Objects.requireNonNull(storedSha256, "storedSha256");
    }
}
