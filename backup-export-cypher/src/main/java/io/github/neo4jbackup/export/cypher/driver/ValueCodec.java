package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.export.cypher.census.StoredTypeCensus;
import org.neo4j.driver.Value;
import org.neo4j.driver.Values;
import org.neo4j.driver.types.IsoDuration;
import org.neo4j.driver.types.Point;
import org.neo4j.driver.types.Type;
import org.neo4j.driver.types.TypeSystem;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes driver {@link Value}s of every storable Neo4j property type as exact, typed JSON and
 * decodes them back into driver values of the same type. See {@code docs/format.md}. Not API.
 *
 * <ul>
 *   <li>STRING, INTEGER, BOOLEAN: plain JSON string, integer, {@code true}/{@code false};</li>
 *   <li>FLOAT: a JSON number that always has a fraction or an exponent, the shortest that parses back
 *       to the same double ({@link DecimalText});
 *       NaN and the infinities as {@code {"float":"NaN"}} ({@code "NaN:<16 hex digits>"} for a NaN
 *       with other bits);</li>
 *   <li>everything else as an object with one member naming the type: {@code bytes}, {@code date},
 *       {@code time}, {@code localtime}, {@code localdatetime}, {@code datetime}, {@code duration},
 *       {@code point}, {@code list<T>}, and {@code list} for an empty list.</li>
 * </ul>
 * The encoder and the decoder of each type stay in this one class (over 600 lines) so that they
 * can be read side by side.
 */
final class ValueCodec {

    static final String FLOAT = "float";
    static final String BYTES = "bytes";
    static final String DATE = "date";
    static final String TIME = "time";
    static final String LOCAL_TIME = "localtime";
    static final String LOCAL_DATE_TIME = "localdatetime";
    static final String DATE_TIME = "datetime";
    static final String DURATION = "duration";
    static final String POINT = "point";
    static final String STRING = "string";
    static final String INTEGER = "integer";
    static final String BOOLEAN = "boolean";
    static final String EMPTY_LIST = "list";
    static final String LIST_PREFIX = "list<";
    static final String FLOAT32 = "float32";
    static final String FLOAT32_LIST = LIST_PREFIX + FLOAT32 + ">";

    private static final TypeSystem TS = TypeSystem.getDefault();
    private static final Type T_STRING = TS.STRING();
    private static final Type T_INTEGER = TS.INTEGER();
    private static final Type T_FLOAT = TS.FLOAT();
    private static final Type T_BOOLEAN = TS.BOOLEAN();
    private static final Type T_BYTES = TS.BYTES();
    private static final Type T_LIST = TS.LIST();
    private static final Type T_DATE = TS.DATE();
    private static final Type T_TIME = TS.TIME();
    private static final Type T_LOCAL_TIME = TS.LOCAL_TIME();
    private static final Type T_LOCAL_DATE_TIME = TS.LOCAL_DATE_TIME();
    private static final Type T_DATE_TIME = TS.DATE_TIME();
    private static final Type T_DURATION = TS.DURATION();
    private static final Type T_POINT = TS.POINT();

    private static final long CANONICAL_NAN = Double.doubleToRawLongBits(Double.NaN);

    private ValueCodec() {
    }

    // ------------------------------------------------------------------------------- encoding

    /** Writes a property map: {@code {"key":value,...}}. */
    static void writeProperties(StringBuilder sb, Map<String, Value> properties) {
        writeProperties(sb, properties, Map.of());
    }

    /**
     * Writes a property map; the keys in {@code storedTypes} mapped to {@code FloatArray} are written
     * as {@code {"list<float32>":[..]}} (each element as the shortest decimal of its 32-bit float).
     */
    static void writeProperties(StringBuilder sb, Map<String, Value> properties, Map<String, String> storedTypes) {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, Value> e : properties.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            writeString(sb, e.getKey());
            sb.append(':');
            try {
                if (!storedTypes.isEmpty() && StoredTypeCensus.FLOAT_ARRAY.equals(storedTypes.get(e.getKey()))) {
                    writeFloat32List(sb, e.getValue());
                } else {
                    writeValue(sb, e.getValue());
                }
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("property '" + e.getKey() + "': " + ex.getMessage(), ex);
            }
        }
        sb.append('}');
    }

    /** Writes one property value. */
    static void writeValue(StringBuilder sb, Value v) {
        Type type = v.type();
        if (T_STRING.equals(type)) {
            writeString(sb, v.asString());
        } else if (T_INTEGER.equals(type)) {
            sb.append(v.asLong());
        } else if (T_FLOAT.equals(type)) {
            double d = v.asDouble();
            if (Double.isFinite(d)) {
                DecimalText.append(sb, d);
            } else {
                sb.append("{\"" + FLOAT + "\":");
                writeDouble(sb, d);
                sb.append('}');
            }
        } else if (T_BOOLEAN.equals(type)) {
            sb.append(v.asBoolean());
        } else if (T_LIST.equals(type)) {
            writeList(sb, v);
        } else {
            String tag = scalarTag(type);
            sb.append("{\"").append(tag).append("\":");
            writeScalarPayload(sb, type, v);
            sb.append('}');
        }
    }

    private static String scalarTag(Type type) {
        if (T_BYTES.equals(type)) {
            return BYTES;
        } else if (T_DATE.equals(type)) {
            return DATE;
        } else if (T_TIME.equals(type)) {
            return TIME;
        } else if (T_LOCAL_TIME.equals(type)) {
            return LOCAL_TIME;
        } else if (T_LOCAL_DATE_TIME.equals(type)) {
            return LOCAL_DATE_TIME;
        } else if (T_DATE_TIME.equals(type)) {
            return DATE_TIME;
        } else if (T_DURATION.equals(type)) {
            return DURATION;
        } else if (T_POINT.equals(type)) {
            return POINT;
        } else if (T_STRING.equals(type)) {
            return STRING;
        } else if (T_INTEGER.equals(type)) {
            return INTEGER;
        } else if (T_FLOAT.equals(type)) {
            return FLOAT;
        } else if (T_BOOLEAN.equals(type)) {
            return BOOLEAN;
        }
        throw new IllegalArgumentException("values of type " + type.name() + " cannot be stored as properties "
                + "and are not supported by the backup format");
    }

    /** The payload of a non-list value: what goes after the tag (also used for list elements). */
    private static void writeScalarPayload(StringBuilder sb, Type type, Value v) {
        if (T_STRING.equals(type)) {
            writeString(sb, v.asString());
        } else if (T_INTEGER.equals(type)) {
            sb.append(v.asLong());
        } else if (T_FLOAT.equals(type)) {
            writeDouble(sb, v.asDouble());
        } else if (T_BOOLEAN.equals(type)) {
            sb.append(v.asBoolean());
        } else if (T_BYTES.equals(type)) {
            sb.append('"').append(Base64.getEncoder().encodeToString(v.asByteArray())).append('"');
        } else if (T_DATE.equals(type)) {
            sb.append('"').append(v.asLocalDate()).append('"');
        } else if (T_TIME.equals(type)) {
            sb.append('"').append(v.asOffsetTime()).append('"');
        } else if (T_LOCAL_TIME.equals(type)) {
            sb.append('"').append(v.asLocalTime()).append('"');
        } else if (T_LOCAL_DATE_TIME.equals(type)) {
            sb.append('"').append(v.asLocalDateTime()).append('"');
        } else if (T_DATE_TIME.equals(type)) {
            ZonedDateTime z = v.asZonedDateTime();
            // an offset-only datetime has a ZoneOffset as its zone: keep which one it was
            sb.append('"').append(z.getZone() instanceof ZoneOffset ? z.toOffsetDateTime().toString() : z.toString())
                    .append('"');
        } else if (T_DURATION.equals(type)) {
            IsoDuration d = v.asIsoDuration();
            sb.append('[').append(d.months()).append(',').append(d.days()).append(',').append(d.seconds())
                    .append(',').append(d.nanoseconds()).append(']');
        } else if (T_POINT.equals(type)) {
            Point p = v.asPoint();
            sb.append('[').append(p.srid()).append(',');
            writeDouble(sb, p.x());
            sb.append(',');
            writeDouble(sb, p.y());
            if (is3d(p)) {
                sb.append(',');
                writeDouble(sb, p.z());
            }
            sb.append(']');
        } else {
            scalarTag(type); // throws for unsupported types
            throw new IllegalArgumentException("unsupported type " + type.name());
        }
    }

    private static boolean is3d(Point p) {
        return switch (p.srid()) {
            case 7203, 4326 -> false;
            case 9157, 4979 -> true;
            default -> !Double.isNaN(p.z());
        };
    }

    private static void writeList(StringBuilder sb, Value list) {
        int n = list.size();
        if (n == 0) {
            sb.append("{\"" + EMPTY_LIST + "\":[]}");
            return;
        }
        Type elementType = list.get(0).type();
        if (T_LIST.equals(elementType)) {
            throw new IllegalArgumentException("nested lists cannot be stored as properties");
        }
        String tag = scalarTag(elementType);
        sb.append("{\"" + LIST_PREFIX).append(tag).append(">\":[");
        for (int i = 0; i < n; i++) {
            Value e = list.get(i);
            if (!elementType.equals(e.type())) {
                throw new IllegalArgumentException("list mixes " + elementType.name() + " and " + e.type().name()
                        + " elements, which cannot be stored as a property");
            }
            if (i > 0) {
                sb.append(',');
            }
            writeScalarPayload(sb, elementType, e);
        }
        sb.append("]}");
    }

    /**
     * A list of floats that are all exact 32-bit floats: {@code {"list<float32>":[0.1,..]}} with
     * the shortest decimal that parses back to the same float for finite elements ({@link DecimalText}),
     * the strings of {@link #writeDouble} for the others.
     */
    static void writeFloat32List(StringBuilder sb, Value list) {
        sb.append("{\"" + FLOAT32_LIST + "\":[");
        int n = list.size();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            double d = list.get(i).asDouble();
            float f = (float) d;
            if (Float.isFinite(f)) {
                if ((double) f != d) {
                    throw new IllegalArgumentException("element " + i + " (" + d + ") is not a 32-bit float");
                }
                DecimalText.append(sb, f);
            } else {
                writeDouble(sb, d);
            }
        }
        sb.append("]}");
    }

    /** A finite double as a JSON number (always with '.' or 'E'); the others as strings. */
    static void writeDouble(StringBuilder sb, double d) {
        if (Double.isFinite(d)) {
            DecimalText.append(sb, d);
        } else if (d == Double.POSITIVE_INFINITY) {
            sb.append("\"Infinity\"");
        } else if (d == Double.NEGATIVE_INFINITY) {
            sb.append("\"-Infinity\"");
        } else {
            long bits = Double.doubleToRawLongBits(d);
            if (bits == CANONICAL_NAN) {
                sb.append("\"NaN\"");
            } else {
                sb.append("\"NaN:").append(String.format("%016x", bits)).append('"');
            }
        }
    }

    /**
     * Writes a JSON string. Control characters, quote, backslash, U+2028/U+2029 and unpaired
     * surrogates are escaped, so the result is one line of valid UTF-8 that decodes to exactly
     * the same UTF-16 string.
     */
    static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && c < 0x2028) {
                sb.append(c);
                continue;
            }
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        appendUnicodeEscape(sb, c);
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                            sb.append(c).append(s.charAt(++i));
                        } else {
                            appendUnicodeEscape(sb, c);
                        }
                    } else if (Character.isLowSurrogate(c)) {
                        appendUnicodeEscape(sb, c); // unpaired: a valid pair was consumed above
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void appendUnicodeEscape(StringBuilder sb, char c) {
        sb.append("\\u");
        String hex = Integer.toHexString(c);
        for (int k = hex.length(); k < 4; k++) {
            sb.append('0');
        }
        sb.append(hex);
    }

    // ------------------------------------------------------------------------------- decoding

    /** Reads a property map. */
    static Map<String, Value> readProperties(JsonLine in) throws GraphFormatException {
        return readProperties(in, new LinkedHashMap<>());
    }

    /**
     * Reads a property map; the keys of narrow stored types ({@code list<float32>} values, read as
     * their exact 64-bit widening) are added to {@code storedTypes}.
     */
    static Map<String, Value> readProperties(JsonLine in, Map<String, String> storedTypes)
            throws GraphFormatException {
        in.expect('{');
        Map<String, Value> map = new LinkedHashMap<>();
        boolean first = true;
        while (in.nextMember(first)) {
            first = false;
            String key = in.key();
            Value value = readValue(in, key, storedTypes);
            if (map.put(key, value) != null) {
                throw in.error("duplicate property \"" + key + "\"");
            }
        }
        return map;
    }

    /** Reads one property value. */
    static Value readValue(JsonLine in, String property) throws GraphFormatException {
        return readValue(in, property, new LinkedHashMap<>());
    }

    /** Reads one property value; a float32 list adds {@code property -> FloatArray} to {@code storedTypes}. */
    static Value readValue(JsonLine in, String property, Map<String, String> storedTypes) throws GraphFormatException {
        int c = in.peek();
        switch (c) {
            case '"':
                return Values.value(in.string());
            case 't':
            case 'f':
                return Values.value(in.booleanValue());
            case '{':
                return readTagged(in, property, storedTypes);
            case -1:
                throw in.error("property \"" + property + "\" has no value");
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    String token = in.numberToken();
                    return JsonLine.isIntegral(token) ? Values.value(parseLong(in, token)) : Values.value(parseDouble(in, token));
                }
                throw in.error("property \"" + property + "\" has an invalid value starting with '"
                        + JsonLine.printable((char) c) + "'" + (c == 'n' ? " (null is not a property value)" : ""));
        }
    }

    private static Value readTagged(JsonLine in, String property, Map<String, String> storedTypes)
            throws GraphFormatException {
        in.expect('{');
        String tag = in.key();
        Value value;
        try {
            if (tag.equals(FLOAT32_LIST)) {
                value = readFloat32List(in);
                storedTypes.put(property, StoredTypeCensus.FLOAT_ARRAY);
            } else if (tag.startsWith(LIST_PREFIX) && tag.endsWith(">")) {
                value = readList(in, tag.substring(LIST_PREFIX.length(), tag.length() - 1), property);
            } else if (tag.equals(EMPTY_LIST)) {
                in.expect('[');
                in.expect(']');
                value = Values.value(List.of());
            } else {
                value = readScalarPayload(in, tag, property, false);
            }
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw in.error("property \"" + property + "\" has an invalid " + tag + " value: " + e.getMessage(), e);
        }
        if (!in.consume('}')) {
            throw in.error("property \"" + property + "\": a typed value must have exactly one member");
        }
        return value;
    }

    /** A float32 list, returned as its exact 64-bit widening. */
    private static Value readFloat32List(JsonLine in) throws GraphFormatException {
        in.expect('[');
        double[] values = new double[16];
        int n = 0;
        boolean first = true;
        while (in.nextElement(first)) {
            first = false;
            if (n == values.length) {
                values = java.util.Arrays.copyOf(values, n * 2);
            }
            if (in.peek() == '"') {
                values[n++] = (float) readDouble(in);
            } else {
                String token = in.numberToken();
                try {
                    float f = DecimalText.parseFloat(token);
                    if (!Float.isFinite(f)) {
                        throw in.error("float32 " + token + " is out of the 32-bit range");
                    }
                    values[n++] = f;
                } catch (NumberFormatException e) {
                    throw in.error("invalid float32 " + token);
                }
            }
        }
        if (n == 0) {
            throw in.error("an empty list must be written as {\"list\":[]}");
        }
        return doubles(values, n);
    }

    /** The list value of the first {@code n} doubles: {@code Values.value(double...)} without its stream. */
    private static Value doubles(double[] values, int n) {
        Value[] list = new Value[n];
        for (int i = 0; i < n; i++) {
            list[i] = Values.value(values[i]);
        }
        return Values.value(list);
    }

    /** The list value of the first {@code n} longs: {@code Values.value(long...)} without its stream. */
    private static Value longs(long[] values, int n) {
        Value[] list = new Value[n];
        for (int i = 0; i < n; i++) {
            list[i] = Values.value(values[i]);
        }
        return Values.value(list);
    }

    private static Value readList(JsonLine in, String elementTag, String property) throws GraphFormatException {
        in.expect('[');
        switch (elementTag) {
            case FLOAT -> {
                double[] values = new double[16];
                int n = 0;
                boolean first = true;
                while (in.nextElement(first)) {
                    first = false;
                    if (n == values.length) {
                        values = java.util.Arrays.copyOf(values, n * 2);
                    }
                    values[n++] = readDouble(in);
                }
                return doubles(values, n);
            }
            case INTEGER -> {
                long[] values = new long[16];
                int n = 0;
                boolean first = true;
                while (in.nextElement(first)) {
                    first = false;
                    if (n == values.length) {
                        values = java.util.Arrays.copyOf(values, n * 2);
                    }
                    values[n++] = in.longValue();
                }
                return longs(values, n);
            }
            default -> {
                List<Value> values = new ArrayList<>();
                boolean first = true;
                while (in.nextElement(first)) {
                    first = false;
                    values.add(readScalarPayload(in, elementTag, property, true));
                }
                if (values.isEmpty()) {
                    throw in.error("property \"" + property + "\": an empty list must be written as {\"list\":[]}");
                }
                return Values.value(values.toArray(new Value[0]));
            }
        }
    }

    private static Value readScalarPayload(JsonLine in, String tag, String property, boolean inList)
            throws GraphFormatException {
        switch (tag) {
            case STRING:
                if (inList) {
                    return Values.value(in.string());
                }
                break;
            case BOOLEAN:
                if (inList) {
                    return Values.value(in.booleanValue());
                }
                break;
            case FLOAT:
                return Values.value(readDouble(in));
            case BYTES:
                return Values.value(Base64.getDecoder().decode(in.string()));
            case DATE:
                return Values.value(IsoTemporals.parseDate(in.string()));
            case TIME:
                return Values.value(IsoTemporals.parseOffsetTime(in.string()));
            case LOCAL_TIME:
                return Values.value(IsoTemporals.parseLocalTime(in.string()));
            case LOCAL_DATE_TIME:
                return Values.value(IsoTemporals.parseLocalDateTime(in.string()));
            case DATE_TIME: {
                String text = in.string();
                return text.endsWith("]") ? Values.value(IsoTemporals.parseZonedDateTime(text))
                        : Values.value(IsoTemporals.parseOffsetDateTime(text));
            }
            case DURATION: {
                in.expect('[');
                long months = in.longValue();
                in.expect(',');
                long days = in.longValue();
                in.expect(',');
                long seconds = in.longValue();
                in.expect(',');
                int nanos = in.intValue();
                in.expect(']');
                return Values.isoDuration(months, days, seconds, nanos);
            }
            case POINT: {
                in.expect('[');
                int srid = in.intValue();
                in.expect(',');
                double x = readDouble(in);
                in.expect(',');
                double y = readDouble(in);
                if (in.consume(',')) {
                    double z = readDouble(in);
                    in.expect(']');
                    return Values.point(srid, x, y, z);
                }
                in.expect(']');
                return Values.point(srid, x, y);
            }
            default:
                break;
        }
        throw in.error("property \"" + property + "\" has an unknown type tag \"" + (inList ? "list<" + tag + ">" : tag)
                + "\"; the backup was written by a newer version or is damaged");
    }

    /** A double: a JSON number, or one of the strings NaN, Infinity, -Infinity, NaN:hexbits. */
    static double readDouble(JsonLine in) throws GraphFormatException {
        if (in.peek() == '"') {
            String s = in.string();
            switch (s) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    if (s.startsWith("NaN:") && s.length() == 20) {
                        try {
                            double d = Double.longBitsToDouble(Long.parseUnsignedLong(s.substring(4), 16));
                            if (Double.isNaN(d)) {
                                return d;
                            }
                        } catch (NumberFormatException e) {
                            // fall through
                        }
                    }
                    throw in.error("invalid float \"" + s + "\"");
            }
        }
        return parseDouble(in, in.numberToken());
    }

    private static double parseDouble(JsonLine in, String token) throws GraphFormatException {
        try {
            return DecimalText.parseDouble(token);
        } catch (NumberFormatException e) {
            throw in.error("invalid float " + token);
        }
    }

    private static long parseLong(JsonLine in, String token) throws GraphFormatException {
        try {
            return Long.parseLong(token);
        } catch (NumberFormatException e) {
            throw in.error("integer " + token + " is out of the 64-bit range");
        }
    }
}
