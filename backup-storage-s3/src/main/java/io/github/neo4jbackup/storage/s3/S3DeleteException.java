package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.spi.ObjectKey;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Thrown by {@link S3StorageTarget#deleteAll(java.util.Collection)} when the store refused to delete
 * some keys of a batch. The other keys were deleted. {@link #failures()} names each key with the
 * store's error code and message.
 */
public final class S3DeleteException extends IOException {
    private static final long serialVersionUID = 1L;
    private static final int KEYS_IN_MESSAGE = 5;

    /** Not serialized: a map of keys to reasons. */
    private final transient Map<ObjectKey, String> failures;

    /**
     * Creates the exception.
     *
     * @param where     the target's description
     * @param requested how many keys were to be deleted
     * @param failures  the keys that could not be deleted, each with the store's reason (copied)
     */
    public S3DeleteException(String where, int requested, Map<ObjectKey, String> failures) {
        super(message(where, requested, failures));
        this.failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
    }

    private static String message(String where, int requested, Map<ObjectKey, String> failures) {
        String sample = failures.entrySet().stream().limit(KEYS_IN_MESSAGE)
                .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", "));
        return failures.size() + " of " + requested + " objects could not be deleted from " + where + ": " + sample
                + (failures.size() > KEYS_IN_MESSAGE ? ", ..." : "")
                + ". The other objects were deleted. Check that the credentials allow s3:DeleteObject on the prefix"
                + " and that no object lock or legal hold protects these objects, then delete again.";
    }

    /**
     * The keys that were not deleted, each with the store's error code and message.
     *
     * @return the failures, in request order
     */
    public Map<ObjectKey, String> failures() {
        return failures == null ? Map.of() : failures;
    }
}
