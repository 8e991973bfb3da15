package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.TestSupport.GeneratedSource;
import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import io.github.neo4jbackup.core.transform.Compression;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConcurrencyAndProgressTest {

    /** A source that blocks until released, so a second run can try to overlap. */
    static final class GatedSource implements BackupSource {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public String type() {
            return "gated";
        }

        @Override
        public String database() {
            return "neo4j";
        }

        @Override
        public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
            out.write(new byte[1000]);
            started.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            out.write(new byte[1000]);
            return SourceDescription.of("gated", "neo4j");
        }
    }

    @Test
    void overlappingBackupAndPruneAreRefusedWhileALockIsHeld() throws Exception {
        InMemoryStorageTarget target = new InMemoryStorageTarget();
        GatedSource gated = new GatedSource();
        BackupPipeline first = BackupPipeline.builder().source(gated).target(target).build();
        BackupPipeline second = BackupPipeline.builder().source(new GeneratedSource("neo4j", 100, 1)).target(target)
                .retention(RetentionPolicy.builder().keepLast(1).build()).build();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<BackupResult> running = executor.submit(first::backup);
            assertThat(gated.started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(second::backup).isInstanceOf(LockHeldException.class).hasMessageContaining("backup neo4j-");
            assertThatThrownBy(() -> second.prune(false)).isInstanceOf(LockHeldException.class);
            assertThat(second.prune(true).dryRun()).as("a dry run needs no lock").isTrue();
            gated.release.countDown();
            BackupResult result = running.get(30, TimeUnit.SECONDS);
            assertThat(second.list()).extracting(m -> m.id()).containsExactly(result.id());
            Thread.sleep(1100); // next second, so the second backup gets its own key
            second.backup();
            assertThat(second.list()).hasSize(1);
        } finally {
            gated.release.countDown();
            executor.shutdownNow();
        }
    }

    @Test
    void concurrentBackupsOfOneDatabaseNeverBothRun() throws Exception {
        InMemoryStorageTarget target = new InMemoryStorageTarget();
        int threads = 6;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> futures = new ArrayList<>();
        AtomicLong clockSeconds = new AtomicLong();
        for (int i = 0; i < threads; i++) {
            int n = i;
            futures.add(executor.submit(() -> {
                Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z").plusSeconds(n), ZoneOffset.UTC);
                BackupPipeline p = BackupPipeline.builder().source(new GeneratedSource("neo4j", 2_000_000, n))
                        .transform(Compression.gzip(1)).target(target).clock(clock).build();
                go.await();
                try {
                    p.backup();
                    clockSeconds.incrementAndGet();
                    return "ok";
                } catch (LockHeldException e) {
                    return "locked";
                }
            }));
        }
        go.countDown();
        List<String> outcomes = new ArrayList<>();
        for (Future<String> f : futures) {
            outcomes.add(f.get(60, TimeUnit.SECONDS));
        }
        executor.shutdown();
        assertThat(outcomes).contains("ok");
        BackupPipeline reader = BackupPipeline.builder().target(target).build();
        assertThat(reader.list()).hasSize((int) outcomes.stream().filter("ok"::equals).count());
        for (var m : reader.list()) {
            assertThat(reader.verify(m.id(), VerifyLevel.FULL).ok()).isTrue();
        }
        assertThat(target.keys()).noneMatch(k -> k.value().endsWith(".lock"));
    }

    @Test
    void progressIsReportedDuringLongBackups() {
        List<long[]> progress = new ArrayList<>();
        BackupSource slow = new BackupSource() {
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
                for (int i = 0; i < 12; i++) {
                    out.write(new byte[100_000]);
                    context.recordsExported(10);
                    try {
                        Thread.sleep(60);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
                return null;
            }
        };
        BackupPipeline.builder().source(slow).target(new InMemoryStorageTarget()).listener(new BackupListener() {
            @Override
            public void backupProgress(String id, long rawBytes, long storedBytes, long records) {
                progress.add(new long[] {rawBytes, storedBytes, records});
            }
        }).lockStaleAfter(Duration.ofMinutes(1)).build().backup();
        assertThat(progress).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 1; i < progress.size(); i++) {
            assertThat(progress.get(i)[0]).isGreaterThanOrEqualTo(progress.get(i - 1)[0]);
        }
        assertThat(progress.get(progress.size() - 1)[2]).isPositive();
    }
}
