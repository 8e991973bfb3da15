package io.github.neo4jbackup.core.transform;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The lifecycle shared by the encoding streams: small writes are collected in a buffer so the
 * codec sees chunks, {@link #close()} finishes the encoding, frees the codec's resources and closes
 * the downstream (in that order, the last two even when finishing fails), and is idempotent.
 *
 * <p>After a failure inside the codec the stream refuses further use, and {@link #close()} does not
 * write a trailer: output that is known to be incomplete is never made to look complete.
 */
abstract class EncodingOutputStream extends OutputStream {

    private final String format;
    private final OutputStream downstream;
    private final byte[] buffer;
    private int count;
    private boolean closed;
    private Exception failure;

    /**
     * Creates the stream.
     *
     * @param format     the format name used in messages ({@code gzip}, {@code zstd})
     * @param downstream where the encoded bytes go
     * @param bufferSize how many bytes of small writes to collect before encoding them
     */
    EncodingOutputStream(String format, OutputStream downstream, int bufferSize) {
        this.format = format;
        this.downstream = Objects.requireNonNull(downstream, "downstream");
        this.buffer = new byte[bufferSize];
    }

    /**
     * Encodes bytes, writing whatever encoded output becomes available to {@link #downstream()}.
     * The codec must not keep a reference to {@code b}.
     *
     * @param b   the bytes
     * @param off the offset
     * @param len the number of bytes, at least one
     * @throws IOException when encoding or writing fails
     */
    protected abstract void encode(byte[] b, int off, int len) throws IOException;

    /**
     * Writes everything encoded so far to {@link #downstream()}, so that a reader could decode all
     * bytes written until now.
     *
     * @throws IOException when encoding or writing fails
     */
    protected abstract void flushEncoder() throws IOException;

    /**
     * Ends the encoding: writes the remaining encoded data and the trailer. Does not close the
     * downstream.
     *
     * @throws IOException when encoding or writing fails
     */
    protected abstract void finishEncoder() throws IOException;

    /** Frees the codec's (native) resources. Called exactly once, must not throw. */
    protected abstract void release();

    /**
     * The stream the encoded bytes go to.
     *
     * @return the downstream
     */
    protected final OutputStream downstream() {
        return downstream;
    }

    @Override
    public void write(int b) throws IOException {
        ensureUsable();
        buffer[count++] = (byte) b;
        if (count == buffer.length) {
            drainBuffer();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureUsable();
        if (len == 0) {
            return;
        }
        if (len >= buffer.length) {
            drainBuffer();
            guarded(() -> encode(b, off, len));
            return;
        }
        if (len > buffer.length - count) {
            drainBuffer();
        }
        System.arraycopy(b, off, buffer, count, len);
        count += len;
    }

    @Override
    public void flush() throws IOException {
        ensureUsable();
        drainBuffer();
        guarded(() -> {
            flushEncoder();
            downstream.flush();
        });
    }

    /**
     * Finishes the encoding, frees the codec and closes the downstream. Does nothing when already
     * closed.
     *
     * @throws IOException when finishing or closing the downstream failed; the output is then
     *                     incomplete
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        Exception problem = null;
        try {
            try {
                if (failure != null) {
                    throw new IOException("The " + format + " output is incomplete because encoding failed earlier ("
                            + failure.getMessage() + "); discard it", failure);
                }
                drainBuffer();
                guarded(this::finishEncoder);
            } catch (IOException | RuntimeException e) {
                problem = e;
            }
        } finally {
            try {
                release();
            } catch (RuntimeException e) {
                problem = chain(problem, e);
            }
            try {
                downstream.close();
            } catch (IOException | RuntimeException e) {
                problem = chain(problem, e);
            }
        }
        if (problem instanceof IOException io) {
            throw io;
        }
        if (problem instanceof RuntimeException re) {
            throw re;
        }
    }

    private static Exception chain(Exception first, Exception next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private void drainBuffer() throws IOException {
        if (count > 0) {
            int n = count;
            count = 0;
            guarded(() -> encode(buffer, 0, n));
        }
    }

    private void ensureUsable() throws IOException {
        if (closed) {
            throw new IOException("The " + format + " encoding stream is closed; no more data can be written");
        }
        if (failure != null) {
            throw new IOException("The " + format + " encoding stream failed earlier (" + failure.getMessage()
                    + "); no more data can be written, discard the output", failure);
        }
    }

    private void guarded(IoAction action) throws IOException {
        try {
            action.run();
        } catch (IOException | RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    /** An action that may fail with an {@link IOException}. */
    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
