package io.github.neo4jbackup.core.internal;

import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A pending object whose {@link #abort()} and {@link #close()} work on an interrupted thread: a
 * run stopped by an interrupt (a cancelled task, a signal in the command line) must still discard
 * what it wrote, but file channels and the S3 client refuse to work while the thread's interrupt
 * flag is set. The flag is cleared for the clean-up and set again afterwards. Not API.
 */
public final class AbortOnInterrupt implements PendingObject {

    private final PendingObject delegate;

    private AbortOnInterrupt(PendingObject delegate) {
        this.delegate = delegate;
    }

    /**
     * Wraps a pending object.
     *
     * @param pending the pending object
     * @return the wrapper
     */
    public static PendingObject wrap(PendingObject pending) {
        return new AbortOnInterrupt(pending);
    }

    @Override
    public ObjectKey key() {
        return delegate.key();
    }

    @Override
    public OutputStream stream() {
        return delegate.stream();
    }

    @Override
    public ObjectInfo commit() throws IOException {
        return delegate.commit();
    }

    @Override
    public void abort() {
        uninterrupted(delegate::abort);
    }

    @Override
    public void close() {
        uninterrupted(delegate::close);
    }

    /**
     * Runs a clean-up step with the thread's interrupt flag cleared, restoring it afterwards.
     *
     * @param step the step
     */
    public static void uninterrupted(Runnable step) {
        boolean interrupted = Thread.interrupted();
        try {
            step.run();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
