package io.github.neo4jbackup.reliability;

import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.LockHeldException;
import io.github.neo4jbackup.core.PruneResult;
import io.github.neo4jbackup.core.RestoreOptions;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.core.storage.ForwardingStorageTarget;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.reliability.ReliabilitySupport.BytesSource;
import io.github.neo4jbackup.reliability.ReliabilitySupport.RecordingSink;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import io.github.neo4jbackup.testkit.ManualClock;
import io.github.neo4jbackup.testkit.ReliabilityFigures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * <b>Guarantee shown:</b> runs that meet on one repository are serialized by the repository lock
 * and lose nothing. Two backups from two pipeline instances (two "hosts") and a prune from a third
 * start together, round after seeded round, against one repository (in memory, and a local
 * directory). Each round shows:
 * <ul>
 *   <li>never more than one run is inside the lock at a time (measured from inside the runs, not
 *       from the lock's own bookkeeping); a run that finds the lock taken fails at once with a
 *       {@link LockHeldException} naming the holder and the expiry (the API does not wait);</li>
 *   <li>a lock left behind by a dead run (written by the test) stops every run until it expires on
 *       the controllable clock, and is taken over right after — by exactly one run at a time,
 *       even when all three see the stale lock together;</li>
 *   <li>every backup that was reported successful is still listed and verifies (FULL), unless a
 *       retention decision removed it, and the newest successful backup is never removed; a
 *       sampled backup restores byte-identically.</li>
 * </ul>
 *
 * <p>Each host sees the repository through a view that adds seeded random pauses of up to a few
 * milliseconds to lock reads, writes and deletes, so that the runs interleave in many ways. This
 * campaign found that two runs could both take over the same expired lock (a slow run deleted the
 * lock a faster one had just created); the lock now removes a stale lock only under a takeover
 * guard and only if it is still the stale one.
 *
 * <p>System properties: {@code concurrency.rounds} (rounds per repository kind, default 40),
 * {@code concurrency.bytes} (raw size of each backup, default 65536), {@code concurrency.seed}.
 */
class ConcurrencyCampaignTest {

    private static final int ROUNDS = Integer.getInteger("concurrency.rounds", 40);
    private static final int BYTES = Integer.getInteger("concurrency.bytes", 64 * 1024);
    private static final long SEED = Long.getLong("concurrency.seed", 7_1121L);
    private static final Duration STALE_AFTER = Duration.ofMinutes(10);
    private static final int KEEP_LAST = 3;

    /** Counts the runs that are inside the lock, and the most seen at once. */
    static final class Occupancy {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final List<String> overlaps = new CopyOnWriteArrayList<>();
        volatile String phase = "";

        void enter(String who) {
            int now = inside.incrementAndGet();
            most.accumulateAndGet(now, Math::max);
            if (now > 1) {
                overlaps.add(phase + ": " + who + " entered while " + (now - 1)
                        + " other run(s) were inside the lock");
            }
        }

        void exit() {
            inside.decrementAndGet();
        }
    }

    /** The state of one campaign on one repository. */
    private static final class Campaign {
        final StorageTarget shared;
        final ManualClock clock = ManualClock.ticking(Instant.parse("2026-01-05T03:00:00Z"), Duration.ofSeconds(1));
        final Occupancy occupancy = new Occupancy();
        final Random random = new Random(SEED);
        final byte[] data = ReliabilitySupport.graphitiLines(BYTES, SEED);
        final List<BackupResult> succeeded = new CopyOnWriteArrayList<>();
        final Set<String> removedByRetention = ConcurrentHashMap.newKeySet();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final List<String> lockMessages = new CopyOnWriteArrayList<>();
        final ThreadLocal<Boolean> pruneInside = ThreadLocal.withInitial(() -> false);
        int ops;
        int lockHeld;
        int prunes;
        int staleLocksPlanted;
        int staleRefusals;
        int staleTakeovers;

        Campaign(StorageTarget shared) {
            this.shared = shared;
        }

        /**
         * The shared repository as one host sees it: lock reads and writes take a seeded random
         * pause of up to 0.3 ms and lock deletes up to 3 ms, which widens the windows in which runs
         * interleave (above all the one between reading a stale lock and removing it).
         */
        StorageTarget seenFrom(long seed) {
            Random jitter = new Random(seed);
            return new ForwardingStorageTarget(shared) {
                private void pause(ObjectKey key, int maxMicros) {
                    if (key.value().startsWith("locks/")) {
                        int micros;
                        synchronized (jitter) {
                            micros = jitter.nextInt(maxMicros);
                        }
                        java.util.concurrent.locks.LockSupport.parkNanos(micros * 1000L);
                    }
                }

                @Override
                public PendingObject create(ObjectKey key, Map<String, String> metadata, WriteMode mode)
                        throws IOException {
                    pause(key, 300);
                    return super.create(key, metadata, mode);
                }

                @Override
                public java.io.InputStream open(ObjectKey key) throws IOException {
                    pause(key, 300);
                    return super.open(key);
                }

                @Override
                public void delete(ObjectKey key) throws IOException {
                    pause(key, 3000);
                    super.delete(key);
                }
            };
        }

        BackupPipeline backupHost(String host) {
            BackupListener inside = new BackupListener() {
                @Override
                public void backupStarted(String id, String database, ObjectKey dataKey) {
                    occupancy.enter("backup " + id + " on " + host);
                }

                @Override
                public void backupCommitted(BackupResult result) {
                    occupancy.exit();
                }

                @Override
                public void backupFailed(String id, BackupException failure) {
                    occupancy.exit();
                }
            };
            long pause = random.nextInt(3);
            BytesSource source = new BytesSource("neo4j", data, total -> {
                if (pause > 0 && total % (16 * 1024) == 0) {
                    sleep(pause);
                }
            });
            return BackupPipeline.builder().source(source).transform(Compression.zstd())
                    .target(seenFrom(random.nextLong()))
                    .clock(clock).host(host).lockStaleAfter(STALE_AFTER).listener(inside)
                    .retention(RetentionPolicy.builder().keepLast(KEEP_LAST).build()).build();
        }

        BackupPipeline pruneHost() {
            // Inside the lock from the listing that starts the prune to the clean-up that ends it.
            StorageTarget observed = new ForwardingStorageTarget(seenFrom(random.nextLong())) {
                @Override
                public List<ObjectInfo> listAllObjects(String prefix) throws IOException {
                    if (!pruneInside.get()) {
                        pruneInside.set(true);
                        occupancy.enter("prune");
                    }
                    return super.listAllObjects(prefix);
                }

                @Override
                public int cleanupIncomplete(Instant olderThan) throws IOException {
                    int n = super.cleanupIncomplete(olderThan);
                    leavePrune();
                    return n;
                }
            };
            return BackupPipeline.builder().source(new BytesSource("neo4j", data)).target(observed).clock(clock)
                    .host("host-c").lockStaleAfter(STALE_AFTER).orphanGracePeriod(Duration.ofHours(1))
                    .retention(RetentionPolicy.builder().keepLast(KEEP_LAST).build()).build();
        }

        void leavePrune() {
            if (pruneInside.get()) {
                pruneInside.set(false);
                occupancy.exit();
            }
        }

        /** Runs two backups and a prune together; returns how many succeeded. */
        int race(ExecutorService pool, String expectedHolder) throws Exception {
            BackupPipeline a = backupHost("host-a");
            BackupPipeline b = backupHost("host-b");
            BackupPipeline pruner = pruneHost();
            CyclicBarrier start = new CyclicBarrier(3);
            List<Future<Boolean>> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int which = i;
                runs.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    try {
                        if (which < 2) {
                            BackupResult r = (which == 0 ? a : b).backup();
                            succeeded.add(r);
                            r.pruneResult().ifPresent(this::noteRetention);
                        } else {
                            try {
                                PruneResult p = pruner.prune(false);
                                noteRetention(p);
                                synchronized (this) {
                                    prunes++;
                                }
                            } finally {
                                leavePrune();
                            }
                        }
                        return true;
                    } catch (LockHeldException e) {
                        lockMessages.add(e.getMessage());
                        if (expectedHolder != null && !e.getMessage().contains(expectedHolder)) {
                            failures.add("refused for the wrong holder (expected " + expectedHolder + "): "
                                    + e.getMessage());
                        }
                        if (e.owner() == null || e.expiresAt() == null || !e.getMessage().contains(e.owner())
                                || !(e.getMessage().contains("Wait") || e.getMessage().contains("Try again"))) {
                            failures.add("unclear lock message: " + e.getMessage());
                        }
                        synchronized (this) {
                            lockHeld++;
                        }
                        return false;
                    } catch (RuntimeException e) {
                        failures.add((which < 2 ? "backup" : "prune") + " failed: " + e);
                        return false;
                    }
                }));
            }
            int ok = 0;
            for (Future<Boolean> f : runs) {
                ok += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            ops += 3;
            return ok;
        }

        void noteRetention(PruneResult result) {
            result.deleted().forEach(d -> removedByRetention.add(d.id()));
        }

        void plantDeadLock() throws IOException {
            Instant now = clock.peek();
            String lock = "{\"owner\":\"ops@dead-host (pid 4242)\",\"operation\":\"backup neo4j-dead\","
                    + "\"token\":\"dead\",\"acquiredAt\":\"" + now + "\",\"expiresAt\":\"" + now.plus(STALE_AFTER)
                    + "\"}";
            try (PendingObject pending = shared.create(ObjectKey.of("locks/neo4j.lock"), Map.of(),
                    WriteMode.CREATE_NEW)) {
                pending.stream().write(lock.getBytes(StandardCharsets.UTF_8));
                pending.commit();
            }
            staleLocksPlanted++;
        }

        /** Every reported backup still verifies unless retention removed it; the newest is kept. */
        void checkNothingLost(BackupPipeline reader, boolean restoreOne) {
            Set<String> listed = new HashSet<>();
            for (Manifest m : reader.list()) {
                listed.add(m.id());
            }
            BackupResult newest = succeeded.stream().max(Comparator.comparing(r -> r.manifest().createdAt()))
                    .orElse(null);
            if (newest != null && !listed.contains(newest.id())) {
                failures.add("the newest successful backup " + newest.id() + " is gone");
            }
            for (BackupResult r : succeeded) {
                if (removedByRetention.contains(r.id())) {
                    if (listed.contains(r.id())) {
                        failures.add("backup " + r.id() + " was reported pruned but is still listed");
                    }
                    continue;
                }
                if (!listed.contains(r.id())) {
                    failures.add("backup " + r.id() + " was reported successful and is gone without a "
                            + "retention decision");
                }
            }
            if (listed.size() > KEEP_LAST + 2) {
                failures.add("retention left " + listed.size() + " backups");
            }
            for (String id : listed) {
                var report = reader.verify(id, VerifyLevel.FULL);
                if (!report.ok()) {
                    failures.add("backup " + id + " does not verify: " + report.problems());
                }
            }
            if (restoreOne && newest != null) {
                RecordingSink sink = new RecordingSink();
                reader.restore(newest.id(), sink, RestoreOptions.defaults());
                if (!java.util.Arrays.equals(sink.received.toByteArray(), data)) {
                    failures.add("backup " + newest.id() + " did not restore byte-identically");
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"in-memory", "local-directory"})
    void runsMeetingOnOneRepositoryAreSerializedAndLoseNothing(String kind, @TempDir Path dir) throws Exception {
        StorageTarget shared = kind.equals("in-memory") ? new InMemoryStorageTarget() : LocalStorageTarget.of(dir);
        Campaign c = new Campaign(shared);
        BackupPipeline reader = BackupPipeline.builder().target(shared).build();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        int roundsWithAllSucceeding = 0;
        int roundsWithRefusals = 0;
        try {
            for (int round = 0; round < ROUNDS; round++) {
                c.occupancy.phase = "round " + round;
                if (round % 4 == 3) {
                    c.plantDeadLock();
                    int before = c.race(pool, "dead-host");
                    if (before != 0) {
                        c.failures.add("round " + round + ": " + before + " run(s) went past a live lock");
                    }
                    c.staleRefusals += 3 - before;
                    c.clock.advance(STALE_AFTER.plusMinutes(1));
                    c.occupancy.phase = "round " + round + " (taking over an expired lock)";
                    int after = c.race(pool, null);
                    if (after == 0) {
                        c.failures.add("round " + round + ": nobody took over the expired lock");
                    } else {
                        c.staleTakeovers++;
                    }
                } else {
                    int ok = c.race(pool, null);
                    if (ok == 3) {
                        roundsWithAllSucceeding++;
                    } else {
                        roundsWithRefusals++;
                    }
                    if (ok == 0) {
                        c.failures.add("round " + round + ": all three runs were refused with no lock held");
                    }
                }
                c.clock.advance(Duration.ofMinutes(30 + c.random.nextInt(120)));
                if (shared.stat(ObjectKey.of("locks/neo4j.lock")).isPresent()) {
                    c.failures.add("round " + round + ": a lock was left behind by runs that all ended");
                }
                c.checkNothingLost(reader, round % 8 == 0 || round == ROUNDS - 1);
                if (!c.failures.isEmpty()) {
                    break;
                }
            }
        } finally {
            pool.shutdownNow();
        }

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("rounds", ROUNDS);
        figures.put("runs", c.ops);
        figures.put("backups.succeeded", c.succeeded.size());
        figures.put("prunes.succeeded", c.prunes);
        figures.put("lockHeld.refusals", c.lockHeld);
        figures.put("rounds.allSucceeded", roundsWithAllSucceeding);
        figures.put("rounds.withRefusals", roundsWithRefusals);
        figures.put("deadLocks.planted", c.staleLocksPlanted);
        figures.put("deadLocks.refusedBeforeExpiry", c.staleRefusals);
        figures.put("deadLocks.takenOver", c.staleTakeovers);
        figures.put("maxRunsInsideLock", c.occupancy.most.get());
        figures.put("removedByRetention", c.removedByRetention.size());
        figures.put("overlaps", c.occupancy.overlaps.size());
        figures.put("problems", c.failures.size());
        figures.put("data.lost", c.failures.stream().filter(f -> f.contains("gone") || f.contains("verify")).count());
        ReliabilityFigures.record("concurrency/" + kind, figures);

        assertThat(c.failures).isEmpty();
        assertThat(c.occupancy.overlaps).isEmpty();
        assertThat(c.occupancy.most.get()).isEqualTo(1);
        assertThat(c.succeeded).as("backups that succeeded").hasSizeGreaterThan(ROUNDS / 4);
        assertThat(c.lockHeld).as("runs really met: some were refused").isGreaterThan(0);
        assertThat(c.staleTakeovers).isEqualTo(c.staleLocksPlanted);
        assertThat(c.lockMessages).anySatisfy(m -> assertThat(m).contains("held by").contains("expires"));
    }
}
