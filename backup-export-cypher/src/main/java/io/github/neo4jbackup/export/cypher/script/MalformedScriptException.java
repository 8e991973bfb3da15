package io.github.neo4jbackup.export.cypher.script;

import java.io.IOException;

/**
 * A Cypher script could not be split into statements: it ends inside a string, an identifier or a
 * comment (typically because it was truncated), a statement is longer than the configured limit, or
 * a cypher-shell command is malformed.
 */
public final class MalformedScriptException extends IOException {

    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** The 1-based line where the problem starts. */
    private final long line;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, including the line
     * @param line    the 1-based line where the problem starts
     */
    public MalformedScriptException(String message, long line) {
        super(message);
        this.line = line;
    }

    /**
     * The 1-based line where the problem starts.
     *
     * @return the line number
     */
    public long line() {
        return line;
    }
}
