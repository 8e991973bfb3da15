package io.github.neo4jbackup.export.cypher.select;

import org.neo4j.driver.Value;
import org.neo4j.driver.types.Type;
import org.neo4j.driver.types.TypeSystem;

import java.math.BigDecimal;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * How property values compare, following Cypher:
 * <ul>
 *   <li>{@link #compare}: the comparison of {@code <}, {@code <=}, {@code >}, {@code >=}. Integers
 *       and floats compare with each other by exact numeric value ({@code 1 = 1.0},
 *       {@code 9007199254740993 > 9007199254740992.0}); NaN compares with nothing. Strings compare
 *       by UTF-16 code units, booleans {@code false < true}. Temporal values compare only with the
 *       same temporal type: DATETIME by instant (whatever the zone), TIME by its UTC time,
 *       DATE, LOCAL DATETIME and LOCAL TIME by their fields. Anything else (a DATETIME and a DATE,
 *       a string and a number, durations, points, lists) is <em>not comparable</em>: a range
 *       never matches it.</li>
 *   <li>{@link #equal}: the equality of {@code =}: numbers by numeric value (NaN equals nothing),
 *       temporal values exactly (a DATETIME with the same instant but another zone is a different
 *       value), lists element by element, everything else by type and value.</li>
 *   <li>{@link #ORDER}: a total order for sorting, like Cypher's {@code ORDER BY}: values of different
 *       types ordered by type (DATETIME, LOCAL DATETIME, DATE, TIME, LOCAL TIME, DURATION, POINT, STRING,
 *       BOOLEAN, number, then lists), within a type by {@link #compare} (datetimes of the same instant by
 *       offset, a fixed offset before a named zone, as Cypher does; NaN after every other number;
 *       durations, points and byte arrays by their text); lists element by element.</li>
 * </ul>
 * Stateless.
 */
public final class ValueOrder {

    private static final TypeSystem TS = TypeSystem.getDefault();
    private static final List<Type> RANK = List.of(TS.DATE_TIME(), TS.LOCAL_DATE_TIME(), TS.DATE(), TS.TIME(),
            TS.LOCAL_TIME(), TS.DURATION(), TS.POINT(), TS.STRING(), TS.BOOLEAN(), TS.INTEGER(), TS.BYTES(),
            TS.LIST());

    /**
     * The sort order of values (see the class description); {@code null} is not accepted.
     */
    public static final Comparator<Value> ORDER = ValueOrder::order;

    private ValueOrder() {
    }

    /**
     * Whether a value is a number (INTEGER or FLOAT).
     *
     * @param v the value
     * @return {@code true} for numbers
     */
    public static boolean isNumber(Value v) {
        return TS.INTEGER().equals(v.type()) || TS.FLOAT().equals(v.type());
    }

    /**
     * Whether values of this type can be range-compared at all (numbers, strings, booleans and
     * temporal values other than durations).
     *
     * @param v the value
     * @return {@code true} when {@link #compare} can order it with values of its kind
     */
    public static boolean isOrderable(Value v) {
        Type t = v.type();
        return isNumber(v) || TS.STRING().equals(t) || TS.BOOLEAN().equals(t) || TS.DATE_TIME().equals(t)
                || TS.LOCAL_DATE_TIME().equals(t) || TS.DATE().equals(t) || TS.TIME().equals(t)
                || TS.LOCAL_TIME().equals(t);
    }

    /**
     * Compares two values as Cypher's {@code <} does.
     *
     * @param a a value
     * @param b another value
     * @return negative, zero or positive; {@code null} when the two are not comparable
     */
    public static Integer compare(Value a, Value b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (isNumber(a) && isNumber(b)) {
            return compareNumbers(a, b);
        }
        Type t = a.type();
        if (!t.equals(b.type())) {
            return null;
        }
        if (TS.STRING().equals(t)) {
            return a.asString().compareTo(b.asString());
        }
        if (TS.BOOLEAN().equals(t)) {
            return Boolean.compare(a.asBoolean(), b.asBoolean());
        }
        if (TS.DATE_TIME().equals(t)) {
            return a.asZonedDateTime().toInstant().compareTo(b.asZonedDateTime().toInstant());
        }
        if (TS.LOCAL_DATE_TIME().equals(t)) {
            return a.asLocalDateTime().compareTo(b.asLocalDateTime());
        }
        if (TS.DATE().equals(t)) {
            return a.asLocalDate().compareTo(b.asLocalDate());
        }
        if (TS.TIME().equals(t)) {
            return Long.compare(utcNanos(a.asOffsetTime()), utcNanos(b.asOffsetTime()));
        }
        if (TS.LOCAL_TIME().equals(t)) {
            return a.asLocalTime().compareTo(b.asLocalTime());
        }
        return null;
    }

    /**
     * Whether two values are equal as Cypher's {@code =} says.
     *
     * @param a a value
     * @param b another value
     * @return {@code true} when equal
     */
    public static boolean equal(Value a, Value b) {
        if (isNumber(a) && isNumber(b)) {
            Integer c = compareNumbers(a, b);
            return c != null && c == 0;
        }
        if (!a.type().equals(b.type())) {
            return false;
        }
        if (TS.LIST().equals(a.type())) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!equal(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (TS.FLOAT().equals(a.type())) {
            return a.asDouble() == b.asDouble();
        }
        return a.equals(b);
    }

    /**
     * Orders two datetimes of the same instant as Cypher's {@code ORDER BY} does: by offset (west
     * first), then a fixed offset before a named zone, then by zone id.
     */
    private static int sameInstant(ZonedDateTime a, ZonedDateTime b) {
        int c = Integer.compare(a.getOffset().getTotalSeconds(), b.getOffset().getTotalSeconds());
        if (c != 0) {
            return c;
        }
        boolean aFixed = a.getZone() instanceof ZoneOffset;
        boolean bFixed = b.getZone() instanceof ZoneOffset;
        if (aFixed != bFixed) {
            return aFixed ? -1 : 1;
        }
        return a.getZone().getId().compareTo(b.getZone().getId());
    }

    private static long utcNanos(OffsetTime t) {
        return t.toLocalTime().toNanoOfDay() - t.getOffset().getTotalSeconds() * 1_000_000_000L;
    }

    private static Integer compareNumbers(Value a, Value b) {
        boolean ai = TS.INTEGER().equals(a.type());
        boolean bi = TS.INTEGER().equals(b.type());
        if (ai && bi) {
            return Long.compare(a.asLong(), b.asLong());
        }
        double ad = ai ? 0 : a.asDouble();
        double bd = bi ? 0 : b.asDouble();
        if ((!ai && Double.isNaN(ad)) || (!bi && Double.isNaN(bd))) {
            return null;
        }
        if (!ai && !bi) {
            return ad < bd ? -1 : ad > bd ? 1 : 0; // -0.0 == 0.0, as in Cypher
        }
        if (!ai && Double.isInfinite(ad)) {
            return ad > 0 ? 1 : -1;
        }
        if (!bi && Double.isInfinite(bd)) {
            return bd > 0 ? -1 : 1;
        }
        BigDecimal x = ai ? BigDecimal.valueOf(a.asLong()) : new BigDecimal(ad);
        BigDecimal y = bi ? BigDecimal.valueOf(b.asLong()) : new BigDecimal(bd);
        return x.compareTo(y);
    }

    private static int rank(Value v) {
        Type t = isNumber(v) ? TS.INTEGER() : v.type();
        int r = RANK.indexOf(t);
        return r < 0 ? RANK.size() : r;
    }

    private static int order(Value a, Value b) {
        int ra = rank(a);
        int rb = rank(b);
        if (ra != rb) {
            return Integer.compare(ra, rb);
        }
        if (TS.LIST().equals(a.type())) {
            int n = Math.min(a.size(), b.size());
            for (int i = 0; i < n; i++) {
                int c = order(a.get(i), b.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(a.size(), b.size());
        }
        if (isNumber(a)) {
            boolean an = TS.FLOAT().equals(a.type()) && Double.isNaN(a.asDouble());
            boolean bn = TS.FLOAT().equals(b.type()) && Double.isNaN(b.asDouble());
            if (an || bn) {
                return Boolean.compare(an, bn);
            }
        }
        Integer c = compare(a, b);
        if (c != null && c == 0 && TS.DATE_TIME().equals(a.type())) {
            return sameInstant(a.asZonedDateTime(), b.asZonedDateTime());
        }
        if (c != null) {
            return c;
        }
        if (TS.BYTES().equals(a.type())) {
            return java.util.Arrays.compareUnsigned(a.asByteArray(), b.asByteArray());
        }
        return a.toString().compareTo(b.toString());
    }
}
