package io.github.neo4jbackup.examples;

import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Embedding example with Spring: a bean whose {@code @Scheduled} method runs the pipeline on the
 * cron expression in the property {@code neo4j.backup.cron} (Spring's six-field dialect, with
 * seconds; default daily at 02:15:00). Register it in a configuration with
 * {@code @EnableScheduling}:
 *
 * <pre>{@code
 * @Configuration
 * @EnableScheduling
 * class BackupConfig {
 *     @Bean
 *     SpringScheduledBackups scheduledBackups(BackupPipeline pipeline) {
 *         return new SpringScheduledBackups(pipeline);
 *     }
 * }
 * }</pre>
 *
 * <p>Runs never overlap: Spring does not start a method again while it runs on the same trigger,
 * and the guard below also holds when the scheduler has several threads or the method is called by
 * hand. Failures reach the pipeline's listeners ({@code backupFailed}) and never escape into the
 * scheduler, which would only log them.
 */
public class SpringScheduledBackups {

    private static final Logger LOG = LoggerFactory.getLogger(SpringScheduledBackups.class);

    private final BackupPipeline pipeline;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /**
     * Creates the bean.
     *
     * @param pipeline the pipeline to run (its listeners receive failures)
     */
    public SpringScheduledBackups(BackupPipeline pipeline) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    }

    /** Runs one backup, unless one is still running. Called by Spring on the cron schedule. */
    @Scheduled(cron = "${neo4j.backup.cron:0 15 2 * * *}", zone = "${neo4j.backup.zone:UTC}")
    public void backup() {
        if (!running.compareAndSet(false, true)) {
            LOG.warn("Skipping a scheduled backup: the previous one is still running");
            return;
        }
        try {
            BackupResult result = pipeline.backup();
            succeeded.incrementAndGet();
            LOG.info("Scheduled backup {} done", result.id());
        } catch (BackupException e) {
            failed.incrementAndGet(); // already reported to the pipeline's listeners
        } finally {
            running.set(false);
        }
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
}
