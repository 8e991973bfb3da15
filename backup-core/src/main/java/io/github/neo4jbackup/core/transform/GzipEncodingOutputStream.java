package io.github.neo4jbackup.core.transform;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes one gzip member (RFC 1952) with the JDK's {@link Deflater}: a fixed ten-byte header
 * (no file name, modification time 0, operating system "unknown", so equal input gives equal
 * output), the deflate data and the CRC-32 / length trailer.
 */
final class GzipEncodingOutputStream extends EncodingOutputStream {

    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int OS_UNKNOWN = 255;

    private final Deflater deflater;
    private final CRC32 crc = new CRC32();
    private final byte[] out = new byte[BUFFER_SIZE];
    private long inputSize;

    private GzipEncodingOutputStream(OutputStream downstream, int level) {
        super("gzip", downstream, BUFFER_SIZE);
        this.deflater = new Deflater(level, true);
    }

    /**
     * Creates the stream and writes the gzip header.
     *
     * @param downstream where the gzip bytes go
     * @param level      the deflate level, 1 to 9
     * @return the stream
     * @throws IOException when the header cannot be written; {@code downstream} is then not closed
     */
    static GzipEncodingOutputStream open(OutputStream downstream, int level) throws IOException {
        GzipEncodingOutputStream stream = new GzipEncodingOutputStream(downstream, level);
        try {
            downstream.write(header(level));
        } catch (IOException | RuntimeException e) {
            stream.deflater.end();
            throw e;
        }
        return stream;
    }

    private static byte[] header(int level) {
        // XFL: 2 = maximum compression, 4 = fastest algorithm (RFC 1952, 2.3.1)
        int xfl = level == Deflater.BEST_COMPRESSION ? 2 : level == Deflater.BEST_SPEED ? 4 : 0;
        return new byte[] {
            0x1f, (byte) 0x8b, // ID1, ID2
            Deflater.DEFLATED, // CM
            0, // FLG: no text hint, header CRC, extra field, name or comment
            0, 0, 0, 0, // MTIME: not recorded
            (byte) xfl,
            (byte) OS_UNKNOWN
        };
    }

    @Override
    protected void encode(byte[] b, int off, int len) throws IOException {
        crc.update(b, off, len);
        inputSize += len;
        deflater.setInput(b, off, len);
        while (!deflater.needsInput()) {
            deflate(Deflater.NO_FLUSH);
        }
    }

    @Override
    protected void flushEncoder() throws IOException {
        int n;
        do {
            n = deflate(Deflater.SYNC_FLUSH);
        } while (n == out.length);
    }

    @Override
    protected void finishEncoder() throws IOException {
        deflater.finish();
        while (!deflater.finished()) {
            deflate(Deflater.NO_FLUSH);
        }
        byte[] trailer = new byte[8];
        writeIntLe(trailer, 0, crc.getValue());
        writeIntLe(trailer, 4, inputSize);
        downstream().write(trailer);
    }

    @Override
    protected void release() {
        deflater.end();
    }

    private int deflate(int flush) throws IOException {
        int n = deflater.deflate(out, 0, out.length, flush);
        if (n > 0) {
            downstream().write(out, 0, n);
        }
        return n;
    }

    private static void writeIntLe(byte[] target, int offset, long value) {
        target[offset] = (byte) value;
        target[offset + 1] = (byte) (value >>> 8);
        target[offset + 2] = (byte) (value >>> 16);
        target[offset + 3] = (byte) (value >>> 24);
    }
}
