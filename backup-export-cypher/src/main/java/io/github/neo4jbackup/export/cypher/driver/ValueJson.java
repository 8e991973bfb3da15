package io.github.neo4jbackup.export.cypher.driver;

import org.neo4j.driver.Value;

import java.util.Map;

/**
 * The type-exact JSON encoding of property values that the graph format uses (see
 * {@code docs/format.md}, "Property values"), for other writers that want the same mapping: strings
 * and booleans as JSON strings and booleans, integers as JSON integers, finite floats as JSON numbers
 * that always hold {@code .} or {@code E}, everything else as a one-member object naming its type
 * ({@code {"datetime":"2025-03-30T01:59:59+01:00[Europe/Berlin]"}}, {@code {"bytes":"<base64>"}},
 * {@code {"point":[4326,13.4,52.5]}}, {@code {"list<float32>":[…]}}, …). Stateless.
 */
public final class ValueJson {

    private ValueJson() {
    }

    /**
     * Appends a JSON string (escaped as the graph format escapes strings).
     *
     * @param sb where to append
     * @param s  the string
     */
    public static void appendString(StringBuilder sb, String s) {
        ValueCodec.writeString(sb, s);
    }

    /**
     * Appends one property value in its type-exact encoding.
     *
     * @param sb    where to append
     * @param value the value (a type a property can hold)
     * @throws IllegalArgumentException for a value no property can hold (map, node, null)
     */
    public static void appendValue(StringBuilder sb, Value value) {
        ValueCodec.writeValue(sb, value);
    }

    /**
     * Appends a property map as a JSON object; keys that {@code storedTypes} maps to
     * {@code FloatArray} are written as {@code {"list<float32>":[…]}}.
     *
     * @param sb          where to append
     * @param properties  the properties
     * @param storedTypes the stored types of a record ({@link GraphRecord.Node#storedTypes()})
     */
    public static void appendProperties(StringBuilder sb, Map<String, Value> properties,
                                        Map<String, String> storedTypes) {
        ValueCodec.writeProperties(sb, properties, storedTypes);
    }

    /**
     * Parses one value in its type-exact encoding (the inverse of {@link #appendValue}).
     *
     * @param json     the JSON text of the value
     * @param property the property name, for messages
     * @return the value
     * @throws GraphFormatException when the text is not a valid encoded value
     */
    public static Value parseValue(String json, String property) throws GraphFormatException {
        JsonLine in = new JsonLine(json, 1);
        Value v = ValueCodec.readValue(in, property);
        in.expectEnd();
        return v;
    }

    /**
     * Parses a property map in its type-exact encoding (the inverse of {@link #appendProperties});
     * {@code list<float32>} values come back as their exact 64-bit widening.
     *
     * @param json the JSON object text
     * @return the properties, in the order written
     * @throws GraphFormatException when the text is not a valid encoded property map
     */
    public static Map<String, Value> parseProperties(String json) throws GraphFormatException {
        JsonLine in = new JsonLine(json, 1);
        Map<String, Value> properties = ValueCodec.readProperties(in);
        in.expectEnd();
        return properties;
    }
}
