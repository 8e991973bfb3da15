package io.github.neo4jbackup.core.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.Transformer;
import io.github.neo4jbackup.core.transform.TransformerTestSupport.Chain;
import io.github.neo4jbackup.core.transform.TransformerTestSupport.TrackingInputStream;
import io.github.neo4jbackup.core.transform.TransformerTestSupport.TrackingOutputStream;

import com.github.luben.zstd.Zstd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/** The factories, what the transformers record and describe, and the stream lifecycle. */
class CompressionTest {

    static List<Transformer> transformers() {
        return List.of(Compression.gzip(), Compression.zstd(), Compression.zstd(1, 2));
    }

    @Test
    void describeAndParameters() {
        assertThat(Compression.gzip().describe()).isEqualTo("gzip(level=6)");
        assertThat(Compression.gzip(1).describe()).isEqualTo("gzip(level=1)");
        assertThat(Compression.zstd().describe()).isEqualTo("zstd(level=3,workers=0)");
        assertThat(Compression.zstd(19, 4).describe()).isEqualTo("zstd(level=19,workers=4)");
        assertThat(Compression.zstd(-5).describe()).isEqualTo("zstd(level=-5,workers=0)");
        assertThat(Compression.zstd(7)).hasToString("zstd(level=7,workers=0)");

        assertThat(Compression.gzip().parameters()).isEqualTo(Map.of("level", "6"));
        assertThat(Compression.zstd(5, 2).parameters()).isEqualTo(Map.of("level", "5", "workers", "2"));
    }

    @Test
    void idsExtensionsAndAccessors() {
        GzipTransformer gzip = Compression.gzip(4);
        ZstdTransformer zstd = Compression.zstd(9, 3);

        assertThat(gzip.id()).isEqualTo("gzip");
        assertThat(gzip.extension()).isEqualTo("gz");
        assertThat(gzip.level()).isEqualTo(4);
        assertThat(zstd.id()).isEqualTo("zstd");
        assertThat(zstd.extension()).isEqualTo("zst");
        assertThat(zstd.level()).isEqualTo(9);
        assertThat(zstd.workers()).isEqualTo(3);
    }

    @Test
    void equalParametersMakeEqualTransformers() {
        assertThat(Compression.gzip()).isEqualTo(Compression.gzip(6)).hasSameHashCodeAs(Compression.gzip(6));
        assertThat(Compression.gzip(1)).isNotEqualTo(Compression.gzip(2));
        assertThat(Compression.zstd()).isEqualTo(Compression.zstd(3, 0)).hasSameHashCodeAs(Compression.zstd(3, 0));
        assertThat(Compression.zstd(3, 1)).isNotEqualTo(Compression.zstd(3, 0));
        assertThat((Object) Compression.zstd(6)).isNotEqualTo(Compression.gzip(6));
    }

    @Test
    void levelsAtTheEdgesAreAccepted() {
        assertThat(Compression.gzip(1).level()).isEqualTo(1);
        assertThat(Compression.gzip(9).level()).isEqualTo(9);
        assertThat(Compression.zstd(1).level()).isEqualTo(1);
        assertThat(Compression.zstd(19).level()).isEqualTo(19);
        assertThat(Compression.zstd(-1).level()).isEqualTo(-1);
        assertThat(Compression.zstd(ZstdTransformer.MIN_FAST_LEVEL).level()).isEqualTo(-131072);
        assertThat(Compression.zstd(3, 0).workers()).isZero();
        assertThat(Compression.zstd(3, ZstdTransformer.MAX_WORKERS).workers()).isEqualTo(200);
    }

    @Test
    void invalidLevelsAndWorkersNameTheAllowedRange() {
        for (int level : new int[] {0, 10, -1, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> Compression.gzip(level))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("Invalid gzip level " + level + ": use 1 (fastest) to 9 (smallest output); "
                            + "the default is 6.");
        }
        for (int level : new int[] {0, 20, 22, ZstdTransformer.MIN_FAST_LEVEL - 1}) {
            assertThatThrownBy(() -> Compression.zstd(level))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("Invalid zstd level " + level + ": use 1 (fastest) to 19 (smallest output), or a fast "
                            + "level from -131072 to -1 (faster, larger output); the default is 3.");
        }
        for (int workers : new int[] {-1, 201}) {
            assertThatThrownBy(() -> Compression.zstd(3, workers))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("Invalid number of zstd workers " + workers)
                    .hasMessageContaining("0 (compress on the writing thread) to 200");
        }
    }

    @Test
    void zstdNativeLibraryIsAvailableHereAndTheConstantsMatchIt() {
        assertThat(ZstdTransformer.available()).isTrue();
        assertThat(ZstdTransformer.MIN_FAST_LEVEL).isEqualTo(Zstd.minCompressionLevel());
        assertThat(ZstdTransformer.DEFAULT_LEVEL).isEqualTo(Zstd.defaultCompressionLevel());
    }

    @Test
    void missingNativeLibraryIsReportedWithPlatformCauseAndAlternative() {
        UnsatisfiedLinkError cause = new UnsatisfiedLinkError("no libzstd-jni in java.library.path");

        InvalidInputException e = ZstdNative.unavailable(cause);

        assertThat(e).hasCause(cause)
                .hasMessageContaining("zstd-jni's native library could not be loaded")
                .hasMessageContaining("os.name=" + System.getProperty("os.name"))
                .hasMessageContaining("os.arch=" + System.getProperty("os.arch"))
                .hasMessageContaining("no libzstd-jni in java.library.path")
                .hasMessageContaining("gzip")
                .hasMessageContaining("needs no native code");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transformers")
    void closingTheEncoderFinishesAndClosesTheDownstreamOnce(Transformer transformer) throws IOException {
        TrackingOutputStream sink = new TrackingOutputStream();
        OutputStream out = transformer.encode(sink);
        out.write(new byte[] {1, 2, 3});
        assertThat(sink.closes).isZero();

        out.close();
        out.close();

        assertThat(sink.closes).isEqualTo(1);
        assertThat(Chain.of(transformer).decode(sink.bytes.toByteArray())).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> out.write(4)).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> out.write(new byte[10])).isInstanceOf(IOException.class);
        assertThatThrownBy(out::flush).isInstanceOf(IOException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transformers")
    void closingTheDecoderClosesTheUpstreamOnce(Transformer transformer) throws IOException {
        byte[] encoded = Chain.of(transformer).encode(new byte[] {5, 6});
        TrackingInputStream source = new TrackingInputStream(encoded);

        InputStream in = transformer.decode(source);
        assertThat(in.read()).isEqualTo(5);
        in.close();
        in.close();

        assertThat(source.closes).isEqualTo(1);
        assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("closed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transformers")
    void closingAnUnreadDecoderClosesTheUpstream(Transformer transformer) throws IOException {
        TrackingInputStream source = new TrackingInputStream(new byte[0]);

        transformer.decode(source).close();

        assertThat(source.closes).isEqualTo(1);
        assertThat(source.delivered).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transformers")
    void aStorageFailureWhileEncodingIsPassedOnAndTheOutputIsNeverCompleted(Transformer transformer)
            throws IOException {
        TrackingOutputStream sink = new TrackingOutputStream();
        sink.failAfter = 50_000;
        OutputStream out = transformer.encode(sink);
        byte[] data = TransformerTestSupport.random(1024 * 1024, 3);

        // with worker threads zstd may hold a megabyte in its jobs; flush makes it write
        assertThatThrownBy(() -> {
            out.write(data);
            out.flush();
        }).isSameAs(sink.failure);
        assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class).hasMessageContaining("failed earlier");
        assertThatThrownBy(out::close).isInstanceOf(IOException.class).hasMessageContaining("incomplete");

        assertThat(sink.closes).as("the downstream is closed even so").isEqualTo(1);
        assertThatThrownBy(() -> Chain.of(transformer).decode(sink.bytes.toByteArray()))
                .isInstanceOf(IOException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transformers")
    void aStorageFailureWhileFinishingStillClosesTheDownstream(Transformer transformer) throws IOException {
        TrackingOutputStream sink = new TrackingOutputStream();
        OutputStream out = transformer.encode(sink);
        out.write(TransformerTestSupport.mixed(10_000, 1));
        sink.failAfter = sink.bytes.size();

        assertThatThrownBy(out::close).isSameAs(sink.failure);
        assertThat(sink.closes).isEqualTo(1);
        out.close();
        assertThat(sink.closes).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transformers")
    void aStorageFailureWhileDecodingIsPassedOnUnchanged(Transformer transformer) throws IOException {
        byte[] encoded = Chain.of(transformer).encode(TransformerTestSupport.random(200_000, 8));
        TrackingInputStream source = new TrackingInputStream(encoded);
        source.failAfter = encoded.length / 2;

        try (InputStream in = transformer.decode(source)) {
            assertThatThrownBy(in::readAllBytes).isSameAs(source.failure);
            assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasCause(source.failure);
        }
        assertThat(source.closes).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transformers")
    void decodingIsLazy(Transformer transformer) throws IOException {
        TrackingInputStream source = new TrackingInputStream(new byte[] {1, 2, 3});

        try (InputStream in = transformer.decode(source)) {
            assertThat(source.delivered).isZero();
            assertThatThrownBy(in::read).isInstanceOf(IOException.class);
        }
    }

    @Test
    void readArgumentsAreChecked() throws IOException {
        for (Transformer transformer : transformers()) {
            byte[] encoded = Chain.of(transformer).encode(new byte[] {1});
            try (InputStream in = transformer.decode(new ByteArrayInputStream(encoded));
                 OutputStream out = transformer.encode(new TrackingOutputStream())) {
                assertThat(in.read(new byte[4], 4, 0)).isZero();
                assertThatThrownBy(() -> in.read(new byte[4], 3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
                assertThatThrownBy(() -> out.write(new byte[4], -1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
            }
        }
    }
}
