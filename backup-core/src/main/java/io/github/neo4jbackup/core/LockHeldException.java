package io.github.neo4jbackup.core;

import java.time.Instant;

/** Another run holds the repository lock. The message names the owner, host and start time. */
public final class LockHeldException extends BackupException {
    private static final long serialVersionUID = 1L;

    private final String owner;
    private final Instant expiresAt;

    /**
     * Creates the exception.
     *
     * @param message   what is locked, by whom, and what to do
     * @param owner     the lock owner's description
     * @param expiresAt when the lock becomes stale
     */
    public LockHeldException(String message, String owner, Instant expiresAt) {
        super(message, null);
        this.owner = owner;
        this.expiresAt = expiresAt;
    }

    /**
     * Who holds the lock.
     *
     * @return the owner description
     */
    public String owner() {
        return owner;
    }

    /**
     * When the lock is considered stale and may be taken over.
     *
     * @return the expiry instant
     */
    public Instant expiresAt() {
        return expiresAt;
    }
}
