package io.github.neo4jbackup.cli.service;

import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.metrics.micrometer.MicrometerBackupListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The metrics of the command line in Prometheus form: the library's {@link MicrometerBackupListener}
 * meters (last success, sizes, durations, failures) plus what only a scheduler knows (runs by
 * outcome, skipped runs, last run duration, newest backup age, next run, entity counts, lock waits).
 * Names are listed in {@code docs/metrics.md}. Thread-safe.
 */
public final class ServiceMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MicrometerBackupListener listener = MicrometerBackupListener.of(registry);
    private final Clock clock;
    private final AtomicLong lastRunMillis = new AtomicLong(-1);
    private final AtomicReference<Instant> newest = new AtomicReference<>();
    private final AtomicReference<Instant> nextRun = new AtomicReference<>();
    private final Map<String, long[]> counts = new ConcurrentHashMap<>();
    private final Counter skipped;
    private final Counter lockWaits;

    /**
     * Creates the meters.
     *
     * @param clock the clock (for the newest backup's age)
     */
    public ServiceMetrics(Clock clock) {
        this.clock = clock;
        this.skipped = Counter.builder("neo4j.backup.skipped")
                .description("Runs skipped because the previous run was still going").register(registry);
        this.lockWaits = Counter.builder("neo4j.backup.lock.waits")
                .description("Backups that found the repository locked by another run").register(registry);
        Gauge.builder("neo4j.backup.last.run.duration", lastRunMillis, v -> v.get() < 0 ? -1 : v.get() / 1000.0)
                .description("How long the last run took, waiting for Neo4j included (-1 before the first run)").baseUnit("seconds")
                .strongReference(true).register(registry);
        Gauge.builder("neo4j.backup.newest.age", newest, v -> v.get() == null ? -1
                        : Duration.between(v.get(), clock.instant()).toMillis() / 1000.0)
                .description("Age of the newest successful backup (-1 while there is none)").baseUnit("seconds")
                .strongReference(true).register(registry);
        Gauge.builder("neo4j.backup.next.run", nextRun, v -> v.get() == null ? -1 : v.get().toEpochMilli() / 1000.0)
                .description("Epoch time of the next scheduled run (-1 when none is scheduled)").baseUnit("seconds")
                .strongReference(true).register(registry);
        for (String outcome : new String[] {"success", "failure"}) {
            runs(outcome); // both series exist from the start, so rate() and absent() work
        }
    }

    private Counter runs(String outcome) {
        return Counter.builder("neo4j.backup.runs").description("Scheduled runs by outcome")
                .tag("outcome", outcome).register(registry);
    }

    /**
     * The listener to add to every pipeline: the library's Micrometer meters plus lock waits and entity counts.
     *
     * @return the listener
     */
    public BackupListener listener() {
        return new BackupListener() {
            @Override
            public void backupStarted(String id, String database, io.github.neo4jbackup.core.spi.ObjectKey key) {
                listener.backupStarted(id, database, key);
            }

            @Override
            public void backupCommitted(BackupResult result) {
                listener.backupCommitted(result);
                long[] c = counts.computeIfAbsent(result.manifest().database(), db -> {
                    long[] values = {-1, -1};
                    Gauge.builder("neo4j.backup.last.nodes", values, v -> v[0]).tags(Tags.of("database", db))
                            .description("Nodes in the last committed backup (-1 when the engine does not count)")
                            .strongReference(true).register(registry);
                    Gauge.builder("neo4j.backup.last.relationships", values, v -> v[1]).tags(Tags.of("database", db))
                            .description("Relationships in the last committed backup (-1 when the engine does not count)")
                            .strongReference(true).register(registry);
                    return values;
                });
                c[0] = result.counts().nodes();
                c[1] = result.counts().relationships();
                backupSucceeded(result.manifest().finishedAt());
            }

            @Override
            public void backupFailed(String id, BackupException failure) {
                listener.backupFailed(id, failure);
            }

            @Override
            public void verified(io.github.neo4jbackup.core.VerifyReport report) {
                listener.verified(report);
            }

            @Override
            public void pruned(io.github.neo4jbackup.core.PruneResult result) {
                listener.pruned(result);
            }

            @Override
            public void pruneFailed(BackupException failure) {
                listener.pruneFailed(failure);
            }

            @Override
            public void restoreCompleted(io.github.neo4jbackup.core.RestoreResult result) {
                listener.restoreCompleted(result);
            }

            @Override
            public void restoreFailed(String id, BackupException failure) {
                listener.restoreFailed(id, failure);
            }
        };
    }

    /**
     * A backup committed at this time (or the newest found in the repository at start).
     *
     * @param finishedAt the commit time
     */
    public void backupSucceeded(Instant finishedAt) {
        newest.accumulateAndGet(finishedAt, (a, b) -> a == null || b.isAfter(a) ? b : a);
    }

    /**
     * A run ended.
     *
     * @param success  whether it succeeded
     * @param duration how long it took
     */
    public void runFinished(boolean success, Duration duration) {
        lastRunMillis.set(duration.toMillis());
        runs(success ? "success" : "failure").increment();
    }

    /** A backup found the repository locked by another run. */
    public void lockHeld() {
        lockWaits.increment();
    }

    /** A due run was skipped. */
    public void skipped() {
        skipped.increment();
    }

    /**
     * The next due time.
     *
     * @param due the time
     */
    public void nextRun(Instant due) {
        nextRun.set(due);
    }

    /**
     * The metrics in the Prometheus text exposition format (version 0.0.4).
     *
     * @return the text
     */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * Writes the metrics to a file atomically (a temporary file in the same directory, then a
     * rename), the way node_exporter's textfile collector expects.
     *
     * @param file the {@code .prom} file
     * @throws IOException when the file cannot be written
     */
    public void writeTo(Path file) throws IOException {
        writeAtomically(file, scrape());
    }

    static void writeAtomically(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
