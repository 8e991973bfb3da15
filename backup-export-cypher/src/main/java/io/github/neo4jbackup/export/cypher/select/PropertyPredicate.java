package io.github.neo4jbackup.export.cypher.select;

import io.github.neo4jbackup.core.InvalidInputException;
import org.neo4j.driver.Value;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One condition on one property of a node. A node without the property never matches. Values
 * compare as Cypher compares them ({@link ValueOrder}): numbers across integer and float, temporal
 * values only with the same temporal type.
 */
public sealed interface PropertyPredicate {

    /**
     * The property the condition is on.
     *
     * @return the property key
     */
    String key();

    /**
     * Whether the property, as a node holds it, meets the condition.
     *
     * @param value the property value, or {@code null} when the node does not have it
     * @return {@code true} when it matches
     */
    boolean matches(Value value);

    /**
     * Whether a node's properties meet the condition.
     *
     * @param properties the node's properties
     * @return {@code true} when they match
     */
    default boolean test(Map<String, Value> properties) {
        return matches(properties.get(key()));
    }

    /**
     * {@code n.key = value}.
     *
     * @param key   the property
     * @param value the value it must equal ({@link ValueOrder#equal})
     */
    record Equals(String key, Value value) implements PropertyPredicate {
        /**
         * Creates the condition.
         *
         * @param key   property
         * @param value value
         */
        public Equals {
            requireKey(key);
            requireValue(key, value);
        }

        @Override
        public boolean matches(Value v) {
            return v != null && ValueOrder.equal(v, value);
        }

        @Override
        public String toString() {
            return key + " = " + value;
        }
    }

    /**
     * {@code n.key IN [values]}.
     *
     * @param key    the property
     * @param values the values, any of which it may equal (copied)
     */
    record In(String key, List<Value> values) implements PropertyPredicate {
        /**
         * Creates the condition.
         *
         * @param key    property
         * @param values values (at least one)
         */
        public In {
            requireKey(key);
            Objects.requireNonNull(values, "values");
            if (values.isEmpty()) {
                throw new InvalidInputException("The set of values for property '" + key + "' is empty: give at least "
                        + "one value");
            }
            values.forEach(v -> requireValue(key, v));
            values = List.copyOf(values);
        }

        @Override
        public boolean matches(Value v) {
            if (v == null) {
                return false;
            }
            for (Value candidate : values) {
                if (ValueOrder.equal(v, candidate)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return key + " IN " + values;
        }
    }

    /**
     * {@code lower <(=) n.key <(=) upper}, either end open. The property must be comparable with the
     * bounds ({@link ValueOrder#compare}); a value of another type (a DATE against DATETIME bounds,
     * a string against numbers) does not match.
     *
     * @param key   the property
     * @param lower the lower bound, or {@code null} for none
     * @param upper the upper bound, or {@code null} for none
     */
    record Range(String key, Bound lower, Bound upper) implements PropertyPredicate {
        /**
         * Creates the condition.
         *
         * @param key   property
         * @param lower lower bound or null
         * @param upper upper bound or null
         * @throws InvalidInputException when both bounds are missing, a bound cannot be ordered, or the
         *                               bounds cannot be compared with each other
         */
        public Range {
            requireKey(key);
            if (lower == null && upper == null) {
                throw new InvalidInputException("The range on property '" + key + "' has no bound: give a start, "
                        + "an end or both");
            }
            for (Bound b : new Bound[] {lower, upper}) {
                if (b != null && !ValueOrder.isOrderable(b.value())) {
                    throw new InvalidInputException("The range on property '" + key + "' has a bound of type "
                            + b.value().type().name() + ", which Cypher does not order: use a number, string, "
                            + "boolean, date, time or datetime");
                }
            }
            if (lower != null && upper != null && ValueOrder.compare(lower.value(), upper.value()) == null) {
                throw new InvalidInputException("The range on property '" + key + "' has bounds of different types ("
                        + lower.value().type().name() + " and " + upper.value().type().name()
                        + "), which do not compare: give both bounds the same type");
            }
        }

        @Override
        public boolean matches(Value v) {
            if (v == null) {
                return false;
            }
            if (lower != null) {
                Integer c = ValueOrder.compare(v, lower.value());
                if (c == null || c < 0 || (c == 0 && !lower.inclusive())) {
                    return false;
                }
            }
            if (upper != null) {
                Integer c = ValueOrder.compare(v, upper.value());
                return c != null && c <= 0 && (c != 0 || upper.inclusive());
            }
            return true;
        }

        @Override
        public String toString() {
            return (lower == null ? "" : lower.value() + (lower.inclusive() ? " <= " : " < ")) + key
                    + (upper == null ? "" : (upper.inclusive() ? " <= " : " < ") + upper.value());
        }
    }

    /**
     * One end of a {@link Range}.
     *
     * @param value     the bound
     * @param inclusive whether a value equal to the bound is inside the range
     */
    record Bound(Value value, boolean inclusive) {
        /**
         * Creates a bound.
         *
         * @param value     value
         * @param inclusive inclusive
         */
        public Bound {
            Objects.requireNonNull(value, "value");
            if (value.isNull()) {
                throw new InvalidInputException("A range bound must not be null: leave the end open instead");
            }
        }

        /**
         * A bound that includes its value.
         *
         * @param value the value
         * @return the bound
         */
        public static Bound inclusive(Value value) {
            return new Bound(value, true);
        }

        /**
         * A bound that excludes its value.
         *
         * @param value the value
         * @return the bound
         */
        public static Bound exclusive(Value value) {
            return new Bound(value, false);
        }
    }

    private static void requireKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidInputException("A property condition needs a property name");
        }
    }

    private static void requireValue(String key, Value value) {
        if (value == null || value.isNull()) {
            throw new InvalidInputException("The value for property '" + key + "' is null; a property never holds "
                    + "null (to select nodes without it, leave the condition out)");
        }
    }
}
