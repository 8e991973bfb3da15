package io.github.neo4jbackup.core.retention;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Hand-computed examples of retention plans. */
class RetentionPlanExamplesTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void emptyInputGivesAnEmptyPlan() {
        RetentionPlan plan = RetentionPolicy.builder().keepLast(3).build().plan(List.of());

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.decisions()).isEmpty();
        assertThat(plan.keep()).isEmpty();
        assertThat(plan.delete()).isEmpty();
        assertThat(plan).isEqualTo(RetentionPlan.empty());
    }

    @Test
    void aSingleBackupIsAlwaysKept() {
        RetentionPlan plan = RetentionPolicy.builder().keepWithin("1h").build()
                .plan(List.of(backup("only", "2001-02-03T04:05:06Z")));

        assertThat(plan.keep()).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo("only");
            assertThat(d.reasons()).containsExactly("newest", "within 1h");
        });
    }

    @Test
    void keepDailyOverThirtyDailyBackupsKeepsTheNewestSeven() {
        List<RetentionCandidate> backups = daily(LocalDate.parse("2025-10-03"), 30, "02:00");

        RetentionPlan plan = RetentionPolicy.builder().keepDaily(7).build().plan(backups);

        assertThat(ids(plan.keep())).containsExactly("2025-11-01", "2025-10-31", "2025-10-30", "2025-10-29",
                "2025-10-28", "2025-10-27", "2025-10-26");
        assertThat(plan.delete()).hasSize(23);
        assertThat(plan.decisions()).hasSize(30);
        assertThat(plan.decisions().get(0).reasons()).containsExactly("newest", "daily 2025-11-01");
        assertThat(plan.decisions().get(6).reasons()).containsExactly("daily 2025-10-26");
        assertThat(plan.delete()).allSatisfy(d ->
                assertThat(d.reasons()).containsExactly("not matched by any keep rule"));
    }

    @Test
    void keepDailyOverHourlyBackupsKeepsTheNewestOfEachDay() {
        List<RetentionCandidate> backups = new ArrayList<>();
        Instant start = Instant.parse("2025-11-01T00:00:00Z");
        for (int h = 0; h < 72; h++) {
            Instant at = start.plus(Duration.ofHours(h));
            backups.add(new RetentionCandidate(at.toString(), at));
        }

        RetentionPlan plan = RetentionPolicy.builder().keepDaily(2).build().plan(backups);

        assertThat(ids(plan.keep())).containsExactly("2025-11-03T23:00:00Z", "2025-11-02T23:00:00Z");
        assertThat(plan.keep().get(1).reasons()).containsExactly("daily 2025-11-02");
        assertThat(plan.delete()).hasSize(70);
    }

    @Test
    void keepWeeklyUsesIsoWeeksAcrossTheYearBoundary() {
        List<RetentionCandidate> backups = List.of(
                backup("sun-2020-12-27", "2020-12-27T12:00:00Z"), // 2020-W52
                backup("mon-2020-12-28", "2020-12-28T12:00:00Z"), // 2020-W53
                backup("thu-2020-12-31", "2020-12-31T12:00:00Z"), // 2020-W53
                backup("sun-2021-01-03", "2021-01-03T12:00:00Z"), // 2020-W53
                backup("mon-2021-01-04", "2021-01-04T12:00:00Z")); // 2021-W01

        RetentionPlan plan = RetentionPolicy.builder().keepWeekly(3).build().plan(backups);

        assertThat(plan.keep()).extracting(RetentionDecision::id, RetentionDecision::reasons).containsExactly(
                tuple("mon-2021-01-04", List.of("newest", "weekly 2021-W01")),
                tuple("sun-2021-01-03", List.of("weekly 2020-W53")),
                tuple("sun-2020-12-27", List.of("weekly 2020-W52")));
        assertThat(ids(plan.delete())).containsExactly("thu-2020-12-31", "mon-2020-12-28");
    }

    @Test
    void keepMonthlyKeepsTheNewestBackupOfEachMonth() {
        List<RetentionCandidate> backups = daily(LocalDate.parse("2025-01-01"), 166, "03:00"); // to 2025-06-15

        RetentionPlan plan = RetentionPolicy.builder().keepMonthly(3).build().plan(backups);

        assertThat(plan.keep()).extracting(RetentionDecision::id, RetentionDecision::reasons).containsExactly(
                tuple("2025-06-15", List.of("newest", "monthly 2025-06")),
                tuple("2025-05-31", List.of("monthly 2025-05")),
                tuple("2025-04-30", List.of("monthly 2025-04")));
    }

    @Test
    void keepYearlyKeepsTheNewestBackupOfEachYear() {
        List<RetentionCandidate> backups = new ArrayList<>();
        for (LocalDate d = LocalDate.parse("2019-01-01"); !d.isAfter(LocalDate.parse("2025-03-01"));
                d = d.plusMonths(1)) {
            backups.add(new RetentionCandidate(d.toString(), d.atTime(1, 0).toInstant(ZoneOffset.UTC)));
        }

        RetentionPlan plan = RetentionPolicy.builder().keepYearly(4).build().plan(backups);

        assertThat(plan.keep()).extracting(RetentionDecision::id, RetentionDecision::reasons).containsExactly(
                tuple("2025-03-01", List.of("newest", "yearly 2025")),
                tuple("2024-12-01", List.of("yearly 2024")),
                tuple("2023-12-01", List.of("yearly 2023")),
                tuple("2022-12-01", List.of("yearly 2022")));
    }

    @Test
    void keepYearlyWithMoreYearsThanExistKeepsOnePerYear() {
        List<RetentionCandidate> backups = List.of(
                backup("a", "2023-06-01T00:00:00Z"), backup("b", "2023-07-01T00:00:00Z"),
                backup("c", "2024-01-01T00:00:00Z"));

        RetentionPlan plan = RetentionPolicy.builder().keepYearly(10).build().plan(backups);

        assertThat(ids(plan.keep())).containsExactly("c", "b");
    }

    @Test
    void grandfatherFatherSonOverOneYearOfDailyBackups() {
        List<RetentionCandidate> backups = daily(LocalDate.parse("2025-01-01"), 365, "03:00"); // to 2025-12-31
        RetentionPolicy policy = RetentionPolicy.builder()
                .keepLast(2).keepDaily(7).keepWeekly(4).keepMonthly(12).build();

        RetentionPlan plan = policy.plan(backups);

        // daily: Dec 25..31 (covers last 2); weekly: 2026-W01 (Dec 31), 2025-W52 (Dec 28) already kept,
        // plus 2025-W51 (Dec 21) and 2025-W50 (Dec 14); monthly: Dec 31 already kept, plus the last day
        // of January..November.
        assertThat(plan.keep()).hasSize(20);
        assertThat(ids(plan.keep())).containsExactly(
                "2025-12-31", "2025-12-30", "2025-12-29", "2025-12-28", "2025-12-27", "2025-12-26", "2025-12-25",
                "2025-12-21", "2025-12-14",
                "2025-11-30", "2025-10-31", "2025-09-30", "2025-08-31", "2025-07-31", "2025-06-30",
                "2025-05-31", "2025-04-30", "2025-03-31", "2025-02-28", "2025-01-31");
        assertThat(plan.delete()).hasSize(345);
        assertThat(plan.decision("2025-12-31").orElseThrow().reasons()).containsExactly(
                "newest", "last 2", "daily 2025-12-31", "weekly 2026-W01", "monthly 2025-12");
        assertThat(plan.decision("2025-12-30").orElseThrow().reasons()).containsExactly(
                "last 2", "daily 2025-12-30");
        assertThat(plan.decision("2025-12-28").orElseThrow().reasons()).containsExactly(
                "daily 2025-12-28", "weekly 2025-W52");
        assertThat(plan.decision("2025-12-14").orElseThrow().reasons()).containsExactly("weekly 2025-W50");
        assertThat(plan.decision("2025-01-31").orElseThrow().reasons()).containsExactly("monthly 2025-01");
        assertThat(plan.decision("2025-01-30").orElseThrow().keep()).isFalse();
    }

    @Test
    void keepWithinIsMeasuredFromTheNewestBackupNotFromNow() {
        // The scheduler stopped in January 2020; years later, retention still keeps the last 3 days.
        List<RetentionCandidate> backups = daily(LocalDate.parse("2020-01-01"), 10, "00:00"); // to 2020-01-10

        RetentionPlan plan = RetentionPolicy.builder().keepWithin("3d").build().plan(backups);

        assertThat(ids(plan.keep())).containsExactly("2020-01-10", "2020-01-09", "2020-01-08", "2020-01-07");
        assertThat(plan.decision("2020-01-07").orElseThrow().reasons()).containsExactly("within 3d");
        assertThat(plan.decision("2020-01-10").orElseThrow().reasons()).containsExactly("newest", "within 3d");
        assertThat(plan.delete()).hasSize(6);
    }

    @Test
    void keepWithinIncludesTheCutoffAndExcludesOneNanosecondBefore() {
        Instant newest = Instant.parse("2024-05-01T12:00:00Z");
        List<RetentionCandidate> backups = List.of(
                new RetentionCandidate("newest", newest),
                new RetentionCandidate("at-cutoff", newest.minus(Duration.ofHours(36))),
                new RetentionCandidate("just-before", newest.minus(Duration.ofHours(36)).minusNanos(1)));

        RetentionPlan plan = RetentionPolicy.builder().keepWithin(Duration.ofHours(36)).build().plan(backups);

        assertThat(ids(plan.keep())).containsExactly("newest", "at-cutoff");
        assertThat(ids(plan.delete())).containsExactly("just-before");
        assertThat(plan.keep().get(1).reasons()).containsExactly("within 1d12h");
    }

    @Test
    void theZoneDecidesWhichDayABackupBelongsTo() {
        List<RetentionCandidate> backups = List.of(
                backup("evening", "2025-06-10T23:30:00Z"),
                backup("after-midnight-utc", "2025-06-11T00:30:00Z"));

        RetentionPlan utc = RetentionPolicy.builder().keepDaily(5).build().plan(backups);
        RetentionPlan newYork = RetentionPolicy.builder().keepDaily(5).zone(NEW_YORK).build().plan(backups);

        assertThat(ids(utc.keep())).containsExactly("after-midnight-utc", "evening");
        assertThat(utc.keep().get(1).reasons()).containsExactly("daily 2025-06-10");
        // in New York both are on the evening of 2025-06-10 (UTC-4): one day, one backup kept
        assertThat(ids(newYork.keep())).containsExactly("after-midnight-utc");
        assertThat(newYork.keep().get(0).reasons()).containsExactly("newest", "daily 2025-06-10");
        assertThat(ids(newYork.delete())).containsExactly("evening");
    }

    @Test
    void springForwardDayInBerlinHasTwentyThreeHourlyBackupsAndOneIsKept() {
        List<RetentionCandidate> backups = new ArrayList<>();
        Instant start = Instant.parse("2025-03-29T22:00:00Z"); // 23:00 CET on 2025-03-29
        for (int h = 0; h <= 26; h++) {                       // to 2025-03-31T00:00Z = 02:00 CEST
            Instant at = start.plus(Duration.ofHours(h));
            backups.add(new RetentionCandidate(at.toString(), at));
        }

        RetentionPlan plan = RetentionPolicy.builder().keepDaily(3).zone(BERLIN).build().plan(backups);

        assertThat(backups.stream().filter(b -> b.createdAt().atZone(BERLIN).toLocalDate()
                .equals(LocalDate.parse("2025-03-30")))).hasSize(23);
        assertThat(plan.keep()).extracting(RetentionDecision::id, RetentionDecision::reasons).containsExactly(
                tuple("2025-03-31T00:00:00Z", List.of("newest", "daily 2025-03-31")),
                tuple("2025-03-30T21:00:00Z", List.of("daily 2025-03-30")),
                tuple("2025-03-29T22:00:00Z", List.of("daily 2025-03-29")));
    }

    @Test
    void fallBackDayInBerlinKeepsTheLaterOfTheRepeatedHour() {
        List<RetentionCandidate> backups = List.of(
                backup("23:30-cest-oct25", "2025-10-25T21:30:00Z"),
                backup("00:30-cest-oct26", "2025-10-25T22:30:00Z"),
                backup("02:30-cest-oct26", "2025-10-26T00:30:00Z"),
                backup("02:30-cet-oct26", "2025-10-26T01:30:00Z"));

        RetentionPlan berlin = RetentionPolicy.builder().keepDaily(2).zone(BERLIN).build().plan(backups);
        RetentionPlan utc = RetentionPolicy.builder().keepDaily(2).build().plan(backups);

        assertThat(LocalDateTime.ofInstant(Instant.parse("2025-10-26T00:30:00Z"), BERLIN))
                .isEqualTo(LocalDateTime.ofInstant(Instant.parse("2025-10-26T01:30:00Z"), BERLIN));
        assertThat(ids(berlin.keep())).containsExactly("02:30-cet-oct26", "23:30-cest-oct25");
        assertThat(ids(utc.keep())).containsExactly("02:30-cet-oct26", "00:30-cest-oct26");
    }

    @Test
    void identicalTimestampsAreOrderedByIdDescending() {
        Instant at = Instant.parse("2025-01-01T00:00:00Z");
        List<RetentionCandidate> backups = List.of(
                new RetentionCandidate("a", at), new RetentionCandidate("c", at), new RetentionCandidate("b", at));

        RetentionPlan plan = RetentionPolicy.builder().keepLast(2).build().plan(backups);

        assertThat(ids(plan.decisions())).containsExactly("c", "b", "a");
        assertThat(ids(plan.keep())).containsExactly("c", "b");
        assertThat(plan.keep().get(0).reasons()).containsExactly("newest", "last 2");
    }

    @Test
    void aBackupKeptBySeveralRulesListsEveryReason() {
        List<RetentionCandidate> backups = daily(LocalDate.parse("2025-10-30"), 3, "10:00");

        RetentionPlan plan = RetentionPolicy.builder().keepLast(3).keepWithin("2d").keepDaily(3).keepWeekly(1)
                .keepMonthly(2).keepYearly(1).build().plan(backups);

        assertThat(plan.decisions()).extracting(RetentionDecision::id, RetentionDecision::reasons).containsExactly(
                tuple("2025-11-01", List.of("newest", "last 3", "within 2d",
                        "daily 2025-11-01", "weekly 2025-W44", "monthly 2025-11", "yearly 2025")),
                tuple("2025-10-31", List.of("last 3", "within 2d",
                        "daily 2025-10-31", "monthly 2025-10")),
                tuple("2025-10-30", List.of("last 3", "within 2d",
                        "daily 2025-10-30")));
    }

    private static RetentionCandidate backup(String id, String instant) {
        return new RetentionCandidate(id, Instant.parse(instant));
    }

    /** One backup a day at the given UTC time, named by its date. */
    private static List<RetentionCandidate> daily(LocalDate first, int days, String time) {
        List<RetentionCandidate> backups = new ArrayList<>();
        for (int i = 0; i < days; i++) {
            LocalDate day = first.plusDays(i);
            backups.add(new RetentionCandidate(day.toString(),
                    LocalDateTime.of(day, LocalTime.parse(time)).toInstant(ZoneOffset.UTC)));
        }
        return backups;
    }

    private static List<String> ids(List<RetentionDecision> decisions) {
        return decisions.stream().map(RetentionDecision::id).toList();
    }
}
