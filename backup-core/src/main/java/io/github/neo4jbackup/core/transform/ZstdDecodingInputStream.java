package io.github.neo4jbackup.core.transform;

import com.github.luben.zstd.ZstdDecompressCtx;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Decodes zstd with zstd-jni's streaming decompression context, strictly: the input must hold at
 * least one frame, must end exactly at the end of a frame, and every frame's content checksum (when
 * present; the encoder always writes it) is verified by zstd. Bytes after the last frame are decoded
 * as the start of another frame and so fail as corrupt or truncated data.
 *
 * <p>zstd-jni's own {@code ZstdInputStreamNoFinalizer} is not used because it accepts a few bytes
 * of garbage, or a truncated second frame, after a complete frame when they arrive in the same read
 * as the end of that frame.
 */
final class ZstdDecodingInputStream extends DecodingInputStream {

    /** ZSTD_DStreamInSize(): one block plus its header. */
    private static final int INPUT_CHUNK = 128 * 1024 + 3;
    /** ZSTD_DStreamOutSize(): one block. */
    private static final int OUTPUT_CHUNK = 128 * 1024;

    private final ZstdDecompressCtx context;
    private final byte[] transfer = new byte[INPUT_CHUNK];
    private final ByteBuffer input = ByteBuffer.allocateDirect(INPUT_CHUNK);
    private final ByteBuffer output = ByteBuffer.allocateDirect(OUTPUT_CHUNK);
    private boolean upstreamEnded;
    private boolean sawInput;
    private boolean inFrame;
    private boolean ended;

    /**
     * Creates the stream; reads nothing yet.
     *
     * @param upstream the zstd bytes
     */
    ZstdDecodingInputStream(InputStream upstream) {
        super("zstd", upstream);
        this.context = new ZstdDecompressCtx();
        input.flip();
        output.flip();
    }

    @Override
    protected int decode(byte[] b, int off, int len) throws IOException {
        while (!output.hasRemaining()) {
            if (ended) {
                return -1;
            }
            decompressSome();
        }
        int n = Math.min(len, output.remaining());
        output.get(b, off, n);
        return n;
    }

    /** Decompresses until some output is available or the verified end of the input is reached. */
    private void decompressSome() throws IOException {
        output.clear();
        try {
            while (output.position() == 0) {
                if (!input.hasRemaining() && !upstreamEnded) {
                    fillInput();
                    continue;
                }
                if (!input.hasRemaining() && !inFrame) {
                    if (!sawInput) {
                        throw new EOFException("the input is empty");
                    }
                    ended = true;
                    return;
                }
                int inputBefore = input.position();
                boolean frameDone;
                try {
                    frameDone = context.decompressDirectByteBufferStream(output, input);
                } catch (RuntimeException e) {
                    throw new IOException(e.getMessage(), e);
                }
                if (input.position() != inputBefore) {
                    inFrame = true;
                }
                if (frameDone) {
                    inFrame = false;
                } else if (output.position() == 0 && input.position() == inputBefore) {
                    if (upstreamEnded && !input.hasRemaining()) {
                        throw new EOFException("the input ends inside a zstd frame");
                    }
                    if (input.hasRemaining()) {
                        throw new IOException("the zstd decoder made no progress");
                    }
                }
            }
        } finally {
            output.flip();
        }
    }

    private void fillInput() throws IOException {
        int n = upstream().read(transfer, 0, transfer.length);
        if (n < 0) {
            upstreamEnded = true;
            return;
        }
        if (n > 0) {
            sawInput = true;
        }
        input.clear();
        input.put(transfer, 0, n);
        input.flip();
    }

    @Override
    protected void release() {
        context.close();
    }
}
