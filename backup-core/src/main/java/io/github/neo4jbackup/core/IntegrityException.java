package io.github.neo4jbackup.core;

/**
 * Stored data does not match what was recorded: checksum or size mismatch, corrupt or truncated
 * stream, unreadable manifest. Restores refuse such backups.
 */
public final class IntegrityException extends BackupException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what did not match and what to do
     */
    public IntegrityException(String message) {
        super(message, null);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what did not match and what to do
     * @param cause   the underlying failure
     */
    public IntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
