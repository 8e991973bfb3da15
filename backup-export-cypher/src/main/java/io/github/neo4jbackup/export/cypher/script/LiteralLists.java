package io.github.neo4jbackup.export.cypher.script;

import java.util.HashMap;
import java.util.Map;

/**
 * Moves long list literals of numbers out of a Cypher statement into parameters before it is sent.
 *
 * <p>Why: an APOC script writes every embedding as a list literal ({@code name_embedding:[0.0123,
 * -0.4567, ...]}), 100 rows per {@code UNWIND}. A statement of 100 rows of 1536-d embeddings is about
 * 2 MB of text holding 153,600 number literals; the server parses, rewrites, auto-parameterizes and
 * plans all of them (and caches what it parsed), which took a 2 GiB heap for a few hundred embeddings.
 * With the lists as parameters the statement is a few kilobytes, its plan is like any other small
 * UNWIND, and the numbers travel as Bolt values.
 *
 * <p>Exactness: a list is replaced only when every element is a plain decimal number token, all of one
 * kind: integers (parsed with {@link Long#parseLong}, as Cypher parses integer literals) or floats
 * (with {@link Double#parseDouble}, as Cypher parses decimal literals), so the value the server
 * stores is the one the literal would have given. Anything else — strings, identifiers, {@code NaN},
 * mixed integers and floats, hexadecimal, expressions — leaves the list as it is. Only literals in a
 * value position (after {@code :}, {@code ,}, {@code [}, {@code (} or {@code =}) with at least
 * {@value #MIN_ELEMENTS} elements are moved; string literals, quoted names and comments are skipped.
 * Not API.
 */
final class LiteralLists {

    /** Lists shorter than this stay in the text (not worth a parameter). */
    static final int MIN_ELEMENTS = 16;

    /** Prefix of the generated parameter names. */
    static final String PREFIX = "__neo4jBackupList";

    private LiteralLists() {
    }

    /** A rewritten statement: the text and the parameters it needs (empty when nothing was moved). */
    record Rewritten(String text, Map<String, Object> parameters) {
    }

    static Rewritten rewrite(String cypher) {
        if (cypher.length() < 256 || cypher.indexOf('[') < 0) {
            return new Rewritten(cypher, Map.of());
        }
        StringBuilder out = null;
        Map<String, Object> params = null;
        int copied = 0;
        int n = cypher.length();
        int i = 0;
        char lastSignificant = 0;
        while (i < n) {
            char c = cypher.charAt(i);
            if (c == '\'' || c == '"') {
                i = skipString(cypher, i, c);
                lastSignificant = c;
                continue;
            }
            if (c == '`') {
                int end = cypher.indexOf('`', i + 1);
                while (end >= 0 && end + 1 < n && cypher.charAt(end + 1) == '`') {
                    end = cypher.indexOf('`', end + 2);
                }
                i = end < 0 ? n : end + 1;
                lastSignificant = '`';
                continue;
            }
            if (c == '/' && i + 1 < n && cypher.charAt(i + 1) == '/') {
                int end = cypher.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
                continue;
            }
            if (c == '/' && i + 1 < n && cypher.charAt(i + 1) == '*') {
                int end = cypher.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                continue;
            }
            if (c == '[' && (lastSignificant == ':' || lastSignificant == ',' || lastSignificant == '['
                    || lastSignificant == '(' || lastSignificant == '=')) {
                int end = cypher.indexOf(']', i + 1);
                Object value = end < 0 ? null : numbers(cypher, i + 1, end);
                if (value != null) {
                    if (out == null) {
                        out = new StringBuilder(n / 4);
                        params = new HashMap<>();
                    }
                    String name = PREFIX + params.size();
                    out.append(cypher, copied, i).append('$').append(name);
                    params.put(name, value);
                    copied = end + 1;
                    i = end + 1;
                    lastSignificant = ']';
                    continue;
                }
            }
            if (!Character.isWhitespace(c)) {
                lastSignificant = c;
            }
            i++;
        }
        if (out == null) {
            return new Rewritten(cypher, Map.of());
        }
        out.append(cypher, copied, n);
        return new Rewritten(out.toString(), params);
    }

    private static int skipString(String s, int start, char quote) {
        int n = s.length();
        int i = start + 1;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == quote) {
                return i + 1;
            } else {
                i++;
            }
        }
        return n;
    }

    /** The elements between from and to as long[] or double[], or null when they are not plain numbers of one kind. */
    private static Object numbers(String s, int from, int to) {
        int count = 0;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == ',') {
                count++;
            }
        }
        count++;
        if (count < MIN_ELEMENTS) {
            return null;
        }
        long[] longs = null;
        double[] doubles = null;
        int k = 0;
        int i = from;
        while (i <= to && k < count) {
            int comma = s.indexOf(',', i);
            int end = comma < 0 || comma > to ? to : comma;
            int a = i;
            int b = end;
            while (a < b && Character.isWhitespace(s.charAt(a))) {
                a++;
            }
            while (b > a && Character.isWhitespace(s.charAt(b - 1))) {
                b--;
            }
            int kind = kind(s, a, b);
            if (kind == 0) {
                return null;
            }
            String token = s.substring(a, b);
            try {
                if (kind == 1) {
                    if (doubles != null) {
                        return null;
                    }
                    if (longs == null) {
                        longs = new long[count];
                    }
                    longs[k++] = Long.parseLong(token);
                } else {
                    if (longs != null) {
                        return null;
                    }
                    if (doubles == null) {
                        doubles = new double[count];
                    }
                    doubles[k++] = Double.parseDouble(token);
                }
            } catch (NumberFormatException e) {
                return null;
            }
            i = end + 1;
        }
        if (k != count) {
            return null;
        }
        return longs != null ? longs : doubles;
    }

    /** 1 for an integer token ({@code -?[0-9]+}), 2 for a decimal one ({@code -?[0-9]+.[0-9]+([eE][-+]?[0-9]+)?} and
     * {@code -?[0-9]+[eE][-+]?[0-9]+}), 0 for anything else. */
    static int kind(String s, int a, int b) {
        int i = a;
        if (i < b && s.charAt(i) == '-') {
            i++;
        }
        int digits = i;
        while (i < b && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
            i++;
        }
        if (i == digits || (i - digits > 1 && s.charAt(digits) == '0')) {
            return 0; // no digits, or a leading zero (which Cypher may read as octal)
        }
        if (i == b) {
            return 1;
        }
        boolean decimal = false;
        if (s.charAt(i) == '.') {
            int f = ++i;
            while (i < b && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                i++;
            }
            if (i == f) {
                return 0;
            }
            decimal = true;
        }
        if (i < b && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < b && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
                i++;
            }
            int e = i;
            while (i < b && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                i++;
            }
            if (i == e) {
                return 0;
            }
            decimal = true;
        }
        return i == b && decimal ? 2 : 0;
    }
}
