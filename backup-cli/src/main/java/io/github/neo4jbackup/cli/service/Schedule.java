package io.github.neo4jbackup.cli.service;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * When runs are due: a standard five-field cron expression (minute hour day-of-month month
 * day-of-week, parsed by cron-utils' Unix definition, plus the {@code @hourly}-style nicknames) in a
 * time zone, or a fixed interval. Immutable and thread-safe.
 */
public abstract class Schedule {

    private static final Map<String, String> NICKNAMES = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    Schedule() {
    }

    /**
     * A cron schedule.
     *
     * @param expression five fields ({@code 0 2 * * *}, {@code 0 *&#47;6 * * *}, {@code 0 1,13 * * *}) or a
     *                   nickname ({@code @daily}, {@code @hourly}, {@code @weekly}, {@code @monthly}, {@code @yearly})
     * @param zone       the time zone the fields are read in
     * @return the schedule
     * @throws IllegalArgumentException with a message saying what is wrong
     */
    public static Schedule cron(String expression, ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        String text = Objects.requireNonNull(expression, "expression").trim();
        String fields = NICKNAMES.getOrDefault(text.toLowerCase(Locale.ROOT), text);
        if (fields.startsWith("@")) {
            throw new IllegalArgumentException("unknown nickname '" + text + "': use one of @hourly, @daily, @weekly,"
                    + " @monthly, @yearly, or five fields such as '0 2 * * *'");
        }
        int count = fields.split("\\s+").length;
        if (count != 5) {
            throw new IllegalArgumentException("'" + text + "' has " + count + " fields; a schedule has five (minute hour"
                    + " day-of-month month day-of-week), e.g. '0 2 * * *' for 02:00 every day");
        }
        Cron cron;
        try {
            cron = PARSER.parse(fields).validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid cron expression: " + e.getMessage(), e);
        }
        return new CronSchedule(text, ExecutionTime.forCron(cron), zone);
    }

    /**
     * A fixed interval, counted from the start of the service.
     *
     * @param interval the interval (at least one second)
     * @return the schedule
     * @throws IllegalArgumentException when the interval is shorter than a second
     */
    public static Schedule every(Duration interval) {
        if (interval == null || interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("the interval must be at least 1s, not " + interval);
        }
        return new Every(interval);
    }

    /**
     * The first time strictly after {@code after} when a run is due.
     *
     * @param after a time
     * @return the next due time, or empty when the schedule has no further runs
     */
    public abstract Optional<ZonedDateTime> next(ZonedDateTime after);

    /**
     * The longest gap between two consecutive runs, looking ahead from {@code from}; the default
     * {@code --max-age} is twice this.
     *
     * @param from where to look from
     * @return the longest interval
     */
    public abstract Duration longestInterval(ZonedDateTime from);

    /**
     * The time zone due times are computed in.
     *
     * @return the zone
     */
    public abstract ZoneId zone();

    /** Fixed interval. */
    private static final class Every extends Schedule {
        private final Duration interval;

        Every(Duration interval) {
            this.interval = interval;
        }

        @Override
        public Optional<ZonedDateTime> next(ZonedDateTime after) {
            return Optional.of(after.plus(interval));
        }

        @Override
        public Duration longestInterval(ZonedDateTime from) {
            return interval;
        }

        @Override
        public ZoneId zone() {
            return ZoneId.of("UTC");
        }

        @Override
        public String toString() {
            return "every " + interval.toString().substring(2).toLowerCase(Locale.ROOT);
        }
    }

    /** A cron expression in a zone. */
    private static final class CronSchedule extends Schedule {
        private final String text;
        private final ExecutionTime executionTime;
        private final ZoneId zone;

        CronSchedule(String text, ExecutionTime executionTime, ZoneId zone) {
            this.text = text;
            this.executionTime = executionTime;
            this.zone = zone;
        }

        @Override
        public Optional<ZonedDateTime> next(ZonedDateTime after) {
            return executionTime.nextExecution(after.withZoneSameInstant(zone));
        }

        @Override
        public Duration longestInterval(ZonedDateTime from) {
            // enough executions to see a whole week of an irregular schedule, bounded for minute schedules
            Duration longest = Duration.ZERO;
            Optional<ZonedDateTime> previous = next(from);
            ZonedDateTime horizon = from.plusDays(8);
            for (int i = 0; i < 400 && previous.isPresent() && previous.get().isBefore(horizon); i++) {
                Optional<ZonedDateTime> following = next(previous.get());
                if (following.isEmpty()) {
                    break;
                }
                Duration gap = Duration.between(previous.get(), following.get());
                if (gap.compareTo(longest) > 0) {
                    longest = gap;
                }
                previous = following;
            }
            return longest.isZero() ? Duration.ofDays(1) : longest;
        }

        @Override
        public ZoneId zone() {
            return zone;
        }

        @Override
        public String toString() {
            return "cron '" + text + "' (" + zone + ")";
        }
    }
}
