package io.github.neo4jbackup.benchmarks.jmh;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
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
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The transformer chains on realistic export bytes (the {@link GraphitiRecords} mix in the backup
 * format, about 14 MB, generated once per trial), each measured against the same work done with
 * the raw library calls, on the same input, written and read in the same 8 KiB pieces into the
 * same discarding sink:
 *
 * <ul>
 *   <li>{@code gzip-N}: ours vs the JDK's {@link GZIPOutputStream} at level N (decoding: ours, which
 *       uses commons-compress, vs {@link GZIPInputStream});</li>
 *   <li>{@code zstd-N} / {@code zstd-NwK}: ours vs zstd-jni's {@link ZstdOutputStream} at level N with
 *       the frame checksum on (as ours) and K workers (decoding: vs {@link ZstdInputStream});</li>
 *   <li>{@code age}: ours vs jagged's encrypting / decrypting channel to one X25519 recipient;</li>
 *   <li>chains ({@code a+b}, {@code a} applied first): ours vs the raw streams stacked the same way.</li>
 * </ul>
 *
 * <p>{@code encode} / {@code decode} are ours, {@code encodeRaw} / {@code decodeRaw} the baselines;
 * {@link JmhReport} prints each as a ratio. Every operation counts the uncompressed size as its
 * {@code bytes}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class TransformerThroughputBenchmark {

    private static final String RECIPIENT = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";
    private static final String IDENTITY = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
    private static final StandardEncryptingChannelFactory AGE_ENCRYPTING = new StandardEncryptingChannelFactory();
    private static final StandardDecryptingChannelFactory AGE_DECRYPTING = new StandardDecryptingChannelFactory();

    /** The raw export bytes, shared by all chains of a trial. */
    @State(Scope.Benchmark)
    public static class Input {
        byte[] raw;

        /** Generates the bytes. */
        @Setup(Level.Trial)
        public void setUp() {
            raw = GraphitiRecords.standard().encode();
        }
    }

    /** The chains measured for encoding: the levels we expose, workers, encryption, combinations. */
    @State(Scope.Benchmark)
    public static class EncodeChain {
        /** The chain under test. */
        @Param({"gzip-1", "gzip-6", "gzip-9", "zstd-1", "zstd-3", "zstd-3w2", "zstd-9", "age", "zstd-3+age"})
        public String chain;

        List<Transformer> transformers;

        /** Builds the transformers. */
        @Setup(Level.Trial)
        public void setUp() {
            transformers = transformers(chain);
        }
    }

    /** The chains measured for decoding (decoding does not depend on the level or the workers). */
    @State(Scope.Benchmark)
    public static class DecodeChain {
        /** The chain that produced the stored bytes. */
        @Param({"gzip-6", "zstd-3", "age", "zstd-3+age"})
        public String stored;

        List<Transformer> transformers;
        byte[] encoded;

        /**
         * Encodes the input once with our chain; ours and the raw decoders read these bytes.
         *
         * @param input the raw bytes
         * @throws IOException never in practice
         */
        @Setup(Level.Trial)
        public void setUp(Input input) throws IOException {
            transformers = transformers(stored);
            ByteArrayOutputStream out = new ByteArrayOutputStream(input.raw.length);
            Streams.writeAndClose(input.raw, ours(transformers, out));
            encoded = out.toByteArray();
            System.out.printf(Locale.ROOT, "%n%s: %,d raw bytes -> %,d stored bytes (ratio %.2f)%n", stored,
                    input.raw.length, encoded.length, input.raw.length / (double) encoded.length);
        }
    }

    /**
     * Ours: raw bytes through our encoding chain into a discarding sink, as in a backup.
     *
     * @param input   the raw bytes
     * @param chain   the chain
     * @param counter the byte counter
     * @return bytes produced
     * @throws IOException never in practice
     */
    @Benchmark
    public long encode(Input input, EncodeChain chain, ByteCounter counter) throws IOException {
        Streams.CountingSink sink = new Streams.CountingSink();
        Streams.writeAndClose(input.raw, ours(chain.transformers, sink));
        counter.bytes += input.raw.length;
        return sink.count();
    }

    /**
     * Baseline: the same bytes through the raw library streams.
     *
     * @param input   the raw bytes
     * @param chain   the chain
     * @param counter the byte counter
     * @return bytes produced
     * @throws IOException never in practice
     */
    @Benchmark
    public long encodeRaw(Input input, EncodeChain chain, ByteCounter counter) throws IOException {
        Streams.CountingSink sink = new Streams.CountingSink();
        Streams.writeAndClose(input.raw, rawEncoder(chain.chain, sink));
        counter.bytes += input.raw.length;
        return sink.count();
    }

    /**
     * Ours: the stored bytes decoded back, as in a restore.
     *
     * @param chain   the chain and its stored bytes
     * @param counter the byte counter
     * @return bytes decoded
     * @throws IOException never in practice
     */
    @Benchmark
    public long decode(DecodeChain chain, ByteCounter counter) throws IOException {
        InputStream in = new ByteArrayInputStream(chain.encoded);
        for (int i = chain.transformers.size() - 1; i >= 0; i--) {
            in = chain.transformers.get(i).decode(in);
        }
        long n = Streams.drain(in);
        counter.bytes += n;
        return n;
    }

    /**
     * Baseline: the same stored bytes through the raw library streams.
     *
     * @param chain   the chain and its stored bytes
     * @param counter the byte counter
     * @return bytes decoded
     * @throws IOException never in practice
     */
    @Benchmark
    public long decodeRaw(DecodeChain chain, ByteCounter counter) throws IOException {
        long n = Streams.drain(rawDecoder(chain.stored, new ByteArrayInputStream(chain.encoded)));
        counter.bytes += n;
        return n;
    }

    static List<Transformer> transformers(String name) {
        List<Transformer> list = new ArrayList<>();
        for (String part : name.split("\\+")) {
            if (part.equals("age")) {
                list.add(AgeEncryption.builder().recipient(RECIPIENT).identity(Secret.of(IDENTITY)).build());
            } else if (part.startsWith("gzip-")) {
                list.add(Compression.gzip(Integer.parseInt(part.substring(5))));
            } else if (part.startsWith("zstd-")) {
                int[] lw = zstdLevelAndWorkers(part);
                list.add(Compression.zstd(lw[0], lw[1]));
            } else {
                throw new IllegalArgumentException(part);
            }
        }
        return list;
    }

    /** Our chain: the first transformer sees the raw bytes, as BackupPipeline builds it. */
    static OutputStream ours(List<Transformer> transformers, OutputStream sink) throws IOException {
        OutputStream out = sink;
        for (int i = transformers.size() - 1; i >= 0; i--) {
            out = transformers.get(i).encode(out);
        }
        return out;
    }

    private static int[] zstdLevelAndWorkers(String part) {
        String spec = part.substring(5);
        int w = spec.indexOf('w');
        return w < 0 ? new int[] {Integer.parseInt(spec), 0}
                : new int[] {Integer.parseInt(spec.substring(0, w)), Integer.parseInt(spec.substring(w + 1))};
    }

    /** The raw library streams stacked like {@link #ours}. */
    static OutputStream rawEncoder(String name, OutputStream sink) throws IOException {
        String[] parts = name.split("\\+");
        OutputStream out = sink;
        for (int i = parts.length - 1; i >= 0; i--) {
            String part = parts[i];
            if (part.equals("age")) {
                try {
                    RecipientStanzaWriter writer = X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(RECIPIENT);
                    out = Channels.newOutputStream(AGE_ENCRYPTING.newEncryptingChannel(Channels.newChannel(out),
                            List.of(writer)));
                } catch (GeneralSecurityException e) {
                    throw new IOException(e);
                }
            } else if (part.startsWith("gzip-")) {
                int level = Integer.parseInt(part.substring(5));
                out = new GZIPOutputStream(out, 64 * 1024) {
                    {
                        def.setLevel(level);
                    }
                };
            } else if (part.startsWith("zstd-")) {
                int[] lw = zstdLevelAndWorkers(part);
                ZstdOutputStream zstd = new ZstdOutputStream(out).setLevel(lw[0]).setChecksum(true);
                if (lw[1] > 0) {
                    zstd.setWorkers(lw[1]);
                }
                out = zstd;
            } else {
                throw new IllegalArgumentException(part);
            }
        }
        return out;
    }

    /** The raw library streams, reading what {@link #ours} wrote. */
    static InputStream rawDecoder(String name, InputStream stored) throws IOException {
        InputStream in = stored;
        String[] parts = name.split("\\+");
        for (int i = parts.length - 1; i >= 0; i--) {
            String part = parts[i]; // the last transformer applied is the first undone
            if (part.equals("age")) {
                try {
                    RecipientStanzaReader reader = X25519RecipientStanzaReaderFactory
                            .newRecipientStanzaReader(CharBuffer.wrap(IDENTITY));
                    in = Channels.newInputStream(AGE_DECRYPTING.newDecryptingChannel(Channels.newChannel(in),
                            List.of(reader)));
                } catch (GeneralSecurityException e) {
                    throw new IOException(e);
                }
            } else if (part.startsWith("gzip-")) {
                in = new GZIPInputStream(in, 64 * 1024);
            } else if (part.startsWith("zstd-")) {
                in = new ZstdInputStream(in);
            } else {
                throw new IllegalArgumentException(part);
            }
        }
        return in;
    }
}
