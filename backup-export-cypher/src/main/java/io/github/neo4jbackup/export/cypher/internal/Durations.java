package io.github.neo4jbackup.export.cypher.internal;

import io.github.neo4jbackup.core.InvalidInputException;

import java.time.Duration;

/**
 * The checks of the duration settings of this module's builders, with one wording for the errors.
 *
 * <p>Not API.
 */
public final class Durations {

    private Durations() {
    }

    /**
     * Checks a required duration setting.
     *
     * @param name  the setting's name, as the builder method is called
     * @param value the value
     * @return the value
     * @throws InvalidInputException when it is {@code null}, zero or negative
     */
    public static Duration positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new InvalidInputException(name + " must be positive, was " + value);
        }
        return value;
    }

    /**
     * Checks an optional duration setting ({@code null} meaning "the server's default").
     *
     * @param name  the setting's name, as the builder method is called
     * @param value the value, or {@code null}
     * @return the value
     * @throws InvalidInputException when it is zero or negative
     */
    public static Duration positiveOrNull(String name, Duration value) {
        return value == null ? null : positive(name, value);
    }
}
