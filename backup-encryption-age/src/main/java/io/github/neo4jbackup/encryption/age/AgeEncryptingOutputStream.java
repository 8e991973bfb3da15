package io.github.neo4jbackup.encryption.age;

import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Objects;

/**
 * Encrypts into an age file with jagged's STREAM implementation, in bounded memory (two 64 KiB
 * buffers). The header is written when the stream is opened; each full 64 KiB chunk is encrypted
 * and written once more data follows it; {@link #close()} encrypts the last chunk with the
 * final-chunk flag and closes the downstream.
 *
 * <p>Lifecycle as the house's encoding streams: {@link #close()} is idempotent and always closes
 * the downstream; after a failure the stream refuses further writes and {@link #close()} does
 * <em>not</em> write the final chunk, so output known to be incomplete never looks complete (a
 * reader then reports it as cut short). {@link #flush()} flushes the downstream but cannot force a
 * partial chunk out: age chunks are 64 KiB except the last.
 */
final class AgeEncryptingOutputStream extends OutputStream {

    private static final StandardEncryptingChannelFactory FACTORY = new StandardEncryptingChannelFactory();

    private final OutputChannel downstream;
    private final WritableByteChannel channel;
    private final byte[] single = new byte[1];
    private boolean closed;
    private Exception failure;

    private AgeEncryptingOutputStream(OutputChannel downstream, WritableByteChannel channel) {
        this.downstream = downstream;
        this.channel = channel;
    }

    /**
     * Writes the header for the recipients and returns the stream for the payload.
     *
     * @param out     the downstream
     * @param writers one writer per recipient
     * @return the encrypting stream; closing it finishes the file and closes {@code out}
     * @throws IOException when the header cannot be written; {@code out} is then left open
     */
    static AgeEncryptingOutputStream open(OutputStream out, List<RecipientStanzaWriter> writers) throws IOException {
        Objects.requireNonNull(out, "out");
        OutputChannel downstream = new OutputChannel(out);
        try {
            return new AgeEncryptingOutputStream(downstream, FACTORY.newEncryptingChannel(downstream, writers));
        } catch (GeneralSecurityException e) {
            throw new IOException("Could not start age encryption: wrapping the file key for the recipients failed ("
                    + e.getMessage() + "); nothing was written", e);
        }
    }

    @Override
    public void write(int b) throws IOException {
        single[0] = (byte) b;
        write(single, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureUsable();
        if (len == 0) {
            return;
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    /**
     * Flushes the downstream. Data of a partly filled chunk stays buffered until the chunk is full
     * or the stream is closed.
     *
     * @throws IOException when flushing fails or the stream is unusable
     */
    @Override
    public void flush() throws IOException {
        ensureUsable();
        try {
            downstream.flush();
        } catch (IOException | RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    /**
     * Writes the final chunk and closes the downstream; after an earlier failure only closes the
     * downstream. Does nothing when already closed.
     *
     * @throws IOException when finishing or closing failed; the output is then incomplete
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        Exception problem = null;
        if (failure != null) {
            problem = new IOException("The age output is incomplete because encryption failed earlier ("
                    + failure.getMessage() + "); discard it", failure);
        } else {
            try {
                channel.close(); // final chunk with the last-chunk flag, then closes the downstream
            } catch (IOException | RuntimeException e) {
                problem = e;
            }
        }
        try {
            downstream.close(); // does nothing if the channel closed it
        } catch (IOException | RuntimeException e) {
            if (problem == null) {
                problem = e;
            } else {
                problem.addSuppressed(e);
            }
        }
        if (problem instanceof IOException io) {
            throw io;
        }
        if (problem instanceof RuntimeException re) {
            throw re;
        }
    }

    private void ensureUsable() throws IOException {
        if (closed) {
            throw new IOException("The age encrypting stream is closed; no more data can be written");
        }
        if (failure != null) {
            throw new IOException("The age encrypting stream failed earlier (" + failure.getMessage()
                    + "); no more data can be written, discard the output", failure);
        }
    }

    /** A channel over the downstream; closes it once. */
    private static final class OutputChannel implements WritableByteChannel {
        private final OutputStream out;
        private boolean open = true;

        OutputChannel(OutputStream out) {
            this.out = out;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = src.remaining();
            if (src.hasArray()) {
                out.write(src.array(), src.arrayOffset() + src.position(), n);
                src.position(src.limit());
            } else {
                byte[] tmp = new byte[n];
                src.get(tmp);
                out.write(tmp);
            }
            return n;
        }

        void flush() throws IOException {
            out.flush();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() throws IOException {
            if (open) {
                open = false;
                out.close();
            }
        }
    }
}
