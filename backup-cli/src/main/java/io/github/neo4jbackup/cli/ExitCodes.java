package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.LockHeldException;

/** The process exit codes of {@code neo4j-backup}; part of its public interface (see {@code docs/cli.md}). */
public final class ExitCodes {

    /** Success. */
    public static final int OK = 0;
    /** The operation failed (source, storage, restore, hook, unreachable server, missing backup). */
    public static final int FAILED = 1;
    /** Usage or configuration error: bad flags, missing settings, wrong credentials, refused confirmation. */
    public static final int USAGE = 2;
    /** Verification failed: checksum, fingerprint, consistency, a refused restore, a stale or too small newest backup. */
    public static final int VERIFICATION = 3;
    /** The repository is locked by another run. */
    public static final int LOCKED = 4;

    private ExitCodes() {
    }

    /**
     * The exit code for a failure.
     *
     * @param failure what was thrown
     * @return the exit code
     */
    public static int of(Throwable failure) {
        if (failure instanceof CliException e) {
            return e.exitCode();
        }
        if (failure instanceof InvalidInputException) {
            return USAGE;
        }
        if (failure instanceof IntegrityException) {
            return VERIFICATION;
        }
        if (failure instanceof LockHeldException) {
            return LOCKED;
        }
        // BackupNotFoundException, SourceFailedException, StorageException, RestoreFailedException,
        // HookFailedException and anything unexpected: the operation failed
        return FAILED;
    }

    /**
     * A short name of the failure's kind for the JSON error object.
     *
     * @param failure what was thrown
     * @return the simple class name, or the CLI's own kind
     */
    public static String type(Throwable failure) {
        if (failure instanceof CliException e) {
            return e.kind();
        }
        return failure.getClass().getSimpleName();
    }
}
