package io.github.neo4jbackup.cli;

/**
 * A failure the command line detects itself (a missing flag, an unreadable password file, a
 * stale backup), carrying its exit code. The message says what to fix.
 */
public final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;
    private final String kind;

    /**
     * Creates the exception.
     *
     * @param exitCode the exit code (see {@link ExitCodes})
     * @param kind     a short kind for the JSON error object
     * @param message  what is wrong and what to do
     * @param cause    the cause, or {@code null}
     */
    public CliException(int exitCode, String kind, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.kind = kind;
    }

    /**
     * A usage or configuration error (exit code 2).
     *
     * @param message what is wrong and what to do
     * @return the exception
     */
    public static CliException usage(String message) {
        return new CliException(ExitCodes.USAGE, "UsageError", message, null);
    }

    /**
     * A usage or configuration error (exit code 2) with a cause.
     *
     * @param message what is wrong and what to do
     * @param cause   the cause
     * @return the exception
     */
    public static CliException usage(String message, Throwable cause) {
        return new CliException(ExitCodes.USAGE, "UsageError", message, cause);
    }

    /**
     * An operation failure (exit code 1).
     *
     * @param message what failed and what to do
     * @param cause   the cause, or {@code null}
     * @return the exception
     */
    public static CliException failed(String message, Throwable cause) {
        return new CliException(ExitCodes.FAILED, "OperationFailed", message, cause);
    }

    /**
     * The exit code.
     *
     * @return the code
     */
    public int exitCode() {
        return exitCode;
    }

    /**
     * The kind, for the JSON error object.
     *
     * @return the kind
     */
    public String kind() {
        return kind;
    }
}
