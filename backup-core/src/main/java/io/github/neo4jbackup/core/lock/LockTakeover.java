package io.github.neo4jbackup.core.lock;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A stale lock this run removed before taking the lock: whose it was and why it counted as stale.
 *
 * @param previous the lock that was removed
 * @param state    why it was stale
 * @param at       when it was taken over
 */
public record LockTakeover(LockInfo previous, LockState state, Instant at) {

    /**
     * Validates the components.
     *
     * @param previous the removed lock
     * @param state    why it was stale
     * @param at       when
     */
    public LockTakeover {
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(at, "at");
    }

    /**
     * How old the removed lock was.
     *
     * @return its age when taken over
     */
    public Duration age() {
        return previous.age(at);
    }

    /**
     * One line for logs and output.
     *
     * @return the description
     */
    public String describe() {
        return "took over the lock " + previous.key() + " of " + previous.describe(at) + ": " + state.reason();
    }
}
