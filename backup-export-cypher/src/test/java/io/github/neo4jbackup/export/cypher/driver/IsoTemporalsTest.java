package io.github.neo4jbackup.export.cypher.driver;

import org.junit.jupiter.api.Test;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class IsoTemporalsTest {

    /** The fast path gives exactly what java.time's parse gives, or leaves the text to it; errors are java.time's. */
    private static <T> void same(String text, Function<String, T> fast, Function<String, T> parse,
                                 Function<String, T> combined) {
        T expected;
        try {
            expected = parse.apply(text);
        } catch (DateTimeException e) {
            assertThat(fast.apply(text)).as(text).isNull();
            try {
                combined.apply(text);
                throw new AssertionError("no error for " + text);
            } catch (DateTimeException again) {
                assertThat(again.getMessage()).isEqualTo(e.getMessage());
            }
            return;
        }
        T actual = fast.apply(text);
        if (actual != null) {
            assertThat(actual).as(text).isEqualTo(expected);
            assertThat(actual.toString()).as(text).isEqualTo(expected.toString());
        }
        assertThat(combined.apply(text)).as(text).isEqualTo(expected);
    }

    private static void date(String s) {
        same(s, IsoTemporals::date, LocalDate::parse, IsoTemporals::parseDate);
    }

    private static void localTime(String s) {
        same(s, IsoTemporals::localTime, LocalTime::parse, IsoTemporals::parseLocalTime);
    }

    private static void offsetTime(String s) {
        same(s, IsoTemporals::offsetTime, OffsetTime::parse, IsoTemporals::parseOffsetTime);
    }

    private static void localDateTime(String s) {
        same(s, IsoTemporals::localDateTime, LocalDateTime::parse, IsoTemporals::parseLocalDateTime);
    }

    private static void offsetDateTime(String s) {
        same(s, IsoTemporals::offsetDateTime, OffsetDateTime::parse, IsoTemporals::parseOffsetDateTime);
    }

    private static void zonedDateTime(String s) {
        same(s, IsoTemporals::zonedDateTime, ZonedDateTime::parse, IsoTemporals::parseZonedDateTime);
    }

    @Test
    void commonFormsAreParsedWithoutTheFormatter() {
        assertThat(IsoTemporals.date("2025-03-30")).isEqualTo(LocalDate.of(2025, 3, 30));
        assertThat(IsoTemporals.localTime("00:00")).isEqualTo(LocalTime.MIDNIGHT);
        assertThat(IsoTemporals.localTime("23:59:59.999999999")).isEqualTo(LocalTime.MAX);
        assertThat(IsoTemporals.offsetTime("12:34+05:45")).isEqualTo(OffsetTime.of(12, 34, 0, 0,
                ZoneOffset.ofHoursMinutes(5, 45)));
        assertThat(IsoTemporals.offsetDateTime("1969-12-31T23:59:59.999999999-00:30")).isEqualTo(
                OffsetDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_999, ZoneOffset.ofHoursMinutes(0, -30)));
        ZonedDateTime london = IsoTemporals.zonedDateTime("2021-10-31T01:30+01:00[Europe/London]");
        assertThat(london).isEqualTo(ZonedDateTime.parse("2021-10-31T01:30+01:00[Europe/London]"));
        assertThat(london.getOffset()).isEqualTo(ZoneOffset.ofHours(1));
        assertThat(IsoTemporals.zonedDateTime("2021-10-31T01:30Z[Europe/London]").getOffset())
                .isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void otherFormsAndBadValuesAreLeftToJavaTime() {
        for (String s : List.of("+10000-01-01", "-0044-03-15", "2025-13-01", "2025-02-29", "2025-1-01", "2025-01-01x",
                "", "20250101", "2025-01-0a")) {
            date(s);
        }
        for (String s : List.of("24:00", "12:60", "12:00:60", "12:00:00.", "12:00:00.1234567890", "12", "12:0",
                "1:00", "12:00:00.5x", "12:00Z", "12:00:00,5")) {
            localTime(s);
        }
        for (String s : List.of("12:00+18:00", "12:00+18:01", "12:00+19:00", "12:00+01", "12:00+0100", "12:00z",
                "12:00+01:02:03", "12:00-00:00", "12:00", "12:00+01:00:0", "12:00+01:00[Europe/Berlin]")) {
            offsetTime(s);
        }
        for (String s : List.of("2025-01-01t00:00", "2025-01-01T24:00", "+123456-01-01T00:00", "2025-01-01",
                "2025-01-01T00:00Z", "2025-02-30T00:00")) {
            localDateTime(s);
        }
        for (String s : List.of("2025-01-01T00:00Z", "2025-01-01T00:00", "2025-01-01T00:00+01:02:03",
                "-0001-01-01T00:00Z", "2025-01-01T00:00Z[UTC]")) {
            offsetDateTime(s);
        }
        for (String s : List.of("2020-01-01T00:00Z[UTC]", "2020-01-01T00:00+01:00[GMT+01:00]",
                "2025-03-30T02:30+01:00[Europe/Berlin]", "2025-10-26T02:30+01:00[Europe/Berlin]",
                "2025-10-26T02:30+02:00[Europe/Berlin]", "2025-01-01T00:00+01:00[Europe/Nowhere]",
                "2025-01-01T00:00+01:00[europe/berlin]", "2025-01-01T00:00[Europe/Berlin]",
                "2025-01-01T00:00+01:00[Etc/GMT+1]", "2025-01-01T00:00+01:00[America/Argentina/Buenos_Aires]",
                "2025-01-01T00:00+01:00[Europe/Berlin", "2025-01-01T00:00+01:00[]", "2025-01-01T00:00+01:00[/]")) {
            zonedDateTime(s);
        }
    }

    @Test
    void randomValuesParseExactlyAsJavaTimeParsesThem() {
        Random random = new Random(42);
        List<String> zones = ZoneId.getAvailableZoneIds().stream().sorted().toList();
        int[] precisions = {0, 1, 3, 6, 9};
        for (int i = 0; i < 20_000; i++) {
            int nanoDigits = precisions[random.nextInt(precisions.length)];
            int nano = nanoDigits == 0 ? 0 : random.nextInt(1_000_000_000);
            nano -= nano % (int) Math.pow(10, 9 - nanoDigits);
            LocalDateTime ldt = LocalDateTime.of(random.nextInt(10_000), 1 + random.nextInt(12), 1 + random.nextInt(28),
                    random.nextInt(24), random.nextInt(60), random.nextInt(4) == 0 ? 0 : random.nextInt(60), nano);
            int offsetSeconds = (random.nextInt(37) - 18) * 3600 + (random.nextBoolean() ? 0
                    : random.nextInt(60) * 60 + (random.nextInt(8) == 0 ? random.nextInt(60) : 0))
                    * (random.nextBoolean() ? 1 : -1);
            ZoneOffset offset = ZoneOffset.ofTotalSeconds(Math.max(-18 * 3600, Math.min(18 * 3600, offsetSeconds)));
            ZoneId zone = ZoneId.of(zones.get(random.nextInt(zones.size())));
            date(ldt.toLocalDate().toString());
            localTime(ldt.toLocalTime().toString());
            offsetTime(OffsetTime.of(ldt.toLocalTime(), offset).toString());
            localDateTime(ldt.toString());
            offsetDateTime(OffsetDateTime.of(ldt, offset).toString());
            ZonedDateTime zoned = ZonedDateTime.of(ldt, zone);
            zonedDateTime(zoned.toString());
            zonedDateTime(zoned.withLaterOffsetAtOverlap().toString());
            zonedDateTime(ldt + offset.toString() + "[" + zone.getId() + "]"); // an offset the zone may not have
            // what the writer produces takes the fast path (region zones; ids such as UTC go to the parser)
            assertThat(IsoTemporals.date(ldt.toLocalDate().toString())).isNotNull();
            assertThat(IsoTemporals.localTime(ldt.toLocalTime().toString())).isNotNull();
            assertThat(IsoTemporals.offsetTime(OffsetTime.of(ldt.toLocalTime(), offset).toString())).isNotNull();
            assertThat(IsoTemporals.localDateTime(ldt.toString())).isNotNull();
            assertThat(IsoTemporals.offsetDateTime(OffsetDateTime.of(ldt, offset).toString())).isNotNull();
            if (zone.getId().matches("[A-Za-z]+/[A-Za-z_/-]+")) {
                assertThat(IsoTemporals.zonedDateTime(zoned.toString())).as(zoned.toString()).isNotNull();
            }
            assertThat(IsoTemporals.parseZonedDateTime(zoned.toString())).isEqualTo(zoned);
            assertThat(IsoTemporals.parseLocalDateTime(ldt.toString())).isEqualTo(ldt);
        }
        // the common forms are the fast ones
        assertThat(IsoTemporals.zonedDateTime(ZonedDateTime.of(LocalDateTime.of(2025, 10, 26, 2, 30),
                ZoneId.of("Europe/Berlin")).withLaterOffsetAtOverlap().toString())).isNotNull();
    }
}
