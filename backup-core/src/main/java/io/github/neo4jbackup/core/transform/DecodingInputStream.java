package io.github.neo4jbackup.core.transform;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The lifecycle shared by the decoding streams: once decoding failed every further read fails too
 * (so a caller that catches and carries on never sees bytes from a broken stream), reads after
 * {@link #close()} fail, and {@link #close()} frees the codec and closes the upstream, once.
 *
 * <p>Subclasses read the upstream through {@link #upstream()}, which remembers the exceptions the
 * upstream itself threw: those are passed on unchanged (a storage failure stays a storage failure),
 * while every other failure is reported as truncated (an {@link EOFException}) or corrupt data.
 */
abstract class DecodingInputStream extends InputStream {

    private final String format;
    private final Upstream upstream;
    private boolean closed;
    private IOException failure;
    private final byte[] single = new byte[1];

    /**
     * Creates the stream.
     *
     * @param format   the format name used in messages ({@code gzip}, {@code zstd})
     * @param upstream the encoded bytes
     */
    DecodingInputStream(String format, InputStream upstream) {
        this.format = format;
        this.upstream = new Upstream(Objects.requireNonNull(upstream, "upstream"));
    }

    /**
     * Decodes up to {@code len} bytes.
     *
     * @param b   where to put them
     * @param off the offset
     * @param len the maximum number, at least one
     * @return the number of bytes decoded (at least one), or {@code -1} at the verified end
     * @throws IOException when the upstream fails or the data is truncated or corrupt
     */
    protected abstract int decode(byte[] b, int off, int len) throws IOException;

    /** Frees the codec's (native) resources. Called at most once, must not throw. */
    protected abstract void release();

    /**
     * The upstream, for subclasses to read the encoded bytes from.
     *
     * @return the upstream
     */
    protected final InputStream upstream() {
        return upstream;
    }

    @Override
    public int read() throws IOException {
        int n = read(single, 0, 1);
        return n < 0 ? -1 : single[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("The " + format + " decoding stream is closed");
        }
        if (failure != null) {
            throw new IOException("Decoding " + format + " data failed earlier: " + failure.getMessage(), failure);
        }
        if (len == 0) {
            return 0;
        }
        try {
            return decode(b, off, len);
        } catch (IOException | RuntimeException e) {
            failure = classify(e);
            throw failure;
        }
    }

    /**
     * Frees the codec and closes the upstream. Does nothing when already closed.
     *
     * @throws IOException when closing the upstream fails
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            release();
        } finally {
            upstream.close();
        }
    }

    private IOException classify(Exception e) {
        if (e == upstream.lastFailure) {
            return (IOException) e;
        }
        if (upstream.count == 0 || e instanceof EOFException) {
            String what = upstream.count == 0 ? "the input is empty"
                    : detail(e, "the input ends before the end of the " + format + " stream");
            EOFException eof = new EOFException("The " + format + " data is truncated (" + what
                    + "). The stored object is incomplete; use another backup.");
            eof.initCause(e);
            return eof;
        }
        return new IOException("The " + format + " data is corrupt (" + detail(e, "no detail") + "). The stored "
                + "object is damaged or was not written by the " + format + " transformer; use another backup.", e);
    }

    private static String detail(Exception e, String fallback) {
        if (e instanceof RuntimeException) {
            return e.toString();
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return fallback;
        }
        message = message.strip();
        return message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
    }

    /** Remembers the last exception the wrapped stream threw. */
    private static final class Upstream extends FilterInputStream {
        private IOException lastFailure;
        private long count;

        Upstream(InputStream in) {
            super(in);
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public void mark(int readlimit) {
            // not supported
        }

        @Override
        public void reset() throws IOException {
            throw new IOException("mark/reset not supported");
        }

        @Override
        public int read() throws IOException {
            try {
                int b = in.read();
                if (b >= 0) {
                    count++;
                }
                return b;
            } catch (IOException e) {
                lastFailure = e;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = in.read(b, off, len);
                if (n > 0) {
                    count += n;
                }
                return n;
            } catch (IOException e) {
                lastFailure = e;
                throw e;
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                long skipped = in.skip(n);
                if (skipped > 0) {
                    count += skipped;
                }
                return skipped;
            } catch (IOException e) {
                lastFailure = e;
                throw e;
            }
        }

        @Override
        public int available() throws IOException {
            try {
                return in.available();
            } catch (IOException e) {
                lastFailure = e;
                throw e;
            }
        }
    }
}
