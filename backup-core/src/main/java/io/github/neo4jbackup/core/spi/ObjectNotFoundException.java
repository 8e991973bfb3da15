package io.github.neo4jbackup.core.spi;

import java.io.IOException;

/** Thrown by {@link StorageTarget#open(ObjectKey)} when no object exists under the key. */
public class ObjectNotFoundException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param key the missing key
     */
    public ObjectNotFoundException(ObjectKey key) {
        super("No object under key '" + key + "'");
    }
}
