package io.github.neo4jbackup.core.transform;

import io.github.neo4jbackup.core.spi.Transformer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/** Helpers shared by the transformer tests: chains, data, stream doubles. */
final class TransformerTestSupport {

    private TransformerTestSupport() {
    }

    /** A named transformer chain in encoding order (the first one sees the raw data). */
    record Chain(List<Transformer> transformers) {
        Chain {
            transformers = List.copyOf(transformers);
        }

        static Chain of(Transformer... transformers) {
            return new Chain(List.of(transformers));
        }

        OutputStream encoder(OutputStream sink) throws IOException {
            OutputStream out = sink;
            for (int i = transformers.size() - 1; i >= 0; i--) {
                out = transformers.get(i).encode(out);
            }
            return out;
        }

        InputStream decoder(InputStream source) throws IOException {
            InputStream in = source;
            for (int i = transformers.size() - 1; i >= 0; i--) {
                in = transformers.get(i).decode(in);
            }
            return in;
        }

        byte[] encode(byte[] data) throws IOException {
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            try (OutputStream out = encoder(sink)) {
                out.write(data);
            }
            return sink.toByteArray();
        }

        byte[] decode(byte[] encoded) throws IOException {
            return decode(new ByteArrayInputStream(encoded));
        }

        byte[] decode(InputStream source) throws IOException {
            try (InputStream in = decoder(source)) {
                return in.readAllBytes();
            }
        }

        @Override
        public String toString() {
            return transformers.stream().map(Transformer::describe).collect(Collectors.joining(" -> "));
        }
    }

    /** The chains every round-trip and corruption test covers. */
    static List<Chain> standardChains() {
        return List.of(
                Chain.of(Compression.gzip()),
                Chain.of(Compression.zstd()),
                Chain.of(Compression.zstd(), Compression.gzip()),
                Chain.of(Compression.gzip(), Compression.zstd()));
    }

    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Text that compresses well, like a Cypher export, mixed with some random bytes. */
    static byte[] mixed(int size, long seed) {
        Random random = new Random(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        int line = 0;
        while (out.size() < size) {
            if (random.nextInt(8) == 0) {
                byte[] noise = new byte[random.nextInt(200)];
                random.nextBytes(noise);
                out.writeBytes(noise);
            } else {
                out.writeBytes(cypherLine(line++, random.nextInt(1000)).getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] all = out.toByteArray();
        return java.util.Arrays.copyOf(all, size);
    }

    static String cypherLine(long id, int score) {
        return "CREATE (:Person {id: " + id + ", name: 'Person " + id + "', score: " + score + "});\n";
    }

    /**
     * Writes {@code size} bytes of highly compressible text to {@code out} in chunks of varying
     * sizes, and returns their SHA-256.
     */
    static byte[] writeCompressible(OutputStream out, long size) throws IOException {
        MessageDigest digest = sha256();
        StringBuilder sb = new StringBuilder();
        long written = 0;
        long line = 0;
        while (written < size) {
            sb.setLength(0);
            for (int i = 0; i < 1000; i++) {
                sb.append(cypherLine(line, (int) (line % 97)));
                line++;
            }
            byte[] chunk = sb.toString().getBytes(StandardCharsets.UTF_8);
            int n = (int) Math.min(chunk.length, size - written);
            digest.update(chunk, 0, n);
            out.write(chunk, 0, n);
            written += n;
        }
        return digest.digest();
    }

    /**
     * Reads {@code in} to the end.
     *
     * @return the number of bytes and their SHA-256
     */
    static DigestResult readDigest(InputStream in) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[50_000];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            digest.update(buffer, 0, n);
            total += n;
        }
        return new DigestResult(total, digest.digest());
    }

    record DigestResult(long size, byte[] sha256) {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Sorted, distinct positions in [0, length): fixed ones plus a seeded random sample. */
    static List<Integer> positions(int length, int samples, long seed, int... fixed) {
        java.util.TreeSet<Integer> set = new java.util.TreeSet<>();
        for (int p : fixed) {
            if (p >= 0 && p < length) {
                set.add(p);
            }
        }
        Random random = new Random(seed);
        for (int i = 0; i < samples && length > 0; i++) {
            set.add(random.nextInt(length));
        }
        return new ArrayList<>(set);
    }

    /** Hands out at most {@code maxChunk} bytes per read, to exercise buffer boundaries. */
    static final class ChunkedInputStream extends FilterInputStream {
        private final int maxChunk;

        ChunkedInputStream(InputStream in, int maxChunk) {
            super(in);
            this.maxChunk = maxChunk;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, maxChunk));
        }

        @Override
        public int available() {
            return 0;
        }
    }

    /** Counts closes and optionally fails writes after a number of bytes. */
    static final class TrackingOutputStream extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int closes;
        long failAfter = Long.MAX_VALUE;
        IOException failure;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (bytes.size() + (long) len > failAfter) {
                failure = new IOException("simulated storage failure");
                throw failure;
            }
            bytes.write(b, off, len);
        }

        @Override
        public void close() {
            closes++;
        }
    }

    /** Counts closes and optionally fails reads after a number of bytes. */
    static final class TrackingInputStream extends FilterInputStream {
        int closes;
        long failAfter = Long.MAX_VALUE;
        long delivered;
        IOException failure;

        TrackingInputStream(byte[] data) {
            super(new ByteArrayInputStream(data));
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (delivered >= failAfter) {
                failure = new IOException("simulated storage failure");
                throw failure;
            }
            int n = super.read(b, off, (int) Math.min(len, failAfter - delivered));
            if (n > 0) {
                delivered += n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            closes++;
            super.close();
        }
    }
}
