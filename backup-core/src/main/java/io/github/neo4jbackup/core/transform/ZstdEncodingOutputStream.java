package io.github.neo4jbackup.core.transform;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Writes one zstd frame with zstd-jni's streaming compression context, always with the frame's
 * content checksum. Even empty input gives a complete frame, so an empty backup is distinguishable
 * from a missing or truncated one. The native context is freed when the stream is closed.
 */
final class ZstdEncodingOutputStream extends EncodingOutputStream {

    /** zstd's block size, ZSTD_CStreamInSize(). */
    private static final int INPUT_CHUNK = 128 * 1024;
    /** ZSTD_CStreamOutSize(): one compressed block plus its header. */
    private static final int OUTPUT_CHUNK = INPUT_CHUNK + 1024;

    private final ZstdCompressCtx context;
    private final ByteBuffer input = ByteBuffer.allocateDirect(INPUT_CHUNK);
    private final ByteBuffer output = ByteBuffer.allocateDirect(OUTPUT_CHUNK);
    private final byte[] transfer = new byte[OUTPUT_CHUNK];

    private ZstdEncodingOutputStream(OutputStream downstream, ZstdCompressCtx context) {
        super("zstd", downstream, INPUT_CHUNK);
        this.context = context;
    }

    /**
     * Creates the stream. Nothing is written until data arrives or the stream is closed.
     *
     * @param downstream where the zstd frame goes
     * @param level      the compression level
     * @param workers    the number of worker threads, 0 for none
     * @return the stream
     * @throws IOException when zstd rejects the parameters
     */
    static ZstdEncodingOutputStream open(OutputStream downstream, int level, int workers) throws IOException {
        ZstdCompressCtx context = new ZstdCompressCtx();
        try {
            context.setLevel(level);
            context.setChecksum(true);
            if (workers > 0) {
                context.setWorkers(workers);
            }
            return new ZstdEncodingOutputStream(downstream, context);
        } catch (RuntimeException e) {
            context.close();
            throw new IOException("zstd rejected the compression parameters (level=" + level + ", workers=" + workers
                    + "): " + e.getMessage(), e);
        }
    }

    @Override
    protected void encode(byte[] b, int off, int len) throws IOException {
        int position = off;
        int end = off + len;
        while (position < end) {
            int n = Math.min(end - position, INPUT_CHUNK);
            input.clear();
            input.put(b, position, n);
            input.flip();
            while (input.hasRemaining()) {
                compress(EndDirective.CONTINUE);
            }
            position += n;
        }
    }

    @Override
    protected void flushEncoder() throws IOException {
        input.clear().flip();
        while (!compress(EndDirective.FLUSH)) {
            // more buffered output to write
        }
    }

    @Override
    protected void finishEncoder() throws IOException {
        input.clear().flip();
        while (!compress(EndDirective.END)) {
            // more buffered output to write
        }
    }

    @Override
    protected void release() {
        context.close();
    }

    /**
     * Runs one compression step on {@link #input} and writes what it produced.
     *
     * @return {@code true} when zstd reports everything flushed (for FLUSH and END)
     */
    private boolean compress(EndDirective directive) throws IOException {
        output.clear();
        boolean done;
        try {
            done = context.compressDirectByteBufferStream(output, input, directive);
        } catch (RuntimeException e) {
            throw new IOException("zstd compression failed: " + e.getMessage(), e);
        }
        output.flip();
        int n = output.remaining();
        if (n > 0) {
            output.get(transfer, 0, n);
            downstream().write(transfer, 0, n);
        }
        return done;
    }
}
