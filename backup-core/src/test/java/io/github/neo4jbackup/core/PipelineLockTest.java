package io.github.neo4jbackup.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.lock.LockState;
import io.github.neo4jbackup.core.lock.LockTakeover;
import io.github.neo4jbackup.core.lock.ProcessIdentity;
import io.github.neo4jbackup.core.lock.UnlockResult;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.core.storage.ForwardingStorageTarget;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The repository lock as the pipeline uses it: heartbeat during a long backup, takeover notes, unlock. */
class PipelineLockTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectKey LOCK = ObjectKey.of("locks/neo4j.lock");
    private final InMemoryStorageTarget target = new InMemoryStorageTarget();

    /** Writes 100 KB every 50 ms for the given time, reading the lock's heartbeat as it goes. */
    private final class SlowSource implements BackupSource {
        final long millis;
        final List<Instant> heartbeatsSeen = new CopyOnWriteArrayList<>();

        SlowSource(long millis) {
            this.millis = millis;
        }

        @Override
        public String type() {
            return "slow";
        }

        @Override
        public String database() {
            return "neo4j";
        }

        @Override
        public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (System.nanoTime() < end) {
                out.write(new byte[100_000]);
                context.recordsExported(1);
                JsonNode lock = MAPPER.readTree(target.open(LOCK).readAllBytes());
                heartbeatsSeen.add(Instant.parse(lock.path("heartbeatAt").asText()));
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            return SourceDescription.of("slow", "neo4j");
        }
    }

    @Test
    void aLongBackupKeepsItsLockFreshWithTheHeartbeat() {
        SlowSource slow = new SlowSource(1500);
        BackupResult result = BackupPipeline.builder().source(slow).target(target)
                .lockRefreshInterval(Duration.ofMillis(100)).lockStaleAfter(Duration.ofSeconds(1)).build().backup();
        assertThat(result.rawSize()).isPositive();
        Instant first = slow.heartbeatsSeen.get(0);
        Instant last = slow.heartbeatsSeen.get(slow.heartbeatsSeen.size() - 1);
        assertThat(Duration.between(first, last)).as("the heartbeat advanced during the backup")
                .isGreaterThan(Duration.ofMillis(1000));
        assertThat(slow.heartbeatsSeen.stream().distinct().count()).isGreaterThan(5);
        assertThat(target.stat(LOCK)).isEmpty();
    }

    @Test
    void aBackupThatCannotRefreshItsLockStopsAndStoresNothing() {
        AtomicBoolean lockWritesFail = new AtomicBoolean();
        StorageTarget flaky = new ForwardingStorageTarget(target) {
            @Override
            public PendingObject create(ObjectKey key, Map<String, String> metadata, WriteMode mode)
                    throws IOException {
                if (key.equals(LOCK) && mode == WriteMode.OVERWRITE) {
                    throw new IOException("lock writes refused");
                }
                return super.create(key, metadata, mode);
            }
        };
        SlowSource slow = new SlowSource(3000);
        BackupPipeline pipeline = BackupPipeline.builder().source(slow).target(flaky)
                .lockRefreshInterval(Duration.ofMillis(50)).lockStaleAfter(Duration.ofMillis(500)).build();
        long start = System.nanoTime();
        assertThatThrownBy(pipeline::backup).isInstanceOf(StorageException.class)
                .hasMessageContaining("Could not refresh the repository lock").hasMessageContaining("lock writes refused");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("stopped long before the source finished")
                .isLessThan(Duration.ofMillis(2500));
        assertThat(pipeline.list()).isEmpty();
        assertThat(target.keys()).as("nothing left but nothing stored: no data object, no manifest")
                .noneMatch(k -> k.value().startsWith("neo4j/"));
        assertThat(lockWritesFail.get()).isFalse();
    }

    @Test
    void aDeadHoldersLockIsTakenOverWithAListenerNoteAndUnlockReportsWhatItDid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String host = ProcessIdentity.localHostName();
        Instant now = Instant.now();
        String lock = "{\"format\":2,\"owner\":\"ops@" + host + " (pid " + p.pid() + ")\",\"operation\":\"backup old\","
                + "\"token\":\"t\",\"host\":\"" + host + "\",\"pid\":" + p.pid() + ",\"acquiredAt\":\""
                + now.minusSeconds(600) + "\",\"heartbeatAt\":\"" + now + "\",\"expiresAt\":\""
                + now.plus(Duration.ofHours(1)) + "\"}";
        write(lock);
        List<LockTakeover> notes = new ArrayList<>();
        BackupPipeline pipeline = BackupPipeline.builder().source(new TestSupport.GeneratedSource("neo4j", 1000, 1))
                .target(target).retention(RetentionPolicy.builder().keepLast(5).build())
                .listener(new BackupListener() {
                    @Override
                    public void lockTakenOver(LockTakeover takeover) {
                        notes.add(takeover);
                    }
                }).build();
        pipeline.backup();
        assertThat(notes).singleElement().satisfies(t -> {
            assertThat(t.state()).isEqualTo(LockState.HOLDER_GONE);
            assertThat(t.describe()).contains("pid " + p.pid()).contains(host).contains("10 min ago");
        });

        write(lock);
        UnlockResult unlocked = pipeline.unlock(false);
        assertThat(unlocked.removed()).singleElement().satisfies(e -> {
            assertThat(e.lock().operation()).isEqualTo("backup old");
            assertThat(e.forced()).isFalse();
        });
        assertThat(target.stat(LOCK)).isEmpty();
        assertThat(pipeline.unlock(false).removed()).isEmpty();
        assertThatThrownBy(() -> pipeline.unlock("bad/name", false)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void lockTimingIsValidatedOnTheBuilder() {
        BackupPipeline.Builder b = BackupPipeline.builder().target(target);
        assertThatThrownBy(() -> b.lockRefreshInterval(Duration.ZERO)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> b.lockRefreshInterval(Duration.ofMinutes(2)).lockStaleAfter(Duration.ofMinutes(3))
                .build()).isInstanceOf(InvalidInputException.class).hasMessageContaining("lockRefreshInterval");
    }

    private void write(String text) throws IOException {
        try (PendingObject p = target.create(LOCK, Map.of(), WriteMode.OVERWRITE)) {
            p.stream().write(text.getBytes(StandardCharsets.UTF_8));
            p.commit();
        }
    }
}
