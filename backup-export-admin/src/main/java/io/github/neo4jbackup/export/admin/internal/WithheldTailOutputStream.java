package io.github.neo4jbackup.export.admin.internal;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Passes bytes on but always holds the last {@code withhold} bytes back until {@link #release()}.
 * A restore feeds neo4j-admin through it: the stream being restored is verified only at its end,
 * so while it is read, the process must never receive the end of the dump (the zstd frame end and
 * the tar trailer): if the verification fails, neo4j-admin is killed while it still waits for
 * bytes, and cannot have completed a load of corrupt data. {@link #close()} does not close the
 * wrapped stream (closing a process's standard input signals a normal end). Not API.
 */
public final class WithheldTailOutputStream extends OutputStream {

    private final OutputStream out;
    /** A ring: the held bytes start at {@code heldStart} and wrap around (no shifting per write). */
    private final byte[] held;
    private int heldStart;
    private int heldLength;
    private long passed;
    private boolean released;

    /**
     * Creates the stream.
     *
     * @param out      where bytes go
     * @param withhold how many of the last bytes to hold back (at least 1)
     */
    public WithheldTailOutputStream(OutputStream out, int withhold) {
        if (withhold < 1) {
            throw new IllegalArgumentException("withhold must be positive");
        }
        this.out = out;
        this.held = new byte[withhold];
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (released) {
            throw new IOException("the withheld tail was already released");
        }
        int capacity = held.length;
        if (len >= capacity) {
            // everything held goes, then all but the last `capacity` new bytes; those are held
            emitHeld(heldLength);
            int emit = len - capacity;
            if (emit > 0) {
                out.write(b, off, emit);
                passed += emit;
            }
            System.arraycopy(b, off + emit, held, 0, capacity);
            heldStart = 0;
            heldLength = capacity;
            return;
        }
        int overflow = heldLength + len - capacity;
        if (overflow > 0) {
            emitHeld(overflow); // fewer than heldLength, since len < capacity
        }
        // append the new bytes after the held ones, wrapping around
        int end = (heldStart + heldLength) % capacity;
        int first = Math.min(len, capacity - end);
        System.arraycopy(b, off, held, end, first);
        System.arraycopy(b, off + first, held, 0, len - first);
        heldLength += len;
    }

    /** Writes the oldest {@code n} held bytes (at most two writes: the ring may wrap). */
    private void emitHeld(int n) throws IOException {
        int first = Math.min(n, held.length - heldStart);
        if (first > 0) {
            out.write(held, heldStart, first);
        }
        if (n > first) {
            out.write(held, 0, n - first);
        }
        heldStart = (heldStart + n) % held.length;
        heldLength -= n;
        passed += n;
    }

    /**
     * Writes the withheld bytes and flushes: call only once the whole stream is known to be good.
     *
     * @throws IOException when writing fails
     */
    public void release() throws IOException {
        if (released) {
            return;
        }
        released = true;
        emitHeld(heldLength);
        out.flush();
    }

    /**
     * Bytes passed on so far.
     *
     * @return the count
     */
    public long passed() {
        return passed;
    }

    /**
     * Bytes currently held back.
     *
     * @return the count
     */
    public int withheld() {
        return heldLength;
    }

    /** Does nothing: the wrapped stream is closed by its owner. */
    @Override
    public void close() {
        // intentionally not closing the process's stdin: see the class comment
    }
}
