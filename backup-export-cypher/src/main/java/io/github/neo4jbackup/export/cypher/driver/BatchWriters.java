package io.github.neo4jbackup.export.cypher.driver;

import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Driver;
import org.neo4j.driver.NotificationConfig;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.TransactionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The write side of a driver restore: {@code n} threads, each with its own write session, taking
 * batches from a bounded queue (at most {@code n} waiting, so at most {@code 2n + 1} batches exist
 * while the reader builds the next one) and writing each in one transaction through
 * {@code executeWrite}, which retries transient failures such as deadlocks. With one thread the
 * writes still overlap the reading and decoding of the next batch.
 *
 * <p>The first failure stops everything: batches still queued are dropped, the reader's next
 * {@link #submit} or {@link #await} throws it, and the counts say what was committed. Only the thread
 * that submits calls {@link #submit}, {@link #await} and {@link #close}.
 */
final class BatchWriters implements AutoCloseable {

    /** One transaction's work; {@link #write} may run more than once when a transient failure is retried. */
    interface Batch<R> {

        /** Writes the batch in the transaction; returns what {@link #committed} needs. */
        R write(TransactionContext tx);

        /** Called once, on the writer thread, after the transaction committed. */
        void committed(R result);
    }

    private static final Batch<Void> STOP = new Batch<>() {
        @Override
        public Void write(TransactionContext tx) {
            return null;
        }

        @Override
        public void committed(Void result) {
        }
    };

    private final BlockingQueue<Batch<?>> queue;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private final Object lock = new Object();
    private int pending;
    private boolean closed;

    BatchWriters(Driver driver, String database, int writers, TransactionConfig config, String name) {
        if (writers < 1) {
            throw new IllegalArgumentException("writers must be at least 1, was " + writers);
        }
        this.queue = new ArrayBlockingQueue<>(writers);
        SessionConfig sessionConfig = SessionConfig.builder().withDatabase(database)
                .withDefaultAccessMode(AccessMode.WRITE)
                .withNotificationConfig(NotificationConfig.disableAllConfig()).build();
        for (int i = 0; i < writers; i++) {
            Thread t = new Thread(() -> work(driver, sessionConfig, config), name + "-writer-" + (i + 1));
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void work(Driver driver, SessionConfig sessionConfig, TransactionConfig config) {
        try (Session session = driver.session(sessionConfig)) {
            while (true) {
                Batch<?> batch = queue.take();
                if (batch == STOP) {
                    return;
                }
                try {
                    if (failure.get() == null) {
                        run(session, batch, config);
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                } finally {
                    synchronized (lock) {
                        pending--;
                        lock.notifyAll();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e); // the session could not be closed
        }
    }

    private <R> void run(Session session, Batch<R> batch, TransactionConfig config) {
        R result = session.executeWrite(tx -> {
            attempts.incrementAndGet();
            return batch.write(tx);
        }, config);
        transactions.incrementAndGet();
        batch.committed(result);
    }

    /**
     * Queues a batch, waiting while the queue is full.
     *
     * @throws RuntimeException the first failure of any batch (nothing more is written after it)
     */
    void submit(Batch<?> batch) {
        rethrow();
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the writers are closed");
            }
            pending++;
        }
        try {
            while (!queue.offer(batch, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (failure.get() != null) {
                    synchronized (lock) {
                        pending--;
                    }
                    rethrow();
                }
            }
        } catch (InterruptedException e) {
            synchronized (lock) {
                pending--;
            }
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing a batch", e);
        }
    }

    /**
     * Waits until every queued batch has been written (or dropped after a failure).
     *
     * @throws RuntimeException the first failure of any batch
     */
    void await() {
        synchronized (lock) {
            while (pending > 0) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the writers", e);
                }
            }
        }
        rethrow();
    }

    /** The first failure, or {@code null}. */
    RuntimeException failure() {
        return failure.get();
    }

    /** Transactions attempted beyond the committed ones: retries after transient failures (e.g. deadlocks). */
    long retries() {
        return Math.max(0, attempts.get() - transactions.get() - (failure.get() == null ? 0 : 1));
    }

    private void rethrow() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    /** Waits for the queued batches, then stops the threads and closes their sessions. Never throws. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            while (pending > 0) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        for (int i = 0; i < threads.size(); i++) {
            queue.offer(STOP);
        }
        for (Thread t : threads) {
            try {
                t.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
