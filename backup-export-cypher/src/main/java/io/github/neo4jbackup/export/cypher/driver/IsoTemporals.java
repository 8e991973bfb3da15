package io.github.neo4jbackup.export.cypher.driver;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Parses the common ISO-8601 forms the backup writer produces ({@code java.time}'s {@code toString}:
 * four-digit years, {@code Z} or {@code ±HH:MM[:SS]} offsets, region zone ids such as
 * {@code Europe/Berlin}) without a {@code DateTimeFormatter}, which is the costly part of decoding a
 * temporal value. Each {@code parse...} method returns exactly what the {@code java.time} type's
 * {@code parse} returns; it parses these forms itself (the package-private methods, which return
 * {@code null} for any other text or out-of-range fields) and leaves the others, and the errors, to
 * the type's {@code parse}. Not API.
 */
final class IsoTemporals {

    private static final int[] SCALE = {0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

    private IsoTemporals() {
    }

    /** {@link LocalDate#parse}. */
    static LocalDate parseDate(String s) {
        LocalDate v = date(s);
        return v != null ? v : LocalDate.parse(s);
    }

    /** {@link OffsetTime#parse}. */
    static OffsetTime parseOffsetTime(String s) {
        OffsetTime v = offsetTime(s);
        return v != null ? v : OffsetTime.parse(s);
    }

    /** {@link LocalTime#parse}. */
    static LocalTime parseLocalTime(String s) {
        LocalTime v = localTime(s);
        return v != null ? v : LocalTime.parse(s);
    }

    /** {@link LocalDateTime#parse}. */
    static LocalDateTime parseLocalDateTime(String s) {
        LocalDateTime v = localDateTime(s);
        return v != null ? v : LocalDateTime.parse(s);
    }

    /** {@link OffsetDateTime#parse}. */
    static OffsetDateTime parseOffsetDateTime(String s) {
        OffsetDateTime v = offsetDateTime(s);
        return v != null ? v : OffsetDateTime.parse(s);
    }

    /** {@link ZonedDateTime#parse}. */
    static ZonedDateTime parseZonedDateTime(String s) {
        ZonedDateTime v = zonedDateTime(s);
        return v != null ? v : ZonedDateTime.parse(s);
    }

    /** As {@link LocalDate#parse}: {@code yyyy-MM-dd}. */
    static LocalDate date(String s) {
        if (s.length() != 10) {
            return null;
        }
        try {
            return date(s, 0);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** As {@link LocalTime#parse}: {@code HH:mm[:ss[.fffffffff]]}. */
    static LocalTime localTime(String s) {
        try {
            long t = time(s, 0);
            return t < 0 || end(t) != s.length() ? null : toTime(t);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** As {@link OffsetTime#parse}: a local time and an offset. */
    static OffsetTime offsetTime(String s) {
        try {
            long t = time(s, 0);
            if (t < 0) {
                return null;
            }
            ZoneOffset offset = offset(s, end(t), s.length());
            return offset == null ? null : OffsetTime.of(toTime(t), offset);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** As {@link LocalDateTime#parse}: {@code yyyy-MM-ddTHH:mm[:ss[.f]]}. */
    static LocalDateTime localDateTime(String s) {
        try {
            LocalDateTime ldt = dateTime(s);
            return ldt == null || dateTimeEnd(s) != s.length() ? null : ldt;
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** As {@link OffsetDateTime#parse}: a local date-time and an offset. */
    static OffsetDateTime offsetDateTime(String s) {
        try {
            LocalDateTime ldt = dateTime(s);
            if (ldt == null) {
                return null;
            }
            ZoneOffset offset = offset(s, dateTimeEnd(s), s.length());
            return offset == null ? null : OffsetDateTime.of(ldt, offset);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /**
     * As {@link ZonedDateTime#parse} of a local date-time, an offset and a region zone id in brackets:
     * the instant the date-time and offset name, in that zone.
     */
    static ZonedDateTime zonedDateTime(String s) {
        try {
            LocalDateTime ldt = dateTime(s);
            if (ldt == null) {
                return null;
            }
            int open = s.indexOf('[');
            if (open < 0 || s.charAt(s.length() - 1) != ']') {
                return null;
            }
            ZoneOffset offset = offset(s, dateTimeEnd(s), open);
            if (offset == null) {
                return null;
            }
            String zone = s.substring(open + 1, s.length() - 1);
            if (!isRegion(zone)) {
                return null;
            }
            return ZonedDateTime.ofInstant(ldt, offset, ZoneId.of(zone));
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** A region id as {@code Area/City} (ids such as {@code UTC} or {@code GMT+1} are left to the parser). */
    private static boolean isRegion(String zone) {
        if (zone.isEmpty() || zone.indexOf('/') < 0) {
            return false;
        }
        for (int i = 0; i < zone.length(); i++) {
            char c = zone.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (i > 0 && (c == '/' || c == '_'
                    || c == '-' || c == '+' || (c >= '0' && c <= '9')));
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static LocalDate date(String s, int at) {
        if (s.length() < at + 10 || s.charAt(at + 4) != '-' || s.charAt(at + 7) != '-') {
            return null;
        }
        int year = digits(s, at, 4);
        int month = digits(s, at + 5, 2);
        int day = digits(s, at + 8, 2);
        if (year < 0 || month < 0 || day < 0) {
            return null;
        }
        return LocalDate.of(year, month, day);
    }

    private static LocalDateTime dateTime(String s) {
        if (s.length() < 16 || s.charAt(10) != 'T') {
            return null;
        }
        LocalDate date = date(s, 0);
        if (date == null) {
            return null;
        }
        long t = time(s, 11);
        return t < 0 ? null : LocalDateTime.of(date, toTime(t));
    }

    private static int dateTimeEnd(String s) {
        return end(time(s, 11));
    }

    /**
     * The time at {@code at}, packed: nano of day in the low 47 bits, the end index above; -1 when
     * the text there is not {@code HH:mm[:ss[.f{1,9}]]} with fields in range.
     */
    private static long time(String s, int at) {
        int n = s.length();
        if (n < at + 5 || s.charAt(at + 2) != ':') {
            return -1;
        }
        int hour = digits(s, at, 2);
        int minute = digits(s, at + 3, 2);
        int second = 0;
        long nano = 0;
        int pos = at + 5;
        if (pos < n && s.charAt(pos) == ':') {
            second = digits(s, pos + 1, 2);
            pos += 3;
            if (second >= 0 && pos < n && s.charAt(pos) == '.') {
                int start = ++pos;
                while (pos < n && pos - start < 10 && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                    nano = nano * 10 + (s.charAt(pos) - '0');
                    pos++;
                }
                int count = pos - start;
                if (count == 0 || count > 9) {
                    return -1;
                }
                nano *= SCALE[count];
            }
        }
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return -1;
        }
        long nanoOfDay = ((hour * 60L + minute) * 60 + second) * 1_000_000_000L + nano;
        return ((long) pos << 47) | nanoOfDay;
    }

    private static int end(long packedTime) {
        return (int) (packedTime >>> 47);
    }

    private static LocalTime toTime(long packedTime) {
        return LocalTime.ofNanoOfDay(packedTime & ((1L << 47) - 1));
    }

    /** {@code Z}, {@code ±HH:MM} or {@code ±HH:MM:SS} filling {@code [from, to)}, or null. */
    private static ZoneOffset offset(String s, int from, int to) {
        int length = to - from;
        if (length == 1 && s.charAt(from) == 'Z') {
            return ZoneOffset.UTC;
        }
        if ((length != 6 && length != 9) || s.charAt(from + 3) != ':') {
            return null;
        }
        char sign = s.charAt(from);
        if (sign != '+' && sign != '-') {
            return null;
        }
        int hours = digits(s, from + 1, 2);
        int minutes = digits(s, from + 4, 2);
        int seconds = 0;
        if (length == 9) {
            if (s.charAt(from + 6) != ':') {
                return null;
            }
            seconds = digits(s, from + 7, 2);
        }
        if (hours < 0 || hours > 18 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59) {
            return null;
        }
        int total = hours * 3600 + minutes * 60 + seconds;
        return ZoneOffset.ofTotalSeconds(sign == '-' ? -total : total);
    }

    /** The value of {@code count} ASCII digits at {@code at}, or -1. */
    private static int digits(String s, int at, int count) {
        if (at + count > s.length()) {
            return -1;
        }
        int v = 0;
        for (int i = at; i < at + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
