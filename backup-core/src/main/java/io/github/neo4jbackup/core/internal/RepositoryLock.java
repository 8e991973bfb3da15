package io.github.neo4jbackup.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.LockHeldException;
import io.github.neo4jbackup.core.StorageException;
import io.github.neo4jbackup.core.lock.LockInfo;
import io.github.neo4jbackup.core.lock.LockState;
import io.github.neo4jbackup.core.lock.LockTakeover;
import io.github.neo4jbackup.core.lock.ProcessIdentity;
import io.github.neo4jbackup.core.lock.UnlockResult;
import io.github.neo4jbackup.core.spi.ObjectExistsException;
import io.github.neo4jbackup.core.spi.ObjectInfo;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An exclusive lock held as an object on the target ({@code <prefix>locks/<name>.lock}). The
 * object records the owner, the operation, the holder's process identity (host, PID, process start
 * time, boot id, PID namespace), when it was taken, and a heartbeat. It is created with
 * {@link WriteMode#CREATE_NEW}, so two runs cannot both create it.
 *
 * <p>While held, a daemon thread rewrites the lock every refresh interval (its heartbeat). When
 * the heartbeat cannot be written for so long that the lock could be judged stale by others, or
 * the lock is found taken over or removed, the lock counts as lost: {@link #refreshIfDue()} then
 * throws, so the operation stops instead of overlapping with another run.
 *
 * <p>A lock found in place is stale (see {@link LockState}) when its holder ran on this machine and
 * no longer runs (no such PID, or the PID now belongs to a process started at another time), or
 * when its heartbeat is older than the stale bound it records; old-format locks are judged by the
 * expiry they record. A stale lock is removed under a takeover guard, so that of several runs
 * finding it at once only one removes it and exactly one creates the next lock.
 *
 * <p>This class is longer than our usual limit on purpose: acquiring, taking over, the heartbeat,
 * releasing and {@code unlock} are one protocol over one object format, and each step's safety
 * depends on the others (the guard, the token check, the give-up bound of the heartbeat); kept in
 * one file it can be reviewed as a whole. The value types it reports live in
 * {@link io.github.neo4jbackup.core.lock}. Not API.
 */
public final class RepositoryLock implements AutoCloseable {

    /** How often a holder rewrites its lock by default. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofMinutes(1);
    /** The smallest default stale bound. */
    public static final Duration MIN_DEFAULT_STALE_AFTER = Duration.ofMinutes(5);
    /** The default stale bound is this many refresh intervals (at least {@link #MIN_DEFAULT_STALE_AFTER}). */
    public static final int STALE_INTERVALS = 5;
    static final int FORMAT = 2;
    private static final Logger LOG = LoggerFactory.getLogger(RepositoryLock.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long TAKEOVER_PAUSE_MILLIS = 25;
    private static final int ATTEMPTS = 5;
    private static final String GUARD_SUFFIX = ".takeover";

    /**
     * How often a holder refreshes its lock and how old a heartbeat may get before the lock is stale.
     *
     * @param refreshInterval the heartbeat interval
     * @param staleAfter      the stale bound
     */
    public record Timing(Duration refreshInterval, Duration staleAfter) {

        /**
         * Validates the timing.
         *
         * @param refreshInterval the interval
         * @param staleAfter      the bound
         */
        public Timing {
            Objects.requireNonNull(refreshInterval, "refreshInterval");
            Objects.requireNonNull(staleAfter, "staleAfter");
            if (staleAfter.compareTo(refreshInterval.multipliedBy(2)) < 0) {
                throw new InvalidInputException("lockStaleAfter (" + staleAfter + ") must be at least twice "
                        + "lockRefreshInterval (" + refreshInterval + "), so that a live holder is never taken for "
                        + "a dead one: raise lockStaleAfter or shorten lockRefreshInterval");
            }
        }

        /**
         * The timing from what was configured: the defaults for what was not. Without a stale bound
         * it is {@value #STALE_INTERVALS} intervals, at least 5 minutes; without an interval it is
         * a minute, at most a fifth of the stale bound.
         *
         * @param refreshInterval the configured interval, or {@code null}
         * @param staleAfter      the configured bound, or {@code null}
         * @return the timing
         */
        public static Timing of(Duration refreshInterval, Duration staleAfter) {
            Duration interval = refreshInterval;
            if (interval == null) {
                interval = staleAfter == null ? DEFAULT_REFRESH_INTERVAL
                        : min(DEFAULT_REFRESH_INTERVAL, staleAfter.dividedBy(STALE_INTERVALS));
                if (interval.isZero()) {
                    interval = Duration.ofMillis(1);
                }
            }
            Duration stale = staleAfter;
            if (stale == null) {
                Duration derived = interval.multipliedBy(STALE_INTERVALS);
                stale = derived.compareTo(MIN_DEFAULT_STALE_AFTER) < 0 ? MIN_DEFAULT_STALE_AFTER : derived;
            }
            return new Timing(interval, stale);
        }

        /** How long the heartbeat may fail before the lock counts as lost. */
        Duration giveUpAfter() {
            return staleAfter.minus(refreshInterval);
        }

        private static Duration min(Duration a, Duration b) {
            return a.compareTo(b) <= 0 ? a : b;
        }
    }

    /**
     * Who takes the lock and how.
     *
     * @param clock      the clock for the recorded times
     * @param timing     heartbeat interval and stale bound
     * @param identity   this process
     * @param owner      who takes it, e.g. {@code user@host (pid 42)}
     * @param onTakeover told when a stale lock was taken over, or {@code null}
     */
    public record Settings(Clock clock, Timing timing, ProcessIdentity identity, String owner,
                           Consumer<LockTakeover> onTakeover) {

        /**
         * Validates the settings.
         *
         * @param clock      clock
         * @param timing     timing
         * @param identity   identity
         * @param owner      owner
         * @param onTakeover takeover callback or {@code null}
         */
        public Settings {
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(timing, "timing");
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(owner, "owner");
        }
    }

    private final StorageTarget target;
    private final ObjectKey key;
    private final Settings settings;
    private final String token;
    private final String operation;
    private final Instant acquiredAt;
    private final AtomicLong heartbeats = new AtomicLong();
    private volatile Supplier<BackupException> lost;
    private ScheduledExecutorService heartbeat;
    private long lastRefreshNanos;
    private int failedRefreshes;
    private boolean released;

    private RepositoryLock(StorageTarget target, ObjectKey key, Settings settings, String operation) {
        this.target = target;
        this.key = key;
        this.settings = settings;
        this.token = UUID.randomUUID().toString();
        this.operation = operation;
        this.acquiredAt = settings.clock().instant();
    }

    /**
     * Acquires the lock with the default heartbeat for {@code staleAfter} and this process as holder.
     *
     * @param target     the target
     * @param key        the lock object's key
     * @param clock      the clock
     * @param staleAfter how old a heartbeat may get before the lock is stale
     * @param owner      who takes it (user@host (pid N))
     * @param operation  what for (e.g. "backup neo4j-20251101T230000Z")
     * @return the held lock
     * @throws LockHeldException when a live run holds it
     */
    public static RepositoryLock acquire(StorageTarget target, ObjectKey key, Clock clock, Duration staleAfter,
                                         String owner, String operation) {
        return acquire(target, key, new Settings(clock, Timing.of(null, staleAfter),
                ProcessIdentity.current(ProcessIdentity.localHostName()), owner, null), operation);
    }

    /**
     * Acquires the lock or fails with {@link LockHeldException}; takes over a stale lock (with a
     * warning naming its holder) and starts the heartbeat.
     *
     * @param target    the target
     * @param key       the lock object's key
     * @param settings  who takes it and how
     * @param operation what for (e.g. "backup neo4j-20251101T230000Z")
     * @return the held lock
     * @throws LockHeldException when a live run holds it
     * @throws StorageException  when the store failed
     */
    public static RepositoryLock acquire(StorageTarget target, ObjectKey key, Settings settings, String operation) {
        RepositoryLock lock = new RepositoryLock(target, key, settings, operation);
        LockTakeover takeover = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                lock.writeSelf(WriteMode.CREATE_NEW);
                lock.confirmOwnership();
                lock.startHeartbeat();
                if (takeover != null && settings.onTakeover() != null) {
                    settings.onTakeover().accept(takeover);
                }
                return lock;
            } catch (ObjectExistsException e) {
                Holder holder = read(target, key, settings);
                if (holder == null) {
                    continue; // released meanwhile
                }
                Instant now = settings.clock().instant();
                LockState state = assess(holder, settings, now);
                if (!state.stale()) {
                    throw held(target, holder, settings, now);
                }
                LockTakeover removed = removeStale(target, key, holder, settings, "take over " + key);
                if (removed != null) {
                    takeover = removed;
                }
            } catch (IOException e) {
                throw storage("create the lock " + key, target, e);
            }
        }
        Holder holder = read(target, key, settings);
        String who = holder == null ? "another run" : holder.info.owner();
        throw new LockHeldException("Could not acquire the repository lock " + key + " on " + target.describe()
                + ": another run keeps taking it (" + who + "). Try again later.", who,
                holder == null ? settings.clock().instant() : holder.info.expiresAt());
    }

    /**
     * Reads a lock without taking it (a dry run's check): the holder when a live run holds it,
     * empty when there is no lock or its holder is gone or stale (a run would take it over).
     *
     * @param target   the target
     * @param key      the lock object's key
     * @param settings who asks (decides whether the holder ran on this machine)
     * @return the live holder, if any
     * @throws StorageException when the store failed
     */
    public static java.util.Optional<LockInfo> inspect(StorageTarget target, ObjectKey key, Settings settings) {
        Holder holder = read(target, key, settings);
        if (holder == null) {
            return java.util.Optional.empty();
        }
        LockState state = assess(holder, settings, settings.clock().instant());
        return state.stale() ? java.util.Optional.empty() : java.util.Optional.of(holder.info);
    }

    private static LockHeldException held(StorageTarget target, Holder holder, Settings settings, Instant now) {
        LockInfo info = holder.info;
        return new LockHeldException("The repository lock " + info.key() + " on " + target.describe()
                + " is held by " + info.describe(now) + "; it expires " + info.expiresAt()
                + " unless its holder refreshes it. Wait for that run to finish. A run that died on this host frees"
                + " its lock at once; one from another host once its heartbeat is older than the stale bound. To"
                + " remove it now run 'neo4j-backup unlock' (with --force only when you are sure that run is not"
                + " running).", info.owner(), info.expiresAt());
    }

    /**
     * Judges a lock: stale when its holder ran on this machine and is gone, or its expiry has passed.
     */
    static LockState assess(Holder holder, Settings settings, Instant now) {
        if (holder.unreadable) {
            return now.isBefore(holder.info.expiresAt()) ? LockState.ACTIVE : LockState.UNREADABLE_STALE;
        }
        ProcessIdentity process = holder.info.process().orElse(null);
        if (process != null && process.sameMachineAs(settings.identity())) {
            switch (process.probe()) {
                case NOT_RUNNING:
                    return LockState.HOLDER_GONE;
                case PID_REUSED:
                    return LockState.PID_REUSED;
                default:
                    break; // running, or cannot tell: the heartbeat decides
            }
        }
        return now.isBefore(holder.info.expiresAt()) ? LockState.ACTIVE : LockState.EXPIRED;
    }

    /**
     * Removes a stale lock so that the next attempt can create a new one. Several runs may find
     * the same stale lock at once; if each simply deleted the lock object, a slow one could delete
     * the new lock of a faster one and both would go on. So the removal happens under a guard
     * object ({@code <lock>.takeover}, created with {@link WriteMode#CREATE_NEW}): its holder
     * deletes the lock only if it is still the stale one it read (same token and start, and still
     * stale). A run that finds the guard taken does nothing and tries again after a pause; a guard
     * left behind by a run that died while taking over is removed once it is stale itself.
     *
     * @return the takeover when this run removed the lock, else {@code null}
     */
    private static LockTakeover removeStale(StorageTarget target, ObjectKey key, Holder stale, Settings settings,
                                            String operation) {
        ObjectKey guard = ObjectKey.of(key.value() + GUARD_SUFFIX);
        Instant now = settings.clock().instant();
        try {
            write(target, guard, WriteMode.CREATE_NEW, settings, UUID.randomUUID().toString(), operation, now);
        } catch (ObjectExistsException e) {
            Holder other = read(target, guard, settings);
            LockState guardState = other == null ? LockState.ACTIVE : assess(other, settings, now);
            if (guardState.stale()) {
                LOG.warn("Removing the takeover guard {} left by {} ({})", guard, other.info.describe(now),
                        guardState.reason());
                deleteOrFail(target, guard, "remove the stale takeover guard ");
            } else {
                pauseForTakeover(); // another run is taking the lock over: give it time, then look again
            }
            return null;
        } catch (IOException e) {
            throw storage("create the takeover guard " + guard, target, e);
        }
        try {
            Holder current = read(target, key, settings);
            if (current == null || !current.token.equals(stale.token)
                    || !current.info.acquiredAt().equals(stale.info.acquiredAt())) {
                return null;
            }
            Instant at = settings.clock().instant();
            LockState state = assess(current, settings, at);
            if (!state.stale()) {
                return null; // its holder refreshed it meanwhile
            }
            LockTakeover takeover = new LockTakeover(current.info, state, at);
            LOG.warn("Taking over the repository lock {} on {} held by {}: {}", key, target.describe(),
                    current.info.describe(at), state.reason());
            deleteOrFail(target, key, "remove the stale lock ");
            return takeover;
        } finally {
            deleteOrFail(target, guard, "remove the takeover guard ");
        }
    }

    /**
     * Removes locks under {@code locksPrefix}: stale ones always, live ones only with {@code force}
     * (with a warning). Stale locks are removed under the takeover guard, like a takeover.
     *
     * @param target      the target
     * @param locksPrefix the prefix of the lock objects (ends with {@code locks/})
     * @param database    only this database's lock, or {@code null} for all
     * @param settings    who looks (decides which holders are on this machine)
     * @param force       whether live locks are removed too
     * @return what was removed and kept
     * @throws StorageException when the store failed
     */
    public static UnlockResult unlock(StorageTarget target, String locksPrefix, String database, Settings settings,
                                      boolean force) {
        List<ObjectKey> keys = new ArrayList<>();
        try {
            if (database != null) {
                for (ObjectKey k : List.of(ObjectKey.of(locksPrefix + database + ".lock"),
                        ObjectKey.of(locksPrefix + database + ".lock" + GUARD_SUFFIX))) {
                    if (target.stat(k).isPresent()) {
                        keys.add(k);
                    }
                }
            } else {
                for (ObjectInfo info : target.listAllObjects(locksPrefix)) {
                    String k = info.key().value();
                    if (k.endsWith(".lock") || k.endsWith(".lock" + GUARD_SUFFIX)) {
                        keys.add(info.key());
                    }
                }
            }
        } catch (IOException e) {
            throw storage("list the locks under " + locksPrefix, target, e);
        }
        // guards first: a stale guard would otherwise be removed on the way, without being reported
        keys.sort(java.util.Comparator.comparing((ObjectKey k) -> !k.value().endsWith(GUARD_SUFFIX))
                .thenComparing(ObjectKey::value));
        List<UnlockResult.Entry> removed = new ArrayList<>();
        List<UnlockResult.Entry> kept = new ArrayList<>();
        for (ObjectKey k : keys) {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Holder holder = read(target, k, settings);
                if (holder == null) {
                    break;
                }
                Instant now = settings.clock().instant();
                LockState state = assess(holder, settings, now);
                if (!state.stale()) {
                    if (force) {
                        LOG.warn("Removing the live lock {} on {} held by {} because --force was given: if that run"
                                + " is still working, another run may now overlap with it", k, target.describe(),
                                holder.info.describe(now));
                        deleteOrFail(target, k, "remove the lock ");
                        removed.add(new UnlockResult.Entry(holder.info, state, true));
                    } else {
                        kept.add(new UnlockResult.Entry(holder.info, state, false));
                    }
                    break;
                }
                if (k.value().endsWith(GUARD_SUFFIX)) {
                    LOG.warn("Removing the stale takeover guard {} left by {}", k, holder.info.describe(now));
                    deleteOrFail(target, k, "remove the takeover guard ");
                    removed.add(new UnlockResult.Entry(holder.info, state, false));
                    break;
                }
                LockTakeover takeover = removeStale(target, k, holder, settings, "unlock " + k);
                if (takeover != null) {
                    removed.add(new UnlockResult.Entry(takeover.previous(), takeover.state(), false));
                    break;
                }
            }
        }
        return new UnlockResult(removed, kept);
    }

    private static void pauseForTakeover() {
        try {
            Thread.sleep(TAKEOVER_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteOrFail(StorageTarget target, ObjectKey k, String what) {
        try {
            target.delete(k);
        } catch (IOException io) {
            throw storage(what + k, target, io);
        }
    }

    // ------------------------------------------------------------------------------ heartbeat

    private void startHeartbeat() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "neo4j-backup lock heartbeat " + key);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        synchronized (this) {
            lastRefreshNanos = System.nanoTime();
            heartbeat = executor;
            schedule(settings.timing().refreshInterval());
        }
    }

    private void schedule(Duration delay) {
        heartbeat.schedule(this::beat, Math.max(1, delay.toNanos()), TimeUnit.NANOSECONDS);
    }

    /** One heartbeat: rewrites the lock if this run still holds it; gives up before it could go stale. */
    private synchronized void beat() {
        if (released || lost != null) {
            return;
        }
        Duration next = settings.timing().refreshInterval();
        try {
            Holder holder = read(target, key, settings);
            if (holder == null || !token.equals(holder.token)) {
                String by = holder == null ? "removed (e.g. by 'neo4j-backup unlock --force')"
                        : "taken over by " + holder.info.describe(settings.clock().instant());
                markLost(() -> new LockHeldException("The repository lock " + key + " on " + target.describe()
                        + " held for '" + operation + "' was " + by + " while this run still worked; it stopped so "
                        + "that two runs do not overlap. Wait for the other run to finish, then try again.",
                        holder == null ? "nobody" : holder.info.owner(),
                        holder == null ? settings.clock().instant() : holder.info.expiresAt()));
                return;
            }
            writeSelf(WriteMode.OVERWRITE);
            lastRefreshNanos = System.nanoTime();
            failedRefreshes = 0;
            heartbeats.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            failedRefreshes++;
            Duration since = Duration.ofNanos(System.nanoTime() - lastRefreshNanos);
            if (since.compareTo(settings.timing().giveUpAfter()) >= 0) {
                String message = "Could not refresh the repository lock " + key + " on " + target.describe()
                        + " for " + LockInfo.human(since) + " (" + failedRefreshes + " attempts; last: " + e.getMessage()
                        + "); this run stopped before its lock could be taken for stale and another run overlap."
                        + " Check the store and try again.";
                boolean retryable = e instanceof IOException io && target.isRetryable(io);
                markLost(() -> new StorageException(message, retryable, e));
                return;
            }
            LOG.warn("Could not refresh the repository lock {} (attempt {}, last refresh {} ago): {}; retrying",
                    key, failedRefreshes, LockInfo.human(since), e.toString());
            Duration quarter = next.dividedBy(4);
            next = quarter.compareTo(Duration.ofMillis(10)) < 0 ? Duration.ofMillis(10) : quarter;
        }
        schedule(next);
    }

    private void markLost(Supplier<BackupException> failure) {
        lost = failure;
        LOG.error("{}", failure.get().getMessage());
    }

    /**
     * Throws when the lock was lost (taken over, removed, or not refreshed in time), so that the
     * operation stops. The heartbeat thread does the refreshing; this is cheap and may be called often.
     *
     * @throws LockHeldException when another run took the lock over or it was removed
     * @throws StorageException  when the heartbeat could not be written for too long
     */
    public void refreshIfDue() {
        Supplier<BackupException> failure = lost;
        if (failure != null) {
            throw failure.get();
        }
    }

    /**
     * How many heartbeats were written since the lock was taken.
     *
     * @return the count
     */
    public long heartbeats() {
        return heartbeats.get();
    }

    /**
     * Stops the heartbeat and releases the lock if this run still holds it. Never throws. Works on
     * an interrupted thread too (the interrupt is kept for the caller).
     */
    @Override
    public void close() {
        boolean interrupted = Thread.interrupted();
        try {
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
                if (heartbeat != null) {
                    heartbeat.shutdownNow();
                }
            }
            Holder holder = read(target, key, settings);
            if (holder != null && token.equals(holder.token)) {
                target.delete(key);
            } else {
                LOG.warn("Lock {} was not held by this run at release (holder: {})", key,
                        holder == null ? "nobody" : holder.info.owner());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not release lock {}: {}; it goes stale by itself after {}", key, e.toString(),
                    settings.timing().staleAfter());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void confirmOwnership() throws IOException {
        Holder holder = read(target, key, settings);
        if (holder == null || !token.equals(holder.token)) {
            throw new ObjectExistsException(key);
        }
    }

    private void writeSelf(WriteMode mode) throws IOException {
        write(target, key, mode, settings, token, operation, acquiredAt);
    }

    private static void write(StorageTarget target, ObjectKey objectKey, WriteMode mode, Settings settings,
                              String token, String operation, Instant acquiredAt) throws IOException {
        Instant now = settings.clock().instant();
        ProcessIdentity self = settings.identity();
        ObjectNode node = MAPPER.createObjectNode();
        node.put("format", FORMAT);
        node.put("owner", settings.owner());
        node.put("operation", operation);
        node.put("token", token);
        node.put("host", self.host());
        node.put("pid", self.pid());
        self.startedAt().ifPresent(t -> node.put("processStartedAt", t.toString()));
        self.bootId().ifPresent(b -> node.put("bootId", b));
        self.pidNamespace().ifPresent(n -> node.put("pidNamespace", n));
        node.put("acquiredAt", acquiredAt.toString());
        node.put("heartbeatAt", now.toString());
        node.put("refreshInterval", settings.timing().refreshInterval().toString());
        node.put("staleAfter", settings.timing().staleAfter().toString());
        node.put("expiresAt", now.plus(settings.timing().staleAfter()).toString());
        byte[] bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
        try (PendingObject pending = target.create(objectKey, Map.of(), mode)) {
            pending.stream().write(bytes);
            pending.commit();
        }
    }

    /**
     * Reads a lock object; {@code null} when there is none. A damaged lock (or a damaged read of a
     * live one) counts as held until it has gone unchanged for the stale period, measured from the
     * store's modification time: never taken over at once.
     */
    static Holder read(StorageTarget target, ObjectKey key, Settings settings) {
        byte[] bytes;
        try (InputStream in = target.open(key)) {
            bytes = in.readNBytes(64 * 1024);
        } catch (ObjectNotFoundException e) {
            return null;
        } catch (IOException e) {
            throw storage("read the lock " + key, target, e);
        }
        try {
            return parse(key, bytes);
        } catch (IOException | RuntimeException e) {
            Instant written;
            try {
                written = target.stat(key).map(ObjectInfo::lastModified).orElse(Instant.EPOCH);
            } catch (IOException io) {
                throw storage("read the lock " + key, target, io);
            }
            Instant expires = written.plus(settings.timing().staleAfter());
            LOG.warn("Lock {} is unreadable; treating it as held until {}", key, expires);
            return new Holder(new LockInfo(key, "unknown (unreadable lock, last written " + written + ")", "unknown",
                    null, written, null, expires, true), "", true);
        }
    }

    static Holder parse(ObjectKey key, byte[] bytes) throws IOException {
        JsonNode n = MAPPER.readTree(bytes);
        if (n == null || !n.isObject()) {
            throw new IOException("not a JSON object");
        }
        Instant acquired = instant(n, "acquiredAt");
        Instant expires = instant(n, "expiresAt");
        if (acquired == null || expires == null) {
            throw new IOException("acquiredAt or expiresAt missing");
        }
        ProcessIdentity process = null;
        if (n.hasNonNull("host") && n.path("pid").canConvertToLong() && n.path("pid").isIntegralNumber()) {
            process = new ProcessIdentity(n.path("host").asText(), n.path("pid").asLong(),
                    instant(n, "processStartedAt"), text(n, "bootId"), text(n, "pidNamespace"));
        }
        Instant heartbeat = instant(n, "heartbeatAt");
        boolean legacy = process == null || heartbeat == null;
        LockInfo info = new LockInfo(key, n.path("owner").asText("unknown"), n.path("operation").asText("unknown"),
                process, acquired, heartbeat, expires, legacy);
        return new Holder(info, n.path("token").asText(""), false);
    }

    private static Instant instant(JsonNode n, String field) {
        String text = text(n, field);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " is not an instant: " + text, e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
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

    /** A lock as read, with its token (which tells one acquisition from another). */
    record Holder(LockInfo info, String token, boolean unreadable) {
    }
}
