package io.github.neo4jbackup.examples;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Embedding example: runs {@link BackupPipeline#backup()} on a cron schedule inside an application,
 * with a {@link ScheduledExecutorService} and cron-utils.
 *
 * <pre>{@code
 * BackupPipeline pipeline = BackupPipeline.builder()
 *         .source(DriverExportSource.builder(driver).database("neo4j").build())
 *         .transform(Compression.zstd(3))
 *         .target(LocalStorageTarget.of(Path.of("/var/backups/neo4j")))
 *         .retention(RetentionPolicy.builder().keepLast(24).keepDaily(7).build())
 *         .listener(alerts)            // failures reach your alerting through the listener
 *         .build();
 * CronBackupScheduler scheduler = CronBackupScheduler.start(pipeline, "0 * * * *");   // hourly
 * ...
 * scheduler.close();                   // on application shutdown
 * }</pre>
 *
 * <p>Runs never overlap: a tick that comes while a backup is still running is skipped (and logged),
 * not queued. A failed run is reported to the pipeline's listeners ({@code backupFailed}) by the
 * pipeline itself and does not stop the schedule. The ticker and the backup run on two different
 * single daemon threads, so a long backup never delays the computation of the next tick.
 */
public final class CronBackupScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CronBackupScheduler.class);

    private final BackupPipeline pipeline;
    private final String expression;
    private final ExecutionTime executionTime;
    private final ZoneId zone;
    private final Clock clock;
    private final ScheduledExecutorService ticker;
    private final ExecutorService worker;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private volatile ScheduledFuture<?> nextTick;
    private volatile ZonedDateTime nextRun;
    private volatile boolean closed;

    private CronBackupScheduler(BackupPipeline pipeline, String expression, CronType type, ZoneId zone, Clock clock) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.expression = Objects.requireNonNull(expression, "expression");
        Cron cron = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(type)).parse(expression).validate();
        this.executionTime = ExecutionTime.forCron(cron);
        this.zone = Objects.requireNonNull(zone, "zone");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("neo4j-backup-cron"));
        this.worker = Executors.newSingleThreadExecutor(daemon("neo4j-backup-run"));
    }

    /**
     * Starts a schedule from a Unix cron expression (five fields: minute hour day-of-month month
     * day-of-week), in the system time zone.
     *
     * @param pipeline   the pipeline to run
     * @param expression e.g. {@code "15 2 * * *"} (daily at 02:15)
     * @return the running scheduler
     * @throws IllegalArgumentException if the expression is not valid
     */
    public static CronBackupScheduler start(BackupPipeline pipeline, String expression) {
        return start(pipeline, expression, CronType.UNIX, ZoneId.systemDefault());
    }

    /**
     * Starts a schedule from a cron expression of the given dialect, in a time zone.
     *
     * @param pipeline   the pipeline to run
     * @param expression the expression
     * @param type       the dialect ({@link CronType#UNIX}, {@link CronType#QUARTZ}, {@link CronType#SPRING} with seconds, ...)
     * @param zone       the time zone the expression is read in
     * @return the running scheduler
     * @throws IllegalArgumentException if the expression is not valid for the dialect
     */
    public static CronBackupScheduler start(BackupPipeline pipeline, String expression, CronType type, ZoneId zone) {
        CronBackupScheduler scheduler = new CronBackupScheduler(pipeline, expression, type, zone, Clock.system(zone));
        scheduler.scheduleNext();
        return scheduler;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private void scheduleNext() {
        if (closed) {
            return;
        }
        ZonedDateTime now = ZonedDateTime.now(clock).withZoneSameInstant(zone);
        Optional<ZonedDateTime> next = executionTime.nextExecution(now);
        if (next.isEmpty()) {
            LOG.warn("Cron expression '{}' has no further executions; the schedule ends", expression);
            nextRun = null;
            return;
        }
        nextRun = next.get();
        long delay = Math.max(0, Duration.between(now, next.get()).toMillis());
        nextTick = ticker.schedule(this::tick, delay, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            if (!running.compareAndSet(false, true)) {
                skipped.incrementAndGet();
                LOG.warn("Skipping the scheduled backup at {}: the previous one is still running", nextRun);
                return;
            }
            try {
                worker.execute(this::runOnce);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                running.set(false); // closing
            }
        } finally {
            // computed after this tick's time has passed, so the same tick is never scheduled twice
            scheduleNext();
        }
    }

    private void runOnce() {
        started.incrementAndGet();
        try {
            BackupResult result = pipeline.backup();
            succeeded.incrementAndGet();
            LOG.info("Scheduled backup {} done; next at {}", result.id(), nextRun);
        } catch (BackupException e) {
            failed.incrementAndGet(); // already reported to the pipeline's listeners as backupFailed
            LOG.debug("Scheduled backup failed (reported to the listeners): {}", e.getMessage());
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            LOG.error("Scheduled backup failed unexpectedly; the schedule continues", e);
        } finally {
            running.set(false);
        }
    }

    /**
     * When the next run is due, if any.
     *
     * @return the next run time
     */
    public Optional<ZonedDateTime> nextRun() {
        return Optional.ofNullable(nextRun);
    }

    /**
     * Whether a backup is running now.
     *
     * @return {@code true} while a run is in progress
     */
    public boolean isRunning() {
        return running.get();
    }

    /**
     * Runs started so far.
     *
     * @return the count
     */
    public long startedRuns() {
        return started.get();
    }

    /**
     * Runs that succeeded so far.
     *
     * @return the count
     */
    public long succeededRuns() {
        return succeeded.get();
    }

    /**
     * Runs that failed so far.
     *
     * @return the count
     */
    public long failedRuns() {
        return failed.get();
    }

    /**
     * Ticks skipped because the previous run was still going.
     *
     * @return the count
     */
    public long skippedRuns() {
        return skipped.get();
    }

    /**
     * Stops scheduling, waits up to {@code timeout} for a running backup to finish.
     *
     * @param timeout how long to wait for a running backup
     * @return {@code true} if no backup is running any more
     */
    public boolean close(Duration timeout) {
        closed = true;
        ScheduledFuture<?> tick = nextTick;
        if (tick != null) {
            tick.cancel(false);
        }
        ticker.shutdownNow();
        worker.shutdown();
        try {
            return worker.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops scheduling and waits up to one hour for a running backup to finish. */
    @Override
    public void close() {
        if (!close(Duration.ofHours(1))) {
            LOG.warn("A scheduled backup was still running when the scheduler closed");
        }
    }

    @Override
    public String toString() {
        return "CronBackupScheduler['" + expression + "' " + zone + ", next " + nextRun + ", " + pipeline + "]";
    }
}
