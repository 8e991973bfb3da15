package io.github.neo4jbackup.examples;

import com.cronutils.model.CronType;
import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CronBackupSchedulerTest {

    /** A source whose every run takes {@code millis} and whose odd runs fail. */
    private static BackupSource slowFlakySource(long millis, AtomicInteger runs, AtomicInteger concurrent,
                                                AtomicInteger maxConcurrent) {
        return new BackupSource() {
            @Override
            public String type() {
                return "test";
            }

            @Override
            public String database() {
                return "neo4j";
            }

            @Override
            public String extension() {
                return "txt";
            }

            @Override
            public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
                int n = runs.incrementAndGet();
                maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                } finally {
                    concurrent.decrementAndGet();
                }
                out.write(("run " + n).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                if (n % 2 == 1) {
                    throw new IOException("simulated failure of run " + n);
                }
                return SourceDescription.of(type(), database());
            }
        };
    }

    @Test
    void runsOnTheScheduleWithoutOverlapAndReportsFailuresToTheListener() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        List<String> successes = new CopyOnWriteArrayList<>();
        BackupListener alerts = new BackupListener() {
            @Override
            public void backupFailed(String id, BackupException failure) {
                failures.add(failure.getMessage());
            }

            @Override
            public void backupCommitted(BackupResult result) {
                successes.add(result.id());
            }
        };
        // every second (Spring dialect has seconds); each run takes 1.5 s, so every other tick is skipped
        BackupPipeline pipeline = BackupPipeline.builder().source(slowFlakySource(1_500, runs, concurrent, maxConcurrent))
                .target(new InMemoryStorageTarget())
                .listener(alerts).build();
        CronBackupScheduler scheduler = CronBackupScheduler.start(pipeline, "* * * * * *", CronType.SPRING, ZoneOffset.UTC);
        try {
            assertThat(scheduler.nextRun()).isPresent();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while ((scheduler.succeededRuns() < 1 || scheduler.failedRuns() < 1 || scheduler.skippedRuns() < 1)
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } finally {
            assertThat(scheduler.close(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(maxConcurrent.get()).isEqualTo(1);
        assertThat(scheduler.skippedRuns()).isPositive();
        assertThat(scheduler.failedRuns()).isPositive();
        assertThat(scheduler.succeededRuns()).isPositive();
        assertThat(failures).isNotEmpty().allMatch(m -> m.contains("simulated failure"));
        assertThat(successes).hasSize((int) scheduler.succeededRuns());
    }

    @Test
    void rejectsAnInvalidExpression() {
        BackupPipeline pipeline = BackupPipeline.builder().source(new SampleGraphSource("neo4j", 1, 1, 1))
                .target(new InMemoryStorageTarget()).build();
        assertThatThrownBy(() -> CronBackupScheduler.start(pipeline, "61 * * * *"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
