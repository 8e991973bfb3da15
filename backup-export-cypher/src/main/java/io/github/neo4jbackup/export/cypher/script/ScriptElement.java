package io.github.neo4jbackup.export.cypher.script;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One element of a Cypher script as {@link CypherStatementSplitter} returns it: a Cypher
 * {@link Statement} or a cypher-shell {@link Command} such as {@code :begin}.
 */
public sealed interface ScriptElement permits ScriptElement.Statement, ScriptElement.Command {

    /**
     * The 1-based line on which the element starts.
     *
     * @return the line number
     */
    long line();

    /**
     * A Cypher statement.
     *
     * @param text       the statement text without the terminating {@code ;} and without leading
     *                   comments and surrounding white space; comments inside the statement are kept
     * @param line       the 1-based line on which the statement starts
     * @param terminated whether a {@code ;} ended the statement ({@code false} only for a last
     *                   statement that runs into the end of the script)
     */
    record Statement(String text, long line, boolean terminated) implements ScriptElement {

        private static final Pattern SCHEMA = Pattern.compile(
                "(?i)(CREATE|DROP)\\s+(OR\\s+REPLACE\\s+)?((RANGE|TEXT|POINT|LOOKUP|FULLTEXT|VECTOR|BTREE)\\s+)?"
                        + "(INDEX|CONSTRAINT)\\b");

        /**
         * Creates a statement.
         *
         * @param text       the text
         * @param line       the start line
         * @param terminated whether a semicolon ended it
         */
        public Statement {
            Objects.requireNonNull(text, "text");
        }

        /**
         * Whether this is a schema command ({@code CREATE}/{@code DROP} of an index or a constraint),
         * which Neo4j does not allow in a transaction that also writes data.
         *
         * @return {@code true} for index and constraint DDL
         */
        public boolean isSchemaCommand() {
            return SCHEMA.matcher(text).lookingAt();
        }

        /**
         * The beginning of the statement on one line, for messages.
         *
         * @param maxChars at most this many characters of the statement
         * @return the excerpt, with {@code ...} when shortened
         */
        public String excerpt(int maxChars) {
            return ScriptElement.excerpt(text, maxChars);
        }
    }

    /**
     * A cypher-shell command: a line that starts with {@code :} where a statement could start.
     *
     * @param name     the command name in lower case without the colon, e.g. {@code begin}, {@code param}
     * @param argument the rest of the command (for {@code :param {..}} possibly several lines), without
     *                 surrounding white space and trailing semicolons; empty if none
     * @param line     the 1-based line on which the command starts
     */
    record Command(String name, String argument, long line) implements ScriptElement {

        /**
         * Creates a command.
         *
         * @param name     the name (lower-cased here)
         * @param argument the argument ({@code null} means none)
         * @param line     the start line
         */
        public Command {
            Objects.requireNonNull(name, "name");
            name = name.toLowerCase(Locale.ROOT);
            argument = argument == null ? "" : argument;
        }

        /**
         * The command as it would be written in a script, shortened for messages.
         *
         * @return for example {@code :param x => 1}
         */
        public String display() {
            return ScriptElement.excerpt(":" + name + (argument.isEmpty() ? "" : " " + argument), 80);
        }
    }

    private static String excerpt(String text, int maxChars) {
        StringBuilder sb = new StringBuilder();
        boolean pendingSpace = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                pendingSpace = sb.length() > 0;
                continue;
            }
            if (sb.length() + (pendingSpace ? 1 : 0) >= maxChars) {
                return sb + "...";
            }
            if (pendingSpace) {
                sb.append(' ');
                pendingSpace = false;
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
