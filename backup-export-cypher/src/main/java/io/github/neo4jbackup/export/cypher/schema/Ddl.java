package io.github.neo4jbackup.export.cypher.schema;

import io.github.neo4jbackup.export.cypher.CypherNames;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Shared pieces of DDL generation, option value normalization and canonical encoding. */
final class Ddl {

    private Ddl() {
    }

    /** {@code (n:`A`|`B`)} or {@code ()-[r:`T`|`U`]-()}. */
    static void appendPattern(StringBuilder sb, EntityType entityType, List<String> labelsOrTypes) {
        if (entityType == EntityType.NODE) {
            sb.append("(n");
            appendTokens(sb, labelsOrTypes);
            sb.append(')');
        } else {
            sb.append("()-[r");
            appendTokens(sb, labelsOrTypes);
            sb.append("]-()");
        }
    }

    private static void appendTokens(StringBuilder sb, List<String> tokens) {
        for (int i = 0; i < tokens.size(); i++) {
            sb.append(i == 0 ? ':' : '|').append(CypherNames.quote(tokens.get(i)));
        }
    }

    /** {@code n.`a`, n.`b`} (without brackets). */
    static void appendProperties(StringBuilder sb, EntityType entityType, List<String> properties) {
        String variable = variable(entityType);
        for (int i = 0; i < properties.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(variable).append('.').append(CypherNames.quote(properties.get(i)));
        }
    }

    static String variable(EntityType entityType) {
        return entityType == EntityType.NODE ? "n" : "r";
    }

    /** {@code  OPTIONS {indexConfig: {...}}} when the config is not empty. */
    static void appendOptions(StringBuilder sb, Map<String, Object> indexConfig) {
        if (indexConfig.isEmpty()) {
            return;
        }
        sb.append(" OPTIONS {indexConfig: ");
        appendLiteral(sb, indexConfig);
        sb.append('}');
    }

    /** A Cypher literal of an option value: string, boolean, integer, float, list or map. */
    static void appendLiteral(StringBuilder sb, Object value) {
        if (value instanceof String s) {
            CypherNames.appendString(sb, s);
        } else if (value instanceof Boolean || value instanceof Long || value instanceof Integer) {
            sb.append(value);
        } else if (value instanceof Double d) {
            appendDouble(sb, d);
        } else if (value instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                appendLiteral(sb, list.get(i));
            }
            sb.append(']');
        } else if (value instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                sb.append(CypherNames.quote((String) e.getKey())).append(": ");
                appendLiteral(sb, e.getValue());
            }
            sb.append('}');
        } else {
            throw new IllegalArgumentException("Unsupported option value type: "
                    + (value == null ? "null" : value.getClass().getName()));
        }
    }

    private static void appendDouble(StringBuilder sb, double d) {
        if (Double.isNaN(d)) {
            sb.append("NaN");
        } else if (Double.isInfinite(d)) {
            sb.append(d > 0 ? "Infinity" : "-Infinity");
        } else {
            // Double.toString is exact (round-trips) and always has a '.' or an exponent: a float literal.
            sb.append(Double.toString(d));
        }
    }

    /**
     * Normalizes an option value read from the server or from a stored map: Integer/Short/Byte to
     * Long, Float/BigDecimal to Double, lists and maps to unmodifiable copies (maps sorted by key).
     */
    static Object normalizeValue(Object value) {
        if (value instanceof String || value instanceof Boolean || value instanceof Long || value instanceof Double) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof java.math.BigInteger b) {
            return b.longValueExact();
        }
        if (value instanceof BigDecimal b) {
            return b.scale() <= 0 && b.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
                    && b.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0 ? (Object) b.longValueExact() : (Object) b.doubleValue();
        }
        if (value instanceof Float f) {
            return (double) f;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object o : list) {
                copy.add(normalizeValue(o));
            }
            return Collections.unmodifiableList(copy);
        }
        if (value instanceof Map<?, ?> map) {
            return normalizeMap(map);
        }
        throw new IllegalArgumentException("Unsupported option value type: "
                + (value == null ? "null" : value.getClass().getName()));
    }

    static Map<String, Object> normalizeMap(Map<?, ?> map) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        TreeMap<String, Object> copy = new TreeMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            copy.put(String.valueOf(e.getKey()), normalizeValue(e.getValue()));
        }
        return Collections.unmodifiableMap(copy);
    }

    static List<String> names(List<String> names, String what) {
        Objects.requireNonNull(names, what);
        for (String n : names) {
            Objects.requireNonNull(n, what + " element");
        }
        return List.copyOf(names);
    }

    /** Canonical text of a value for fingerprints: numbers as plain decimals, strings quoted. */
    static void appendCanonical(StringBuilder sb, Object value) {
        if (value instanceof String s) {
            CypherNames.appendString(sb, s);
        } else if (value instanceof Boolean) {
            sb.append(value);
        } else if (value instanceof Long l) {
            sb.append(l);
        } else if (value instanceof Double d) {
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                sb.append(d);
            } else {
                sb.append(new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString());
            }
        } else if (value instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                appendCanonical(sb, list.get(i));
            }
            sb.append(']');
        } else if (value instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : new TreeMap<>(map).entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                CypherNames.appendString(sb, String.valueOf(e.getKey()));
                sb.append(':');
                appendCanonical(sb, e.getValue());
            }
            sb.append('}');
        } else {
            sb.append(value);
        }
    }

    /** Canonical text of a list of names. */
    static void appendCanonicalNames(StringBuilder sb, List<String> names) {
        sb.append('[');
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            CypherNames.appendString(sb, names.get(i));
        }
        sb.append(']');
    }

    /** Whether two option values are the same after canonical encoding (so 16 equals 16.0). */
    static boolean sameCanonical(Object a, Object b) {
        StringBuilder x = new StringBuilder();
        StringBuilder y = new StringBuilder();
        appendCanonical(x, a);
        appendCanonical(y, b);
        return x.toString().contentEquals(y);
    }
}
