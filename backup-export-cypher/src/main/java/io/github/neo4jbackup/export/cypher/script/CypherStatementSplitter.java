package io.github.neo4jbackup.export.cypher.script;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Splits a Cypher script into statements and cypher-shell commands while reading it: memory stays
 * bounded by one statement (plus a fixed read buffer), whatever the size of the script.
 *
 * <p>The syntax is the one {@code cypher-shell -f} accepts:
 * <ul>
 *   <li>Statements end with {@code ;} outside string literals, quoted identifiers and comments.</li>
 *   <li>String literals in {@code '...'} or {@code "..."}; a backslash escapes the next character
 *       (so {@code \'}, {@code \"} and {@code \\} do not end the literal).</li>
 *   <li>Identifiers in backticks; a doubled backtick ({@code ``}) is a backtick inside the name.
 *       A backslash has no special meaning there (as in Cypher; cypher-shell itself treats it as an
 *       escape, which only matters for names that end in a backslash).</li>
 *   <li>{@code //} comments to the end of the line and {@code /* ... *&#47;} comments. Comments
 *       before a statement are dropped; comments inside a statement stay in its text.</li>
 *   <li>A {@code :} where a statement could start begins a cypher-shell command, which ends at the
 *       end of its line: {@code :begin}, {@code :commit}, {@code :rollback},
 *       {@code :param name => expression}, {@code :params}, {@code :use db} and so on. The argument of
 *       {@code :param {map}} may span several lines (until the braces balance). Trailing semicolons
 *       of a command are ignored. The splitter returns every command; what they mean is up to the
 *       caller (see {@link CypherScriptSink}).</li>
 *   <li>Empty statements (a lone {@code ;}) are skipped. A last statement without {@code ;} is
 *       returned with {@link ScriptElement.Statement#terminated()} {@code false}.</li>
 * </ul>
 *
 * <p>A script that ends inside a string literal, a quoted identifier, a block comment or a
 * {@code :param} map (as a truncated file does) raises a {@link MalformedScriptException} naming
 * the line where that construct starts. Lines are counted by {@code \n}.
 *
 * <p>Not thread-safe. {@link #close()} closes the reader.
 */
public final class CypherStatementSplitter implements Closeable {

    /** The default limit of one statement's length: 256 Mi characters. */
    public static final int DEFAULT_MAX_STATEMENT_CHARS = 256 * 1024 * 1024;

    private static final int BUFFER = 64 * 1024;

    private final Reader reader;
    private final int maxStatementChars;
    private final char[] buffer = new char[BUFFER];
    private int pos;
    private int limit;
    private boolean eof;
    private long line = 1;
    private boolean first = true;

    private CypherStatementSplitter(Reader reader, int maxStatementChars) {
        this.reader = Objects.requireNonNull(reader, "reader");
        if (maxStatementChars < 1) {
            throw new IllegalArgumentException("maxStatementChars must be positive, was " + maxStatementChars);
        }
        this.maxStatementChars = maxStatementChars;
    }

    /**
     * A splitter reading from {@code reader} with the default statement length limit.
     *
     * @param reader the script; read sequentially, closed by {@link #close()}
     * @return the splitter
     */
    public static CypherStatementSplitter of(Reader reader) {
        return new CypherStatementSplitter(reader, DEFAULT_MAX_STATEMENT_CHARS);
    }

    /**
     * A splitter reading from {@code reader}.
     *
     * @param reader            the script; read sequentially, closed by {@link #close()}
     * @param maxStatementChars the longest statement (or command) accepted, in characters
     * @return the splitter
     */
    public static CypherStatementSplitter of(Reader reader, int maxStatementChars) {
        return new CypherStatementSplitter(reader, maxStatementChars);
    }

    /**
     * Splits a whole script held in memory.
     *
     * @param script the script
     * @return its statements and commands in order
     * @throws MalformedScriptException when the script is malformed or truncated
     */
    public static List<ScriptElement> splitAll(String script) throws MalformedScriptException {
        List<ScriptElement> elements = new ArrayList<>();
        try (CypherStatementSplitter splitter = of(new StringReader(script))) {
            Optional<ScriptElement> next;
            while ((next = splitter.next()).isPresent()) {
                elements.add(next.get());
            }
        } catch (MalformedScriptException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("Reading a string failed", e);
        }
        return elements;
    }

    /**
     * The line the splitter has read up to (1-based), for messages about failed reads.
     *
     * @return the current line
     */
    public long currentLine() {
        return line;
    }

    /**
     * Reads the next statement or command.
     *
     * @return the element, or empty at the end of the script
     * @throws MalformedScriptException when the script is malformed or truncated
     * @throws IOException              when reading fails
     */
    public Optional<ScriptElement> next() throws IOException {
        while (true) {
            int c = peek(0);
            if (c < 0) {
                return Optional.empty();
            }
            if (first && c == '\uFEFF') {
                read();
                continue;
            }
            first = false;
            if (Character.isWhitespace(c) || c == ';') {
                read();
            } else if (c == '/' && peek(1) == '/') {
                skipLineComment();
            } else if (c == '/' && peek(1) == '*') {
                skipBlockComment();
            } else if (c == ':') {
                return Optional.of(command());
            } else {
                return Optional.of(statement());
            }
        }
    }

    private void skipLineComment() throws IOException {
        int c;
        while ((c = read()) >= 0 && c != '\n') {
            // skip
        }
    }

    private void skipBlockComment() throws IOException {
        long start = line;
        read();
        read();
        int previous = 0;
        int c;
        while ((c = read()) >= 0) {
            if (previous == '*' && c == '/') {
                return;
            }
            previous = c;
        }
        throw new MalformedScriptException("The script ends inside a /* comment that starts on line " + start
                + "; it is truncated or the comment is not closed", start);
    }

    private enum State { CODE, SINGLE, DOUBLE, BACKTICK, LINE_COMMENT, BLOCK_COMMENT }

    private ScriptElement.Statement statement() throws IOException {
        long startLine = line;
        long stateLine = line;
        StringBuilder sb = new StringBuilder();
        State state = State.CODE;
        int previous = 0;
        int c;
        while ((c = read()) >= 0) {
            switch (state) {
                case CODE -> {
                    if (c == ';') {
                        return new ScriptElement.Statement(stripTrailing(sb), startLine, true);
                    }
                    sb.append((char) c);
                    if (c == '\'') {
                        state = State.SINGLE;
                        stateLine = line;
                    } else if (c == '"') {
                        state = State.DOUBLE;
                        stateLine = line;
                    } else if (c == '`') {
                        state = State.BACKTICK;
                        stateLine = line;
                    } else if (c == '/' && peek(0) == '/') {
                        sb.append((char) read());
                        state = State.LINE_COMMENT;
                    } else if (c == '/' && peek(0) == '*') {
                        sb.append((char) read());
                        state = State.BLOCK_COMMENT;
                        stateLine = line;
                        previous = 0;
                        check(sb, startLine);
                        continue;
                    }
                }
                case SINGLE, DOUBLE -> {
                    sb.append((char) c);
                    if (c == '\\') {
                        int escaped = read();
                        if (escaped < 0) {
                            break;
                        }
                        sb.append((char) escaped);
                    } else if (c == (state == State.SINGLE ? '\'' : '"')) {
                        state = State.CODE;
                    }
                }
                case BACKTICK -> {
                    sb.append((char) c);
                    if (c == '`') {
                        state = State.CODE; // a doubled backtick closes and reopens: same text
                    }
                }
                case LINE_COMMENT -> {
                    sb.append((char) c);
                    if (c == '\n') {
                        state = State.CODE;
                    }
                }
                case BLOCK_COMMENT -> {
                    sb.append((char) c);
                    if (previous == '*' && c == '/') {
                        state = State.CODE;
                        c = 0;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
            previous = c;
            check(sb, startLine);
        }
        String what = switch (state) {
            case SINGLE, DOUBLE -> "a string literal";
            case BACKTICK -> "a `quoted` name";
            case BLOCK_COMMENT -> "a /* comment";
            default -> null;
        };
        if (what != null) {
            throw new MalformedScriptException("The script ends inside " + what + " that starts on line " + stateLine
                    + " (statement starting on line " + startLine + "); it is truncated or the quote is not closed",
                    stateLine);
        }
        return new ScriptElement.Statement(stripTrailing(sb), startLine, false);
    }

    private ScriptElement.Command command() throws IOException {
        long startLine = line;
        read(); // ':'
        StringBuilder name = new StringBuilder();
        int c;
        while ((c = peek(0)) >= 0 && !Character.isWhitespace(c) && c != ';') {
            name.append((char) read());
            check(name, startLine);
        }
        while ((c = peek(0)) >= 0 && c != '\n' && c != '\r' && Character.isWhitespace(c)) {
            read();
        }
        StringBuilder argument = new StringBuilder();
        if (peek(0) == '{' && (name.toString().equalsIgnoreCase("param") || name.toString().equalsIgnoreCase("params"))) {
            readMap(argument, startLine);
        }
        while ((c = read()) >= 0 && c != '\n') {
            argument.append((char) c);
            check(argument, startLine);
        }
        int end = argument.length();
        while (end > 0 && (Character.isWhitespace(argument.charAt(end - 1)) || argument.charAt(end - 1) == ';')) {
            end--;
        }
        argument.setLength(end);
        return new ScriptElement.Command(name.toString(), argument.toString().strip(), startLine);
    }

    /** Reads a {@code {...}} map literal (possibly over several lines) honouring quotes. */
    private void readMap(StringBuilder sb, long startLine) throws IOException {
        int depth = 0;
        State state = State.CODE;
        int c;
        while ((c = read()) >= 0) {
            sb.append((char) c);
            check(sb, startLine);
            switch (state) {
                case CODE -> {
                    if (c == '{') {
                        depth++;
                    } else if (c == '}') {
                        if (--depth == 0) {
                            return;
                        }
                    } else if (c == '\'') {
                        state = State.SINGLE;
                    } else if (c == '"') {
                        state = State.DOUBLE;
                    } else if (c == '`') {
                        state = State.BACKTICK;
                    }
                }
                case SINGLE, DOUBLE -> {
                    if (c == '\\') {
                        int escaped = read();
                        if (escaped >= 0) {
                            sb.append((char) escaped);
                        }
                    } else if (c == (state == State.SINGLE ? '\'' : '"')) {
                        state = State.CODE;
                    }
                }
                case BACKTICK -> {
                    if (c == '`') {
                        state = State.CODE;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        throw new MalformedScriptException("The script ends inside the map of the :param command on line " + startLine
                + "; it is truncated or a brace is not closed", startLine);
    }

    private void check(StringBuilder sb, long startLine) throws MalformedScriptException {
        if (sb.length() > maxStatementChars) {
            throw new MalformedScriptException("The statement starting on line " + startLine + " is longer than "
                    + maxStatementChars + " characters; a ';' may be missing, or raise the limit", startLine);
        }
    }

    private static String stripTrailing(StringBuilder sb) {
        int end = sb.length();
        while (end > 0 && Character.isWhitespace(sb.charAt(end - 1))) {
            end--;
        }
        return sb.substring(0, end);
    }

    private int read() throws IOException {
        if (pos >= limit && !fill(1)) {
            return -1;
        }
        char c = buffer[pos++];
        if (c == '\n') {
            line++;
        }
        return c;
    }

    private int peek(int ahead) throws IOException {
        if (pos + ahead >= limit && !fill(ahead + 1)) {
            return -1;
        }
        return buffer[pos + ahead];
    }

    /** Makes at least {@code need} characters available; false if the input ends before. */
    private boolean fill(int need) throws IOException {
        if (limit - pos >= need) {
            return true;
        }
        if (eof) {
            return false;
        }
        if (pos > 0) {
            System.arraycopy(buffer, pos, buffer, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        while (limit - pos < need) {
            int n = reader.read(buffer, limit, buffer.length - limit);
            if (n < 0) {
                eof = true;
                return false;
            }
            limit += n;
        }
        return true;
    }

    /**
     * Closes the reader.
     *
     * @throws IOException when closing fails
     */
    @Override
    public void close() throws IOException {
        reader.close();
    }
}
