package io.github.neo4jbackup.core.internal;

import io.github.neo4jbackup.core.LockHeldException;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.core.storage.ForwardingStorageTarget;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Two runs that find the same stale lock: exactly one of them takes it over. */
class RepositoryLockTakeoverTest {

    private static final ObjectKey KEY = ObjectKey.of("locks/neo4j.lock");
    private final Clock clock = Clock.fixed(Instant.parse("2026-01-05T03:00:00Z"), ZoneOffset.UTC);
    private final InMemoryStorageTarget target = new InMemoryStorageTarget(clock);

    private void plantStaleLock() throws IOException {
        Instant expired = clock.instant().minus(Duration.ofMinutes(1));
        String json = "{\"owner\":\"ops@dead-host (pid 1)\",\"operation\":\"backup x\",\"token\":\"dead\","
                + "\"acquiredAt\":\"" + expired.minus(Duration.ofHours(1)) + "\",\"expiresAt\":\"" + expired + "\"}";
        try (PendingObject p = target.create(KEY, Map.of(), WriteMode.CREATE_NEW)) {
            p.stream().write(json.getBytes(StandardCharsets.UTF_8));
            p.commit();
        }
    }

    @Test
    void aSlowRunDoesNotRemoveTheLockAFasterRunJustTookOver() throws IOException {
        plantStaleLock();
        AtomicReference<RepositoryLock> fast = new AtomicReference<>();
        // The slow run has read the stale lock; before it removes anything, the fast run takes over.
        StorageTarget slowView = new ForwardingStorageTarget(target) {
            private boolean raced;

            private void raceOnce() {
                if (!raced) {
                    raced = true;
                    fast.set(RepositoryLock.acquire(target, KEY, clock, Duration.ofMinutes(10), "fast", "backup"));
                }
            }

            @Override
            public PendingObject create(ObjectKey key, Map<String, String> metadata, WriteMode mode)
                    throws IOException {
                if (!key.equals(KEY)) {
                    raceOnce();
                }
                return super.create(key, metadata, mode);
            }

            @Override
            public void delete(ObjectKey key) throws IOException {
                raceOnce();
                super.delete(key);
            }
        };

        assertThatThrownBy(() -> RepositoryLock.acquire(slowView, KEY, clock, Duration.ofMinutes(10), "slow",
                "prune")).isInstanceOf(LockHeldException.class).hasMessageContaining("fast");
        assertThat(fast.get()).as("the fast run holds the lock").isNotNull();
        assertThat(new String(target.open(KEY).readAllBytes(), StandardCharsets.UTF_8)).contains("\"fast\"");
        assertThat(target.stat(ObjectKey.of("locks/neo4j.lock.takeover"))).isEmpty();
        fast.get().close();
        assertThat(target.stat(KEY)).isEmpty();
    }

    @Test
    void aTakeoverGuardLeftByADeadRunIsRemovedOnceStale() throws IOException {
        plantStaleLock();
        Instant expired = clock.instant().minus(Duration.ofSeconds(5));
        String guard = "{\"owner\":\"dead-taker\",\"operation\":\"backup y\",\"token\":\"t\",\"acquiredAt\":\""
                + expired + "\",\"expiresAt\":\"" + expired + "\"}";
        try (PendingObject p = target.create(ObjectKey.of("locks/neo4j.lock.takeover"), Map.of(),
                WriteMode.CREATE_NEW)) {
            p.stream().write(guard.getBytes(StandardCharsets.UTF_8));
            p.commit();
        }
        try (RepositoryLock lock = RepositoryLock.acquire(target, KEY, clock, Duration.ofMinutes(10), "next",
                "backup")) {
            assertThat(new String(target.open(KEY).readAllBytes(), StandardCharsets.UTF_8)).contains("\"next\"");
        }
        assertThat(target.listAllObjects("locks/")).isEmpty();
    }
}
