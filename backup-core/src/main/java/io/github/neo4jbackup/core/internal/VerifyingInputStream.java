package io.github.neo4jbackup.core.internal;

import io.github.neo4jbackup.core.IntegrityException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes and counts what is read and, when the wrapped stream ends, compares size and SHA-256
 * with the expected values: on a mismatch it throws an {@link IntegrityException} instead of
 * reporting end-of-stream, so a consumer never sees a clean end of corrupt data. Reading more
 * bytes than expected fails at once. Not API.
 */
public final class VerifyingInputStream extends FilterInputStream {

    private final MessageDigest digest;
    private final long expectedSize;
    private final String expectedSha256;
    private final String what;
    private long count;
    private boolean verified;
    private String actualSha256;

    /**
     * Creates the stream.
     *
     * @param in             the stream to verify
     * @param expectedSize   the expected number of bytes
     * @param expectedSha256 the expected SHA-256, lower-case hex
     * @param what           what the bytes are, for messages (e.g. "stored object neo4j/x.zst of backup X")
     */
    public VerifyingInputStream(InputStream in, long expectedSize, String expectedSha256, String what) {
        super(in);
        this.expectedSize = expectedSize;
        this.expectedSha256 = expectedSha256;
        this.what = what;
        this.digest = Sha256.newDigest();
    }

    private VerifyingInputStream(InputStream in, long expectedSize, String what) {
        super(in);
        this.expectedSize = expectedSize;
        this.expectedSha256 = null;
        this.what = what;
        this.digest = null;
    }

    /**
     * A stream that checks only the size: for bytes whose SHA-256 another {@code VerifyingInputStream}
     * below it already checks (a backup stored without transformers is read through two of them,
     * stored and decoded, over the same bytes: hashing both would hash every byte twice).
     *
     * @param in           the stream to count
     * @param expectedSize the expected number of bytes
     * @param what         what the bytes are, for messages
     * @return the stream
     */
    public static VerifyingInputStream sizeOnly(InputStream in, long expectedSize, String what) {
        return new VerifyingInputStream(in, expectedSize, what);
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            atEnd();
            return -1;
        }
        if (digest != null) {
            digest.update((byte) b);
        }
        advance(1);
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n = in.read(b, off, len);
        if (n < 0) {
            atEnd();
            return -1;
        }
        if (digest != null) {
            digest.update(b, off, n);
        }
        advance(n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(n, 8192)];
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
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int readlimit) {
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }

    private void advance(long n) {
        count += n;
        if (count > expectedSize) {
            throw new IntegrityException(what + " is longer than the " + expectedSize
                    + " bytes recorded in the manifest; the object was changed after the backup. Do not restore it.");
        }
    }

    private void atEnd() {
        if (verified) {
            return;
        }
        if (count != expectedSize) {
            throw new IntegrityException(what + " has " + count + " bytes but the manifest records " + expectedSize
                    + "; the object is truncated or damaged. Do not restore it; use another backup.");
        }
        if (digest == null) {
            verified = true;
            return;
        }
        actualSha256 = Sha256.hex(digest);
        if (!actualSha256.equals(expectedSha256)) {
            throw new IntegrityException(what + " has SHA-256 " + actualSha256 + " but the manifest records "
                    + expectedSha256 + "; the object is damaged. Do not restore it; use another backup.");
        }
        verified = true;
    }

    /**
     * Reads the rest of the stream so that verification completes.
     *
     * @return the number of bytes drained
     * @throws IOException when reading fails
     */
    public long drain() throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = read(buffer)) >= 0) {
            total += n;
        }
        return total;
    }

    /**
     * Whether the end was reached and size and checksum matched.
     *
     * @return {@code true} once verified
     */
    public boolean verified() {
        return verified;
    }

    /**
     * Bytes read so far.
     *
     * @return the count
     */
    public long count() {
        return count;
    }
}
