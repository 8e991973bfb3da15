package io.github.neo4jbackup.cli.service;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a job at the times a {@link Schedule} gives, one run at a time: a run that is still going
 * when the next one is due makes the scheduler skip that one (and tell its {@link Events}).
 * Whatever a run throws is caught and reported: a failed run never stops the schedule.
 *
 * <p>Two threads: a ticker that waits for the next due time, and a worker that runs the job. A
 * graceful {@link #stop(Duration, Duration)} stops the ticker, lets a running job finish within a
 * grace period, and otherwise interrupts it (the backup pipeline treats an interrupt as a
 * cancellation: it aborts the pending object and releases the lock).
 */
public final class Scheduler {

    /** What the scheduler reports; implementations must not throw. */
    public interface Events {
        /**
         * The next run is due at this time.
         *
         * @param due the time
         */
        void nextRun(ZonedDateTime due);

        /**
         * A run was due while the previous one still ran: it is skipped.
         *
         * @param due the time it was due
         */
        void skipped(ZonedDateTime due);

        /**
         * The job threw (it should report its own failures; this is the last resort).
         *
         * @param failure what it threw
         */
        void jobFailed(Throwable failure);
    }

    /** How a {@link #stop(Duration, Duration) stop} went. */
    public enum StopOutcome {
        /** No run was going. */
        IDLE,
        /** The running job finished within the grace period. */
        FINISHED,
        /** The running job was interrupted and ended. */
        CANCELLED,
        /** The running job was interrupted but did not end in time. */
        ABANDONED
    }

    private final Schedule schedule;
    private final Clock clock;
    private final Runnable job;
    private final Events events;
    private final ScheduledExecutorService ticker;
    private final ExecutorService worker;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Future<?> current;
    private volatile boolean stopping;

    /**
     * Creates a scheduler; nothing runs before {@link #start(boolean)}.
     *
     * @param schedule when runs are due
     * @param clock    the clock
     * @param job      one run
     * @param events   what to tell
     */
    public Scheduler(Schedule schedule, Clock clock, Runnable job, Events events) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.job = Objects.requireNonNull(job, "job");
        this.events = Objects.requireNonNull(events, "events");
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "neo4j-backup-schedule"));
        this.worker = Executors.newSingleThreadExecutor(r -> thread(r, "neo4j-backup-run"));
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Starts the schedule.
     *
     * @param runNow whether to run once right away, before the first scheduled time
     */
    public void start(boolean runNow) {
        ZonedDateTime now = ZonedDateTime.now(clock).withZoneSameInstant(schedule.zone());
        if (runNow) {
            ticker.execute(() -> fire(now, false));
        }
        scheduleAfter(now);
    }

    private void scheduleAfter(ZonedDateTime after) {
        if (stopping) {
            return;
        }
        ZonedDateTime now = ZonedDateTime.now(clock).withZoneSameInstant(schedule.zone());
        // after a long pause (a suspended host), do not fire every missed time: continue from now
        Optional<ZonedDateTime> next = schedule.next(after.isBefore(now.minusSeconds(1)) ? now : after);
        if (next.isEmpty()) {
            return;
        }
        ZonedDateTime due = next.get();
        events.nextRun(due);
        long delay = Math.max(0, Duration.between(ZonedDateTime.now(clock), due).toMillis());
        ticker.schedule(() -> fire(due, true), delay, TimeUnit.MILLISECONDS);
    }

    private void fire(ZonedDateTime due, boolean scheduled) {
        try {
            if (stopping) {
                return;
            }
            if (!busy.compareAndSet(false, true)) {
                events.skipped(due);
                return;
            }
            current = worker.submit(() -> {
                try {
                    job.run();
                } catch (Throwable t) {
                    events.jobFailed(t);
                } finally {
                    busy.set(false);
                }
            });
        } finally {
            if (scheduled) {
                scheduleAfter(due);
            }
        }
    }

    /**
     * Whether a run is going.
     *
     * @return whether the job runs now
     */
    public boolean running() {
        return busy.get();
    }

    /**
     * Stops scheduling; a running job gets {@code grace} to finish, then is interrupted and gets
     * {@code cancelWait} to end.
     *
     * @param grace      how long a running job may still take
     * @param cancelWait how long to wait for an interrupted job to end
     * @return what happened to the running job
     */
    public StopOutcome stop(Duration grace, Duration cancelWait) {
        stopping = true;
        ticker.shutdownNow();
        Future<?> running = current;
        StopOutcome outcome = StopOutcome.IDLE;
        if (running != null && busy.get()) {
            try {
                running.get(grace.toMillis(), TimeUnit.MILLISECONDS);
                outcome = StopOutcome.FINISHED;
            } catch (TimeoutException e) {
                running.cancel(true);
                outcome = StopOutcome.CANCELLED;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running.cancel(true);
                outcome = StopOutcome.CANCELLED;
            } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                outcome = StopOutcome.FINISHED;
            }
        }
        worker.shutdown();
        try {
            if (!worker.awaitTermination(cancelWait.toMillis(), TimeUnit.MILLISECONDS)) {
                outcome = StopOutcome.ABANDONED;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return outcome;
    }
}
