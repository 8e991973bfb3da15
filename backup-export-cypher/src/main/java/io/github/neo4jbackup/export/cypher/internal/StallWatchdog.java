package io.github.neo4jbackup.export.cypher.internal;

import org.neo4j.driver.Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Ends an export whose connection stalls. The driver has no read timeout: when the network stops
 * delivering packets without closing the connection (a dead link, a firewall dropping the flow, a
 * frozen server), a blocking call such as {@link Result#hasNext()} waits forever, and the Java
 * driver 5.x offers no public way to abort it (an interrupt makes a waiting {@link Result} close its
 * connection <em>gracefully</em>, which waits for the stalled server too).
 *
 * <p>{@link #run(Duration, OutputStream, Export)} therefore runs the export on a worker thread and
 * supervises it from the calling thread. The export marks each call that waits for the server with
 * {@link #call(String, Supplier)} or {@link #hasNext(Result, String)}; when one such call has waited
 * longer than the timeout, the supervisor closes the output to the worker (under a lock, so no write
 * is in progress and none follows), tries to force-close the stalled connection (the driver's
 * internal {@code forceClose(String)} through reflection, tested with driver 5.28; or an interrupt,
 * which force-closes the connection of a waiting session or transaction call), and throws a
 * {@link StalledException} naming the timeout. The worker is a daemon thread; if the connection
 * could not be closed it stays blocked until the connection dies or the driver is closed. Time spent
 * writing the output (a slow target) is never counted. Interrupting the calling thread is passed on
 * to the worker, so cancellation keeps working; an export that has not stopped two seconds after
 * the interrupt (a call waiting on a stalled connection does not notice it) is abandoned the same way
 * as a stalled one, with an {@link InterruptedIOException}.
 *
 * <p>Not API.
 */
public final class StallWatchdog {

    private static final Logger LOG = LoggerFactory.getLogger(StallWatchdog.class);
    /** How long a cancelled export may take to stop by itself before it is abandoned. */
    static final Duration CANCEL_GRACE = Duration.ofSeconds(2);

    private final Duration timeout;
    private final long timeoutNanos;
    private final Object lock = new Object();
    private volatile Thread worker;
    private long waitingSince;
    private boolean waiting;
    private String waitingFor;
    private Result waitingOn;

    /** The export run under watch. */
    @FunctionalInterface
    public interface Export<T> {
        /**
         * Runs the export.
         *
         * @param out      where to write (closed to the export once it is abandoned)
         * @param watchdog to mark the calls that wait for the server
         * @return the result
         * @throws IOException when the export fails
         */
        T run(OutputStream out, StallWatchdog watchdog) throws IOException;
    }

    private StallWatchdog(Duration timeout) {
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
    }

    /**
     * Runs {@code export} on a worker thread and waits for it, abandoning it when one of its calls
     * to the server waits longer than {@code timeout}.
     *
     * @param timeout how long one call may wait for the server
     * @param out     the output the export writes to
     * @param export  the export
     * @param <T>     its result type
     * @return the export's result
     * @throws IOException      as thrown by the export
     * @throws StalledException when a call waited longer than the timeout
     */
    public static <T> T run(Duration timeout, OutputStream out, Export<T> export) throws IOException {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        StallWatchdog watchdog = new StallWatchdog(timeout);
        GatedOutputStream gated = new GatedOutputStream(out);
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread worker = new Thread(() -> {
            try {
                result.complete(export.run(gated, watchdog));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "neo4j-backup-export");
        worker.setDaemon(true);
        watchdog.worker = worker;
        worker.start();
        long period = Math.max(10, Math.min(1000, timeout.toMillis() / 4));
        boolean interrupted = false;
        long cancelledAt = 0;
        try {
            while (true) {
                try {
                    return result.get(interrupted ? Math.min(period, 100) : period, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    if (!interrupted) {
                        interrupted = true;
                        cancelledAt = System.nanoTime();
                    }
                    worker.interrupt(); // cancellation: the export checks its thread's flag
                } catch (ExecutionException e) {
                    throw rethrow(e.getCause());
                } catch (TimeoutException e) {
                    if (interrupted && System.nanoTime() - cancelledAt >= CANCEL_GRACE.toNanos()) {
                        throw watchdog.abandonCancelled(gated);
                    }
                    StalledException stalled = watchdog.abandonIfStalled(gated);
                    if (stalled != null) {
                        throw stalled;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static IOException rethrow(Throwable cause) {
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        return new IOException(cause);
    }

    /**
     * The timeout.
     *
     * @return how long one call may wait for the server
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * {@link Result#hasNext()} under watch.
     *
     * @param result the result
     * @param what   what is read, for the message (e.g. "the nodes")
     * @return whether there is another record
     */
    public boolean hasNext(Result result, String what) {
        return call(what, result, result::hasNext);
    }

    /**
     * Runs a call that waits for the server.
     *
     * @param what   what the call does, for the message
     * @param action the call
     * @param <T>    its result type
     * @return its result
     */
    public <T> T call(String what, Supplier<T> action) {
        return call(what, null, action);
    }

    private <T> T call(String what, Result result, Supplier<T> action) {
        synchronized (lock) {
            waiting = true;
            waitingFor = what;
            waitingOn = result;
            waitingSince = System.nanoTime();
        }
        try {
            return action.get();
        } finally {
            synchronized (lock) {
                waiting = false;
                waitingOn = null;
            }
        }
    }

    /**
     * Abandons an export that did not stop by itself within {@link #CANCEL_GRACE} of being
     * cancelled (e.g. waiting on a connection that stalled): same as a stall, without the wait for
     * the stall timeout, so that a cancelled backup can clean up and end.
     */
    private InterruptedIOException abandonCancelled(GatedOutputStream gated) {
        Result result;
        synchronized (lock) {
            result = waiting ? waitingOn : null;
        }
        gated.abandon();
        if (result == null || !forceClose(result, "the export was cancelled")) {
            worker.interrupt();
        }
        return new InterruptedIOException("the export was cancelled and did not stop by itself within "
                + describe(CANCEL_GRACE) + " (it was waiting for the server), so it was abandoned");
    }

    private StallWatchdog.StalledException abandonIfStalled(GatedOutputStream gated) {
        String what;
        Result result;
        synchronized (lock) {
            if (!waiting || System.nanoTime() - waitingSince <= timeoutNanos) {
                return null;
            }
            what = waitingFor;
            result = waitingOn;
        }
        gated.abandon();
        String reason = "no answer from the server for " + describe(timeout) + " while reading " + what;
        if (result == null || !forceClose(result, reason)) {
            worker.interrupt(); // the driver force-closes the connection of a waiting session or transaction call
        }
        return new StalledException(reason + ": the connection stalled (a network that stopped delivering packets "
                + "without closing the connection, or a frozen server), so the export abandoned it");
    }

    /** Calls the driver's internal {@code forceClose(String)} on the result's connection. */
    private static boolean forceClose(Result result, String reason) {
        try {
            Field field = null;
            for (Class<?> c = result.getClass(); c != null && field == null; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (f.getName().equals("connection")) {
                        field = f;
                    }
                }
            }
            if (field == null) {
                throw new NoSuchFieldException(result.getClass().getName() + ".connection");
            }
            field.setAccessible(true);
            Object connection = field.get(result);
            Method forceClose = null;
            for (Class<?> c = connection.getClass(); c != null && forceClose == null; c = c.getSuperclass()) {
                for (Method m : c.getDeclaredMethods()) {
                    if (m.getName().equals("forceClose") && m.getParameterCount() == 1
                            && m.getParameterTypes()[0] == String.class) {
                        forceClose = m;
                    }
                }
            }
            if (forceClose == null) {
                throw new NoSuchMethodException(connection.getClass().getName() + ".forceClose(String)");
            }
            forceClose.setAccessible(true);
            forceClose.invoke(connection, reason);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Cannot force-close the stalled connection ({}); interrupting the export instead", e.toString());
            return false;
        }
    }

    private static String describe(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }

    /** The export's output: once abandoned, it refuses every write, so the caller can close what is under it. */
    private static final class GatedOutputStream extends FilterOutputStream {
        private boolean abandoned;

        GatedOutputStream(OutputStream out) {
            super(out);
        }

        synchronized void abandon() {
            abandoned = true;
        }

        private void check() throws IOException {
            if (abandoned) {
                throw new IOException("the export was abandoned after its connection stalled");
            }
        }

        @Override
        public synchronized void write(int b) throws IOException {
            check();
            out.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            check();
            out.write(b, off, len);
        }

        @Override
        public synchronized void flush() throws IOException {
            check();
            out.flush();
        }

        @Override
        public synchronized void close() throws IOException {
            if (!abandoned) {
                out.close();
            }
        }
    }

    /** A call waited longer than the watchdog's timeout; the export was abandoned. */
    public static final class StalledException extends UncheckedIOException {
        private static final long serialVersionUID = 1L;

        StalledException(String message) {
            super(message, new IOException(message));
        }
    }
}
