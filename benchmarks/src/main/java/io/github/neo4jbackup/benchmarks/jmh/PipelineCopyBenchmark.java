package io.github.neo4jbackup.benchmarks.jmh;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.internal.Sha256;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.core.spi.Transformer;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.core.storage.ForwardingStorageTarget;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import io.github.neo4jbackup.testkit.ManualClock;
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
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline's byte path end to end without a database or a disk: {@code BackupPipeline.backup()}
 * with a synthetic source that writes the realistic export bytes of {@link GraphitiRecords} in the
 * 8 KiB pieces the export engine writes, into a target that discards the data object (lock and
 * manifest go to an in-memory target). Per backup the pipeline also takes and releases the lock,
 * renders the key and writes the manifest; those fixed costs are included.
 *
 * <p>Baselines on the same bytes in the same pieces into the same discarding sink:
 * {@code direct} writes them straight through the raw library streams (for {@code none}: no stream
 * at all, the plain copy); {@code directHashed} does the same and also computes the SHA-256 of the
 * raw and of the stored bytes and counts both, the work the pipeline has to do anyway. The ratio
 * against {@code directHashed} is the cost of our plumbing; the ratio against {@code direct} adds the
 * cost of the two checksums. {@code bytes} is the raw size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class PipelineCopyBenchmark {

    /** The transformer chain of the pipeline. */
    @Param({"none", "zstd-3"})
    public String chain;

    private byte[] data;
    private BackupPipeline pipeline;

    /** Builds the bytes and the pipeline once per trial. */
    @Setup(Level.Trial)
    public void setUp() {
        data = GraphitiRecords.standard().encode();
        List<Transformer> transformers = chain.equals("none") ? List.of()
                : TransformerThroughputBenchmark.transformers(chain);
        pipeline = BackupPipeline.builder()
                .source(new SyntheticSource(data))
                .target(new DiscardingTarget())
                .transformers(transformers)
                .clock(ManualClock.ticking(Instant.ofEpochSecond(1_750_000_001L), Duration.ofSeconds(1)))
                .build();
    }

    /**
     * Ours: one complete backup.
     *
     * @param counter the byte counter
     * @return the result
     */
    @Benchmark
    public BackupResult backup(ByteCounter counter) {
        BackupResult result = pipeline.backup();
        counter.bytes += data.length;
        return result;
    }

    /**
     * Baseline: the bytes straight through the raw library streams into the sink.
     *
     * @param counter the byte counter
     * @return bytes stored
     * @throws IOException never in practice
     */
    @Benchmark
    public long direct(ByteCounter counter) throws IOException {
        Streams.CountingSink sink = new Streams.CountingSink();
        OutputStream out = chain.equals("none") ? sink : TransformerThroughputBenchmark.rawEncoder(chain, sink);
        Streams.writeAndClose(data, out);
        counter.bytes += data.length;
        return sink.count();
    }

    /**
     * Baseline: as {@link #direct}, plus SHA-256 and count of the raw and of the stored bytes.
     *
     * @param counter the byte counter
     * @param bh      consumes the checksums
     * @return bytes stored
     * @throws IOException never in practice
     */
    @Benchmark
    public long directHashed(ByteCounter counter, Blackhole bh) throws IOException {
        HashingSink stored = new HashingSink();
        OutputStream out = chain.equals("none") ? stored : TransformerThroughputBenchmark.rawEncoder(chain, stored);
        MessageDigest raw = Sha256.newDigest();
        long rawCount = 0;
        try (out) {
            for (int off = 0; off < data.length; off += Streams.CHUNK) {
                int n = Math.min(Streams.CHUNK, data.length - off);
                out.write(data, off, n);
                raw.update(data, off, n);
                rawCount += n;
            }
        }
        bh.consume(HexFormat.of().formatHex(raw.digest()));
        bh.consume(HexFormat.of().formatHex(stored.digest.digest()));
        counter.bytes += rawCount;
        return stored.count;
    }

    /**
     * Hashes what it is given, then hands it to a {@link Streams.CountingSink} (the sink the
     * pipeline's discarding target writes to), so the baseline copies the stored bytes once as ours does.
     */
    private static final class HashingSink extends OutputStream {
        final MessageDigest digest = Sha256.newDigest();
        final Streams.CountingSink sink = new Streams.CountingSink();
        long count;

        @Override
        public void write(int b) {
            digest.update((byte) b);
            sink.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            digest.update(b, off, len);
            sink.write(b, off, len);
            count += len;
        }
    }

    /** Writes the given bytes in the export engine's 8 KiB pieces. */
    private static final class SyntheticSource implements BackupSource {
        private final byte[] data;

        SyntheticSource(byte[] data) {
            this.data = data;
        }

        @Override
        public String type() {
            return "synthetic";
        }

        @Override
        public String database() {
            return "neo4j";
        }

        @Override
        public String extension() {
            return "ndjson";
        }

        @Override
        public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
            Streams.writeChunks(data, out);
            context.recordsExported(1);
            return SourceDescription.of(type(), database());
        }
    }

    /** Discards data objects (the keys ending in the source's extension); keeps the rest in memory. */
    private static final class DiscardingTarget extends ForwardingStorageTarget {
        DiscardingTarget() {
            super(new InMemoryStorageTarget());
        }

        @Override
        public PendingObject create(ObjectKey key, Map<String, String> metadata, WriteMode mode) throws IOException {
            if (!key.value().endsWith(".ndjson")) {
                return super.create(key, metadata, mode);
            }
            Streams.CountingSink sink = new Streams.CountingSink();
            return new PendingObject() {
                @Override
                public ObjectKey key() {
                    return key;
                }

                @Override
                public OutputStream stream() {
                    return sink;
                }

                @Override
                public ObjectInfo commit() {
                    return new ObjectInfo(key, sink.count(), Instant.EPOCH, Map.of());
                }

                @Override
                public void abort() {
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
