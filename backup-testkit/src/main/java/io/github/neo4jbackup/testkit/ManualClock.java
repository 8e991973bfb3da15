package io.github.neo4jbackup.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that a test moves by hand, for lock expiry, orphan grace periods, retention and
 * backup ids without sleeping. It is thread-safe, always in UTC, and optionally ticks on every
 * read so that each run of a pipeline gets its own time stamp.
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
 * BackupPipeline pipeline = BackupPipeline.builder()...clock(clock).build();
 * clock.advance(Duration.ofHours(3)); // the lock of a dead run is now stale
 * }</pre>
 */
public final class ManualClock extends Clock {

    private final AtomicReference<Instant> now;
    private final Duration tick;

    private ManualClock(Instant start, Duration tick) {
        this.now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
        this.tick = Objects.requireNonNull(tick, "tick");
        if (tick.isNegative()) {
            throw new IllegalArgumentException("tick must not be negative: " + tick);
        }
    }

    /**
     * A clock that stands still at {@code start} until it is moved.
     *
     * @param start the first instant
     * @return the clock
     */
    public static ManualClock at(Instant start) {
        return new ManualClock(start, Duration.ZERO);
    }

    /**
     * A clock that stands still at the current time until it is moved.
     *
     * @return the clock
     */
    public static ManualClock atNow() {
        return at(Instant.now());
    }

    /**
     * A clock that returns {@code start} on the first read and moves by {@code tick} after every
     * read of {@link #instant()}.
     *
     * @param start the first instant
     * @param tick  how far each read moves the clock (not negative)
     * @return the clock
     */
    public static ManualClock ticking(Instant start, Duration tick) {
        return new ManualClock(start, tick);
    }

    /**
     * Moves the clock forward (or back, with a negative duration: clocks do jump).
     *
     * @param duration how far
     */
    public void advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        now.updateAndGet(i -> i.plus(duration));
    }

    /**
     * Sets the clock.
     *
     * @param instant the new time
     */
    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    /**
     * The current time without ticking.
     *
     * @return the time the next read of {@link #instant()} returns
     */
    public Instant peek() {
        return now.get();
    }

    @Override
    public Instant instant() {
        return tick.isZero() ? now.get() : now.getAndUpdate(i -> i.plus(tick));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public String toString() {
        return "ManualClock[" + now.get() + (tick.isZero() ? "" : ", tick " + tick) + "]";
    }
}
