package io.github.neo4jbackup.core;

import java.util.OptionalInt;

/**
 * The source (export engine, external process, database) failed. Carries the process exit code
 * and the tail of its error output where there was a process.
 */
public final class SourceFailedException extends BackupException {
    private static final long serialVersionUID = 1L;

    private final Integer exitCode;
    private final String errorTail;

    /**
     * Creates the exception.
     *
     * @param message what failed and what to do
     * @param cause   the underlying failure, or {@code null}
     */
    public SourceFailedException(String message, Throwable cause) {
        this(message, null, null, cause);
    }

    /**
     * Creates the exception for a failed process.
     *
     * @param message   what failed and what to do
     * @param exitCode  the exit code, or {@code null} if the process did not exit normally
     * @param errorTail the last lines of its error output, or {@code null}
     * @param cause     the underlying failure, or {@code null}
     */
    public SourceFailedException(String message, Integer exitCode, String errorTail, Throwable cause) {
        super(message + (errorTail == null || errorTail.isBlank() ? "" : "\n--- error output (tail) ---\n" + errorTail),
                cause);
        this.exitCode = exitCode;
        this.errorTail = errorTail;
    }

    /**
     * The exit code of the failed process, if there was one.
     *
     * @return the exit code
     */
    public OptionalInt exitCode() {
        return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
    }

    /**
     * The tail of the process's error output, or an empty string.
     *
     * @return the tail
     */
    public String errorTail() {
        return errorTail == null ? "" : errorTail;
    }
}
