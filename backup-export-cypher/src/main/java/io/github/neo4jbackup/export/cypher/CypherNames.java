package io.github.neo4jbackup.export.cypher;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Quoting for generated Cypher: identifiers (names of labels, relationship types, property keys,
 * indexes and constraints) and string literals.
 *
 * <p>Everything produced here is valid both over the driver and in a script replayed by
 * {@code cypher-shell}: string literals never contain raw line breaks or control characters, so a
 * statement written on one line stays on one line.
 */
public final class CypherNames {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Words that are quoted even though they look like plain identifiers (compared case-insensitively). */
    private static final Set<String> RESERVED = Set.of(
            "ALL", "AND", "ANY", "AS", "ASC", "ASCENDING", "BY", "CALL", "CASE", "CONSTRAINT", "CONTAINS",
            "COUNT", "CREATE", "DELETE", "DESC", "DESCENDING", "DETACH", "DISTINCT", "DROP", "ELSE", "END",
            "ENDS", "EXISTS", "FALSE", "FOR", "FOREACH", "FROM", "IN", "INDEX", "INF", "INFINITY", "IS",
            "KEY", "LIMIT", "LOAD", "MANDATORY", "MATCH", "MERGE", "NAN", "NODE", "NONE", "NOT", "NULL", "OF",
            "ON", "OPTIONAL", "OPTIONS", "OR", "ORDER", "REMOVE", "REQUIRE", "RETURN", "SCALAR", "SET",
            "SINGLE", "SKIP", "START", "STARTS", "THEN", "TRUE", "UNION", "UNIQUE", "UNWIND", "USE", "WHEN",
            "WHERE", "WITH", "XOR", "YIELD");

    private CypherNames() {
    }

    /**
     * Quotes a name with backticks, doubling any backtick it contains: {@code a`b} becomes
     * {@code `a``b`}. Always safe, for any name.
     *
     * @param name the name (label, type, property key, index or constraint name)
     * @return the quoted name
     */
    public static String quote(String name) {
        Objects.requireNonNull(name, "name");
        return "`" + name.replace("`", "``") + "`";
    }

    /**
     * Returns a plain identifier ({@code [A-Za-z_][A-Za-z0-9_]*}, not a Cypher keyword) unchanged and
     * quotes every other name with {@link #quote(String)}. Use it where readability matters;
     * {@link #quote(String)} is never wrong.
     *
     * @param name the name
     * @return the name, quoted if needed
     */
    public static String quoteIfNeeded(String name) {
        Objects.requireNonNull(name, "name");
        if (PLAIN.matcher(name).matches() && !RESERVED.contains(name.toUpperCase(Locale.ROOT))) {
            return name;
        }
        return quote(name);
    }

    /**
     * Writes a Cypher single-quoted string literal for any Java string. Backslash, both quote
     * characters, {@code \n}, {@code \r}, {@code \t}, {@code \b}, {@code \f} get their short escapes;
     * other control characters (U+0000..U+001F, U+007F..U+009F), the line and paragraph separators
     * U+2028/U+2029, the byte order mark U+FEFF and unpaired surrogates are written as {@code \}{@code uXXXX}.
     * Other characters (including paired surrogates) are written as they are.
     *
     * @param value the string
     * @return the literal, including its quotes
     */
    public static String string(String value) {
        Objects.requireNonNull(value, "value");
        StringBuilder sb = new StringBuilder(value.length() + 2);
        appendString(sb, value);
        return sb.toString();
    }

    /**
     * Appends the literal of {@link #string(String)} to a builder (avoids an intermediate string
     * when writing large scripts).
     *
     * @param sb    where to append
     * @param value the string
     */
    public static void appendString(StringBuilder sb, String value) {
        Objects.requireNonNull(value, "value");
        sb.append('\'');
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\'' -> sb.append("\\'");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029' || c == '\uFEFF') {
                        appendUnicodeEscape(sb, c);
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                            sb.append(c).append(value.charAt(++i));
                        } else {
                            appendUnicodeEscape(sb, c);
                        }
                    } else if (Character.isLowSurrogate(c)) {
                        appendUnicodeEscape(sb, c);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('\'');
    }

    private static void appendUnicodeEscape(StringBuilder sb, char c) {
        String hex = Integer.toHexString(c).toUpperCase(Locale.ROOT);
        sb.append("\\u");
        for (int pad = hex.length(); pad < 4; pad++) {
            sb.append('0');
        }
        sb.append(hex);
    }
}
