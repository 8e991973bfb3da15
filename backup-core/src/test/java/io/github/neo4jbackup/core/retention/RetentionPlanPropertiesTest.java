package io.github.neo4jbackup.core.retention;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariants of retention plans over many generated histories. Every history comes from a
 * {@link Random} with a fixed seed, so a failure names a reproducible case.
 */
class RetentionPlanPropertiesTest {

    private static final int HISTORIES = 500;
    private static final long SEED = 20251101L;
    private static final List<ZoneId> ZONES = List.of(ZoneOffset.UTC, ZoneId.of("Europe/Berlin"),
            ZoneId.of("America/New_York"), ZoneId.of("Asia/Kolkata"), ZoneId.of("Australia/Lord_Howe"),
            ZoneId.of("Pacific/Chatham"), ZoneId.of("America/Sao_Paulo"), ZoneOffset.ofHours(-11));
    private static final Instant EARLIEST = Instant.parse("1995-01-01T00:00:00Z");
    private static final long TEN_YEARS_SECONDS = Duration.ofDays(3653).toSeconds();

    /** One generated case: a history and a policy. */
    private record Case(int index, List<RetentionCandidate> history, RetentionPolicy policy) {
        @Override
        public String toString() {
            return "case " + index + " (seed " + (SEED + index) + "): " + history.size() + " backups, " + policy;
        }
    }

    @Test
    void keptAndDeletedPartitionTheInputNewestFirstWithReasons() {
        for (Case c : cases()) {
            RetentionPlan plan = c.policy().plan(c.history());

            Set<String> input = ids(c.history());
            Set<String> kept = ids(plan.keep());
            Set<String> deleted = ids(plan.delete());
            assertThat(plan.decisions()).as("%s", c).hasSameSizeAs(c.history());
            Set<String> both = new HashSet<>(kept);
            both.retainAll(deleted);
            assertThat(both).as("%s: kept and deleted", c).isEmpty();
            Set<String> union = new HashSet<>(kept);
            union.addAll(deleted);
            assertThat(union).as("%s", c).isEqualTo(input);

            List<RetentionCandidate> order = plan.decisions().stream().map(RetentionDecision::candidate).toList();
            assertThat(order).as("%s", c).isSortedAccordingTo(RetentionCandidate.NEWEST_FIRST);
            assertThat(plan.keep()).as("%s", c).allSatisfy(d -> {
                assertThat(d.keep()).isTrue();
                assertThat(d.reasons()).isNotEmpty().doesNotContain(RetentionDecision.NOT_MATCHED);
            });
            assertThat(plan.delete()).as("%s", c).allSatisfy(d -> {
                assertThat(d.keep()).isFalse();
                assertThat(d.reasons()).containsExactly(RetentionDecision.NOT_MATCHED);
            });
        }
    }

    @Test
    void theNewestBackupIsAlwaysKept() {
        for (Case c : cases()) {
            RetentionPlan plan = c.policy().plan(c.history());
            if (c.history().isEmpty()) {
                assertThat(plan.isEmpty()).as("%s", c).isTrue();
                continue;
            }
            RetentionCandidate newest = Collections.min(c.history(), RetentionCandidate.NEWEST_FIRST);
            RetentionDecision first = plan.decisions().get(0);
            assertThat(first.id()).as("%s", c).isEqualTo(newest.id());
            assertThat(first.keep()).as("%s", c).isTrue();
            assertThat(first.reasons().get(0)).as("%s", c).isEqualTo("newest");
            assertThat(plan.decisions().stream().filter(d -> d.reasons().contains("newest"))).as("%s", c).hasSize(1);
        }
    }

    @Test
    void theCombinationKeepsExactlyTheUnionOfItsRules() {
        for (Case c : cases()) {
            RetentionPlan combined = c.policy().plan(c.history());

            Set<String> union = new HashSet<>();
            Map<String, Set<String>> reasons = new HashMap<>();
            for (RetentionPolicy single : singleRules(c.policy())) {
                RetentionPlan alone = single.plan(c.history());
                assertThat(ids(combined.keep())).as("%s; alone: %s", c, single).containsAll(ids(alone.keep()));
                union.addAll(ids(alone.keep()));
                alone.keep().forEach(d -> reasons.computeIfAbsent(d.id(), k -> new HashSet<>()).addAll(d.reasons()));
            }
            assertThat(ids(combined.keep())).as("%s", c).isEqualTo(union);
            for (RetentionDecision d : combined.keep()) {
                assertThat(new HashSet<>(d.reasons())).as("%s: %s", c, d.id()).isEqualTo(reasons.get(d.id()));
            }
        }
    }

    @Test
    void thePlanMatchesAnIndependentOracle() {
        int backups = 0;
        for (Case c : cases()) {
            RetentionPlan plan = c.policy().plan(c.history());

            assertThat(ids(plan.keep())).as("%s", c).isEqualTo(oracle(c.policy(), c.history()));
            backups += c.history().size();
        }
        System.out.println("[reliability] retention generated: histories=" + HISTORIES + " backups=" + backups);
    }

    @Test
    void thePlanDoesNotDependOnInputOrder() {
        for (Case c : cases()) {
            RetentionPlan plan = c.policy().plan(c.history());
            Random random = new Random(SEED ^ c.index());
            for (int round = 0; round < 3; round++) {
                List<RetentionCandidate> shuffled = new ArrayList<>(c.history());
                Collections.shuffle(shuffled, random);
                assertThat(c.policy().plan(shuffled)).as("%s, shuffle %d", c, round).isEqualTo(plan);
                assertThat(c.policy().plan(new LinkedHashSet<>(shuffled)).decisions())
                        .as("%s, as a set", c).isEqualTo(plan.decisions());
            }
            List<RetentionCandidate> reversed = new ArrayList<>(c.history());
            Collections.reverse(reversed);
            assertThat(c.policy().plan(reversed)).as("%s, reversed", c).isEqualTo(plan);
        }
    }

    @Test
    void keepLastKeepsAtLeastTheNNewest() {
        for (Case c : cases()) {
            int n = 1 + new Random(SEED + c.index()).nextInt(30);
            RetentionPolicy policy = c.policy().toBuilder().keepLast(n).build();

            RetentionPlan plan = policy.plan(c.history());

            assertThat(plan.keep().size()).as("%s, keep-last %d", c, n)
                    .isGreaterThanOrEqualTo(Math.min(n, c.history().size()));
            assertThat(plan.decisions().stream().limit(n)).as("%s, keep-last %d", c, n)
                    .allSatisfy(d -> assertThat(d.reasons()).contains("last " + n));
            assertThat(plan.decisions().stream().skip(n)).as("%s, keep-last %d", c, n)
                    .allSatisfy(d -> assertThat(d.reasons()).doesNotContain("last " + n));
        }
    }

    @Test
    void keepDailyAloneKeepsOneBackupForEachOfTheNNewestDays() {
        for (Case c : cases()) {
            int n = 1 + new Random(SEED + c.index()).nextInt(40);
            ZoneId zone = c.policy().zone();
            RetentionPolicy policy = RetentionPolicy.builder().keepDaily(n).zone(zone).build();

            RetentionPlan plan = policy.plan(c.history());

            long days = c.history().stream().map(b -> b.createdAt().atZone(zone).toLocalDate()).distinct().count();
            assertThat(plan.keep()).as("%s, keep-daily %d", c, n).hasSize((int) Math.min(n, days));
            assertThat(plan.keep().stream().map(d -> d.createdAt().atZone(zone).toLocalDate()).distinct())
                    .as("%s, keep-daily %d: one per day", c, n).hasSize(plan.keep().size());
            assertThat(ids(plan.keep())).as("%s, keep-daily %d", c, n)
                    .isEqualTo(newestPerBucket(c.history(), n, t -> t.toLocalDate().toString(), zone));
        }
    }

    @Test
    void raisingACountOrAddingARuleNeverDeletesMore() {
        for (Case c : cases()) {
            RetentionPlan plan = c.policy().plan(c.history());
            RetentionPolicy.Builder more = c.policy().toBuilder();
            c.policy().keepDaily().ifPresent(n -> more.keepDaily(n + 1));
            c.policy().keepWeekly().ifPresentOrElse(n -> more.keepWeekly(n + 1), () -> more.keepWeekly(1));
            c.policy().keepWithin().ifPresent(d -> more.keepWithin(d.plusHours(1)));

            assertThat(ids(more.build().plan(c.history()).keep())).as("%s", c).containsAll(ids(plan.keep()));
        }
    }

    @Test
    void formattedDurationsParseBackToTheSameDuration() {
        Random random = new Random(SEED);
        for (int i = 0; i < 2000; i++) {
            Duration duration = randomDuration(random);
            String text = RetentionPolicy.formatDuration(duration);
            assertThat(RetentionPolicy.parseDuration(text)).as("%s -> %s", duration, text).isEqualTo(duration);
        }
    }

    // ---- clock jumps, DST, every combination of rules ----

    /**
     * Histories whose clocks jump: timestamps that go backwards in the order the backups were
     * made, bursts of identical timestamps, a clock set far into the future or the past (up to
     * the calendar's limits), checked against the oracle under every policy combination.
     */
    @Test
    void clockJumpsDuplicatesAndFarTimesKeepThePlanConsistent() {
        Random random = new Random(SEED * 31);
        int histories = 0;
        int plans = 0;
        for (int i = 0; i < 60; i++) {
            List<RetentionCandidate> history = jumpingHistory(random, i);
            histories++;
            for (RetentionPolicy policy : everyCombination(ZONES.get(i % ZONES.size()), random)) {
                checkAll("jumping history " + i, history, policy, random);
                plans++;
            }
        }
        System.out.println("[reliability] retention clock jumps: histories=" + histories + " plans=" + plans);
        assertThat(plans).isEqualTo(histories * 63);
    }

    /**
     * Histories packed densely (every few minutes, and exactly on the transition instant and one
     * nanosecond either side) around spring-forward and fall-back transitions of zones with hour,
     * half-hour and 45-minute offsets and of zones that changed their rules, under every
     * calendar rule in that zone.
     */
    @Test
    void denseHistoriesAroundDaylightSavingTransitionsMatchTheOracle() {
        List<ZoneId> zones = List.of(ZoneId.of("Europe/Berlin"), ZoneId.of("Europe/London"),
                ZoneId.of("America/New_York"), ZoneId.of("America/Santiago"), ZoneId.of("Australia/Lord_Howe"),
                ZoneId.of("Pacific/Chatham"), ZoneId.of("America/Sao_Paulo"), ZoneId.of("Asia/Tehran"),
                ZoneId.of("Pacific/Apia"), ZoneId.of("Africa/Casablanca"));
        Random random = new Random(SEED * 37);
        int histories = 0;
        int plans = 0;
        int transitions = 0;
        for (ZoneId zone : zones) {
            List<Instant> around = new ArrayList<>();
            var rules = zone.getRules();
            var transition = rules.nextTransition(Instant.parse("2010-01-01T00:00:00Z"));
            while (transition != null && transition.getInstant().isBefore(Instant.parse("2027-01-01T00:00:00Z"))) {
                around.add(transition.getInstant());
                transition = rules.nextTransition(transition.getInstant());
            }
            transitions += around.size();
            for (int h = 0; h < 12 && !around.isEmpty(); h++) {
                List<RetentionCandidate> history = new ArrayList<>();
                int picked = 1 + random.nextInt(Math.min(6, around.size()));
                int first = random.nextInt(around.size() - picked + 1);
                for (int t = first; t < first + picked; t++) {
                    Instant at = around.get(t);
                    for (Instant x : List.of(at, at.minusNanos(1), at.plusNanos(1))) {
                        history.add(new RetentionCandidate("t" + history.size(), x));
                    }
                    for (long m = -240; m <= 240; m += 1 + random.nextInt(25)) {
                        history.add(new RetentionCandidate("t" + history.size(), at.plusSeconds(m * 60)));
                    }
                }
                histories++;
                for (RetentionPolicy policy : calendarCombinations(zone, random)) {
                    checkAll(zone + " history " + h, history, policy, random);
                    int n = policy.keepDaily().orElse(0);
                    if (n > 0 && policy.keepWeekly().isEmpty() && policy.keepMonthly().isEmpty()
                            && policy.keepYearly().isEmpty()) {
                        List<RetentionDecision> kept = policy.plan(history).keep();
                        assertThat(kept.stream().map(d -> d.createdAt().atZone(zone).toLocalDate()).distinct())
                                .as("%s: one backup per local day", zone).hasSize(kept.size());
                    }
                    plans++;
                }
            }
        }
        System.out.println("[reliability] retention DST: zones=" + zones.size() + " transitions=" + transitions
                + " histories=" + histories + " plans=" + plans);
        assertThat(histories).isGreaterThan(100);
    }

    /**
     * Every one of the 63 non-empty combinations of keep-last, keep-within, keep-daily,
     * keep-weekly, keep-monthly and keep-yearly, each with small and huge counts, on the generated
     * histories: the plan equals the oracle, is the union of its single rules, keeps the newest and
     * does not depend on the input order.
     */
    @Test
    void everyCombinationOfRulesMatchesTheOracle() {
        Random random = new Random(SEED * 41);
        int histories = 0;
        int plans = 0;
        List<Case> all = cases();
        for (int i = 0; i < all.size(); i += 10) {
            Case c = all.get(i);
            histories++;
            for (RetentionPolicy policy : everyCombination(c.policy().zone(), random)) {
                checkAll(c.toString(), c.history(), policy, random);
                Set<String> union = new HashSet<>();
                for (RetentionPolicy single : singleRules(policy)) {
                    union.addAll(ids(single.plan(c.history()).keep()));
                }
                assertThat(ids(policy.plan(c.history()).keep())).as("%s: %s is the union of its rules", c, policy)
                        .isEqualTo(union);
                plans++;
            }
        }
        System.out.println("[reliability] retention combinations: histories=" + histories + " plans=" + plans);
        assertThat(plans).isEqualTo(histories * 63);
    }

    /** Times the calendar cannot hold are refused with a message naming the backup; counting rules still work. */
    @Test
    void timesBeyondTheCalendarAreRefusedCleanlyByCalendarRulesOnly() {
        List<RetentionCandidate> history = List.of(new RetentionCandidate("real", Instant.parse("2026-01-01T00:00:00Z")),
                new RetentionCandidate("broken", Instant.MAX));
        RetentionPlan last = RetentionPolicy.builder().keepLast(1).build().plan(history);
        assertThat(last.keep()).extracting(RetentionDecision::id).containsExactly("broken");
        RetentionPlan within = RetentionPolicy.builder().keepWithin(Duration.ofDays(1)).build().plan(history);
        assertThat(within.keep()).extracting(RetentionDecision::id).containsExactly("broken");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RetentionPolicy.builder().keepDaily(3).build()
                        .plan(history))
                .isInstanceOf(io.github.neo4jbackup.core.InvalidInputException.class)
                .hasMessageContaining("'broken'").hasMessageContaining("cannot be placed in a calendar");
    }

    private static void checkAll(String what, List<RetentionCandidate> history, RetentionPolicy policy, Random random) {
        RetentionPlan plan = policy.plan(history);
        String as = what + ", " + policy;
        assertThat(plan.decisions()).as(as).hasSameSizeAs(history);
        Set<String> kept = ids(plan.keep());
        Set<String> deleted = ids(plan.delete());
        Set<String> both = new HashSet<>(kept);
        both.retainAll(deleted);
        assertThat(both).as("%s: kept and deleted", as).isEmpty();
        Set<String> union = new HashSet<>(kept);
        union.addAll(deleted);
        assertThat(union).as(as).isEqualTo(ids(history));
        assertThat(kept).as("%s: kept = independently computed", as).isEqualTo(oracle(policy, history));
        if (!history.isEmpty()) {
            RetentionCandidate newest = Collections.min(history, RetentionCandidate.NEWEST_FIRST);
            assertThat(kept).as("%s: the newest is kept", as).contains(newest.id());
        }
        List<RetentionCandidate> shuffled = new ArrayList<>(history);
        Collections.shuffle(shuffled, random);
        assertThat(policy.plan(shuffled)).as("%s: shuffled", as).isEqualTo(plan);
    }

    /** The 63 non-empty subsets of the six rules, each rule with a random small or huge count. */
    private static List<RetentionPolicy> everyCombination(ZoneId zone, Random random) {
        List<RetentionPolicy> policies = new ArrayList<>(63);
        for (int mask = 1; mask < 64; mask++) {
            RetentionPolicy.Builder b = RetentionPolicy.builder().zone(zone);
            if ((mask & 1) != 0) {
                b.keepLast(count(random));
            }
            if ((mask & 2) != 0) {
                b.keepWithin(randomDuration(random));
            }
            if ((mask & 4) != 0) {
                b.keepDaily(count(random));
            }
            if ((mask & 8) != 0) {
                b.keepWeekly(count(random));
            }
            if ((mask & 16) != 0) {
                b.keepMonthly(count(random));
            }
            if ((mask & 32) != 0) {
                b.keepYearly(count(random));
            }
            policies.add(b.build());
        }
        return policies;
    }

    /** The 15 non-empty subsets of the calendar rules, with counts from 1 to 5 (so they run out). */
    private static List<RetentionPolicy> calendarCombinations(ZoneId zone, Random random) {
        List<RetentionPolicy> policies = new ArrayList<>(15);
        for (int mask = 1; mask < 16; mask++) {
            RetentionPolicy.Builder b = RetentionPolicy.builder().zone(zone);
            if ((mask & 1) != 0) {
                b.keepDaily(1 + random.nextInt(5));
            }
            if ((mask & 2) != 0) {
                b.keepWeekly(1 + random.nextInt(5));
            }
            if ((mask & 4) != 0) {
                b.keepMonthly(1 + random.nextInt(5));
            }
            if ((mask & 8) != 0) {
                b.keepYearly(1 + random.nextInt(5));
            }
            policies.add(b.build());
        }
        return policies;
    }

    /** A schedule whose clock is set back, repeats itself and jumps far ahead or far back. */
    private static List<RetentionCandidate> jumpingHistory(Random random, int index) {
        List<RetentionCandidate> history = new ArrayList<>();
        Instant clock = Instant.parse("2026-03-01T00:00:00Z").plusSeconds(random.nextInt(86_400 * 365));
        int size = 5 + random.nextInt(60);
        for (int i = 0; i < size; i++) {
            int event = random.nextInt(20);
            if (event == 0) {
                clock = clock.minus(Duration.ofDays(1 + random.nextInt(400)));          // set back
            } else if (event == 1) {
                clock = clock.minusSeconds(1 + random.nextInt(3_600));                  // NTP step back
            } else if (event == 2 && index % 3 == 0) {
                clock = Instant.parse("9999-12-31T23:59:59Z");                         // far future
            } else if (event == 3 && index % 3 == 1) {
                clock = Instant.parse("+100000-06-15T12:00:00Z");                       // beyond 4-digit years
            } else if (event == 4 && index % 3 == 2) {
                clock = Instant.parse("-0001-01-01T00:00:00Z");                         // far past
            } else if (event == 5) {
                // a burst with the very same timestamp: ids decide the order
                for (int b = 0; b < 2 + random.nextInt(3); b++) {
                    history.add(new RetentionCandidate("burst-" + index + "-" + i + "-" + b, clock));
                }
            } else {
                clock = clock.plusSeconds(600 + random.nextInt(3 * 86_400));
            }
            history.add(new RetentionCandidate("j" + index + "-" + i, clock));
        }
        return history;
    }

    // ---- generation ----

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>(HISTORIES);
        for (int i = 0; i < HISTORIES; i++) {
            Random random = new Random(SEED + i);
            cases.add(new Case(i, history(random), policy(random)));
        }
        return cases;
    }

    private static List<RetentionCandidate> history(Random random) {
        int size = random.nextInt(201);
        long start = EARLIEST.getEpochSecond() + (long) (random.nextDouble() * 40 * 365 * 86_400L);
        long span = switch (random.nextInt(4)) {
            case 0 -> 86_400L * (1 + random.nextInt(3));        // a few days
            case 1 -> 86_400L * (7 + random.nextInt(60));       // weeks
            case 2 -> 86_400L * (60 + random.nextInt(700));     // months
            default -> 1 + (long) (random.nextDouble() * TEN_YEARS_SECONDS); // years
        };
        boolean regular = random.nextInt(4) == 0;
        long interval = Math.max(1, span / Math.max(1, size));
        List<Instant> times = new ArrayList<>(size);
        Set<String> ids = new HashSet<>();
        List<RetentionCandidate> history = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            Instant at;
            int mode = random.nextInt(10);
            if (!times.isEmpty() && mode == 0) {
                at = times.get(random.nextInt(times.size()));                        // identical timestamp
            } else if (!times.isEmpty() && mode <= 2) {
                at = times.get(random.nextInt(times.size()))                          // a cluster
                        .plusSeconds(random.nextInt(3_600) - 1_800).plusNanos(random.nextInt(1_000));
            } else if (regular) {
                at = Instant.ofEpochSecond(start + i * interval + random.nextInt(600)); // a schedule, jittered
            } else {
                at = Instant.ofEpochSecond(start + (long) (random.nextDouble() * span));
            }
            times.add(at);
            String id;
            do {
                id = switch (random.nextInt(3)) {
                    case 0 -> "b" + random.nextInt(1_000);
                    case 1 -> Long.toHexString(random.nextLong());
                    default -> "neo4j-" + at.getEpochSecond();
                };
            } while (!ids.add(id));
            history.add(new RetentionCandidate(id, at));
        }
        return history;
    }

    private static RetentionPolicy policy(Random random) {
        RetentionPolicy.Builder builder = RetentionPolicy.builder().zone(ZONES.get(random.nextInt(ZONES.size())));
        do {
            if (random.nextInt(10) < 4) {
                builder.keepLast(count(random));
            }
            if (random.nextInt(10) < 3) {
                builder.keepWithin(randomDuration(random));
            }
            if (random.nextInt(10) < 4) {
                builder.keepDaily(count(random));
            }
            if (random.nextInt(10) < 4) {
                builder.keepWeekly(count(random));
            }
            if (random.nextInt(10) < 4) {
                builder.keepMonthly(count(random));
            }
            if (random.nextInt(10) < 3) {
                builder.keepYearly(count(random));
            }
        } while (builder.isEmpty());
        return builder.build();
    }

    private static int count(Random random) {
        return random.nextInt(20) == 0 ? 1_000 + random.nextInt(Integer.MAX_VALUE - 1_000) : 1 + random.nextInt(20);
    }

    private static Duration randomDuration(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> Duration.ofHours(1 + random.nextInt(72));
            case 1 -> Duration.ofDays(1 + random.nextInt(800));
            case 2 -> Duration.ofDays(random.nextInt(400)).plusHours(1 + random.nextInt(23));
            default -> Duration.ofSeconds(1 + random.nextInt(10_000_000)).plusNanos(random.nextInt(1_000_000_000));
        };
    }

    // ---- the independent oracle ----

    /** The policy split into one policy per rule, each with the policy's zone. */
    private static List<RetentionPolicy> singleRules(RetentionPolicy policy) {
        List<RetentionPolicy> singles = new ArrayList<>();
        policy.keepLast().ifPresent(n -> singles.add(single(policy).keepLast(n).build()));
        policy.keepWithin().ifPresent(d -> singles.add(single(policy).keepWithin(d).build()));
        policy.keepDaily().ifPresent(n -> singles.add(single(policy).keepDaily(n).build()));
        policy.keepWeekly().ifPresent(n -> singles.add(single(policy).keepWeekly(n).build()));
        policy.keepMonthly().ifPresent(n -> singles.add(single(policy).keepMonthly(n).build()));
        policy.keepYearly().ifPresent(n -> singles.add(single(policy).keepYearly(n).build()));
        return singles;
    }

    private static RetentionPolicy.Builder single(RetentionPolicy policy) {
        return RetentionPolicy.builder().zone(policy.zone());
    }

    /** The ids to keep, computed without walking: grouping and sorting instead. */
    private static Set<String> oracle(RetentionPolicy policy, List<RetentionCandidate> history) {
        Set<String> keep = new HashSet<>();
        if (history.isEmpty()) {
            return keep;
        }
        List<RetentionCandidate> sorted = new ArrayList<>(history);
        sorted.sort((a, b) -> {
            int byTime = b.createdAt().compareTo(a.createdAt());
            return byTime != 0 ? byTime : b.id().compareTo(a.id());
        });
        RetentionCandidate newest = sorted.get(0);
        keep.add(newest.id());
        policy.keepLast().ifPresent(n -> sorted.stream().limit(n).forEach(b -> keep.add(b.id())));
        policy.keepWithin().ifPresent(d -> sorted.stream()
                .filter(b -> Duration.between(b.createdAt(), newest.createdAt()).compareTo(d) <= 0)
                .forEach(b -> keep.add(b.id())));
        ZoneId zone = policy.zone();
        policy.keepDaily().ifPresent(n -> keep.addAll(newestPerBucket(history, n, t -> t.toLocalDate().toString(), zone)));
        policy.keepWeekly().ifPresent(n -> keep.addAll(newestPerBucket(history, n,
                t -> t.get(IsoFields.WEEK_BASED_YEAR) + "/" + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), zone)));
        policy.keepMonthly().ifPresent(n -> keep.addAll(newestPerBucket(history, n, t -> YearMonth.from(t).toString(), zone)));
        policy.keepYearly().ifPresent(n -> keep.addAll(newestPerBucket(history, n, t -> Year.from(t).toString(), zone)));
        return keep;
    }

    /** The newest backup of each bucket, for the n buckets whose newest backups are newest. */
    private static Set<String> newestPerBucket(List<RetentionCandidate> history, int n,
                                               Function<ZonedDateTime, String> bucket, ZoneId zone) {
        Map<String, RetentionCandidate> newest = new HashMap<>();
        for (RetentionCandidate b : history) {
            newest.merge(bucket.apply(b.createdAt().atZone(zone)), b,
                    (x, y) -> RetentionCandidate.NEWEST_FIRST.compare(x, y) <= 0 ? x : y);
        }
        return newest.values().stream()
                .sorted(RetentionCandidate.NEWEST_FIRST)
                .limit(n)
                .map(RetentionCandidate::id)
                .collect(Collectors.toSet());
    }

    private static Set<String> ids(List<?> items) {
        return items.stream()
                .map(o -> o instanceof RetentionDecision d ? d.id() : ((RetentionCandidate) o).id())
                .collect(Collectors.toSet());
    }
}
