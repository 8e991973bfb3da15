package io.github.neo4jbackup.benchmarks.jmh;

import io.github.neo4jbackup.core.Secret;
import io.github.neo4jbackup.core.spi.Transformer;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.encryption.age.AgeEncryption;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of the stream hot path: encoding and decoding 16 MiB of embedding-heavy Cypher-like text
 * through each transformer chain. {@code none} (a plain copy) is the baseline: report every chain as
 * a ratio against it, measured in the same run.
 *
 * <p>Run: {@code java -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes"
 * org.openjdk.jmh.Main TransformerThroughput} (see the README).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class TransformerThroughputBenchmark {

    private static final int SIZE = 16 * 1024 * 1024;
    private static final String IDENTITY = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";

    /** The chain under test. */
    @Param({"none", "gzip-6", "zstd-1", "zstd-3", "age", "zstd-3+age"})
    public String chain;

    private byte[] raw;
    private byte[] encoded;
    private List<Transformer> transformers;

    /**
     * Builds the input and the encoded form once.
     *
     * @throws IOException never in practice
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        raw = text();
        transformers = chain(chain);
        ByteArrayOutputStream out = new ByteArrayOutputStream(SIZE);
        try (OutputStream enc = encoder(out)) {
            enc.write(raw);
        }
        encoded = out.toByteArray();
        System.out.printf(Locale.ROOT, "%n%s: %,d raw bytes -> %,d stored bytes (ratio %.2f)%n", chain, raw.length,
                encoded.length, raw.length / (double) encoded.length);
    }

    static List<Transformer> chain(String name) {
        List<Transformer> list = new ArrayList<>();
        for (String part : name.split("\\+")) {
            switch (part) {
                case "none" -> { }
                case "gzip-6" -> list.add(Compression.gzip(6));
                case "zstd-1" -> list.add(Compression.zstd(1));
                case "zstd-3" -> list.add(Compression.zstd(3));
                case "age" -> list.add(AgeEncryption.builder()
                        .recipient("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj")
                        .identity(Secret.of(IDENTITY)).build());
                default -> throw new IllegalArgumentException(part);
            }
        }
        return list;
    }

    private OutputStream encoder(OutputStream out) throws IOException {
        OutputStream chainOut = out;
        for (int i = transformers.size() - 1; i >= 0; i--) {
            chainOut = transformers.get(i).encode(chainOut);
        }
        return chainOut;
    }

    /** Like a backup: raw bytes through the encoding chain into a sink that discards them.
     *
     * @return bytes produced
     * @throws IOException never in practice
     */
    @Benchmark
    public long encode() throws IOException {
        CountingNull sink = new CountingNull();
        try (OutputStream enc = encoder(sink)) {
            for (int off = 0; off < raw.length; off += 65536) {
                enc.write(raw, off, Math.min(65536, raw.length - off));
            }
        }
        return sink.count;
    }

    /** Like a restore: the stored bytes decoded back.
     *
     * @return bytes decoded
     * @throws IOException never in practice
     */
    @Benchmark
    public long decode() throws IOException {
        InputStream in = new ByteArrayInputStream(encoded);
        for (int i = transformers.size() - 1; i >= 0; i--) {
            in = transformers.get(i).decode(in);
        }
        long total = 0;
        byte[] buffer = new byte[65536];
        try (InputStream dec = in) {
            int n;
            while ((n = dec.read(buffer)) >= 0) {
                total += n;
            }
        }
        return total;
    }

    /** Embedding-heavy Cypher-like text, as the logical engines produce. */
    static byte[] text() {
        Random random = new Random(42);
        StringBuilder sb = new StringBuilder(SIZE + 4096);
        int i = 0;
        while (sb.length() < SIZE) {
            sb.append("{\"t\":\"n\",\"k\":").append(i).append(",\"l\":[\"Entity\"],\"p\":{\"uuid\":\"en-").append(i)
                    .append("\",\"name\":\"Entity ").append(i).append("\",\"name_embedding\":{\"list<float>\":[");
            for (int d = 0; d < 64; d++) {
                if (d > 0) {
                    sb.append(',');
                }
                sb.append(random.nextGaussian());
            }
            sb.append("]}}}\n");
            i++;
        }
        return sb.substring(0, SIZE).getBytes(StandardCharsets.UTF_8);
    }

    /** Copies bytes into a scratch buffer (the cost of handing them on) and counts them. */
    static final class CountingNull extends OutputStream {
        private final byte[] scratch = new byte[65536];
        long count;

        @Override
        public void write(int b) {
            scratch[(int) (count++ & 0xFFFF)] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            int done = 0;
            while (done < len) {
                int n = Math.min(scratch.length, len - done);
                System.arraycopy(b, off + done, scratch, 0, n);
                done += n;
            }
            count += len;
        }
    }
}
