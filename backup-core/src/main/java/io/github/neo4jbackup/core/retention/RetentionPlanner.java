package io.github.neo4jbackup.core.retention;

import io.github.neo4jbackup.core.InvalidInputException;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/** The algorithm behind {@link RetentionPolicy#plan(Collection)}. Stateless. */
final class RetentionPlanner {

    /** The calendar buckets of the keep-daily/weekly/monthly/yearly rules. */
    private enum Calendar {
        DAILY("daily", time -> time.toLocalDate().toString()),
        WEEKLY("weekly", time -> String.format(Locale.ROOT, "%d-W%02d",
                time.get(IsoFields.WEEK_BASED_YEAR), time.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR))),
        MONTHLY("monthly", time -> YearMonth.from(time).toString()),
        YEARLY("yearly", time -> Year.from(time).toString());

        private final String label;
        private final Function<ZonedDateTime, String> bucket;

        Calendar(String label, Function<ZonedDateTime, String> bucket) {
            this.label = label;
            this.bucket = bucket;
        }
    }

    /** One keep-daily/weekly/monthly/yearly rule while walking the backups. */
    private static final class BucketRule {
        private final Calendar calendar;
        private final Set<String> kept = new HashSet<>();
        private int remaining;

        BucketRule(Calendar calendar, int count) {
            this.calendar = calendar;
            this.remaining = count;
        }
    }

    private RetentionPlanner() {
    }

    static RetentionPlan plan(RetentionPolicy policy, Collection<RetentionCandidate> candidates) {
        Objects.requireNonNull(candidates, "candidates");
        List<RetentionCandidate> sorted = new ArrayList<>(candidates.size());
        Set<String> ids = new HashSet<>();
        for (RetentionCandidate candidate : candidates) {
            Objects.requireNonNull(candidate, "candidates must not contain null");
            if (!ids.add(candidate.id())) {
                throw new InvalidInputException("Backup '" + candidate.id() + "' appears more than once among the "
                        + "retention candidates; list every backup exactly once.");
            }
            sorted.add(candidate);
        }
        if (sorted.isEmpty()) {
            return RetentionPlan.empty();
        }
        sorted.sort(RetentionCandidate.NEWEST_FIRST);

        int keepLast = policy.keepLast().orElse(0);
        String lastReason = "last " + keepLast;
        Instant cutoff = policy.keepWithin().map(within -> cutoff(sorted.get(0).createdAt(), within)).orElse(null);
        String withinReason = policy.keepWithin().map(w -> "within " + RetentionPolicy.formatDuration(w)).orElse(null);
        List<BucketRule> rules = new ArrayList<>();
        policy.keepDaily().ifPresent(n -> rules.add(new BucketRule(Calendar.DAILY, n)));
        policy.keepWeekly().ifPresent(n -> rules.add(new BucketRule(Calendar.WEEKLY, n)));
        policy.keepMonthly().ifPresent(n -> rules.add(new BucketRule(Calendar.MONTHLY, n)));
        policy.keepYearly().ifPresent(n -> rules.add(new BucketRule(Calendar.YEARLY, n)));
        ZoneId zone = policy.zone();

        List<RetentionDecision> decisions = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            RetentionCandidate candidate = sorted.get(i);
            List<String> reasons = new ArrayList<>();
            if (i == 0) {
                reasons.add("newest");
            }
            if (i < keepLast) {
                reasons.add(lastReason);
            }
            if (cutoff != null && !candidate.createdAt().isBefore(cutoff)) {
                reasons.add(withinReason);
            }
            ZonedDateTime local = null;
            for (BucketRule rule : rules) {
                if (rule.remaining == 0) {
                    continue;
                }
                if (local == null) {
                    local = inZone(candidate, zone);
                }
                String bucket = rule.calendar.bucket.apply(local);
                if (rule.kept.add(bucket)) {
                    rule.remaining--;
                    reasons.add(rule.calendar.label + " " + bucket);
                }
            }
            decisions.add(reasons.isEmpty()
                    ? RetentionDecision.delete(candidate)
                    : new RetentionDecision(candidate.id(), candidate.createdAt(), true, reasons));
        }
        return RetentionPlan.of(decisions);
    }

    private static Instant cutoff(Instant newest, Duration within) {
        try {
            return newest.minus(within);
        } catch (DateTimeException | ArithmeticException e) {
            return Instant.MIN; // reaches back past the start of time: everything is within
        }
    }

    private static ZonedDateTime inZone(RetentionCandidate candidate, ZoneId zone) {
        try {
            return candidate.createdAt().atZone(zone);
        } catch (DateTimeException e) {
            throw new InvalidInputException("Backup '" + candidate.id() + "' has a creation time ("
                    + candidate.createdAt() + ") that cannot be placed in a calendar of zone " + zone
                    + "; check the backup's metadata.", e);
        }
    }
}
