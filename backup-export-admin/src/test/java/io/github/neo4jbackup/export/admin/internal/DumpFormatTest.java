package io.github.neo4jbackup.export.admin.internal;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class DumpFormatTest {

    private static byte[] realDump() throws IOException {
        try (InputStream in = DumpFormatTest.class.getResourceAsStream("/empty-neo4j-5.26.30.dump")) {
            return in.readAllBytes();
        }
    }

    private static DumpFormat.Checker follow(byte[] bytes, int chunk) {
        DumpFormat.Checker checker = new DumpFormat.Checker();
        for (int i = 0; i < bytes.length; i += chunk) {
            checker.update(bytes, i, Math.min(chunk, bytes.length - i));
        }
        return checker;
    }

    private static byte[] dzv1(byte[]... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("DZV1".getBytes(StandardCharsets.US_ASCII));
        for (byte[] frame : frames) {
            out.writeBytes(frame);
        }
        return out.toByteArray();
    }

    private static byte[] streamed(byte[] content, boolean checksum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZstdOutputStream z = new ZstdOutputStream(out)) {
            z.setChecksum(checksum);
            for (int i = 0; i < content.length; i += 10_000) {
                z.write(content, i, Math.min(10_000, content.length - i));
                z.flush(); // ends blocks in the middle of the frame
            }
        }
        return out.toByteArray();
    }

    @Test
    void aRealDumpIsCompleteOnlyAtItsEnd() throws IOException {
        byte[] dump = realDump();
        for (int chunk : new int[] {1, 7, 4096, dump.length}) {
            DumpFormat.Checker checker = follow(dump, chunk);
            assertThat(checker.problemAtEnd()).isNull();
            assertThat(checker.format()).isEqualTo("DZV1");
            assertThat(checker.frames()).isEqualTo(1);
            assertThat(checker.bytes()).isEqualTo(dump.length);
        }
        for (int cut = 0; cut < dump.length; cut++) {
            DumpFormat.Checker checker = follow(Arrays.copyOf(dump, cut), 512);
            assertThat(checker.problemAtEnd()).as("cut at %d", cut).isNotNull();
        }
    }

    @Test
    void framesWithRawRleAndCompressedBlocksChecksumsAndSkippableFrames() throws IOException {
        byte[] random = new byte[300_000];
        new Random(1).nextBytes(random);
        byte[] zeros = new byte[500_000];
        byte[] text = "MATCH (n) RETURN n; ".repeat(20_000).getBytes(StandardCharsets.UTF_8);
        byte[] skippable = {0x50, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 1, 2, 3};
        byte[] dump = dzv1(Zstd.compress(random, 1), streamed(zeros, true), skippable, streamed(text, false),
                Zstd.compress(new byte[0], 3));
        DumpFormat.Checker checker = follow(dump, 8191);
        assertThat(checker.problemAtEnd()).isNull();
        assertThat(checker.frames()).isEqualTo(5);
        for (int cut : new int[] {5, 9, 100, dump.length / 2, dump.length - 1, dump.length - 4}) {
            assertThat(follow(Arrays.copyOf(dump, cut), 1000).problemAtEnd()).as("cut at %d", cut).contains("truncated");
        }
    }

    @Test
    void garbageIsRecognisedAtOnce() {
        DumpFormat.Checker checker = follow("Picked up JAVA_TOOL_OPTIONS".getBytes(StandardCharsets.UTF_8), 3);
        assertThat(checker.invalid()).isTrue();
        assertThat(checker.problem()).contains("\"Pick\"");
        byte[] badFrame = dzv1(new byte[] {1, 2, 3, 4, 5, 6});
        assertThat(follow(badFrame, 10).problem()).contains("no zstd frame starts at byte 4");
        assertThat(follow(new byte[0], 1).problemAtEnd()).contains("empty");
        assertThat(follow("DZV1".getBytes(StandardCharsets.US_ASCII), 1).problemAtEnd()).contains("before its first");
    }

    @Test
    void otherDumpFormatsAreRecognisedButNotFollowed() {
        assertThat(DumpFormat.recognise("DGV1xxxx".getBytes(StandardCharsets.US_ASCII), 8)).isEqualTo("DGV1");
        assertThat(DumpFormat.recognise(new byte[] {0x1f, (byte) 0x8b, 8, 0}, 4)).isEqualTo("legacy-gzip");
        assertThat(DumpFormat.recognise(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}, 4)).isEqualTo("legacy-zstd");
        assertThat(DumpFormat.recognise("DZV".getBytes(StandardCharsets.US_ASCII), 3)).isNull();
        DumpFormat.Checker gzip = follow("DGV1 anything at all".getBytes(StandardCharsets.US_ASCII), 2);
        assertThat(gzip.problemAtEnd()).isNull();
        assertThat(gzip.format()).isEqualTo("DGV1");
        assertThat(DumpFormat.show(new byte[] {'D', 0, (byte) 0xff}, 3)).isEqualTo("\"D..\" (44 00 ff)");
    }
}
