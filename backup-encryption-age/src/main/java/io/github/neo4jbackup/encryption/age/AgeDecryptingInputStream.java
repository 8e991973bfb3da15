package io.github.neo4jbackup.encryption.age;

import com.exceptionfactory.jagged.PayloadException;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.encryption.age.AgeDataException.Problem;

import javax.crypto.AEADBadTagException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Decrypts an age file with jagged's STREAM implementation, in bounded memory (about 200 KiB).
 *
 * <p>{@link #open} reads and checks the header at once (before any plaintext exists) and
 * classifies what can go wrong: not an age file, truncated header, malformed header, header MAC
 * failure, no matching identity. Before it reports a header problem it reads the rest of the input,
 * so that a checksum-verifying upstream (the pipeline's) reports a damaged object as such.
 *
 * <p>Reading then releases the payload chunk by chunk (64 KiB): a chunk's plaintext is released only
 * after its Poly1305 tag, including the final-chunk flag, has been verified. A chunk that does not
 * authenticate fails the read with {@link Problem#AUTHENTICATION_FAILED}; the chunks before it were
 * authentic and have been read already (inherent to chunked AEAD). After a failure every read fails.
 */
final class AgeDecryptingInputStream extends InputStream {

    static final int CHUNK = 64 * 1024;
    static final int ENCRYPTED_CHUNK = CHUNK + 16;
    static final byte[] VERSION_LINE = "age-encryption.org/v1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE = 16;
    private static final int MAC_LINE = 1 + 43 + 1; // space, base64 MAC, line feed
    /** jagged parses the header and the nonce from its first 64 KiB + 16 bytes buffer. */
    private static final int MAX_HEADER = ENCRYPTED_CHUNK - NONCE;
    private static final StandardDecryptingChannelFactory FACTORY = new StandardDecryptingChannelFactory();

    private final Upstream upstream;
    private final byte[] single = new byte[1];
    private final ReadableByteChannel channel;
    private final long headerLength;
    private long released;
    private boolean closed;
    private IOException failure;

    private AgeDecryptingInputStream(Upstream upstream, ReadableByteChannel channel, long headerLength) {
        this.upstream = upstream;
        this.channel = channel;
        this.headerLength = headerLength;
    }

    /**
     * Reads the header and opens the file key.
     *
     * @param in         the encrypted bytes; not closed on failure
     * @param identities the identities to try, not empty
     * @return the decrypting stream; closing it closes {@code in}
     * @throws AgeDataException      when the data is not a readable age file
     * @throws InvalidInputException when no identity opens it (the data itself is intact as far as a
     *                               verifying upstream can tell)
     * @throws IOException           when {@code in} fails (passed on unchanged)
     */
    static AgeDecryptingInputStream open(InputStream in, IdentitySet identities) throws IOException {
        Objects.requireNonNull(in, "in");
        Upstream upstream = new Upstream(in);
        Head head = readHead(upstream);
        InputStream replay = new ReplayInputStream(head.bytes, head.length, upstream);
        ReadableByteChannel channel;
        try {
            channel = FACTORY.newDecryptingChannel(new InputChannel(replay), List.of(identities.reader()));
        } catch (StanzaException e) {
            drainThen(upstream, e);
            if (e.kind() == StanzaException.Kind.NO_MATCH) {
                throw new InvalidInputException(e.getMessage());
            }
            throw new AgeDataException(Problem.MALFORMED, "The age header is malformed: " + e.getMessage()
                    + ". The data was damaged or not written by an age implementation; use another backup.", null);
        } catch (SignatureException e) {
            drainThen(upstream, e);
            throw new AgeDataException(Problem.AUTHENTICATION_FAILED, "The age header does not authenticate (its "
                    + "MAC does not match): the header was altered after it was written. Nothing was decrypted; use "
                    + "another backup.", e);
        } catch (GeneralSecurityException e) {
            drainThen(upstream, e);
            throw new AgeDataException(Problem.MALFORMED, "The age header is malformed (" + e.getMessage() + "). "
                    + "The data was damaged or not written by an age implementation; use another backup.", e);
        } catch (IOException | RuntimeException e) {
            if (upstream.threw(e)) {
                throw e;
            }
            if (e instanceof PayloadException) {
                throw new AgeDataException(Problem.TRUNCATED, "The age data ends right after its header: the "
                        + "payload is missing. The stored object is incomplete; use another backup.", e);
            }
            drainThen(upstream, e);
            throw new AgeDataException(Problem.MALFORMED, "The age header cannot be read (" + e + "); use another "
                    + "backup.", e);
        }
        return new AgeDecryptingInputStream(upstream, channel, head.headerLength);
    }

    /** Reads the rest of the input (a verifying upstream then reports damage); rethrows its failures. */
    private static void drainThen(Upstream upstream, Exception problem) throws IOException {
        try {
            upstream.drain();
        } catch (IOException | RuntimeException e) {
            if (problem != null) {
                e.addSuppressed(problem);
            }
            throw e;
        }
    }

    @Override
    public int read() throws IOException {
        int n = read(single, 0, 1);
        return n < 0 ? -1 : single[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("The age decrypting stream is closed");
        }
        if (failure != null) {
            throw new IOException("Decrypting the age data failed earlier: " + failure.getMessage(), failure);
        }
        if (len == 0) {
            return 0;
        }
        // never ask for more than the rest of the current chunk: one read opens at most one chunk,
        // so a failure is attributed to the right chunk and no opened bytes go unaccounted
        int inChunk = (int) (released % CHUNK);
        int ask = Math.min(len, CHUNK - inChunk);
        try {
            int n = channel.read(ByteBuffer.wrap(b, off, ask));
            if (n > 0) {
                released += n;
            }
            return n;
        } catch (IOException | RuntimeException e) {
            if (upstream.threw(e)) {
                failure = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
                throw e;
            }
            failure = classify(e);
            throw failure;
        }
    }

    private IOException classify(Exception e) {
        long chunk = released / CHUNK; // reads stop at chunk boundaries, so this chunk was being opened
        long from = headerLength + chunk * ENCRYPTED_CHUNK;
        String before = released == 0 ? "No plaintext was released."
                : "The " + released + " bytes before it were authentic and were already read; discard them.";
        Throwable cause = e.getCause();
        if (e instanceof PayloadException && cause instanceof AEADBadTagException) {
            if (upstream.ended()) {
                return new AgeDataException(Problem.AUTHENTICATION_FAILED, "The final chunk of the age payload (chunk "
                        + (chunk + 1) + ", stored bytes from " + from + ") does not authenticate: the data was cut "
                        + "short or its end was altered. " + before + " Use another backup.", e);
            }
            return new AgeDataException(Problem.AUTHENTICATION_FAILED, "Chunk " + (chunk + 1) + " of the age payload "
                    + "(stored bytes " + from + " to " + (from + ENCRYPTED_CHUNK - 1) + ") does not authenticate: the "
                    + "data was altered. " + before + " Use another backup.", e);
        }
        if (e instanceof PayloadException && cause instanceof GeneralSecurityException) {
            return new AgeDataException(Problem.MALFORMED, "Chunk " + (chunk + 1) + " of the age payload (stored "
                    + "bytes from " + from + ") is malformed (" + cause.getMessage() + "). " + before
                    + " Use another backup.", e);
        }
        return new AgeDataException(Problem.MALFORMED, "Decrypting chunk " + (chunk + 1) + " of the age payload "
                + "(stored bytes from " + from + ") failed (" + e + "). " + before + " Use another backup.", e);
    }

    /**
     * Destroys the payload key and closes the input. Does nothing when already closed.
     *
     * @throws IOException when closing the input fails
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        channel.close();
    }

    /** The bytes read ahead to check the header, and where the header ends. */
    private record Head(byte[] bytes, int length, int headerLength) {
    }

    /**
     * Reads until the header, the nonce and one payload byte are there. Fails for input that is not
     * age, ends early, or has a header jagged cannot hold.
     */
    private static Head readHead(Upstream upstream) throws IOException {
        byte[] buffer = new byte[8192];
        int length = 0;
        int footerEnd = -1;
        while (true) {
            if (!startsLikeAge(buffer, length)) {
                drainThen(upstream, null);
                throw notAge(buffer, length);
            }
            if (footerEnd < 0 && length >= VERSION_LINE.length) {
                footerEnd = footerEnd(buffer, length);
                if (footerEnd > MAX_HEADER || footerEnd < 0 && length > MAX_HEADER) {
                    drainThen(upstream, null);
                    throw new AgeDataException(Problem.UNSUPPORTED, "The age header is larger than " + MAX_HEADER
                            + " bytes (or has no '---' line); such headers are not supported.", null);
                }
            }
            if (footerEnd >= 0 && length > footerEnd + NONCE) {
                return new Head(buffer, length, footerEnd + NONCE);
            }
            if (length == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            int n = upstream.read(buffer, length, buffer.length - length);
            if (n < 0) {
                throw truncated(length, footerEnd);
            }
            length += n;
        }
    }

    private static AgeDataException truncated(int length, int footerEnd) {
        String where;
        if (length == 0) {
            where = "the input is empty";
        } else if (length < VERSION_LINE.length) {
            where = "the input ends inside the age version line after " + length + " bytes";
        } else if (footerEnd < 0) {
            where = "the input ends inside the age header after " + length + " bytes";
        } else if (length < footerEnd + NONCE) {
            where = "the input ends inside the payload nonce after " + length + " bytes";
        } else {
            where = "the input ends right after the header: the payload is missing";
        }
        return new AgeDataException(Problem.TRUNCATED, "The age data is truncated (" + where + "). The stored "
                + "object is incomplete; use another backup.", null);
    }

    /** Whether what was read so far is, or may still become, the age version line. */
    private static boolean startsLikeAge(byte[] buffer, int length) {
        int n = Math.min(length, VERSION_LINE.length);
        for (int i = 0; i < n; i++) {
            if (buffer[i] != VERSION_LINE[i]) {
                return false;
            }
        }
        return true;
    }

    /** The index just after the header's MAC line, or -1 if it has not been read yet. */
    private static int footerEnd(byte[] buffer, int length) {
        for (int i = VERSION_LINE.length - 1; i + 3 < length; i++) {
            if (buffer[i] == '\n' && buffer[i + 1] == '-' && buffer[i + 2] == '-' && buffer[i + 3] == '-') {
                int end = i + 4 + MAC_LINE;
                return end <= length ? end : -1;
            }
        }
        return -1;
    }

    private static AgeDataException notAge(byte[] buffer, int length) {
        String looksLike = "";
        if (startsWith(buffer, length, "-----BEGIN AGE ENCRYPTED FILE-----")) {
            return new AgeDataException(Problem.UNSUPPORTED, "The data is an ASCII-armored age file; only binary age "
                    + "files are read here. Remove the armor ('age -d' reads it) or store backups unarmored.", null);
        } else if (length >= 2 && (buffer[0] & 0xff) == 0x1f && (buffer[1] & 0xff) == 0x8b) {
            looksLike = " It looks like gzip data: the object may not be encrypted, or the transformer chain "
                    + "recorded in the manifest does not match it.";
        } else if (length >= 4 && (buffer[0] & 0xff) == 0x28 && (buffer[1] & 0xff) == 0xb5
                && (buffer[2] & 0xff) == 0x2f && (buffer[3] & 0xff) == 0xfd) {
            looksLike = " It looks like zstd data: the object may not be encrypted, or the transformer chain "
                    + "recorded in the manifest does not match it.";
        }
        return new AgeDataException(Problem.NOT_AGE, "The data is not an age file: it does not start with the line "
                + "'age-encryption.org/v1'." + looksLike + " Nothing was decrypted.", null);
    }

    private static boolean startsWith(byte[] buffer, int length, String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        return length >= p.length && Arrays.equals(buffer, 0, p.length, p, 0, p.length);
    }

    /**
     * The bytes read ahead, then the rest of the upstream. Unlike {@link java.io.SequenceInputStream}
     * it does not close the upstream when it ends: the caller may still read it (the pipeline drains
     * its verifying stream after the decoder).
     */
    private static final class ReplayInputStream extends InputStream {
        private final byte[] head;
        private final int length;
        private final InputStream rest;
        private int position;

        ReplayInputStream(byte[] head, int length, InputStream rest) {
            this.head = head;
            this.length = length;
            this.rest = rest;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (position < length) {
                int n = Math.min(len, length - position);
                System.arraycopy(head, position, b, off, n);
                position += n;
                return n;
            }
            return rest.read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            rest.close();
        }
    }

    /** A channel over the input stream (jagged reads channels). */
    private static final class InputChannel implements ReadableByteChannel {
        private final InputStream in;
        private boolean open = true;

        InputChannel(InputStream in) {
            this.in = in;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (!dst.hasRemaining()) {
                return 0;
            }
            int n;
            if (dst.hasArray()) {
                n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
                if (n > 0) {
                    dst.position(dst.position() + n);
                }
            } else {
                byte[] tmp = new byte[Math.min(dst.remaining(), 8192)];
                n = in.read(tmp, 0, tmp.length);
                if (n > 0) {
                    dst.put(tmp, 0, n);
                }
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() throws IOException {
            if (open) {
                open = false;
                in.close();
            }
        }
    }
}
