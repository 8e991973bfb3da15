package io.github.neo4jbackup.core;

/** No backup with the requested id (or no backup at all) exists in the repository. */
public final class BackupNotFoundException extends BackupException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was looked for and where
     */
    public BackupNotFoundException(String message) {
        super(message, null);
    }
}
