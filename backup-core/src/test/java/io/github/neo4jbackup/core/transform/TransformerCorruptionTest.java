package io.github.neo4jbackup.core.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.neo4jbackup.core.transform.TransformerTestSupport.Chain;
import io.github.neo4jbackup.core.transform.TransformerTestSupport.ChunkedInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Truncated, bit-flipped and extended input must make decoding throw an {@link IOException}; the
 * decoders never return fewer or different bytes silently.
 *
 * <p>Which encoded bytes are <em>not</em> protected (a flip there leaves the output unchanged, which
 * is acceptable because the output is still correct):
 * <ul>
 *   <li>gzip: header bytes 4 to 7 (MTIME), 8 (XFL) and 9 (OS), and bit 0 of byte 3 (FLG.FTEXT, a
 *       hint); also the padding bits after the end of the last deflate block. Every other header
 *       bit is checked or changes the parsing, the deflate data is covered by the CRC-32 and the
 *       trailer holds the CRC-32 and the length.</li>
 *   <li>zstd: a few frame header bits, such as the unused bit 4 of the frame header descriptor or
 *       a window size that grows; the block data is covered by the frame's content checksum
 *       (which the encoder always writes) and the last four bytes are that checksum.</li>
 * </ul>
 */
class TransformerCorruptionTest {

    private static final byte[] DATA = TransformerTestSupport.mixed(256 * 1024, 21);

    static List<Chain> chains() {
        return TransformerTestSupport.standardChains();
    }

    static Stream<Arguments> chainsAndChunkSizes() {
        List<Arguments> arguments = new ArrayList<>();
        for (Chain chain : chains()) {
            for (int chunk : new int[] {1, 5, Integer.MAX_VALUE}) {
                arguments.add(Arguments.of(chain, chunk));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chains")
    void truncatedInputFails(Chain chain) throws IOException {
        byte[] encoded = chain.encode(DATA);
        int n = encoded.length;
        List<Integer> cuts = TransformerTestSupport.positions(n, 40, 42,
                0, 1, 2, 3, 4, 9, 10, 11, 12, n / 2, n - 12, n - 9, n - 8, n - 5, n - 4, n - 3, n - 1);

        for (int cut : cuts) {
            byte[] truncated = Arrays.copyOf(encoded, cut);
            assertThatThrownBy(() -> chain.decode(truncated))
                    .as("decoding %s cut to %d of %d bytes", chain, cut, n)
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void truncationIsReportedAsEofWithAClearMessage() throws IOException {
        for (Chain chain : List.of(Chain.of(Compression.gzip()), Chain.of(Compression.zstd()))) {
            byte[] encoded = chain.encode(DATA);
            byte[] truncated = Arrays.copyOf(encoded, encoded.length / 2);

            assertThatThrownBy(() -> chain.decode(truncated))
                    .isInstanceOf(EOFException.class)
                    .hasMessageContaining("truncated")
                    .hasMessageContaining("use another backup");
        }
    }

    @Test
    void emptyInputIsNotAnEmptyStream() {
        for (Chain chain : chains()) {
            assertThatThrownBy(() -> chain.decode(new byte[0])).as("%s", chain)
                    .isInstanceOf(EOFException.class)
                    .hasMessageContaining("the input is empty");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chains")
    void bitFlipsFailOrLeaveTheOutputUnchanged(Chain chain) throws IOException {
        byte[] encoded = chain.encode(DATA);
        Random random = new Random(99);
        List<int[]> flips = new ArrayList<>();
        for (int position = 0; position < Math.min(16, encoded.length); position++) {
            for (int bit = 0; bit < 8; bit++) {
                flips.add(new int[] {position, bit});
                flips.add(new int[] {encoded.length - 1 - position, bit});
            }
        }
        for (int i = 0; i < 300; i++) {
            flips.add(new int[] {random.nextInt(encoded.length), random.nextInt(8)});
        }

        int detected = 0;
        for (int[] flip : flips) {
            if (decodesIdentically(chain, flipped(encoded, flip[0], flip[1]), flip)) {
                continue;
            }
            detected++;
        }

        assertThat(detected).as("flips detected (the rest left the output unchanged)")
                .isGreaterThan(flips.size() * 8 / 10);
    }

    @Test
    void gzipHeaderBytesThatAreNotProtectedDoNotChangeTheOutput() throws IOException {
        Chain gzip = Chain.of(Compression.gzip());
        byte[] encoded = gzip.encode(DATA);

        for (int position = 4; position <= 9; position++) {
            for (int bit = 0; bit < 8; bit++) {
                assertThat(gzip.decode(flipped(encoded, position, bit))).isEqualTo(DATA);
            }
        }
        assertThat(gzip.decode(flipped(encoded, 3, 0))).as("FLG.FTEXT").isEqualTo(DATA);
    }

    @Test
    void gzipMagicMethodReservedFlagsAndTrailerAreChecked() throws IOException {
        Chain gzip = Chain.of(Compression.gzip());
        byte[] encoded = gzip.encode(DATA);
        List<Integer> checked = new ArrayList<>(List.of(0, 1, 2));
        for (int i = encoded.length - 8; i < encoded.length; i++) {
            checked.add(i);
        }

        for (int position : checked) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = flipped(encoded, position, bit);
                assertThatThrownBy(() -> gzip.decode(bad)).as("byte %d bit %d", position, bit)
                        .isInstanceOf(IOException.class);
            }
        }
        for (int bit = 5; bit < 8; bit++) {
            byte[] bad = flipped(encoded, 3, bit);
            assertThatThrownBy(() -> gzip.decode(bad)).as("reserved FLG bit %d", bit)
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void zstdChecksumCatchesFlipsInTheDataAndInItself() throws IOException {
        Chain zstd = Chain.of(Compression.zstd());
        byte[] incompressible = TransformerTestSupport.random(100_000, 4);
        byte[] encoded = zstd.encode(incompressible);
        Random random = new Random(5);

        // incompressible data is stored in raw blocks: only the checksum can catch a flip there
        for (int i = 0; i < 100; i++) {
            int position = 20 + random.nextInt(encoded.length - 40);
            byte[] bad = flipped(encoded, position, random.nextInt(8));
            assertThatThrownBy(() -> zstd.decode(bad)).as("byte %d", position)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("corrupt");
        }
        for (int position = encoded.length - 4; position < encoded.length; position++) {
            byte[] bad = flipped(encoded, position, 3);
            assertThatThrownBy(() -> zstd.decode(bad)).as("checksum byte %d", position)
                    .isInstanceOf(IOException.class);
        }
    }

    @ParameterizedTest(name = "{0}, reads of at most {1} bytes")
    @MethodSource("chainsAndChunkSizes")
    void trailingGarbageFails(Chain chain, int chunk) throws IOException {
        byte[] encoded = chain.encode(DATA);
        Random random = new Random(17);
        List<byte[]> garbage = List.of(
                new byte[] {0},
                new byte[] {0x1f},
                new byte[] {0x1f, (byte) 0x8b},
                new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd},
                new byte[] {0x50, 0x2a, 0x4d, 0x18, 8, 0, 0, 0},
                TransformerTestSupport.random(3, random.nextLong()),
                TransformerTestSupport.random(100, random.nextLong()),
                new byte[4096],
                Arrays.copyOf(encoded, 12));
        assertThat(chain.decode(new ChunkedInputStream(new ByteArrayInputStream(encoded), chunk)))
                .as("without garbage").isEqualTo(DATA);

        for (byte[] extra : garbage) {
            byte[] extended = Arrays.copyOf(encoded, encoded.length + extra.length);
            System.arraycopy(extra, 0, extended, encoded.length, extra.length);
            assertThatThrownBy(() -> chain.decode(new ChunkedInputStream(new ByteArrayInputStream(extended), chunk)))
                    .as("%s followed by %d bytes of garbage", chain, extra.length)
                    .isInstanceOf(IOException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chains")
    void concatenatedStreamsDecodeToTheConcatenatedContent(Chain chain) throws IOException {
        // gzip members and zstd frames may be concatenated (RFC 1952, RFC 8878): that is valid input
        byte[] first = TransformerTestSupport.mixed(10_000, 1);
        byte[] second = TransformerTestSupport.mixed(20_000, 2);
        byte[] a = chain.encode(first);
        byte[] b = chain.encode(second);
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);

        byte[] expected = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, expected, first.length, second.length);
        assertThat(chain.decode(both)).isEqualTo(expected);

        byte[] secondTruncated = Arrays.copyOf(both, both.length - 1);
        assertThatThrownBy(() -> chain.decode(secondTruncated)).isInstanceOf(IOException.class);
    }

    @Test
    void failureIsStickyAfterTheFirstError() throws IOException {
        for (Chain chain : List.of(Chain.of(Compression.gzip()), Chain.of(Compression.zstd()))) {
            byte[] encoded = chain.encode(DATA);
            byte[] truncated = Arrays.copyOf(encoded, encoded.length - 3);
            try (InputStream in = chain.decoder(new ByteArrayInputStream(truncated))) {
                assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
                assertThatThrownBy(in::read).as("%s read after failure", chain)
                        .isInstanceOf(IOException.class).hasMessageContaining("failed earlier");
            }
        }
    }

    /**
     * Decodes flipped input: returns {@code true} if the output is byte-identical to {@link #DATA},
     * {@code false} if decoding threw an {@link IOException}, and fails the test otherwise.
     */
    private static boolean decodesIdentically(Chain chain, byte[] input, int[] flip) {
        byte[] output;
        try {
            output = chain.decode(input);
        } catch (IOException e) {
            return false;
        }
        assertThat(output).as("%s with bit %d of byte %d flipped decoded without error, so the output must be "
                + "unchanged", chain, flip[1], flip[0]).isEqualTo(DATA);
        return true;
    }

    private static byte[] flipped(byte[] data, int position, int bit) {
        byte[] copy = data.clone();
        copy[position] ^= (byte) (1 << bit);
        return copy;
    }
}
