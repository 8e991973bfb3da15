package io.github.neo4jbackup.benchmarks.jmh;

import io.github.neo4jbackup.core.internal.CountingOutputStream;
import io.github.neo4jbackup.core.internal.Sha256;
import io.github.neo4jbackup.core.internal.VerifyingInputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * The streams that count and hash every backup byte, against a plain {@link MessageDigest} loop over
 * the same bytes in the same 8 KiB pieces:
 *
 * <ul>
 *   <li>{@code countingWrite}: the pipeline's {@code CountingOutputStream} (SHA-256, count, progress
 *       callback, failure capture) in front of a discarding sink, vs {@code digestWrite}: the sink
 *       written and the digest updated by hand;</li>
 *   <li>{@code verifyingRead}: {@code VerifyingInputStream} (SHA-256, count, size and checksum check
 *       at the end) read to its end, vs {@code digestRead}: the same stream read and hashed by hand.</li>
 * </ul>
 *
 * <p>The input is the realistic export bytes of {@link GraphitiRecords}; {@code bytes} is their size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class ChecksumBenchmark {

    private byte[] data;
    private String sha256;

    /** Builds the bytes and their checksum once per trial. */
    @Setup(Level.Trial)
    public void setUp() {
        data = GraphitiRecords.standard().encode();
        sha256 = Sha256.of(data);
    }

    /**
     * Ours: {@code CountingOutputStream} with a progress callback, as the pipeline uses it.
     *
     * @param counter the byte counter
     * @param bh      consumes the progress calls and the checksum
     * @return the count
     * @throws IOException never in practice
     */
    @Benchmark
    public long countingWrite(ByteCounter counter, Blackhole bh) throws IOException {
        CountingOutputStream out = new CountingOutputStream(new Streams.CountingSink(), true, bh::consume);
        Streams.writeAndClose(data, out);
        bh.consume(out.sha256());
        counter.bytes += data.length;
        return out.count();
    }

    /**
     * Baseline: the same writes, the digest updated and the bytes counted by hand.
     *
     * @param counter the byte counter
     * @param bh      consumes the totals and the checksum
     * @return the count
     */
    @Benchmark
    public long digestWrite(ByteCounter counter, Blackhole bh) {
        MessageDigest digest = Sha256.newDigest();
        Streams.CountingSink sink = new Streams.CountingSink();
        long total = 0;
        for (int off = 0; off < data.length; off += Streams.CHUNK) {
            int n = Math.min(Streams.CHUNK, data.length - off);
            sink.write(data, off, n);
            digest.update(data, off, n);
            total += n;
            bh.consume(total);
        }
        bh.consume(HexFormat.of().formatHex(digest.digest()));
        counter.bytes += data.length;
        return total;
    }

    /**
     * Ours: {@code VerifyingInputStream} read to its end (it checks size and SHA-256 there).
     *
     * @param counter the byte counter
     * @return bytes read
     * @throws IOException never in practice
     */
    @Benchmark
    public long verifyingRead(ByteCounter counter) throws IOException {
        VerifyingInputStream in = new VerifyingInputStream(new ByteArrayInputStream(data), data.length, sha256,
                "benchmark data");
        long n = Streams.drain(in);
        if (!in.verified()) {
            throw new IllegalStateException("not verified");
        }
        counter.bytes += data.length;
        return n;
    }

    /**
     * Baseline: the same reads, hashed and compared by hand.
     *
     * @param counter the byte counter
     * @return bytes read
     * @throws IOException never in practice
     */
    @Benchmark
    public long digestRead(ByteCounter counter) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        byte[] buffer = new byte[Streams.CHUNK];
        long total = 0;
        try (ByteArrayInputStream in = new ByteArrayInputStream(data)) {
            int n;
            while ((n = in.read(buffer, 0, Streams.CHUNK)) >= 0) {
                digest.update(buffer, 0, n);
                total += n;
            }
        }
        if (total != data.length || !HexFormat.of().formatHex(digest.digest()).equals(sha256)) {
            throw new IllegalStateException("mismatch");
        }
        counter.bytes += data.length;
        return total;
    }
}
