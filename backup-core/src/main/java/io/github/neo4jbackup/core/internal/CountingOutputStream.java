package io.github.neo4jbackup.core.internal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Counts and (unless told not to) hashes the bytes passing through, remembers the first failure
 * of the wrapped stream and optionally shields the wrapped stream from {@link #close()}. Not API.
 */
public final class CountingOutputStream extends FilterOutputStream {

    /** Called after bytes were written. */
    @FunctionalInterface
    public interface Progress {
        /**
         * Bytes were written.
         *
         * @param total the total written so far
         */
        void advanced(long total);
    }

    private final MessageDigest digest;
    private final boolean closeWrapped;
    private final Progress progress;
    private long count;
    private IOException failure;
    private boolean closed;

    /**
     * Creates the stream.
     *
     * @param out          the wrapped stream
     * @param closeWrapped whether {@link #close()} closes the wrapped stream
     * @param progress     progress callback, or {@code null}
     */
    public CountingOutputStream(OutputStream out, boolean closeWrapped, Progress progress) {
        this(out, closeWrapped, progress, true);
    }

    /**
     * Creates the stream, hashing or only counting.
     *
     * @param out          the wrapped stream
     * @param closeWrapped whether {@link #close()} closes the wrapped stream
     * @param progress     progress callback, or {@code null}
     * @param hash         whether to compute the SHA-256 ({@code false}: {@link #sha256()} is not available)
     */
    public CountingOutputStream(OutputStream out, boolean closeWrapped, Progress progress, boolean hash) {
        super(out);
        this.closeWrapped = closeWrapped;
        this.progress = progress;
        this.digest = hash ? Sha256.newDigest() : null;
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        try {
            out.write(b);
        } catch (IOException e) {
            throw remember(e);
        }
        if (digest != null) {
            digest.update((byte) b);
        }
        advance(1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw remember(e);
        }
        if (digest != null) {
            digest.update(b, off, len);
        }
        advance(len);
    }

    @Override
    public void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw remember(e);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.flush();
            if (closeWrapped) {
                out.close();
            }
        } catch (IOException e) {
            throw remember(e);
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("Stream closed");
        }
    }

    private void advance(long n) {
        count += n;
        if (progress != null) {
            progress.advanced(count);
        }
    }

    private IOException remember(IOException e) {
        if (failure == null) {
            failure = e;
        }
        return e;
    }

    /**
     * Bytes written so far.
     *
     * @return the count
     */
    public long count() {
        return count;
    }

    /**
     * The SHA-256 of the bytes written; call once, after the last write.
     *
     * @return lower-case hex
     * @throws IllegalStateException when the stream was created not to hash
     */
    public String sha256() {
        if (digest == null) {
            throw new IllegalStateException("this stream only counts; it was created without hashing");
        }
        return Sha256.hex(digest);
    }

    /**
     * The first failure of the wrapped stream, if any.
     *
     * @return the failure or {@code null}
     */
    public IOException failure() {
        return failure;
    }
}
