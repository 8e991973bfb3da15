package io.github.neo4jbackup.core.spi;

/** How {@link PendingObject#commit()} treats an object that already exists under the key. */
public enum WriteMode {
    /** Replace an existing object atomically. */
    OVERWRITE,
    /**
     * Fail with {@link ObjectExistsException} if an object exists under the key when committing.
     * Stores implement this atomically where they can (hard links, conditional writes).
     */
    CREATE_NEW
}
