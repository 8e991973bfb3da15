package io.github.neo4jbackup.export.cypher.driver;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal, strict JSON reader over one line of the backup stream. Errors name the line and the
 * column. Not thread-safe; not API.
 */
final class JsonLine {

    private final String text;
    private final long line;
    private int pos;

    JsonLine(String text, long line) {
        this.text = text;
        this.line = line;
    }

    long line() {
        return line;
    }

    GraphFormatException error(String message) {
        return new GraphFormatException(line, message + " (column " + (pos + 1) + ")");
    }

    GraphFormatException error(String message, Throwable cause) {
        return new GraphFormatException(line, message + " (column " + (pos + 1) + ")", cause);
    }

    void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                pos++;
            } else {
                return;
            }
        }
    }

    /** The next non-whitespace character without consuming it, or -1 at the end. */
    int peek() {
        skipWhitespace();
        return pos < text.length() ? text.charAt(pos) : -1;
    }

    void expect(char c) throws GraphFormatException {
        skipWhitespace();
        if (pos >= text.length()) {
            throw error("expected '" + c + "' but the line ends");
        }
        char actual = text.charAt(pos);
        if (actual != c) {
            throw error("expected '" + c + "' but found '" + printable(actual) + "'");
        }
        pos++;
    }

    boolean consume(char c) {
        skipWhitespace();
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    void expectEnd() throws GraphFormatException {
        skipWhitespace();
        if (pos != text.length()) {
            throw error("unexpected text after the record: '" + printable(text.charAt(pos)) + "'");
        }
    }

    /** Reads {@code "key":} and returns the key. */
    String key() throws GraphFormatException {
        String key = string();
        expect(':');
        return key;
    }

    /**
     * After the opening brace or a member, whether another member follows (consumes the comma or
     * the closing brace).
     */
    boolean nextMember(boolean first) throws GraphFormatException {
        if (consume('}')) {
            return false;
        }
        if (!first && !consume(',')) {
            throw error(peek() < 0 ? "expected ',' or '}' but the line ends"
                    : "expected ',' or '}' but found '" + printable((char) peek()) + "'");
        }
        return true;
    }

    /** After the opening bracket or an element, whether another element follows. */
    boolean nextElement(boolean first) throws GraphFormatException {
        if (consume(']')) {
            return false;
        }
        if (!first && !consume(',')) {
            throw error(peek() < 0 ? "expected ',' or ']' but the line ends"
                    : "expected ',' or ']' but found '" + printable((char) peek()) + "'");
        }
        return true;
    }

    String string() throws GraphFormatException {
        skipWhitespace();
        if (pos >= text.length() || text.charAt(pos) != '"') {
            throw error(pos >= text.length() ? "expected a string but the line ends"
                    : "expected a string but found '" + printable(text.charAt(pos)) + "'");
        }
        pos++;
        int start = pos;
        // fast path: no escapes
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                String s = text.substring(start, pos);
                pos++;
                return s;
            }
            if (c == '\\') {
                break;
            }
            if (c < 0x20) {
                throw error("unescaped control character U+" + String.format("%04X", (int) c) + " in a string");
            }
            pos++;
        }
        StringBuilder sb = new StringBuilder(text.length() - start);
        sb.append(text, start, pos);
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                if (pos >= text.length()) {
                    break;
                }
                char e = text.charAt(pos++);
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw error("incomplete \\u escape");
                        }
                        int cp = 0;
                        for (int i = 0; i < 4; i++) {
                            int d = Character.digit(text.charAt(pos++), 16);
                            if (d < 0) {
                                throw error("invalid \\u escape");
                            }
                            cp = cp * 16 + d;
                        }
                        sb.append((char) cp);
                    }
                    default -> throw error("invalid escape '\\" + printable(e) + "'");
                }
            } else if (c < 0x20) {
                pos--;
                throw error("unescaped control character U+" + String.format("%04X", (int) c) + " in a string");
            } else {
                sb.append(c);
            }
        }
        throw error("unterminated string");
    }

    /** Reads a JSON number token as text (validated against the JSON number grammar). */
    String numberToken() throws GraphFormatException {
        skipWhitespace();
        int start = pos;
        int n = text.length();
        if (pos < n && text.charAt(pos) == '-') {
            pos++;
        }
        int intStart = pos;
        while (pos < n && isDigit(text.charAt(pos))) {
            pos++;
        }
        if (pos == intStart) {
            throw error(pos >= n ? "expected a number but the line ends"
                    : "expected a number but found '" + printable(text.charAt(pos)) + "'");
        }
        if (pos < n && text.charAt(pos) == '.') {
            pos++;
            int fracStart = pos;
            while (pos < n && isDigit(text.charAt(pos))) {
                pos++;
            }
            if (pos == fracStart) {
                throw error("malformed number");
            }
        }
        if (pos < n && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            pos++;
            if (pos < n && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            int expStart = pos;
            while (pos < n && isDigit(text.charAt(pos))) {
                pos++;
            }
            if (pos == expStart) {
                throw error("malformed number");
            }
        }
        return text.substring(start, pos);
    }

    static boolean isIntegral(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.' || c == 'e' || c == 'E') {
                return false;
            }
        }
        return true;
    }

    long longValue() throws GraphFormatException {
        int at = pos;
        String token = numberToken();
        if (!isIntegral(token)) {
            pos = at;
            throw error("expected an integer but found " + token);
        }
        try {
            return Long.parseLong(token);
        } catch (NumberFormatException e) {
            pos = at;
            throw error("integer " + token + " is out of the 64-bit range");
        }
    }

    int intValue() throws GraphFormatException {
        int at = pos;
        long v = longValue();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            pos = at;
            throw error("integer " + v + " is out of the 32-bit range");
        }
        return (int) v;
    }

    boolean booleanValue() throws GraphFormatException {
        skipWhitespace();
        if (text.startsWith("true", pos)) {
            pos += 4;
            return true;
        }
        if (text.startsWith("false", pos)) {
            pos += 5;
            return false;
        }
        throw error("expected true or false");
    }

    /** Skips one JSON value of any kind (for members a reader does not know). */
    void skipValue() throws GraphFormatException {
        int c = peek();
        switch (c) {
            case '"' -> string();
            case '{' -> {
                pos++;
                boolean first = true;
                while (nextMember(first)) {
                    first = false;
                    key();
                    skipValue();
                }
            }
            case '[' -> {
                pos++;
                boolean first = true;
                while (nextElement(first)) {
                    first = false;
                    skipValue();
                }
            }
            case 't', 'f' -> booleanValue();
            case 'n' -> {
                if (!text.startsWith("null", pos)) {
                    throw error("unexpected character 'n'");
                }
                pos += 4;
            }
            case -1 -> throw error("expected a value but the line ends");
            default -> numberToken();
        }
    }

    /** Whether the next value is JSON null (consumed if so). */
    boolean consumeNull() {
        skipWhitespace();
        if (text.startsWith("null", pos)) {
            pos += 4;
            return true;
        }
        return false;
    }

    /** Reads an object of integers, e.g. counts per label. */
    Map<String, Long> longMap() throws GraphFormatException {
        Map<String, Long> map = new LinkedHashMap<>();
        expect('{');
        boolean first = true;
        while (nextMember(first)) {
            first = false;
            String k = key();
            if (map.put(k, longValue()) != null) {
                throw error("duplicate key \"" + k + "\"");
            }
        }
        return map;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static String printable(char c) {
        return c < 0x20 || c == 0x7f || Character.isSurrogate(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}
