package io.github.neo4jbackup.core.retention;

import io.github.neo4jbackup.core.InvalidInputException;

import java.time.Duration;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Which backups to keep, with the semantics of restic's {@code ExpirePolicy}. Immutable; build one
 * with {@link #builder()} and apply it with {@link #plan(Collection)}.
 *
 * <pre>{@code
 * RetentionPolicy policy = RetentionPolicy.builder()
 *         .keepLast(2).keepDaily(7).keepWeekly(4).keepMonthly(12)
 *         .zone(ZoneId.of("Europe/Berlin"))
 *         .build();
 * RetentionPlan plan = policy.plan(candidates);
 * }</pre>
 *
 * <p>The rules, each evaluated on its own over the backups sorted newest first (ties broken by id
 * descending); a backup is kept if at least one rule keeps it, and every rule that keeps it is
 * recorded as a reason:
 * <ul>
 *   <li>The newest backup is <em>always</em> kept (reason {@code "newest"}), whatever the policy.</li>
 *   <li><b>keep-last N</b>: the N newest backups ({@code "last N"}).</li>
 *   <li><b>keep-within D</b>: every backup created at or after {@code newest.createdAt - D}
 *       ({@code "within D"}). The reference point is the newest backup's creation time, <em>not the
 *       wall clock</em>: if the scheduler stalls for longer than D, the backups from before the
 *       stall are still kept instead of all expiring at once.</li>
 *   <li><b>keep-daily / keep-weekly / keep-monthly / keep-yearly N</b>: walking from newest to
 *       oldest, the newest backup of each distinct calendar bucket is kept until N buckets have
 *       been kept. Buckets are computed in {@link #zone()}: a day is a {@link java.time.LocalDate}
 *       ({@code "daily 2025-11-01"}), a week is an ISO week-based year and ISO week number
 *       ({@code "weekly 2025-W44"}; 2021-01-03 belongs to 2020-W53), a month a
 *       {@link java.time.YearMonth} ({@code "monthly 2025-11"}), a year a {@link java.time.Year}
 *       ({@code "yearly 2025"}).</li>
 * </ul>
 * Everything else is deleted with the reason {@value RetentionDecision#NOT_MATCHED}. The plan is
 * a pure function of the policy and the set of candidates: no clock, no I/O, and the order of the
 * input does not matter.
 */
public final class RetentionPolicy {

    private static final String UNITS_HELP = "Use a number with a unit, for example 7d, 36h, 2w or 1y2m3d4h "
            + "(units: y = 365 days, m = 30 days, w = 7 days, d = 24 hours, h = hours), "
            + "or an ISO-8601 duration such as P7D or PT36H.";

    private final Integer keepLast;
    private final Duration keepWithin;
    private final Integer keepDaily;
    private final Integer keepWeekly;
    private final Integer keepMonthly;
    private final Integer keepYearly;
    private final ZoneId zone;

    private RetentionPolicy(Builder builder) {
        this.keepLast = builder.keepLast;
        this.keepWithin = builder.keepWithin;
        this.keepDaily = builder.keepDaily;
        this.keepWeekly = builder.keepWeekly;
        this.keepMonthly = builder.keepMonthly;
        this.keepYearly = builder.keepYearly;
        this.zone = builder.zone;
    }

    /**
     * Starts a new policy with no keep rule and the zone UTC.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a builder holding this policy's settings, to derive a variant.
     *
     * @return a new builder initialised from this policy
     */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.keepLast = keepLast;
        builder.keepWithin = keepWithin;
        builder.keepDaily = keepDaily;
        builder.keepWeekly = keepWeekly;
        builder.keepMonthly = keepMonthly;
        builder.keepYearly = keepYearly;
        builder.zone = zone;
        return builder;
    }

    /**
     * Applies this policy to a set of backups. Pure: nothing is deleted, and the result depends
     * only on this policy and the candidates, not on their order or on the current time.
     *
     * @param candidates the backups to decide about, each id exactly once; may be empty
     * @return the plan, one decision per candidate, newest first; empty for no candidates
     * @throws NullPointerException  if the collection or one of its elements is {@code null}
     * @throws InvalidInputException if two candidates have the same id, or a creation time cannot be
     *                               placed in a calendar of {@link #zone()}
     */
    public RetentionPlan plan(Collection<RetentionCandidate> candidates) {
        return RetentionPlanner.plan(this, candidates);
    }

    /**
     * The number of newest backups to keep.
     *
     * @return keep-last, or empty if the rule is not set
     */
    public OptionalInt keepLast() {
        return optional(keepLast);
    }

    /**
     * How far back from the newest backup every backup is kept.
     *
     * @return keep-within, or empty if the rule is not set
     */
    public Optional<Duration> keepWithin() {
        return Optional.ofNullable(keepWithin);
    }

    /**
     * The number of distinct days for which the newest backup is kept.
     *
     * @return keep-daily, or empty if the rule is not set
     */
    public OptionalInt keepDaily() {
        return optional(keepDaily);
    }

    /**
     * The number of distinct ISO weeks for which the newest backup is kept.
     *
     * @return keep-weekly, or empty if the rule is not set
     */
    public OptionalInt keepWeekly() {
        return optional(keepWeekly);
    }

    /**
     * The number of distinct months for which the newest backup is kept.
     *
     * @return keep-monthly, or empty if the rule is not set
     */
    public OptionalInt keepMonthly() {
        return optional(keepMonthly);
    }

    /**
     * The number of distinct years for which the newest backup is kept.
     *
     * @return keep-yearly, or empty if the rule is not set
     */
    public OptionalInt keepYearly() {
        return optional(keepYearly);
    }

    /**
     * The time zone in which days, weeks, months and years are computed.
     *
     * @return the zone; {@link ZoneOffset#UTC} unless set
     */
    public ZoneId zone() {
        return zone;
    }

    /**
     * Tells whether this policy has no keep rule. Always {@code false}: {@link Builder#build()}
     * refuses such a policy because it would delete every backup but the newest. Use
     * {@link Builder#isEmpty()} to ask before building.
     *
     * @return {@code false}
     */
    public boolean isEmpty() {
        return keepLast == null && keepWithin == null && keepDaily == null && keepWeekly == null
                && keepMonthly == null && keepYearly == null;
    }

    /**
     * Parses a keep-within duration.
     *
     * <p>Accepted forms:
     * <ul>
     *   <li>compact, as restic writes it: one or more {@code <number><unit>} parts, each unit at most
     *       once, for example {@code 7d}, {@code 36h}, {@code 2w}, {@code 1y2m3d4h}. Units are lower
     *       case and <em>calendar-unaware</em>: {@code y} = 365 days, {@code m} = 30 days (months,
     *       not minutes), {@code w} = 7 days, {@code d} = 24 hours, {@code h} = 1 hour;</li>
     *   <li>ISO-8601, for example {@code P7D}, {@code PT36H}, {@code PT90M}, {@code P1DT12H}; years,
     *       months and weeks ({@code P1Y2M3W}) are converted with the same fixed lengths.</li>
     * </ul>
     *
     * @param text the duration text; surrounding white space is ignored
     * @return the duration, always positive
     * @throws InvalidInputException if the text is missing, malformed, not positive or too large
     */
    public static Duration parseDuration(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("The keep-within duration is missing. " + UNITS_HELP);
        }
        String value = text.strip();
        Duration duration;
        try {
            char first = value.charAt(0);
            duration = first == 'P' || first == 'p' ? parseIso(value) : parseCompact(value);
        } catch (ArithmeticException e) {
            throw new InvalidInputException("Invalid duration '" + value + "': it is too large. " + UNITS_HELP, e);
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new InvalidInputException("Invalid duration '" + value + "': it must be greater than zero. "
                    + UNITS_HELP);
        }
        return duration;
    }

    /**
     * Formats a duration the way policies and reasons print it: whole hours as days and hours
     * ({@code 7d}, {@code 1d12h}, {@code 5h}), anything else in ISO-8601 ({@code PT90M}). The text
     * parses back to the same duration with {@link #parseDuration(String)}.
     *
     * @param duration the duration, positive
     * @return the text
     */
    public static String formatDuration(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isZero() || duration.isNegative() || duration.toNanosPart() != 0
                || duration.toSecondsPart() != 0 || duration.toMinutesPart() != 0) {
            return duration.toString();
        }
        long days = duration.toDays();
        int hours = duration.toHoursPart();
        StringBuilder text = new StringBuilder();
        if (days > 0) {
            text.append(days).append('d');
        }
        if (hours > 0) {
            text.append(hours).append('h');
        }
        return text.toString();
    }

    private static Duration parseIso(String value) {
        String upper = value.toUpperCase(Locale.ROOT);
        int t = upper.indexOf('T');
        String datePart = t < 0 ? upper : upper.substring(0, t);
        String timePart = t < 0 ? null : "P" + upper.substring(t);
        try {
            Duration total = Duration.ZERO;
            if (!datePart.equals("P") || timePart == null) {
                Period period = Period.parse(datePart);
                total = total.plus(Duration.ofDays(period.getYears()).multipliedBy(365))
                        .plus(Duration.ofDays(period.getMonths()).multipliedBy(30))
                        .plus(Duration.ofDays(period.getDays()));
            }
            if (timePart != null) {
                total = total.plus(Duration.parse(timePart));
            }
            return total;
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("Invalid duration '" + value + "': it is not a valid ISO-8601 duration. "
                    + UNITS_HELP, e);
        }
    }

    private static Duration parseCompact(String value) {
        Duration total = Duration.ZERO;
        Set<Character> seen = new HashSet<>();
        int i = 0;
        int n = value.length();
        while (i < n) {
            int start = i;
            while (i < n && value.charAt(i) >= '0' && value.charAt(i) <= '9') {
                i++;
            }
            if (start == i) {
                throw new InvalidInputException("Invalid duration '" + value + "': expected a number at position "
                        + (start + 1) + " but found '" + value.charAt(start) + "'. " + UNITS_HELP);
            }
            String digits = value.substring(start, i);
            if (i == n) {
                throw new InvalidInputException("Invalid duration '" + value + "': the number " + digits
                        + " has no unit. " + UNITS_HELP);
            }
            char unit = value.charAt(i++);
            long amount;
            try {
                amount = Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw new ArithmeticException("number too large: " + digits);
            }
            Duration part = switch (unit) {
                case 'y' -> Duration.ofDays(amount).multipliedBy(365);
                case 'm' -> Duration.ofDays(amount).multipliedBy(30);
                case 'w' -> Duration.ofDays(amount).multipliedBy(7);
                case 'd' -> Duration.ofDays(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> throw new InvalidInputException("Invalid duration '" + value + "': unknown unit '" + unit
                        + "'. " + UNITS_HELP);
            };
            if (!seen.add(unit)) {
                throw new InvalidInputException("Invalid duration '" + value + "': the unit '" + unit
                        + "' appears more than once. " + UNITS_HELP);
            }
            total = total.plus(part);
        }
        return total;
    }

    private static OptionalInt optional(Integer value) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RetentionPolicy policy
                && Objects.equals(keepLast, policy.keepLast)
                && Objects.equals(keepWithin, policy.keepWithin)
                && Objects.equals(keepDaily, policy.keepDaily)
                && Objects.equals(keepWeekly, policy.keepWeekly)
                && Objects.equals(keepMonthly, policy.keepMonthly)
                && Objects.equals(keepYearly, policy.keepYearly)
                && zone.equals(policy.zone);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keepLast, keepWithin, keepDaily, keepWeekly, keepMonthly, keepYearly, zone);
    }

    /**
     * Describes the policy, for example {@code keep-last=3, keep-within=7d, keep-daily=7, zone=UTC}.
     *
     * @return the set rules in a fixed order, then the zone
     */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (keepLast != null) {
            parts.add("keep-last=" + keepLast);
        }
        if (keepWithin != null) {
            parts.add("keep-within=" + formatDuration(keepWithin));
        }
        if (keepDaily != null) {
            parts.add("keep-daily=" + keepDaily);
        }
        if (keepWeekly != null) {
            parts.add("keep-weekly=" + keepWeekly);
        }
        if (keepMonthly != null) {
            parts.add("keep-monthly=" + keepMonthly);
        }
        if (keepYearly != null) {
            parts.add("keep-yearly=" + keepYearly);
        }
        parts.add("zone=" + (zone.equals(ZoneOffset.UTC) ? "UTC" : zone.getId()));
        return String.join(", ", parts);
    }

    /**
     * Builds a {@link RetentionPolicy}. Values are checked by {@link #build()}; setting an option
     * again replaces the earlier value.
     */
    public static final class Builder {
        private Integer keepLast;
        private Duration keepWithin;
        private Integer keepDaily;
        private Integer keepWeekly;
        private Integer keepMonthly;
        private Integer keepYearly;
        private ZoneId zone = ZoneOffset.UTC;

        private Builder() {
        }

        /**
         * Keeps the {@code n} newest backups.
         *
         * @param n how many; must be {@code >= 1}
         * @return this builder
         */
        public Builder keepLast(int n) {
            this.keepLast = n;
            return this;
        }

        /**
         * Keeps every backup created within {@code duration} before the newest backup (not before
         * now: the reference is the newest backup's creation time).
         *
         * @param duration how far back; must be positive
         * @return this builder
         */
        public Builder keepWithin(Duration duration) {
            this.keepWithin = Objects.requireNonNull(duration, "keepWithin duration");
            return this;
        }

        /**
         * Keeps every backup created within a duration before the newest backup, the duration given
         * as text in one of the forms {@link RetentionPolicy#parseDuration(String)} accepts.
         *
         * @param duration how far back, for example {@code 7d} or {@code PT36H}
         * @return this builder
         * @throws InvalidInputException if the text is not a valid positive duration
         */
        public Builder keepWithin(String duration) {
            return keepWithin(parseDuration(duration));
        }

        /**
         * Keeps the newest backup of each of the {@code n} newest distinct days.
         *
         * @param n how many days; must be {@code >= 1}
         * @return this builder
         */
        public Builder keepDaily(int n) {
            this.keepDaily = n;
            return this;
        }

        /**
         * Keeps the newest backup of each of the {@code n} newest distinct ISO weeks.
         *
         * @param n how many weeks; must be {@code >= 1}
         * @return this builder
         */
        public Builder keepWeekly(int n) {
            this.keepWeekly = n;
            return this;
        }

        /**
         * Keeps the newest backup of each of the {@code n} newest distinct months.
         *
         * @param n how many months; must be {@code >= 1}
         * @return this builder
         */
        public Builder keepMonthly(int n) {
            this.keepMonthly = n;
            return this;
        }

        /**
         * Keeps the newest backup of each of the {@code n} newest distinct years.
         *
         * @param n how many years; must be {@code >= 1}
         * @return this builder
         */
        public Builder keepYearly(int n) {
            this.keepYearly = n;
            return this;
        }

        /**
         * Sets the time zone in which days, weeks, months and years are computed.
         *
         * @param zone the zone; the default is UTC
         * @return this builder
         */
        public Builder zone(ZoneId zone) {
            this.zone = Objects.requireNonNull(zone, "zone");
            return this;
        }

        /**
         * Tells whether no keep rule has been set yet, for example to skip retention when a user
         * gave no keep option.
         *
         * @return {@code true} if {@link #build()} would refuse the policy as empty
         */
        public boolean isEmpty() {
            return keepLast == null && keepWithin == null && keepDaily == null && keepWeekly == null
                    && keepMonthly == null && keepYearly == null;
        }

        /**
         * Checks the settings and builds the policy.
         *
         * @return the policy
         * @throws InvalidInputException if a count is below 1, keep-within is not positive, or no keep
         *                               rule is set at all
         */
        public RetentionPolicy build() {
            List<String> problems = new ArrayList<>();
            checkCount(problems, "keep-last", keepLast);
            if (keepWithin != null && (keepWithin.isZero() || keepWithin.isNegative())) {
                problems.add("keep-within must be a positive duration, but was " + keepWithin);
            }
            checkCount(problems, "keep-daily", keepDaily);
            checkCount(problems, "keep-weekly", keepWeekly);
            checkCount(problems, "keep-monthly", keepMonthly);
            checkCount(problems, "keep-yearly", keepYearly);
            if (!problems.isEmpty()) {
                throw new InvalidInputException("Invalid retention policy: " + String.join("; ", problems)
                        + ". Leave an option unset rather than setting it to zero.");
            }
            if (isEmpty()) {
                throw new InvalidInputException("A retention policy needs at least one keep rule (keep-last, "
                        + "keep-within, keep-daily, keep-weekly, keep-monthly or keep-yearly): a policy that "
                        + "keeps nothing would delete every backup. Set at least one keep rule, or do not run "
                        + "retention.");
            }
            return new RetentionPolicy(this);
        }

        private static void checkCount(List<String> problems, String option, Integer value) {
            if (value != null && value < 1) {
                problems.add(option + " must be >= 1, but was " + value);
            }
        }
    }
}
