package io.github.neo4jbackup.core.health;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.retention.RetentionPolicy;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks that the newest backup is recent enough and, optionally, not suspiciously small.
 *
 * <pre>{@code
 * Staleness check = Staleness.maxAge(Duration.ofHours(26)).withMinSize(1024);
 * Staleness.Report report = check.check(pipeline.list("neo4j"), Instant.now());
 * if (!report.ok()) {
 *     alert(report.reason());
 * }
 * }</pre>
 *
 * <p>"Newest" is the backup with the latest {@link Manifest#finishedAt()} (ties broken by
 * {@link Manifest#createdAt()} and id); its age is measured from {@code finishedAt}, the moment
 * it became restorable. Its size is the stored size of its data object. Immutable and thread-safe.
 */
public final class Staleness {

    private final Duration maxAge;
    private final long minSize;
    private final boolean includeSuspect;
    private final boolean includeSafety;

    private Staleness(Duration maxAge, long minSize, boolean includeSuspect, boolean includeSafety) {
        this.maxAge = maxAge;
        this.minSize = minSize;
        this.includeSuspect = includeSuspect;
        this.includeSafety = includeSafety;
    }

    /**
     * A check that the newest backup is at most {@code maxAge} old.
     *
     * @param maxAge the largest acceptable age (positive)
     * @return the check
     * @throws InvalidInputException when {@code maxAge} is not positive
     */
    public static Staleness maxAge(Duration maxAge) {
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isZero() || maxAge.isNegative()) {
            throw new InvalidInputException("The maximum backup age must be positive, got "
                    + RetentionPolicy.formatDuration(maxAge));
        }
        return new Staleness(maxAge, 0, false, false);
    }

    /**
     * A check with no age limit (only a size floor, when {@link #withMinSize(long)} sets one; otherwise
     * it only requires that a backup exists).
     *
     * @return the check
     */
    public static Staleness anyAge() {
        return new Staleness(null, 0, false, false);
    }

    /**
     * This check, also requiring the newest backup's stored size to be at least {@code bytes}.
     *
     * @param bytes the smallest acceptable stored size in bytes (0 for no floor)
     * @return a new check
     * @throws InvalidInputException when {@code bytes} is negative
     */
    public Staleness withMinSize(long bytes) {
        if (bytes < 0) {
            throw new InvalidInputException("The minimum backup size must not be negative, got " + bytes);
        }
        return new Staleness(maxAge, bytes, includeSuspect, includeSafety);
    }

    /**
     * This check, counting suspect backups too ({@link Manifest#isSuspect()}: a guard found them
     * shrunk or empty). By default they are skipped, so that a wiped graph's nightly backup does not
     * make the repository look fresh.
     *
     * @param value {@code true} to count suspect backups
     * @return a new check
     */
    public Staleness includeSuspect(boolean value) {
        return new Staleness(maxAge, minSize, value, includeSafety);
    }

    /**
     * This check, counting safety backups too ({@link Manifest#isSafety()}: taken of the current
     * database just before a restore). By default they are skipped: they are not the scheduled
     * backups the check is about.
     *
     * @param value {@code true} to count safety backups
     * @return a new check
     */
    public Staleness includeSafety(boolean value) {
        return new Staleness(maxAge, minSize, includeSuspect, value);
    }

    /**
     * The age limit.
     *
     * @return the largest acceptable age, empty when there is none
     */
    public Optional<Duration> maxAge() {
        return Optional.ofNullable(maxAge);
    }

    /**
     * The size floor.
     *
     * @return the smallest acceptable stored size in bytes (0 when there is none)
     */
    public long minSize() {
        return minSize;
    }

    /**
     * Checks a list of manifests (any order, e.g. {@code pipeline.list(database)}).
     *
     * @param manifests the backups to consider
     * @param now       the current time
     * @return the report: not ok when there is no backup, the newest is older than the limit, or
     *         smaller than the floor
     */
    public Report check(Collection<Manifest> manifests, Instant now) {
        Objects.requireNonNull(manifests, "manifests");
        Objects.requireNonNull(now, "now");
        Optional<Manifest> newest = manifests.stream().filter(m -> (includeSuspect || !m.isSuspect())
                && (includeSafety || !m.isSafety())).max(Comparator.comparing(Staleness::finished)
                .thenComparing(Manifest::createdAt).thenComparing(Manifest::id));
        if (newest.isEmpty()) {
            return new Report(false, null, null, null, -1, "no backup found: run a backup (or check the repository "
                    + "location and database name)");
        }
        Manifest m = newest.get();
        Instant finished = finished(m);
        Duration age = Duration.between(finished, now);
        if (age.isNegative()) {
            age = Duration.ZERO;
        }
        long size = m.object().storedSize();
        if (maxAge != null && age.compareTo(maxAge) > 0) {
            return new Report(false, m.id(), finished, age, size, "the newest backup " + m.id() + " is "
                    + RetentionPolicy.formatDuration(age.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)) + " old, older than the limit of "
                    + RetentionPolicy.formatDuration(maxAge) + ": check that scheduled backups run and succeed");
        }
        if (size < minSize) {
            return new Report(false, m.id(), finished, age, size, "the newest backup " + m.id() + " stores " + size
                    + " bytes, fewer than the floor of " + minSize + ": check that the database was not empty or"
                    + " the export truncated");
        }
        return new Report(true, m.id(), finished, age, size, null);
    }

    private static Instant finished(Manifest m) {
        return m.finishedAt() != null ? m.finishedAt() : m.createdAt();
    }

    @Override
    public String toString() {
        return "Staleness[maxAge=" + (maxAge == null ? "none" : RetentionPolicy.formatDuration(maxAge))
                + ", minSize=" + minSize + "]";
    }

    /**
     * The outcome of a staleness check.
     *
     * @param ok         {@code true} when the newest backup is recent and large enough
     * @param newestId   the newest backup's id, or {@code null} when there is none
     * @param finishedAt when the newest backup finished, or {@code null}
     * @param age        its age at the time of the check, or {@code null}
     * @param size       its stored size in bytes, or -1 when there is none
     * @param reason     why the check failed, or {@code null} when ok
     */
    public record Report(boolean ok, String newestId, Instant finishedAt, Duration age, long size, String reason) {

        /**
         * The newest backup's id.
         *
         * @return the id, empty when there is no backup
         */
        public Optional<String> newest() {
            return Optional.ofNullable(newestId);
        }

        /**
         * Why the check failed.
         *
         * @return the reason, empty when ok
         */
        public Optional<String> failure() {
            return Optional.ofNullable(reason);
        }
    }
}
