package io.github.neo4jbackup.cli.service;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulerTest {

    static final class Recorder implements Scheduler.Events {
        final List<ZonedDateTime> next = new CopyOnWriteArrayList<>();
        final List<ZonedDateTime> skipped = new CopyOnWriteArrayList<>();
        final List<Throwable> failed = new CopyOnWriteArrayList<>();

        @Override
        public void nextRun(ZonedDateTime due) {
            next.add(due);
        }

        @Override
        public void skipped(ZonedDateTime due) {
            skipped.add(due);
        }

        @Override
        public void jobFailed(Throwable failure) {
            failed.add(failure);
        }
    }

    @Test
    void aRunStillGoingMakesTheNextOneSkippedNeverConcurrent() throws Exception {
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        Recorder events = new Recorder();
        Scheduler s = new Scheduler(Schedule.every(Duration.ofSeconds(1)), Clock.systemUTC(), () -> {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            runs.incrementAndGet();
            try {
                Thread.sleep(2500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                concurrent.decrementAndGet();
            }
        }, events);
        s.start(true);
        Thread.sleep(3300);
        assertThat(s.stop(Duration.ofSeconds(5), Duration.ofSeconds(5))).isEqualTo(Scheduler.StopOutcome.FINISHED);
        assertThat(maxConcurrent.get()).isEqualTo(1);
        assertThat(runs.get()).isEqualTo(2); // at 0 s and at 3 s; those due at 1 s and 2 s were skipped
        assertThat(events.skipped).hasSize(2);
    }

    @Test
    void aFailingRunDoesNotStopTheSchedule() throws Exception {
        CountDownLatch three = new CountDownLatch(3);
        Recorder events = new Recorder();
        Scheduler s = new Scheduler(Schedule.every(Duration.ofSeconds(1)), Clock.systemUTC(), () -> {
            three.countDown();
            throw new IllegalStateException("boom");
        }, events);
        s.start(true);
        assertThat(three.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(s.stop(Duration.ofSeconds(1), Duration.ofSeconds(1))).isIn(Scheduler.StopOutcome.IDLE,
                Scheduler.StopOutcome.FINISHED);
        assertThat(events.failed).hasSizeGreaterThanOrEqualTo(3).allMatch(t -> t.getMessage().equals("boom"));
    }

    @Test
    void stopCancelsARunThatOutlastsTheGrace() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        Scheduler s = new Scheduler(Schedule.every(Duration.ofHours(1)), Clock.systemUTC(), () -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
            }
        }, new Recorder());
        s.start(true);
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        assertThat(s.stop(Duration.ofMillis(300), Duration.ofSeconds(5))).isEqualTo(Scheduler.StopOutcome.CANCELLED);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        assertThat(interrupted.get()).isEqualTo(1);
    }
}
