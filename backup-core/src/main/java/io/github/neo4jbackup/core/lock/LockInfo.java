package io.github.neo4jbackup.core.lock;

import io.github.neo4jbackup.core.spi.ObjectKey;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A repository lock as read from the store: who holds it, for what, since when, and its last
 * heartbeat. Locks written by earlier versions carry no process identity and no heartbeat
 * ({@link #legacyFormat()}); they are judged by the expiry they record. Immutable.
 */
public final class LockInfo {

    private final ObjectKey key;
    private final String owner;
    private final String operation;
    private final ProcessIdentity process;
    private final Instant acquiredAt;
    private final Instant heartbeatAt;
    private final Instant expiresAt;
    private final boolean legacyFormat;

    /**
     * Creates the description of a lock.
     *
     * @param key          the lock object's key
     * @param owner        the owner's description (user@host (pid N))
     * @param operation    what the holder does
     * @param process      the holder's process identity, or {@code null} when the lock does not record it
     * @param acquiredAt   when the lock was taken
     * @param heartbeatAt  the holder's last heartbeat, or {@code null} when the lock does not record it
     * @param expiresAt    when the lock becomes stale without another heartbeat
     * @param legacyFormat whether the lock was written by an earlier version (no PID, no heartbeat)
     */
    public LockInfo(ObjectKey key, String owner, String operation, ProcessIdentity process, Instant acquiredAt,
                    Instant heartbeatAt, Instant expiresAt, boolean legacyFormat) {
        this.key = Objects.requireNonNull(key, "key");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.operation = Objects.requireNonNull(operation, "operation");
        this.process = process;
        this.acquiredAt = Objects.requireNonNull(acquiredAt, "acquiredAt");
        this.heartbeatAt = heartbeatAt;
        this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
        this.legacyFormat = legacyFormat;
    }

    /**
     * The lock object's key.
     *
     * @return the key
     */
    public ObjectKey key() {
        return key;
    }

    /**
     * The owner's description, e.g. {@code ops@db1 (pid 4242)}.
     *
     * @return the owner
     */
    public String owner() {
        return owner;
    }

    /**
     * What the holder does, e.g. {@code backup neo4j-20260105T030000Z}.
     *
     * @return the operation
     */
    public String operation() {
        return operation;
    }

    /**
     * The holder's process identity, when the lock records it.
     *
     * @return the identity
     */
    public Optional<ProcessIdentity> process() {
        return Optional.ofNullable(process);
    }

    /**
     * The holder's host: from the process identity, else taken from the owner description.
     *
     * @return the host, or {@code unknown}
     */
    public String host() {
        if (process != null) {
            return process.host();
        }
        int at = owner.indexOf('@');
        if (at >= 0) {
            String rest = owner.substring(at + 1);
            int space = rest.indexOf(' ');
            return space < 0 ? rest : rest.substring(0, space);
        }
        return "unknown";
    }

    /**
     * When the lock was taken.
     *
     * @return the instant
     */
    public Instant acquiredAt() {
        return acquiredAt;
    }

    /**
     * The holder's last heartbeat, when the lock records one.
     *
     * @return the instant
     */
    public Optional<Instant> heartbeatAt() {
        return Optional.ofNullable(heartbeatAt);
    }

    /**
     * When the lock becomes stale unless its holder refreshes it.
     *
     * @return the expiry
     */
    public Instant expiresAt() {
        return expiresAt;
    }

    /**
     * Whether an earlier version wrote the lock (without process identity and heartbeat).
     *
     * @return {@code true} for the old format
     */
    public boolean legacyFormat() {
        return legacyFormat;
    }

    /**
     * How long the lock has been held at {@code now}.
     *
     * @param now the current time
     * @return the age (zero when the lock is dated in the future)
     */
    public Duration age(Instant now) {
        Duration age = Duration.between(acquiredAt, now);
        return age.isNegative() ? Duration.ZERO : age;
    }

    /**
     * One line for messages: owner, host, PID, operation, age and last heartbeat.
     *
     * @param now the current time
     * @return the description
     */
    public String describe(Instant now) {
        StringBuilder s = new StringBuilder(owner);
        s.append(" [host ").append(host());
        if (process != null) {
            s.append(", pid ").append(process.pid());
            process.startedAt().ifPresent(t -> s.append(", process started ").append(t));
        }
        s.append("] for '").append(operation).append("', acquired ").append(acquiredAt).append(" (")
                .append(human(age(now))).append(" ago");
        if (heartbeatAt != null) {
            Duration since = Duration.between(heartbeatAt, now);
            s.append(", last heartbeat ").append(human(since.isNegative() ? Duration.ZERO : since)).append(" ago");
        }
        return s.append(')').toString();
    }

    /**
     * A short human form of a duration: {@code 450 ms}, {@code 42 s}, {@code 7 min}, {@code 3 h 5 min}, {@code 2 d 4 h}.
     *
     * @param d the duration
     * @return the text
     */
    public static String human(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 2) {
            return Math.max(0, d.toMillis()) + " ms";
        }
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return (s / 60) + " min";
        }
        if (s < 172_800) {
            return (s / 3600) + " h " + (s % 3600 / 60) + " min";
        }
        return (s / 86_400) + " d " + (s % 86_400 / 3600) + " h";
    }

    @Override
    public String toString() {
        return "LockInfo[" + key + ", " + owner + ", '" + operation + "', acquired " + acquiredAt + ", expires "
                + expiresAt + "]";
    }
}
