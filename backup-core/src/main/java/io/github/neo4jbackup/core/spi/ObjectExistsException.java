package io.github.neo4jbackup.core.spi;

import java.io.IOException;

/** Thrown by {@link PendingObject#commit()} in {@link WriteMode#CREATE_NEW} when the key is taken. */
public class ObjectExistsException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param key the key that already exists
     */
    public ObjectExistsException(ObjectKey key) {
        super("An object already exists under key '" + key + "'");
    }
}
