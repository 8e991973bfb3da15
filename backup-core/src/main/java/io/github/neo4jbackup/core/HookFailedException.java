package io.github.neo4jbackup.core;

/**
 * The backup itself succeeded (it is stored, verified and listed) but the hook that should have
 * brought the database back after it ({@link io.github.neo4jbackup.core.spi.BackupHook#afterBackup})
 * failed: the database may still be stopped. Check it now.
 */
public final class HookFailedException extends BackupException {
    private static final long serialVersionUID = 1L;

    private final transient BackupResult result;

    /**
     * Creates the exception.
     *
     * @param message what failed and what to do
     * @param result  the successful backup
     * @param cause   the hook's failure
     */
    public HookFailedException(String message, BackupResult result, Throwable cause) {
        super(message, cause);
        this.result = result;
    }

    /**
     * The backup that was stored before the hook failed.
     *
     * @return the result
     */
    public BackupResult result() {
        return result;
    }
}
