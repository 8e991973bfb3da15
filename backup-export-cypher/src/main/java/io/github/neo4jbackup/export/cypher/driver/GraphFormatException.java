package io.github.neo4jbackup.export.cypher.driver;

import java.io.IOException;

/**
 * A backup stream in the {@link GraphFormat graph format} is malformed, truncated or of an
 * unsupported version. The message names the line (1-based) and says what is wrong.
 */
public final class GraphFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The 1-based line number, or 0 when the problem is not tied to a line. */
    private final long line;

    /**
     * Creates the exception.
     *
     * @param line    the 1-based line number, or 0 when the problem is not tied to a line
     * @param message what is wrong
     */
    public GraphFormatException(long line, String message) {
        this(line, message, null);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param line    the 1-based line number, or 0 when the problem is not tied to a line
     * @param message what is wrong
     * @param cause   the cause, or {@code null}
     */
    public GraphFormatException(long line, String message, Throwable cause) {
        super(line > 0 ? "Line " + line + " of the backup stream: " + message : message, cause);
        this.line = line;
    }

    /**
     * The 1-based line number the problem was found on.
     *
     * @return the line number, or 0 when not tied to a line
     */
    public long line() {
        return line;
    }
}
