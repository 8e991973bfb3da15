package io.github.neo4jbackup.export.cypher.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stall watchdog without a server: blocking calls, slow output, cancellation. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StallWatchdogTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);

    @Test
    void aCallThatWaitsTooLongIsAbandonedAndLaterWritesAreRefused() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Throwable> lateWrite = new AtomicReference<>();
        CountDownLatch workerDone = new CountDownLatch(1);
        long t = System.nanoTime();
        assertThatThrownBy(() -> StallWatchdog.run(TIMEOUT, sink, (out, watchdog) -> {
            out.write('a');
            watchdog.call("the nodes", () -> {
                awaitUninterruptibly(release); // a blocking call the interrupt does not end
                return null;
            });
            try {
                out.write('b');
            } catch (IOException e) {
                lateWrite.set(e);
            } finally {
                workerDone.countDown();
            }
            return "done";
        })).isInstanceOf(StallWatchdog.StalledException.class)
                .hasMessageContaining("no answer from the server for 300 ms while reading the nodes")
                .hasMessageContaining("the connection stalled");
        assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(5));
        release.countDown();
        assertThat(workerDone.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(lateWrite.get()).as("the abandoned export cannot write any more").isNotNull();
        assertThat(sink.toString()).isEqualTo("a");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void slowOutputIsNotAStall() throws IOException {
        OutputStream slow = new OutputStream() {
            @Override
            public void write(int b) {
                sleep(TIMEOUT.toMillis() * 3); // a slow target
            }
        };
        String result = StallWatchdog.run(TIMEOUT, slow, (out, watchdog) -> {
            for (int i = 0; i < 2; i++) {
                watchdog.call("a record", () -> 1);
                out.write(i);
            }
            return "done";
        });
        assertThat(result).isEqualTo("done");
    }

    @Test
    void failuresOfTheExportPassThroughUnchanged() {
        IOException failure = new IOException("broken");
        assertThatThrownBy(() -> StallWatchdog.run(TIMEOUT, OutputStream.nullOutputStream(), (out, watchdog) -> {
            throw failure;
        })).isSameAs(failure);
        IllegalStateException runtime = new IllegalStateException("bad");
        assertThatThrownBy(() -> StallWatchdog.run(TIMEOUT, OutputStream.nullOutputStream(), (out, watchdog) -> {
            throw runtime;
        })).isSameAs(runtime);
    }

    @Test
    void interruptingTheCallerCancelsTheExport() throws Exception {
        AtomicBoolean sawCancel = new AtomicBoolean();
        Thread caller = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            sleep(200);
            caller.interrupt();
        });
        interrupter.start();
        String result = StallWatchdog.run(Duration.ofSeconds(10), OutputStream.nullOutputStream(), (out, w) -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
                Thread.onSpinWait();
            }
            sawCancel.set(Thread.currentThread().isInterrupted());
            return "stopped";
        });
        interrupter.join();
        assertThat(result).isEqualTo("stopped");
        assertThat(sawCancel).as("the export's thread saw the cancellation").isTrue();
        assertThat(Thread.interrupted()).as("the caller keeps its interrupt").isTrue();
    }

    @Test
    void aCancelledExportWaitingOnAStalledCallIsAbandonedWithoutWaitingForTheStallTimeout() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        CountDownLatch release = new CountDownLatch(1);
        Thread caller = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            sleep(200);
            caller.interrupt();
        });
        interrupter.start();
        long t = System.nanoTime();
        try {
            assertThatThrownBy(() -> StallWatchdog.run(Duration.ofMinutes(10), sink, (out, watchdog) -> {
                out.write('a');
                watchdog.call("the nodes", () -> {
                    awaitUninterruptibly(release); // like a driver call on a stalled connection
                    return null;
                });
                out.write('b');
                return "done";
            })).isInstanceOf(java.io.InterruptedIOException.class).hasMessageContaining("cancelled");
            assertThat(Duration.ofNanos(System.nanoTime() - t)).as("abandoned after the grace period, not the "
                    + "stall timeout").isLessThan(Duration.ofSeconds(8));
            assertThat(Thread.interrupted()).as("the caller keeps its interrupt").isTrue();
        } finally {
            release.countDown();
            interrupter.join();
        }
        assertThat(sink.toString()).isEqualTo("a");
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // like the driver's blocking wait: keeps waiting
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
