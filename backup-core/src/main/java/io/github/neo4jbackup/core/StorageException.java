package io.github.neo4jbackup.core;

/** The storage target failed. {@link #retryable()} tells whether trying again may help. */
public final class StorageException extends BackupException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    /**
     * Creates the exception.
     *
     * @param message   what failed and what to do
     * @param retryable whether a retry may succeed
     * @param cause     the underlying failure
     */
    public StorageException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /**
     * Whether the failure was classified as transient by the target.
     *
     * @return {@code true} if retrying may help
     */
    public boolean retryable() {
        return retryable;
    }
}
