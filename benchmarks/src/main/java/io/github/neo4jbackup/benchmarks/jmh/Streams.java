package io.github.neo4jbackup.benchmarks.jmh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The byte loops every benchmark shares, so ours and its baseline move bytes the same way.
 *
 * <p>{@link #CHUNK} is 8 KiB because that is what the export engine hands on: {@code GraphFileWriter}
 * writes through an {@code OutputStreamWriter}, whose encoder passes 8 KiB byte chunks to the
 * stream below, and {@code GraphFileReader} reads through an {@code InputStreamReader} that asks for
 * 8 KiB at a time.
 */
final class Streams {

    /** The write and read size. */
    static final int CHUNK = 8 * 1024;

    private Streams() {
    }

    /**
     * Writes {@code data} in {@link #CHUNK}-sized pieces, then closes {@code out}.
     *
     * @param data the bytes
     * @param out  the stream
     * @throws IOException when writing fails
     */
    static void writeAndClose(byte[] data, OutputStream out) throws IOException {
        try (out) {
            writeChunks(data, out);
        }
    }

    /**
     * Writes {@code data} in {@link #CHUNK}-sized pieces.
     *
     * @param data the bytes
     * @param out  the stream
     * @throws IOException when writing fails
     */
    static void writeChunks(byte[] data, OutputStream out) throws IOException {
        for (int off = 0; off < data.length; off += CHUNK) {
            out.write(data, off, Math.min(CHUNK, data.length - off));
        }
    }

    /**
     * Reads {@code in} to its end in {@link #CHUNK}-sized reads and closes it.
     *
     * @param in the stream
     * @return the number of bytes read
     * @throws IOException when reading fails
     */
    static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[CHUNK];
        long total = 0;
        try (in) {
            int n;
            while ((n = in.read(buffer, 0, CHUNK)) >= 0) {
                total += n;
            }
        }
        return total;
    }

    /**
     * Takes what is written the way a storage client's buffer would (one copy into a reused 64 KiB
     * array), then forgets it, and counts it; the same sink for ours and for the baselines.
     */
    static final class CountingSink extends OutputStream {
        private final byte[] scratch = new byte[64 * 1024];
        private long count;

        @Override
        public void write(int b) {
            scratch[(int) (count++ & (scratch.length - 1))] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int done = 0; done < len; ) {
                int n = Math.min(scratch.length, len - done);
                System.arraycopy(b, off + done, scratch, 0, n);
                done += n;
            }
            count += len;
        }

        /**
         * Bytes written so far.
         *
         * @return the count
         */
        long count() {
            return count;
        }
    }
}
