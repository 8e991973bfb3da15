package io.github.neo4jbackup.core;

/**
 * The root of every exception this library throws through its public API. Messages say what
 * failed and what to do; they never contain secrets.
 */
public abstract sealed class BackupException extends RuntimeException
        permits InvalidInputException, SourceFailedException, StorageException, IntegrityException,
        LockHeldException, BackupNotFoundException, RestoreFailedException, HookFailedException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what failed and what to do
     * @param cause   the underlying failure, or {@code null}
     */
    protected BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
