package io.github.neo4jbackup.core;

/** Bad configuration or arguments: nothing was changed. The message names the input and the fix. */
public final class InvalidInputException extends BackupException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong and what to do
     */
    public InvalidInputException(String message) {
        super(message, null);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what was wrong and what to do
     * @param cause   the underlying failure
     */
    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
