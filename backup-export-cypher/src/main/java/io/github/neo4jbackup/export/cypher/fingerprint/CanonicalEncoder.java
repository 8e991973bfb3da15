package io.github.neo4jbackup.export.cypher.fingerprint;

import org.neo4j.driver.Value;
import org.neo4j.driver.types.IsoDuration;
import org.neo4j.driver.types.Point;
import org.neo4j.driver.types.Type;
import org.neo4j.driver.types.TypeSystem;

import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Map;

/**
 * The canonical, type-exact byte encoding of labels, types and property values, written into a
 * reusable buffer that is flushed into a {@link MessageDigest}. Not thread-safe.
 *
 * <p>Every value starts with a one-byte type tag, so {@code "1"}, {@code 1} and {@code 1.0} differ,
 * as do a byte array and a list of integers. Encodings (all integers big-endian):
 * <ul>
 *   <li>null {@code 00}; boolean {@code 01} + 0/1; integer {@code 02} + 8 bytes;</li>
 *   <li>float {@code 03} + the 8 bytes of {@link Double#doubleToLongBits} (one NaN, {@code -0.0} differs
 *       from {@code 0.0});</li>
 *   <li>string {@code 04} + number of UTF-16 code units (4 bytes) + the code units (2 bytes each: exact
 *       even for unpaired surrogates);</li>
 *   <li>bytes {@code 05} + length (4 bytes) + bytes; list {@code 06} + size (4 bytes) + tagged elements;
 *       map {@code 07} + size + entries sorted by key (key as a string, then tagged value);</li>
 *   <li>date {@code 10} + epoch day; local time {@code 11} + nano of day; time {@code 12} + nano of day +
 *       offset seconds (4 bytes); local datetime {@code 13} + epoch day + nano of day;</li>
 *   <li>datetime with a zone id {@code 14} + epoch second + nano (4 bytes) + zone id as a string;
 *       datetime with an offset {@code 15} + epoch second + nano + offset seconds;</li>
 *   <li>duration {@code 16} + months + days + seconds + nanos (4 bytes);</li>
 *   <li>point {@code 17} + SRID (4 bytes) + x, y, z as float bits (z is NaN for 2-D points).</li>
 * </ul>
 * From content version 2 on, a property value stored in a narrower type than the driver shows
 * (see {@code StoredTypeCensus#NARROW}, e.g. a {@code FloatArray}) is preceded by {@code 20} + the
 * stored type's name as a string, so a float32 array and the same values as float64 differ.
 */
final class CanonicalEncoder {

    private static final TypeSystem TS = TypeSystem.getDefault();
    private static final Type STRING = TS.STRING();
    private static final Type INTEGER = TS.INTEGER();
    private static final Type FLOAT = TS.FLOAT();
    private static final Type BOOLEAN = TS.BOOLEAN();
    private static final Type LIST = TS.LIST();
    private static final Type BYTES = TS.BYTES();
    private static final Type MAP = TS.MAP();
    private static final Type DATE = TS.DATE();
    private static final Type TIME = TS.TIME();
    private static final Type LOCAL_TIME = TS.LOCAL_TIME();
    private static final Type LOCAL_DATE_TIME = TS.LOCAL_DATE_TIME();
    private static final Type DATE_TIME = TS.DATE_TIME();
    private static final Type DURATION = TS.DURATION();
    private static final Type POINT = TS.POINT();
    private static final Type NULL = TS.NULL();

    private static final int FLUSH_AT = 32 * 1024;

    private final MessageDigest digest;
    private byte[] buf = new byte[FLUSH_AT + 64];
    private int len;
    private String[] keys = new String[16];

    CanonicalEncoder(MessageDigest digest) {
        this.digest = digest;
    }

    /** Discards pending bytes (after a failure half-way through an entity). */
    void reset() {
        len = 0;
    }

    /** Writes any pending bytes into the digest. */
    void flush() {
        if (len > 0) {
            digest.update(buf, 0, len);
            len = 0;
        }
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            flush();
            if (n > buf.length) {
                buf = new byte[n];
            }
        }
    }

    void writeByte(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    void writeInt(int v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    void writeLong(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[len++] = (byte) (v >>> shift);
        }
    }

    void writeBytes(byte[] b, int off, int n) {
        if (n > buf.length - len) {
            flush();
            digest.update(b, off, n);
        } else {
            System.arraycopy(b, off, buf, len, n);
            len += n;
        }
    }

    /** A string without a tag: code unit count, then the code units. */
    void writeString(String s) {
        int n = s.length();
        writeInt(n);
        int i = 0;
        while (i < n) {
            ensure(2);
            int room = Math.min(n - i, (buf.length - len) / 2);
            for (int end = i + room; i < end; i++) {
                char c = s.charAt(i);
                buf[len++] = (byte) (c >>> 8);
                buf[len++] = (byte) c;
            }
        }
    }

    private void writeDouble(double d) {
        writeLong(Double.doubleToLongBits(d));
    }

    /** Sorted labels (or a relationship type as a one-element set): count, then each string. */
    void writeSortedStrings(String[] strings, int count) {
        Arrays.sort(strings, 0, count);
        writeInt(count);
        for (int i = 0; i < count; i++) {
            writeString(strings[i]);
        }
    }

    /** Properties from a map of values: count, then (key, tagged value) sorted by key. */
    void writeProperties(Map<String, Value> properties) {
        writeProperties(properties, Map.of());
    }

    /** As {@link #writeProperties(Map)}; the values of the keys in {@code storedTypes} get their stored type. */
    void writeProperties(Map<String, Value> properties, Map<String, String> storedTypes) {
        int n = properties.size();
        String[] k = scratchKeys(n);
        int i = 0;
        for (String key : properties.keySet()) {
            k[i++] = key;
        }
        Arrays.sort(k, 0, n);
        writeInt(n);
        for (i = 0; i < n; i++) {
            writeString(k[i]);
            writeStoredType(storedTypes, k[i]);
            writeValue(properties.get(k[i]));
        }
        Arrays.fill(k, 0, n, null);
    }

    private void writeStoredType(Map<String, String> storedTypes, String key) {
        if (!storedTypes.isEmpty()) {
            String type = storedTypes.get(key);
            if (type != null) {
                writeByte(0x20);
                writeString(type);
            }
        }
    }

    /** Properties from a map value (as a record returns {@code properties(n)}); null means none. */
    void writeProperties(Value properties) {
        writeProperties(properties, Map.of());
    }

    /** As {@link #writeProperties(Value)}; the values of the keys in {@code storedTypes} get their stored type. */
    void writeProperties(Value properties, Map<String, String> storedTypes) {
        if (properties == null || properties.isNull()) {
            writeInt(0);
            return;
        }
        writeMap(properties, scratchKeys(properties.size()), storedTypes);
    }

    private void writeMap(Value map, String[] k) {
        writeMap(map, k, Map.of());
    }

    private void writeMap(Value map, String[] k, Map<String, String> storedTypes) {
        int n = map.size();
        int i = 0;
        for (String key : map.keys()) {
            k[i++] = key;
        }
        Arrays.sort(k, 0, n);
        writeInt(n);
        for (i = 0; i < n; i++) {
            writeString(k[i]);
            writeStoredType(storedTypes, k[i]);
            writeValue(map.get(k[i]));
        }
        Arrays.fill(k, 0, n, null);
    }

    private String[] scratchKeys(int n) {
        if (keys.length < n) {
            keys = new String[Math.max(n, keys.length * 2)];
        }
        return keys;
    }

    /** A tagged value. */
    void writeValue(Value v) {
        Type t = v.type();
        if (t.equals(STRING)) {
            writeByte(0x04);
            writeString(v.asString());
        } else if (t.equals(INTEGER)) {
            writeByte(0x02);
            writeLong(v.asLong());
        } else if (t.equals(FLOAT)) {
            writeByte(0x03);
            writeDouble(v.asDouble());
        } else if (t.equals(LIST)) {
            writeByte(0x06);
            writeInt(v.size());
            for (Value e : v.values()) {
                writeValue(e);
            }
        } else if (t.equals(BOOLEAN)) {
            writeByte(0x01);
            writeByte(v.asBoolean() ? 1 : 0);
        } else if (t.equals(BYTES)) {
            byte[] b = v.asByteArray();
            writeByte(0x05);
            writeInt(b.length);
            writeBytes(b, 0, b.length);
        } else if (t.equals(DATE)) {
            LocalDate d = v.asLocalDate();
            writeByte(0x10);
            writeLong(d.toEpochDay());
        } else if (t.equals(LOCAL_TIME)) {
            LocalTime lt = v.asLocalTime();
            writeByte(0x11);
            writeLong(lt.toNanoOfDay());
        } else if (t.equals(TIME)) {
            OffsetTime ot = v.asOffsetTime();
            writeByte(0x12);
            writeLong(ot.toLocalTime().toNanoOfDay());
            writeInt(ot.getOffset().getTotalSeconds());
        } else if (t.equals(LOCAL_DATE_TIME)) {
            LocalDateTime ldt = v.asLocalDateTime();
            writeByte(0x13);
            writeLong(ldt.toLocalDate().toEpochDay());
            writeLong(ldt.toLocalTime().toNanoOfDay());
        } else if (t.equals(DATE_TIME)) {
            ZonedDateTime z = v.asZonedDateTime();
            if (z.getZone() instanceof ZoneOffset offset) {
                writeByte(0x15);
                writeLong(z.toEpochSecond());
                writeInt(z.getNano());
                writeInt(offset.getTotalSeconds());
            } else {
                writeByte(0x14);
                writeLong(z.toEpochSecond());
                writeInt(z.getNano());
                writeString(z.getZone().getId());
            }
        } else if (t.equals(DURATION)) {
            IsoDuration d = v.asIsoDuration();
            writeByte(0x16);
            writeLong(d.months());
            writeLong(d.days());
            writeLong(d.seconds());
            writeInt(d.nanoseconds());
        } else if (t.equals(POINT)) {
            Point p = v.asPoint();
            writeByte(0x17);
            writeInt(p.srid());
            writeDouble(p.x());
            writeDouble(p.y());
            writeDouble(p.z());
        } else if (t.equals(MAP)) {
            writeByte(0x07);
            writeMap(v, new String[v.size()]); // not a property type: no scratch reuse needed
        } else if (t.equals(NULL)) {
            writeByte(0x00);
        } else {
            throw new IllegalArgumentException("Cannot fingerprint a value of type " + t.name()
                    + " (only property types are supported)");
        }
    }
}
