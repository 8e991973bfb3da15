package io.github.neo4jbackup.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.LockHeldException;
import io.github.neo4jbackup.core.StorageException;
import io.github.neo4jbackup.core.lock.LockState;
import io.github.neo4jbackup.core.lock.LockTakeover;
import io.github.neo4jbackup.core.lock.ProcessIdentity;
import io.github.neo4jbackup.core.lock.UnlockResult;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.core.storage.ForwardingStorageTarget;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Locks that recover: holders on this host that are gone (or whose PID was reused) are taken over
 * at once, live holders are refused with host, PID and age, old-format locks are judged by their
 * expiry, the heartbeat advances while a lock is held and a holder that cannot refresh stops, and
 * of many runs racing for one stale lock exactly one wins.
 */
class RepositoryLockRecoveryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectKey KEY = ObjectKey.of("locks/neo4j.lock");
    private static final String HOST = ProcessIdentity.localHostName();
    private final InMemoryStorageTarget target = new InMemoryStorageTarget();
    private final List<Process> children = new ArrayList<>();
    private final List<LockTakeover> takeovers = new CopyOnWriteArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    private RepositoryLock.Settings settings(RepositoryLock.Timing timing) {
        return new RepositoryLock.Settings(Clock.systemUTC(), timing, ProcessIdentity.current(HOST),
                "tester@" + HOST + " (pid " + ProcessHandle.current().pid() + ")", takeovers::add);
    }

    private RepositoryLock.Settings settings() {
        return settings(RepositoryLock.Timing.of(null, null));
    }

    /** A lock in the current format, as another process would write it. */
    private void plant(StorageTarget into, ObjectKey key, String host, long pid, Instant processStart,
                       Instant heartbeat, Duration staleAfter) throws IOException {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("format", 2);
        n.put("owner", "ops@" + host + " (pid " + pid + ")");
        n.put("operation", "backup neo4j-planted");
        n.put("token", "planted-" + pid);
        n.put("host", host);
        n.put("pid", pid);
        if (processStart != null) {
            n.put("processStartedAt", processStart.toString());
        }
        ProcessIdentity self = ProcessIdentity.current(HOST);
        self.bootId().ifPresent(b -> n.put("bootId", b));
        self.pidNamespace().ifPresent(b -> n.put("pidNamespace", b));
        n.put("acquiredAt", heartbeat.minus(Duration.ofMinutes(3)).toString());
        n.put("heartbeatAt", heartbeat.toString());
        n.put("expiresAt", heartbeat.plus(staleAfter).toString());
        try (PendingObject p = into.create(key, Map.of(), WriteMode.OVERWRITE)) {
            p.stream().write(MAPPER.writeValueAsBytes(n));
            p.commit();
        }
    }

    private JsonNode lockJson() throws IOException {
        return MAPPER.readTree(target.open(KEY).readAllBytes());
    }

    private ProcessHandle exitedProcess() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ProcessHandle.of(p.pid())).isEmpty();
        return p.toHandle();
    }

    private Process sleeper() throws IOException {
        Process p = new ProcessBuilder("sleep", "120").start();
        children.add(p);
        return p;
    }

    @Test
    void aLockOfAProcessOnThisHostThatNoLongerRunsIsTakenOverAtOnce() throws Exception {
        ProcessHandle dead = exitedProcess();
        plant(target, KEY, HOST, dead.pid(), Instant.now().minusSeconds(5), Instant.now(), Duration.ofHours(2));
        try (RepositoryLock lock = RepositoryLock.acquire(target, KEY, settings(), "backup next")) {
            assertThat(lockJson().path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
            assertThat(lockJson().path("operation").asText()).isEqualTo("backup next");
            assertThat(lock.key()).isEqualTo(KEY);
        }
        assertThat(takeovers).singleElement().satisfies(t -> {
            assertThat(t.state()).isEqualTo(LockState.HOLDER_GONE);
            assertThat(t.previous().host()).isEqualTo(HOST);
            assertThat(t.previous().process().orElseThrow().pid()).isEqualTo(dead.pid());
            assertThat(t.describe()).contains("pid " + dead.pid()).contains(HOST).contains("3 min ago");
        });
        assertThat(target.stat(KEY)).isEmpty();
        assertThat(target.stat(ObjectKey.of(KEY.value() + ".takeover"))).isEmpty();
    }

    @Test
    void aLockWhosePidNowBelongsToAProcessStartedAtAnotherTimeIsTakenOver() throws Exception {
        Process live = sleeper();
        Instant realStart = live.toHandle().info().startInstant().orElseThrow();
        plant(target, KEY, HOST, live.pid(), realStart.minus(Duration.ofHours(1)), Instant.now(),
                Duration.ofHours(2));
        try (RepositoryLock ignored = RepositoryLock.acquire(target, KEY, settings(), "backup next")) {
            assertThat(takeovers).singleElement().extracting(LockTakeover::state).isEqualTo(LockState.PID_REUSED);
        }
    }

    @Test
    void aLiveHolderIsRefusedWithHostPidAndAge() throws Exception {
        Process live = sleeper();
        Instant start = live.toHandle().info().startInstant().orElseThrow();
        plant(target, KEY, HOST, live.pid(), start, Instant.now(), Duration.ofMinutes(5));
        assertThatThrownBy(() -> RepositoryLock.acquire(target, KEY, settings(), "backup next"))
                .isInstanceOf(LockHeldException.class)
                .hasMessageContaining("held by ops@" + HOST + " (pid " + live.pid() + ")")
                .hasMessageContaining("host " + HOST).hasMessageContaining("pid " + live.pid())
                .hasMessageContaining("3 min ago").hasMessageContaining("expires")
                .hasMessageContaining("neo4j-backup unlock");
        assertThat(lockJson().path("token").asText()).isEqualTo("planted-" + live.pid());
        assertThat(takeovers).isEmpty();
    }

    @Test
    void aLockFromAnotherHostIsHeldUntilItsHeartbeatIsOlderThanItsBound() throws Exception {
        // pid 1 runs here, but on another host it means nothing: only the heartbeat counts
        plant(target, KEY, "elsewhere", 1, Instant.now().minus(Duration.ofDays(1)),
                Instant.now().minus(Duration.ofMinutes(4)), Duration.ofMinutes(5));
        assertThatThrownBy(() -> RepositoryLock.acquire(target, KEY, settings(), "backup next"))
                .isInstanceOf(LockHeldException.class).hasMessageContaining("host elsewhere")
                .hasMessageContaining("last heartbeat 4 min ago");
        plant(target, KEY, "elsewhere", 1, Instant.now().minus(Duration.ofDays(1)),
                Instant.now().minus(Duration.ofMinutes(6)), Duration.ofMinutes(5));
        try (RepositoryLock ignored = RepositoryLock.acquire(target, KEY, settings(), "backup next")) {
            assertThat(takeovers).singleElement().extracting(LockTakeover::state).isEqualTo(LockState.EXPIRED);
        }
    }

    @Test
    void anOldFormatLockIsReadAndJudgedByItsRecordedExpiry() throws Exception {
        Instant now = Instant.now();
        String old = "{\"owner\":\"ops@" + HOST + " (pid 999999999)\",\"operation\":\"backup x\",\"token\":\"t\","
                + "\"acquiredAt\":\"" + now.minus(Duration.ofMinutes(50)) + "\",\"expiresAt\":\""
                + now.plus(Duration.ofMinutes(70)) + "\"}";
        write(target, KEY, old);
        assertThatThrownBy(() -> RepositoryLock.acquire(target, KEY, settings(), "backup next"))
                .isInstanceOf(LockHeldException.class).hasMessageContaining("ops@" + HOST + " (pid 999999999)")
                .hasMessageContaining("50 min ago");
        UnlockResult kept = RepositoryLock.unlock(target, "locks/", null, settings(), false);
        assertThat(kept.removed()).isEmpty();
        assertThat(kept.kept()).singleElement().satisfies(e -> assertThat(e.lock().legacyFormat()).isTrue());

        write(target, KEY, old.replace(now.plus(Duration.ofMinutes(70)).toString(),
                now.minus(Duration.ofSeconds(1)).toString()));
        try (RepositoryLock ignored = RepositoryLock.acquire(target, KEY, settings(), "backup next")) {
            assertThat(takeovers).singleElement().satisfies(t -> {
                assertThat(t.state()).isEqualTo(LockState.EXPIRED);
                assertThat(t.previous().legacyFormat()).isTrue();
                assertThat(t.previous().host()).isEqualTo(HOST);
            });
        }
    }

    @Test
    void theHeartbeatAdvancesWhileTheLockIsHeld() throws Exception {
        RepositoryLock.Timing fast = new RepositoryLock.Timing(Duration.ofMillis(100), Duration.ofSeconds(2));
        try (RepositoryLock lock = RepositoryLock.acquire(target, KEY, settings(fast), "backup slow")) {
            Instant first = Instant.parse(lockJson().path("heartbeatAt").asText());
            Instant acquired = Instant.parse(lockJson().path("acquiredAt").asText());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (lock.heartbeats() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(lock.heartbeats()).isGreaterThanOrEqualTo(3);
            JsonNode now = lockJson();
            Instant later = Instant.parse(now.path("heartbeatAt").asText());
            assertThat(later).isAfter(first);
            assertThat(Instant.parse(now.path("acquiredAt").asText())).isEqualTo(acquired);
            assertThat(Instant.parse(now.path("expiresAt").asText())).isEqualTo(later.plusSeconds(2));
            lock.refreshIfDue(); // still held: does not throw
        }
        assertThat(target.stat(KEY)).isEmpty();
    }

    @Test
    void aHolderThatCannotRefreshItsLockStopsBeforeTheLockGoesStale() throws Exception {
        AtomicBoolean storeDown = new AtomicBoolean();
        StorageTarget flaky = new ForwardingStorageTarget(target) {
            @Override
            public PendingObject create(ObjectKey key, Map<String, String> metadata, WriteMode mode)
                    throws IOException {
                if (storeDown.get()) {
                    throw new IOException("store unreachable");
                }
                return super.create(key, metadata, mode);
            }
        };
        RepositoryLock.Timing fast = new RepositoryLock.Timing(Duration.ofMillis(50), Duration.ofMillis(400));
        try (RepositoryLock lock = RepositoryLock.acquire(flaky, KEY, settings(fast), "backup slow")) {
            storeDown.set(true);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Throwable stopped = null;
            while (stopped == null && System.nanoTime() < deadline) {
                try {
                    lock.refreshIfDue();
                    Thread.sleep(10);
                } catch (StorageException e) {
                    stopped = e;
                }
            }
            Instant stoppedAt = Instant.now();
            Instant expires = Instant.parse(lockJson().path("expiresAt").asText()); // of the last heartbeat written
            assertThat(stopped).isInstanceOf(StorageException.class)
                    .hasMessageContaining("Could not refresh the repository lock")
                    .hasMessageContaining("store unreachable");
            // gave up one interval before the stale bound: before another run could take the lock for stale
            assertThat(stoppedAt).isBefore(expires);
            storeDown.set(false);
        }
        assertThat(target.stat(KEY)).as("released once the store is back").isEmpty();
    }

    @Test
    void aHolderWhoseLockWasRemovedStops() throws Exception {
        RepositoryLock.Timing fast = new RepositoryLock.Timing(Duration.ofMillis(50), Duration.ofSeconds(1));
        try (RepositoryLock lock = RepositoryLock.acquire(target, KEY, settings(fast), "backup slow")) {
            UnlockResult refused = RepositoryLock.unlock(target, "locks/", "neo4j", settings(), false);
            assertThat(refused.removed()).isEmpty();
            assertThat(refused.kept()).singleElement().extracting(UnlockResult.Entry::state)
                    .isEqualTo(LockState.ACTIVE);
            UnlockResult forced = RepositoryLock.unlock(target, "locks/", "neo4j", settings(), true);
            assertThat(forced.removed()).singleElement().satisfies(e -> {
                assertThat(e.forced()).isTrue();
                assertThat(e.lock().operation()).isEqualTo("backup slow");
            });
            assertThat(forced.forcedAny()).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Throwable stopped = null;
            while (stopped == null && System.nanoTime() < deadline) {
                try {
                    lock.refreshIfDue();
                    Thread.sleep(10);
                } catch (LockHeldException e) {
                    stopped = e;
                }
            }
            assertThat(stopped).hasMessageContaining("was removed");
        }
    }

    @Test
    void unlockRemovesDeadAndStaleLocksAndKeepsLiveOnes() throws Exception {
        ProcessHandle dead = exitedProcess();
        Process live = sleeper();
        plant(target, ObjectKey.of("locks/dead.lock"), HOST, dead.pid(), Instant.now(), Instant.now(),
                Duration.ofHours(1));
        plant(target, ObjectKey.of("locks/stale.lock"), "elsewhere", 77, Instant.now(),
                Instant.now().minus(Duration.ofMinutes(10)), Duration.ofMinutes(5));
        plant(target, ObjectKey.of("locks/live.lock"), HOST, live.pid(),
                live.toHandle().info().startInstant().orElseThrow(), Instant.now(), Duration.ofMinutes(5));
        plant(target, ObjectKey.of("locks/dead.lock.takeover"), HOST, dead.pid(), Instant.now(), Instant.now(),
                Duration.ofHours(1));

        UnlockResult one = RepositoryLock.unlock(target, "locks/", "stale", settings(), false);
        assertThat(one.removed()).singleElement().extracting(UnlockResult.Entry::state).isEqualTo(LockState.EXPIRED);
        assertThat(one.kept()).isEmpty();

        UnlockResult all = RepositoryLock.unlock(target, "locks/", null, settings(), false);
        assertThat(all.removed()).extracting(e -> e.lock().key().value())
                .containsExactlyInAnyOrder("locks/dead.lock", "locks/dead.lock.takeover");
        assertThat(all.removed()).allSatisfy(e -> {
            assertThat(e.state()).isEqualTo(LockState.HOLDER_GONE);
            assertThat(e.forced()).isFalse();
        });
        assertThat(all.kept()).singleElement().satisfies(e -> {
            assertThat(e.lock().key().value()).isEqualTo("locks/live.lock");
            assertThat(e.state()).isEqualTo(LockState.ACTIVE);
        });
        assertThat(target.stat(ObjectKey.of("locks/live.lock"))).isPresent();

        UnlockResult forced = RepositoryLock.unlock(target, "locks/", null, settings(), true);
        assertThat(forced.removed()).singleElement().satisfies(e -> assertThat(e.forced()).isTrue());
        assertThat(target.listAllObjects("locks/")).isEmpty();
    }

    @Test
    void manyRunsRacingForOneStaleLockNeverBothWin() throws Exception {
        int rounds = 150;
        int runners = 4;
        Random seeds = new Random(20261207L);
        ExecutorService pool = Executors.newFixedThreadPool(runners);
        try {
            for (int round = 0; round < rounds; round++) {
                InMemoryStorageTarget shared = new InMemoryStorageTarget();
                ProcessHandle dead = exitedProcess();
                plant(shared, KEY, HOST, dead.pid(), Instant.now(), Instant.now(), Duration.ofHours(1));
                CyclicBarrier start = new CyclicBarrier(runners);
                List<Future<RepositoryLock>> results = new ArrayList<>();
                for (int r = 0; r < runners; r++) {
                    StorageTarget view = jittery(shared, new Random(seeds.nextLong()));
                    results.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        try {
                            return RepositoryLock.acquire(view, KEY, settings(), "backup racer");
                        } catch (LockHeldException e) {
                            return null;
                        }
                    }));
                }
                List<RepositoryLock> winners = new ArrayList<>();
                for (Future<RepositoryLock> f : results) {
                    RepositoryLock lock = f.get(30, TimeUnit.SECONDS);
                    if (lock != null) {
                        winners.add(lock);
                    }
                }
                assertThat(winners).as("round %d: exactly one run holds the lock", round).hasSize(1);
                assertThat(shared.stat(ObjectKey.of(KEY.value() + ".takeover"))).as("round %d: no guard left",
                        round).isEmpty();
                winners.forEach(RepositoryLock::close);
                assertThat(shared.stat(KEY)).isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void timingIsDerivedFromTheIntervalAndValidated() {
        assertThat(RepositoryLock.Timing.of(null, null))
                .isEqualTo(new RepositoryLock.Timing(Duration.ofMinutes(1), Duration.ofMinutes(5)));
        assertThat(RepositoryLock.Timing.of(Duration.ofMinutes(3), null).staleAfter()).isEqualTo(Duration.ofMinutes(15));
        assertThat(RepositoryLock.Timing.of(Duration.ofSeconds(5), null).staleAfter()).isEqualTo(Duration.ofMinutes(5));
        assertThat(RepositoryLock.Timing.of(null, Duration.ofHours(2)).refreshInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(RepositoryLock.Timing.of(null, Duration.ofSeconds(30)).refreshInterval())
                .isEqualTo(Duration.ofSeconds(6));
        assertThatThrownBy(() -> RepositoryLock.Timing.of(Duration.ofMinutes(1), Duration.ofSeconds(90)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least twice");
    }

    /** The shared store as one run sees it: lock reads, writes and deletes take a random short pause. */
    private static StorageTarget jittery(StorageTarget shared, Random random) {
        return new ForwardingStorageTarget(shared) {
            private void pause() {
                LockSupport.parkNanos(random.nextInt(400) * 1000L);
            }

            @Override
            public PendingObject create(ObjectKey key, Map<String, String> metadata, WriteMode mode)
                    throws IOException {
                pause();
                return super.create(key, metadata, mode);
            }

            @Override
            public java.io.InputStream open(ObjectKey key) throws IOException {
                pause();
                return super.open(key);
            }

            @Override
            public void delete(ObjectKey key) throws IOException {
                pause();
                super.delete(key);
            }
        };
    }

    private static void write(StorageTarget into, ObjectKey key, String text) throws IOException {
        try (PendingObject p = into.create(key, Map.of(), WriteMode.OVERWRITE)) {
            p.stream().write(text.getBytes(StandardCharsets.UTF_8));
            p.commit();
        }
    }
}
