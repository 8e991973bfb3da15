package io.github.neo4jbackup.cli.service;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Durations of the service options ({@code --every}, {@code --wait-timeout}, {@code --shutdown-grace},
 * {@code --max-age}): a number with a unit, {@code s} seconds, {@code m} minutes, {@code h} hours,
 * {@code d} days, combinable ({@code 1h30m}), or ISO-8601 ({@code PT90S}). Note that {@code m} means
 * minutes here, as in every scheduler; the retention options count {@code m} as 30 days.
 */
public final class Durations {

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @param text the text
     * @return the duration, greater than zero
     * @throws IllegalArgumentException with a message saying what is wrong and how to write it
     */
    public static Duration parse(String text) {
        String help = "write a number with a unit (s, m = minutes, h, d), e.g. 30s, 5m, 1h30m, or ISO-8601 like PT90S";
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the duration is empty: " + help);
        }
        String value = text.strip().toLowerCase(Locale.ROOT);
        Duration total = Duration.ZERO;
        if (value.startsWith("p")) {
            try {
                total = Duration.parse(value.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not a duration: " + help, e);
            }
        } else {
            int i = 0;
            while (i < value.length()) {
                int start = i;
                while (i < value.length() && Character.isDigit(value.charAt(i))) {
                    i++;
                }
                if (start == i || i == value.length() || start + 9 < i) {
                    throw new IllegalArgumentException("'" + text + "' is not a duration: " + help);
                }
                long amount = Long.parseLong(value.substring(start, i));
                char unit = value.charAt(i++);
                total = total.plus(switch (unit) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    case 'd' -> Duration.ofDays(amount);
                    default -> throw new IllegalArgumentException("'" + text + "' has the unknown unit '" + unit + "': "
                            + help);
                });
            }
        }
        if (total.isZero() || total.isNegative()) {
            throw new IllegalArgumentException("'" + text + "' must be greater than zero: " + help);
        }
        return total;
    }

    /**
     * A duration as compact text ({@code 1h30m}, {@code 45s}).
     *
     * @param d the duration
     * @return the text
     */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        if (d.toDaysPart() > 0) {
            sb.append(d.toDaysPart()).append('d');
        }
        if (d.toHoursPart() > 0) {
            sb.append(d.toHoursPart()).append('h');
        }
        if (d.toMinutesPart() > 0) {
            sb.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0 || sb.length() == 0) {
            sb.append(d.toSecondsPart()).append('s');
        }
        return sb.toString();
    }
}
