package io.github.neo4jbackup.core.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.neo4jbackup.core.spi.Transformer;
import io.github.neo4jbackup.core.transform.TransformerTestSupport.Chain;
import io.github.neo4jbackup.core.transform.TransformerTestSupport.ChunkedInputStream;
import io.github.neo4jbackup.core.transform.TransformerTestSupport.DigestResult;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Round trips through single transformers and chains: what goes in comes out, byte for byte. */
class TransformerRoundTripTest {

    static List<Chain> chains() {
        List<Chain> chains = new ArrayList<>(TransformerTestSupport.standardChains());
        chains.add(Chain.of(Compression.zstd(3, 2)));
        chains.add(Chain.of(Compression.zstd(1, 2), Compression.gzip(1)));
        return chains;
    }

    static Stream<Arguments> levels() {
        return Stream.of(
                Compression.gzip(1), Compression.gzip(6), Compression.gzip(9),
                Compression.zstd(-5), Compression.zstd(1), Compression.zstd(3), Compression.zstd(19),
                Compression.zstd(19, 2), Compression.zstd(ZstdTransformer.MIN_FAST_LEVEL))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chains")
    void emptyInput(Chain chain) throws IOException {
        byte[] encoded = chain.encode(new byte[0]);

        assertThat(encoded).as("even empty input gives a complete, non-empty stream").isNotEmpty();
        assertThat(chain.decode(encoded)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chains")
    void oneByte(Chain chain) throws IOException {
        byte[] encoded = chain.encode(new byte[] {42});

        assertThat(chain.decode(encoded)).containsExactly(42);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chains")
    void incompressibleFiveMebibytes(Chain chain) throws IOException {
        byte[] data = TransformerTestSupport.random(5 * 1024 * 1024, 1);

        byte[] encoded = chain.encode(data);

        assertThat(chain.decode(encoded)).isEqualTo(data);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chains")
    void compressibleTwentyMebibytesStreamed(Chain chain) throws IOException {
        long size = 20L * 1024 * 1024;
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        byte[] expected;
        try (OutputStream out = chain.encoder(sink)) {
            expected = TransformerTestSupport.writeCompressible(out, size);
        }
        assertThat((long) sink.size()).as("compressed size").isLessThan(size / 5);

        DigestResult actual;
        try (InputStream in = chain.decoder(new ByteArrayInputStream(sink.toByteArray()))) {
            actual = TransformerTestSupport.readDigest(in);
        }

        assertThat(actual.size()).isEqualTo(size);
        assertThat(actual.sha256()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chains")
    void mixedSingleByteAndArrayWrites(Chain chain) throws IOException {
        Random random = new Random(7);
        byte[] data = TransformerTestSupport.mixed(3 * 1024 * 1024, 3);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = chain.encoder(sink)) {
            int position = 0;
            while (position < data.length) {
                int kind = random.nextInt(4);
                if (kind == 0) {
                    int n = Math.min(1 + random.nextInt(20), data.length - position);
                    for (int i = 0; i < n; i++) {
                        out.write(data[position++]);
                    }
                } else if (kind == 1) {
                    out.write(data, position, 0);
                } else {
                    // small and large (beyond any internal buffer) array writes, with an offset
                    int max = kind == 2 ? 3000 : 400_000;
                    int n = Math.min(1 + random.nextInt(max), data.length - position);
                    out.write(data, position, n);
                    position += n;
                }
            }
        }

        assertThat(chain.decode(sink.toByteArray())).isEqualTo(data);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("levels")
    void levels(Transformer transformer) throws IOException {
        Chain chain = Chain.of(transformer);
        byte[] data = TransformerTestSupport.mixed(1024 * 1024, 11);

        byte[] encoded = chain.encode(data);

        assertThat(chain.decode(encoded)).isEqualTo(data);
        if (!transformer.parameters().get("level").startsWith("-")) {
            assertThat(encoded.length).isLessThan(data.length * 3 / 4);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chains")
    void decodingReadsInOddChunksAndSingleBytes(Chain chain) throws IOException {
        byte[] data = TransformerTestSupport.mixed(300_000, 5);
        byte[] encoded = chain.encode(data);

        assertThat(chain.decode(new ChunkedInputStream(new ByteArrayInputStream(encoded), 1))).isEqualTo(data);
        assertThat(chain.decode(new ChunkedInputStream(new ByteArrayInputStream(encoded), 7))).isEqualTo(data);

        ByteArrayOutputStream bytewise = new ByteArrayOutputStream();
        try (InputStream in = chain.decoder(new ByteArrayInputStream(encoded))) {
            int b;
            while ((b = in.read()) >= 0) {
                bytewise.write(b);
            }
            assertThat(in.read()).as("stays at the end").isEqualTo(-1);
        }
        assertThat(bytewise.toByteArray()).isEqualTo(data);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chains")
    void flushInTheMiddleKeepsTheStreamValid(Chain chain) throws IOException {
        byte[] first = TransformerTestSupport.mixed(100_000, 8);
        byte[] second = TransformerTestSupport.mixed(50_000, 9);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = chain.encoder(sink)) {
            out.write(first);
            out.flush();
            if (chain.transformers().size() == 1) {
                // what was written before a flush can be decoded from the bytes stored so far (a
                // gzip decoder reading for a zstd decoder asks for more bytes than were flushed)
                byte[] soFar = sink.toByteArray();
                try (InputStream in = chain.decoder(new ByteArrayInputStream(soFar))) {
                    assertThat(in.readNBytes(first.length)).isEqualTo(first);
                }
            }
            out.flush();
            out.write(second);
        }

        byte[] all = new byte[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        assertThat(chain.decode(sink.toByteArray())).isEqualTo(all);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chains")
    void equalInputGivesEqualOutput(Chain chain) throws IOException {
        byte[] data = TransformerTestSupport.mixed(200_000, 12);

        assertThat(chain.encode(data)).isEqualTo(chain.encode(data));
    }
}
