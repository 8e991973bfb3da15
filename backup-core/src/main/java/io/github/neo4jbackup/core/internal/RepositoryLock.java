package io.github.neo4jbackup.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.neo4jbackup.core.LockHeldException;
import io.github.neo4jbackup.core.StorageException;
import io.github.neo4jbackup.core.spi.ObjectExistsException;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectNotFoundException;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.UUID;

/**
 * An exclusive lock held as an object on the target ({@code <prefix>locks/<name>.lock}) with owner,
 * host, operation and expiry. Created with {@link WriteMode#CREATE_NEW}, so two runs cannot both
 * create it; a lock whose expiry has passed is stale and is taken over. A holder refreshes the
 * expiry while it works. Not API.
 */
public final class RepositoryLock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RepositoryLock.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long TAKEOVER_PAUSE_MILLIS = 25;

    private final StorageTarget target;
    private final ObjectKey key;
    private final Clock clock;
    private final Duration staleAfter;
    private final String token;
    private final String owner;
    private final String operation;
    private final Instant acquiredAt;
    private Instant lastRefresh;
    private boolean released;

    private RepositoryLock(StorageTarget target, ObjectKey key, Clock clock, Duration staleAfter, String owner,
                           String operation) {
        this.target = target;
        this.key = key;
        this.clock = clock;
        this.staleAfter = staleAfter;
        this.token = UUID.randomUUID().toString();
        this.owner = owner;
        this.operation = operation;
        this.acquiredAt = clock.instant();
        this.lastRefresh = acquiredAt;
    }

    /**
     * Acquires the lock or fails with {@link LockHeldException}.
     *
     * @param target     the target
     * @param key        the lock object's key
     * @param clock      the clock
     * @param staleAfter how long a lock lives without refresh
     * @param owner      who takes it (user@host, pid)
     * @param operation  what for (e.g. "backup neo4j-20251101T230000Z")
     * @return the held lock
     */
    public static RepositoryLock acquire(StorageTarget target, ObjectKey key, Clock clock, Duration staleAfter,
                                         String owner, String operation) {
        RepositoryLock lock = new RepositoryLock(target, key, clock, staleAfter, owner, operation);
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                lock.write(WriteMode.CREATE_NEW);
                lock.confirmOwnership();
                return lock;
            } catch (ObjectExistsException e) {
                Holder holder = lock.readHolder();
                if (holder == null) {
                    continue; // released meanwhile
                }
                if (holder.expiresAt.isAfter(clock.instant())) {
                    throw new LockHeldException("The repository lock " + key + " on " + target.describe()
                            + " is held by " + holder.owner + " for '" + holder.operation + "' since "
                            + holder.acquiredAt + " (expires " + holder.expiresAt + "). Wait for that run to finish;"
                            + " if it died, the lock is taken over automatically after it expires, or delete "
                            + key + " by hand once you are sure it is not running.", holder.owner, holder.expiresAt);
                }
                lock.removeStale(holder);
            } catch (IOException e) {
                throw storage("create the lock " + key, target, e);
            }
        }
        Holder holder = lock.readHolder();
        String who = holder == null ? "another run" : holder.owner;
        throw new LockHeldException("Could not acquire the repository lock " + key + " on " + target.describe()
                + ": another run keeps taking it (" + who + "). Try again later.", who,
                holder == null ? clock.instant() : holder.expiresAt);
    }

    /**
     * Removes a stale lock so that the next attempt can create a new one. Several runs may find
     * the same stale lock at once; if each simply deleted the lock object, a slow one could delete
     * the new lock of a faster one and both would go on. So the removal happens under a guard
     * object ({@code <lock>.takeover}, created with {@link WriteMode#CREATE_NEW}): its holder
     * deletes the lock only if it is still the stale one it read. A run that finds the guard taken
     * does nothing and tries again; a guard left behind by a run that died while taking over is
     * itself removed once it has gone stale. A run that finds the guard taken pauses briefly so
     * that its next look finds the new lock (or none) rather than the stale one again.
     */
    private void removeStale(Holder stale) {
        ObjectKey guard = ObjectKey.of(key.value() + ".takeover");
        try {
            write(guard, WriteMode.CREATE_NEW);
        } catch (ObjectExistsException e) {
            Holder other = readHolder(guard);
            if (other != null && !other.expiresAt.isAfter(clock.instant())) {
                LOG.warn("Removing the takeover guard {} left by {} (expired {})", guard, other.owner,
                        other.expiresAt);
                deleteOrFail(guard, "remove the stale takeover guard ");
            } else {
                pauseForTakeover(); // another run is taking the lock over: give it time, then look again
            }
            return;
        } catch (IOException e) {
            throw storage("create the takeover guard " + guard, target, e);
        }
        try {
            Holder now = readHolder(key);
            if (now != null && now.token.equals(stale.token) && now.acquiredAt.equals(stale.acquiredAt)) {
                LOG.warn("Taking over stale lock {} held by {} for '{}' (expired {})", key, stale.owner,
                        stale.operation, stale.expiresAt);
                deleteOrFail(key, "remove the stale lock ");
            }
        } finally {
            deleteOrFail(guard, "remove the takeover guard ");
        }
    }

    private static void pauseForTakeover() {
        try {
            Thread.sleep(TAKEOVER_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deleteOrFail(ObjectKey k, String what) {
        try {
            target.delete(k);
        } catch (IOException io) {
            throw storage(what + k, target, io);
        }
    }

    /**
     * Extends the expiry if a third of the stale period has passed since the last refresh.
     * Failures are logged, not thrown: the work goes on and the lock may expire.
     */
    public void refreshIfDue() {
        Instant now = clock.instant();
        if (released || Duration.between(lastRefresh, now).compareTo(staleAfter.dividedBy(3)) < 0) {
            return;
        }
        try {
            Holder holder = readHolder();
            if (holder == null || !token.equals(holder.token)) {
                LOG.warn("Lock {} is no longer held by this run (taken over by {}); another run may overlap",
                        key, holder == null ? "nobody" : holder.owner);
                return;
            }
            lastRefresh = now;
            write(WriteMode.OVERWRITE);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not refresh lock {}: {}", key, e.toString());
        }
    }

    /** Releases the lock if this run still holds it. Never throws. */
    @Override
    public void close() {
        if (released) {
            return;
        }
        released = true;
        try {
            Holder holder = readHolder();
            if (holder != null && token.equals(holder.token)) {
                target.delete(key);
            } else {
                LOG.warn("Lock {} was not held by this run at release (holder: {})", key,
                        holder == null ? "nobody" : holder.owner);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not release lock {}: {}; it expires by itself", key, e.toString());
        }
    }

    private void confirmOwnership() throws IOException {
        Holder holder = readHolder();
        if (holder == null || !token.equals(holder.token)) {
            throw new ObjectExistsException(key);
        }
    }

    private void write(WriteMode mode) throws IOException {
        write(key, mode);
    }

    private void write(ObjectKey objectKey, WriteMode mode) throws IOException {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("owner", owner);
        node.put("operation", operation);
        node.put("token", token);
        node.put("acquiredAt", acquiredAt.toString());
        node.put("expiresAt", clock.instant().plus(staleAfter).toString());
        byte[] bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
        try (PendingObject pending = target.create(objectKey, Map.of(), mode)) {
            pending.stream().write(bytes);
            pending.commit();
        }
    }

    private Holder readHolder() {
        return readHolder(key);
    }

    private Holder readHolder(ObjectKey key) {
        byte[] bytes;
        try (InputStream in = target.open(key)) {
            bytes = in.readNBytes(64 * 1024);
        } catch (ObjectNotFoundException e) {
            return null;
        } catch (IOException e) {
            throw storage("read the lock " + key, target, e);
        }
        try {
            JsonNode n = MAPPER.readTree(bytes);
            return new Holder(n.path("owner").asText("unknown"), n.path("operation").asText("unknown"),
                    n.path("token").asText(""), Instant.parse(n.path("acquiredAt").asText()),
                    Instant.parse(n.path("expiresAt").asText()));
        } catch (IOException | DateTimeParseException e) {
            // A damaged lock (or a damaged read of a live one) counts as held until it has gone unchanged
            // for the stale period, measured from the store's modification time: never taken over at once.
            Instant written;
            try {
                written = target.stat(key).map(i -> i.lastModified()).orElse(Instant.EPOCH);
            } catch (IOException io) {
                throw storage("read the lock " + key, target, io);
            }
            Instant expires = written.plus(staleAfter);
            LOG.warn("Lock {} is unreadable; treating it as held until {}", key, expires);
            return new Holder("unknown (unreadable lock, last written " + written + ")", "unknown", "", written,
                    expires);
        }
    }

    private static StorageException storage(String what, StorageTarget target, IOException e) {
        return new StorageException("Could not " + what + " on " + target.describe() + ": " + e.getMessage(),
                target.isRetryable(e), e);
    }

    /**
     * The lock object's key.
     *
     * @return the key
     */
    public ObjectKey key() {
        return key;
    }

    private record Holder(String owner, String operation, String token, Instant acquiredAt, Instant expiresAt) {
    }
}
