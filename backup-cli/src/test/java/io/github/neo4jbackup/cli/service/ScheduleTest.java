package io.github.neo4jbackup.cli.service;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScheduleTest {

    static final ZoneId UTC = ZoneId.of("UTC");
    static final ZonedDateTime T0 = ZonedDateTime.of(2026, 3, 28, 10, 17, 5, 0, UTC);

    @Test
    void fiveFieldCronExpressions() {
        assertThat(Schedule.cron("0 2 * * *", UTC).next(T0)).contains(T0.withDayOfMonth(29).withHour(2).withMinute(0).withSecond(0));
        assertThat(Schedule.cron("0 */6 * * *", UTC).next(T0)).contains(T0.withHour(12).withMinute(0).withSecond(0));
        Schedule twice = Schedule.cron("0 1,13 * * *", UTC);
        assertThat(twice.next(T0)).contains(T0.withHour(13).withMinute(0).withSecond(0));
        assertThat(twice.longestInterval(T0)).isEqualTo(Duration.ofHours(12));
        assertThat(Schedule.cron("30 4 * * 1-5", UTC).longestInterval(T0)).isEqualTo(Duration.ofDays(3));
    }

    @Test
    void nicknames() {
        assertThat(Schedule.cron("@daily", UTC).next(T0)).contains(T0.withDayOfMonth(29).withHour(0).withMinute(0).withSecond(0));
        assertThat(Schedule.cron("@hourly", UTC).next(T0)).contains(T0.withHour(11).withMinute(0).withSecond(0));
        assertThat(Schedule.cron("@HOURLY", UTC).longestInterval(T0)).isEqualTo(Duration.ofHours(1));
        assertThat(Schedule.cron("@weekly", UTC).longestInterval(T0)).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void timeZoneAppliesToTheFields() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        ZonedDateTime next = Schedule.cron("0 2 * * *", berlin).next(T0).orElseThrow();
        assertThat(next.getZone()).isEqualTo(berlin);
        assertThat(next.getHour()).isEqualTo(2);
        // 2026-03-29 is the spring-forward day in Berlin: 02:00 does not exist that night
        assertThat(next.toInstant()).isAfter(T0.toInstant());
    }

    @Test
    void fixedInterval() {
        Schedule every = Schedule.every(Duration.ofSeconds(5));
        assertThat(every.next(T0)).contains(T0.plusSeconds(5));
        assertThat(every.longestInterval(T0)).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> Schedule.every(Duration.ofMillis(10))).hasMessageContaining("at least 1s");
    }

    @Test
    void badExpressionsSayWhatIsWrong() {
        assertThatThrownBy(() -> Schedule.cron("0 2 * *", UTC)).hasMessageContaining("4 fields").hasMessageContaining("five");
        assertThatThrownBy(() -> Schedule.cron("0 0 2 * * *", UTC)).hasMessageContaining("6 fields");
        assertThatThrownBy(() -> Schedule.cron("@sometimes", UTC)).hasMessageContaining("unknown nickname");
        assertThatThrownBy(() -> Schedule.cron("61 2 * * *", UTC)).hasMessageContaining("not a valid cron expression");
    }

    @Test
    void durations() {
        assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Durations.parse("PT90S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThatThrownBy(() -> Durations.parse("5")).hasMessageContaining("number with a unit");
        assertThatThrownBy(() -> Durations.parse("5x")).hasMessageContaining("unknown unit 'x'");
        assertThatThrownBy(() -> Durations.parse("0s")).hasMessageContaining("greater than zero");
    }
}
