package io.github.neo4jbackup.encryption.age;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The encrypted input as the decrypting stream sees it: counts bytes, remembers whether the end was
 * reached and the last exception the wrapped stream itself threw, so that a storage failure or a
 * verification failure of a checksum-verifying upstream is passed on unchanged instead of being
 * reported as bad age data.
 */
final class Upstream extends FilterInputStream {

    private final byte[] single = new byte[1];
    private Throwable lastFailure;
    private long count;
    private boolean ended;

    Upstream(InputStream in) {
        super(in);
    }

    /**
     * Whether {@code failure} was thrown by the wrapped stream.
     *
     * @param failure an exception
     * @return {@code true} if the upstream threw it
     */
    boolean threw(Throwable failure) {
        return failure != null && failure == lastFailure;
    }

    long count() {
        return count;
    }

    boolean ended() {
        return ended;
    }

    /**
     * Reads and discards the rest, so that a checksum-verifying upstream gets to check.
     *
     * @throws IOException when reading fails
     */
    void drain() throws IOException {
        byte[] buffer = new byte[64 * 1024];
        while (read(buffer, 0, buffer.length) >= 0) {
            // discard
        }
    }

    @Override
    public int read() throws IOException {
        int n = read(single, 0, 1);
        return n < 0 ? -1 : single[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (ended) {
            return -1;
        }
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException | RuntimeException e) {
            lastFailure = e;
            throw e;
        }
        if (n < 0) {
            ended = true;
        } else {
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(Math.max(n, 1), 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public int available() throws IOException {
        try {
            return in.available();
        } catch (IOException | RuntimeException e) {
            lastFailure = e;
            throw e;
        }
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int readlimit) {
        // not supported
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }
}
