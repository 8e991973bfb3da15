package io.github.neo4jbackup.core.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link StorageTarget} knows about one stored object.
 *
 * @param key          the object's key
 * @param size         the stored size in bytes
 * @param lastModified when the object was last written, as the store reports it
 * @param metadata     user metadata the store kept with the object (may be empty; stores without
 *                     metadata support return an empty map)
 */
public record ObjectInfo(ObjectKey key, long size, Instant lastModified, Map<String, String> metadata) {

    /** Metadata key under which targets keep the SHA-256 (hex) of the stored bytes, where they can. */
    public static final String SHA256_METADATA = "sha256";

    /**
     * Creates an object description.
     *
     * @param key          the key
     * @param size         the size in bytes
     * @param lastModified the modification time
     * @param metadata     the metadata (copied)
     */
    public ObjectInfo {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(lastModified, "lastModified");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
    }

    /**
     * The SHA-256 of the stored bytes as recorded by the store, when it recorded one.
     *
     * @return the lower-case hex digest
     */
    public Optional<String> sha256() {
        return Optional.ofNullable(metadata.get(SHA256_METADATA));
    }
}
