package io.github.neo4jbackup.export.admin;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * A neo4j-admin command failed: it could not start, exited with a non-zero code, was killed by a
 * signal or ran past its timeout. Thrown inside the SPI methods of this module's restore sinks (the
 * pipeline wraps it in a {@link io.github.neo4jbackup.core.RestoreFailedException}); the backup
 * sources report the same facts through {@link io.github.neo4jbackup.core.SourceFailedException}.
 */
public final class AdminCommandException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Integer exitCode;
    private final String errorTail;

    /**
     * Creates the exception.
     *
     * @param message   what failed and what to do
     * @param exitCode  the exit code, or {@code null} when the process did not exit by itself
     * @param errorTail the last lines of its error output, or {@code null}
     * @param cause     the underlying failure, or {@code null}
     */
    public AdminCommandException(String message, Integer exitCode, String errorTail, Throwable cause) {
        super(message + (errorTail == null || errorTail.isBlank() ? "" : "\n--- error output (tail) ---\n" + errorTail),
                cause);
        this.exitCode = exitCode;
        this.errorTail = errorTail;
    }

    /**
     * The exit code of the process, if it exited by itself.
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
