package io.github.neo4jbackup.export.cypher.script;

import org.neo4j.driver.Value;
import org.neo4j.driver.Values;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Moves the row list of an {@code UNWIND [...] AS row} statement (the shape of every data statement
 * of APOC's {@code UNWIND_BATCH} export) out of the text into one parameter, so the server parses a
 * few hundred characters instead of tens of kilobytes per statement, and every statement of one
 * shape has the same text (its plan is compiled once and then taken from the plan cache).
 *
 * <p>Exactness: the list is moved only when every value in it is a literal whose value this class
 * computes exactly as Cypher would: strings (with Cypher's escapes {@code \\ \' \" \b \f \n \r \t
 * \\uXXXX}; Cypher 5 keeps {@code \\U} as written, so a string holding it stays text), integers
 * ({@link Long#parseLong}), decimals ({@link Double#parseDouble}),
 * {@code true}/{@code false}/{@code null}, lists and maps of these, and the temporal constructors
 * APOC writes ({@code datetime('…')}, {@code localdatetime('…')}, {@code date('…')},
 * {@code localtime('…')}, {@code time('…')}, {@code duration('…')}) whose argument is in the form
 * Neo4j prints (checked by printing the parsed value back and comparing), and
 * {@code point({x: .., y: .., [z: ..,] crs: '..'})} with numeric coordinates. Anything else (an
 * unknown escape, a duplicate map key, an expression, a parameter) leaves the statement as it is; it
 * then runs as text, as cypher-shell would run it. Lists of 16 or more numbers of one kind
 * become {@code long[]}/{@code double[]} (as {@link LiteralLists} does). Not API.
 *
 * <p>Longer than most classes here (about 630 lines): it is one literal parser, and the values it
 * computes (temporal, duration, point) sit beside it because each must agree with that parser on
 * what counts as exact.
 */
final class UnwindRows {

    /** The name of the row parameter. */
    static final String PARAMETER = "__neo4jBackupRows";

    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2).appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .toFormatter(Locale.ROOT);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE;
    private static final DateTimeFormatter LOCAL_DATE_TIME = new DateTimeFormatterBuilder()
            .append(DATE).appendLiteral('T').append(TIME).toFormatter(Locale.ROOT);
    private static final DateTimeFormatter OFFSET = new DateTimeFormatterBuilder()
            .appendOffset("+HH:MM:ss", "Z").toFormatter(Locale.ROOT);

    private UnwindRows() {
    }

    /**
     * A rewritten statement.
     *
     * @param text       the text, {@code UNWIND $__neo4jBackupRows AS ...}
     * @param parameters the rows and any number lists of the rest of the statement
     * @param lists      how many number lists (in the rows and the rest) became arrays
     */
    record Rows(String text, Map<String, Object> parameters, int lists) {
    }

    /** The statement with its rows as a parameter, or null when it is not such a statement or a value is not exact. */
    static Rows rewrite(String cypher) {
        int i = skipSpace(cypher, 0);
        if (!cypher.regionMatches(true, i, "UNWIND", 0, 6)) {
            return null;
        }
        i = skipSpace(cypher, i + 6);
        if (i >= cypher.length() || cypher.charAt(i) != '[') {
            return null;
        }
        Parser parser = new Parser(cypher, i);
        Object rows;
        try {
            rows = parser.value();
        } catch (NotExact e) {
            return null;
        }
        int rest = skipSpace(cypher, parser.pos);
        if (!cypher.regionMatches(true, rest, "AS", 0, 2) || rest + 2 >= cypher.length()
                || !Character.isWhitespace(cypher.charAt(rest + 2))) {
            return null;
        }
        String text = cypher.substring(0, i) + "$" + PARAMETER + " " + cypher.substring(rest);
        Map<String, Object> params = new HashMap<>();
        LiteralLists.Rewritten tail = LiteralLists.rewrite(text);
        params.putAll(tail.parameters());
        params.put(PARAMETER, rows);
        return new Rows(tail.text(), params, parser.arrays + tail.parameters().size());
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** A value that is not a literal this class computes exactly. */
    private static final class NotExact extends Exception {
        NotExact() {
            super(null, null, false, false);
        }
    }

    private static final class Parser {
        private final String s;
        private int pos;
        private int arrays;

        Parser(String s, int pos) {
            this.s = s;
            this.pos = pos;
        }

        private char peek() throws NotExact {
            pos = skipSpace(s, pos);
            if (pos >= s.length()) {
                throw new NotExact();
            }
            return s.charAt(pos);
        }

        Object value() throws NotExact {
            char c = peek();
            if (c == '[') {
                return list();
            }
            if (c == '{') {
                return map();
            }
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                return number();
            }
            if (Character.isLetter(c)) {
                return word();
            }
            throw new NotExact();
        }

        private Object list() throws NotExact {
            pos++;
            List<Object> values = new ArrayList<>();
            if (peek() == ']') {
                pos++;
                return values;
            }
            while (true) {
                values.add(value());
                char c = peek();
                pos++;
                if (c == ']') {
                    return numbers(values);
                }
                if (c != ',') {
                    throw new NotExact();
                }
            }
        }

        /** Long numeric lists as primitive arrays (less heap, the same values). */
        private Object numbers(List<Object> values) {
            Object array = array(values);
            if (array != values) {
                arrays++;
            }
            return array;
        }

        private static Object array(List<Object> values) {
            if (values.size() < LiteralLists.MIN_ELEMENTS) {
                return values;
            }
            Object first = values.get(0);
            if (first instanceof Long) {
                long[] longs = new long[values.size()];
                for (int k = 0; k < longs.length; k++) {
                    if (!(values.get(k) instanceof Long l)) {
                        return values;
                    }
                    longs[k] = l;
                }
                return longs;
            }
            if (first instanceof Double) {
                double[] doubles = new double[values.size()];
                for (int k = 0; k < doubles.length; k++) {
                    if (!(values.get(k) instanceof Double d)) {
                        return values;
                    }
                    doubles[k] = d;
                }
                return doubles;
            }
            return values;
        }

        private Object map() throws NotExact {
            pos++;
            Map<String, Object> map = new HashMap<>();
            if (peek() == '}') {
                pos++;
                return map;
            }
            while (true) {
                String key = key();
                if (peek() != ':') {
                    throw new NotExact();
                }
                pos++;
                if (map.containsKey(key)) {
                    throw new NotExact();
                }
                map.put(key, value());
                char c = peek();
                pos++;
                if (c == '}') {
                    return map;
                }
                if (c != ',') {
                    throw new NotExact();
                }
            }
        }

        private String key() throws NotExact {
            char c = peek();
            if (c == '`') {
                StringBuilder sb = new StringBuilder();
                int i = pos + 1;
                while (true) {
                    int end = s.indexOf('`', i);
                    if (end < 0) {
                        throw new NotExact();
                    }
                    sb.append(s, i, end);
                    if (end + 1 < s.length() && s.charAt(end + 1) == '`') {
                        sb.append('`');
                        i = end + 2;
                    } else {
                        pos = end + 1;
                        break;
                    }
                }
                if (sb.length() == 0) {
                    throw new NotExact();
                }
                return sb.toString();
            }
            int start = pos;
            if (!(Character.isLetter(c) || c == '_')) {
                throw new NotExact();
            }
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                pos++;
            }
            return s.substring(start, pos);
        }

        private String string() throws NotExact {
            char quote = s.charAt(pos);
            StringBuilder sb = new StringBuilder();
            int i = pos + 1;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == quote) {
                    pos = i + 1;
                    return sb.toString();
                }
                if (c != '\\') {
                    sb.append(c);
                    i++;
                    continue;
                }
                if (i + 1 >= s.length()) {
                    throw new NotExact();
                }
                char e = s.charAt(i + 1);
                switch (e) {
                    case '\\' -> sb.append('\\');
                    case '\'' -> sb.append('\'');
                    case '"' -> sb.append('"');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        sb.append((char) hex(i + 2, 4));
                        i += 4;
                    }
                    default -> throw new NotExact();
                }
                i += 2;
            }
            throw new NotExact();
        }

        private int hex(int from, int digits) throws NotExact {
            if (from + digits > s.length()) {
                throw new NotExact();
            }
            int v = 0;
            for (int k = from; k < from + digits; k++) {
                int d = Character.digit(s.charAt(k), 16);
                if (d < 0 || s.charAt(k) > 127) {
                    throw new NotExact();
                }
                v = v * 16 + d;
            }
            if (!Character.isValidCodePoint(v)) {
                throw new NotExact();
            }
            return v;
        }

        private Object number() throws NotExact {
            int start = pos;
            int i = pos;
            if (s.charAt(i) == '-') {
                i++;
            }
            while (i < s.length() && isNumberChar(s.charAt(i))) {
                i++;
            }
            int digits = s.charAt(start) == '-' ? start + 1 : start;
            if (digits + 1 < i && s.charAt(digits) == '0' && Character.isDigit(s.charAt(digits + 1))) {
                throw new NotExact(); // a leading zero: Cypher may read it as octal
            }
            int kind = LiteralLists.kind(s, start, i);
            String token = s.substring(start, i);
            pos = i;
            try {
                if (kind == 1) {
                    return Long.parseLong(token);
                }
                if (kind == 2) {
                    return Double.parseDouble(token);
                }
            } catch (NumberFormatException e) {
                throw new NotExact();
            }
            throw new NotExact();
        }

        private static boolean isNumberChar(char c) {
            return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E'
                    || c == '+' || c == '-' || Character.isLetter(c);
        }

        private Object word() throws NotExact {
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                pos++;
            }
            String word = s.substring(start, pos).toLowerCase(Locale.ROOT);
            switch (word) {
                case "true":
                    return Boolean.TRUE;
                case "false":
                    return Boolean.FALSE;
                case "null":
                    return null;
                default:
                    break;
            }
            if (peek() != '(') {
                throw new NotExact();
            }
            pos++;
            char q = peek();
            if (word.equals("point") && q == '{') {
                Object coordinates = map();
                if (peek() != ')') {
                    throw new NotExact();
                }
                pos++;
                return point(coordinates);
            }
            if (q != '\'' && q != '"') {
                throw new NotExact();
            }
            String argument = string();
            if (peek() != ')') {
                throw new NotExact();
            }
            pos++;
            return temporal(word, argument);
        }
    }

    /** The reference systems Neo4j names in {@code point({.., crs: '..'})}: SRID and dimensions. */
    private static final Map<String, int[]> CRS = Map.of(
            "cartesian", new int[] {7203, 2},
            "cartesian-3d", new int[] {9157, 3},
            "wgs-84", new int[] {4326, 2},
            "wgs-84-3d", new int[] {4979, 3});

    /**
     * {@code point({x: .., y: .., [z: ..,] crs: '..'})} as APOC writes it: exactly these keys, numeric
     * coordinates (decimals as {@link Double#parseDouble} reads them, as Cypher does) and one of the
     * four reference systems with its number of dimensions.
     */
    static Value point(Object coordinates) throws NotExact {
        if (!(coordinates instanceof Map<?, ?> map) || !(map.get("crs") instanceof String crs)) {
            throw new NotExact();
        }
        int[] system = CRS.get(crs);
        if (system == null || map.size() != system[1] + 1) {
            throw new NotExact();
        }
        double x = coordinate(map.get("x"));
        double y = coordinate(map.get("y"));
        if (system[1] == 2) {
            return Values.point(system[0], x, y);
        }
        return Values.point(system[0], x, y, coordinate(map.get("z")));
    }

    private static double coordinate(Object value) throws NotExact {
        if (value instanceof Double d) {
            return d;
        }
        if (value instanceof Long l && Math.abs(l) <= (1L << 53)) {
            return l;
        }
        throw new NotExact();
    }

    /** A duration in the form Neo4j prints: {@code P1Y2M3DT4H5M6.7S}, every part optional, each signed. */
    private static final Pattern DURATION = Pattern.compile(
            "P(?:(-?\\d{1,18})Y)?(?:(-?\\d{1,18})M)?(?:(-?\\d{1,18})D)?"
                    + "(?:T(?:(-?\\d{1,18})H)?(?:(-?\\d{1,18})M)?(?:(-?)(\\d{1,18})(?:\\.(\\d{1,9}))?S)?)?");

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /**
     * The value of {@code duration('..')}: months, days, seconds and nanoseconds as Neo4j computes them
     * from the text (years and months into months; hours, minutes and seconds into seconds; a negative
     * fraction borrows from the seconds), accepted only when printing that value the way Neo4j prints
     * a duration gives the text back.
     */
    static Value duration(String text) throws NotExact {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new NotExact();
        }
        try {
            long months = Math.addExact(Math.multiplyExact(part(m, 1), 12), part(m, 2));
            long days = part(m, 3);
            long seconds = Math.addExact(Math.multiplyExact(part(m, 4), 3600), Math.multiplyExact(part(m, 5), 60));
            long nanos = 0;
            if (m.group(7) != null) {
                long whole = Long.parseLong(m.group(7));
                long fraction = m.group(8) == null ? 0
                        : Long.parseLong((m.group(8) + "00000000").substring(0, 9));
                if (m.group(6).isEmpty()) {
                    seconds = Math.addExact(seconds, whole);
                    nanos = fraction;
                } else {
                    seconds = Math.subtractExact(seconds, whole);
                    if (fraction != 0) {
                        seconds = Math.subtractExact(seconds, 1);
                        nanos = NANOS_PER_SECOND - fraction;
                    }
                }
            }
            if (!printDuration(months, days, seconds, (int) nanos).equals(text)) {
                throw new NotExact();
            }
            return Values.isoDuration(months, days, seconds, (int) nanos);
        } catch (ArithmeticException e) {
            throw new NotExact();
        }
    }

    private static long part(Matcher m, int group) {
        return m.group(group) == null ? 0 : Long.parseLong(m.group(group));
    }

    /** How Neo4j prints a duration ({@code DurationValue.prettyPrint}): {@code 0 <= nanos < 10^9}. */
    static String printDuration(long months, long days, long seconds, int nanos) {
        StringBuilder str = new StringBuilder("P");
        appendPart(str, months / 12, 'Y');
        appendPart(str, months % 12, 'M');
        appendPart(str, days, 'D');
        if (seconds != 0 || nanos != 0) {
            boolean negative = seconds < 0;
            long s = seconds;
            long n = nanos;
            if (negative && nanos != 0) {
                s++;
                n -= NANOS_PER_SECOND;
            }
            str.append('T');
            appendPart(str, s / 3600, 'H');
            s %= 3600;
            appendPart(str, s / 60, 'M');
            s %= 60;
            if (s != 0) {
                str.append(s);
                if (n != 0) {
                    appendNanos(str, n);
                }
                str.append('S');
            } else if (n != 0) {
                if (negative) {
                    str.append('-');
                }
                str.append('0');
                appendNanos(str, n);
                str.append('S');
            }
        }
        if (str.length() == 1) {
            str.append("T0S");
        }
        return str.toString();
    }

    private static void appendPart(StringBuilder str, long quantity, char unit) {
        if (quantity != 0) {
            str.append(quantity).append(unit);
        }
    }

    private static void appendNanos(StringBuilder str, long nanos) {
        str.append('.');
        long n = Math.abs(nanos);
        for (long mod = NANOS_PER_SECOND; mod > 1 && n > 0; n %= mod) {
            mod /= 10;
            str.append(n / mod);
        }
    }

    /** The value of {@code function('argument')}, when the argument is exactly the form Neo4j prints. */
    static Object temporal(String function, String argument) throws NotExact {
        try {
            Object value;
            String printed;
            switch (function) {
                case "date" -> {
                    LocalDate d = LocalDate.parse(argument, DATE);
                    value = d;
                    printed = DATE.format(d);
                }
                case "localtime" -> {
                    LocalTime t = LocalTime.parse(argument, TIME);
                    value = t;
                    printed = TIME.format(t);
                }
                case "localdatetime" -> {
                    LocalDateTime t = LocalDateTime.parse(argument, LOCAL_DATE_TIME);
                    value = t;
                    printed = LOCAL_DATE_TIME.format(t);
                }
                case "time" -> {
                    int split = offsetStart(argument, argument.length());
                    LocalTime t = LocalTime.parse(argument.substring(0, split), TIME);
                    ZoneOffset offset = ZoneOffset.from(OFFSET.parse(argument.substring(split)));
                    OffsetTime ot = OffsetTime.of(t, offset);
                    value = ot;
                    printed = TIME.format(t) + OFFSET.format(offset);
                }
                case "datetime" -> {
                    int bracket = argument.indexOf('[');
                    int end = bracket < 0 ? argument.length() : bracket;
                    int split = offsetStart(argument, end);
                    LocalDateTime local = LocalDateTime.parse(argument.substring(0, split), LOCAL_DATE_TIME);
                    ZoneOffset offset = ZoneOffset.from(OFFSET.parse(argument.substring(split, end)));
                    if (bracket < 0) {
                        value = ZonedDateTime.of(local, offset);
                        printed = LOCAL_DATE_TIME.format(local) + OFFSET.format(offset);
                    } else {
                        if (!argument.endsWith("]")) {
                            throw new NotExact();
                        }
                        ZoneId zone = ZoneId.of(argument.substring(bracket + 1, argument.length() - 1));
                        if (zone instanceof ZoneOffset) {
                            throw new NotExact();
                        }
                        ZonedDateTime z = ZonedDateTime.ofStrict(local, offset, zone);
                        value = z;
                        printed = LOCAL_DATE_TIME.format(local) + OFFSET.format(offset) + "[" + zone.getId() + "]";
                    }
                }
                case "duration" -> {
                    return duration(argument);
                }
                default -> throw new NotExact();
            }
            if (!printed.equals(argument)) {
                throw new NotExact();
            }
            return value;
        } catch (java.time.DateTimeException | IndexOutOfBoundsException e) {
            throw new NotExact();
        }
    }

    /** Where the offset ({@code Z} or {@code +hh:mm}) of a time ending at {@code end} starts. */
    private static int offsetStart(String s, int end) throws NotExact {
        if (end > 0 && s.charAt(end - 1) == 'Z') {
            return end - 1;
        }
        for (int i = end - 1; i > 0; i--) {
            char c = s.charAt(i);
            if (c == '+' || c == '-') {
                return i;
            }
            if (c == 'T') {
                break;
            }
        }
        throw new NotExact();
    }
}
