package io.github.neo4jbackup.core;

/** The restore sink failed while writing into the database. */
public final class RestoreFailedException extends BackupException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed and what to do
     * @param cause   the underlying failure
     */
    public RestoreFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
