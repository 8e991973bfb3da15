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
    private final byte[] held;
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
        if (released) {
            throw new IOException("the withheld tail was already released");
        }
        int capacity = held.length;
        int total = heldLength + len;
        if (total <= capacity) {
            System.arraycopy(b, off, held, heldLength, len);
            heldLength = total;
            return;
        }
        int emit = total - capacity;
        // first from what is held, then from the new bytes
        int fromHeld = Math.min(emit, heldLength);
        if (fromHeld > 0) {
            out.write(held, 0, fromHeld);
        }
        int fromNew = emit - fromHeld;
        if (fromNew > 0) {
            out.write(b, off, fromNew);
        }
        passed += emit;
        // keep the rest of the held bytes, then the rest of the new ones
        int keptHeld = heldLength - fromHeld;
        System.arraycopy(held, fromHeld, held, 0, keptHeld);
        System.arraycopy(b, off + fromNew, held, keptHeld, len - fromNew);
        heldLength = keptHeld + len - fromNew;
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
        out.write(held, 0, heldLength);
        passed += heldLength;
        heldLength = 0;
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
