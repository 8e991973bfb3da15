package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.WriteMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.github.neo4jbackup.storage.s3.TestData.MIB;
import static org.assertj.core.api.Assertions.assertThat;

/** Large streams: bounded memory (measured in a child JVM with a small heap) and throughput figures. */
class S3LargeUploadTest {

    private static final Logger LOG = LoggerFactory.getLogger(S3LargeUploadTest.class);
    private static final Pattern RESULT = Pattern.compile("RESULT sha256=(\\w+) stored=(\\d+) recorded=(\\w*) parts=(\\d+)"
            + " peakHeap=(\\d+) maxHeap=(\\d+) seconds=([\\d.]+)");

    private final S3ProxyServer server = S3ProxyServer.shared();
    private String bucket;

    @BeforeEach
    void setUp() {
        bucket = server.newBucket("large");
    }

    @AfterEach
    void tearDown() {
        assertThat(server.pendingUploads(bucket)).isEmpty();
        server.dropBucket(bucket);
    }

    @Test
    @DisplayName("a 200 MiB stream is uploaded by a JVM with an 80 MiB heap (8 MiB parts, 4 in flight)")
    void largeStreamInBoundedMemory() throws Exception {
        long size = 200L * MIB + 123;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String heap = System.getProperty("s3.largeUpload.xmx", "80m"); // try smaller heaps by hand
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx" + heap, "-cp",
                System.getProperty("java.class.path"), LargeUploadMain.class.getName(), server.endpoint().toString(),
                bucket, "neo4j/large.dump", Long.toString(size), Integer.toString(8 * MIB), "4"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("child JVM exit status; output:%n%s", output).isZero();
        Matcher m = RESULT.matcher(output);
        assertThat(m.find()).as("result line in:%n%s", output).isTrue();
        String sha = m.group(1);
        long peakHeap = Long.parseLong(m.group(5));
        LOG.info("200 MiB upload in a child JVM with -Xmx{}: heap used at most {} MiB (sampled), {} parts, {} s"
                + " ({} MiB/s)", heap, peakHeap / MIB, m.group(4), m.group(7),
                String.format("%.0f", 200 / Double.parseDouble(m.group(7))));

        assertThat(Long.parseLong(m.group(2))).isEqualTo(size);
        assertThat(m.group(3)).as("recorded SHA-256").isEqualTo(sha);
        assertThat(Integer.parseInt(m.group(4))).isEqualTo(26);
        assertThat(peakHeap).as("peak heap").isLessThanOrEqualTo(Long.parseLong(m.group(6)));
        try (InputStream in = server.client().getObject(r -> r.bucket(bucket).key("neo4j/large.dump"))) {
            assertThat(TestData.sha256(in)).as("SHA-256 of the stored object").isEqualTo(sha);
        }
        assertThat(server.allKeys(bucket)).containsExactly("neo4j/large.dump");
    }

    @Test
    @DisplayName("throughput of one PutObject versus concurrent multipart parts (reported, not asserted)")
    void throughputSingleVersusMultipart() throws Exception {
        long size = 48L * MIB;
        try (S3StorageTarget single = S3StorageTarget.builder().config(server.config().build()).bucket(bucket)
                .partSize(64 * MIB).build();
             S3StorageTarget multi = S3StorageTarget.builder().config(server.config().build()).bucket(bucket)
                     .partSize(8 * MIB).maxPartsInFlight(4).build();
             S3StorageTarget direct = multi.toBuilder().multipartCommit(MultipartCommit.DIRECT).build()) {
            TestData.put(single, "warm-up.bin", 1, 8L * MIB, WriteMode.OVERWRITE, Map.of());
            long t0 = System.nanoTime();
            S3PendingObject one = TestData.put(single, "single.bin", 1, size, WriteMode.OVERWRITE, Map.of());
            long t1 = System.nanoTime();
            S3PendingObject parts = TestData.put(multi, "multi.bin", 1, size, WriteMode.OVERWRITE, Map.of());
            long t2 = System.nanoTime();
            S3PendingObject straight = TestData.put(direct, "direct.bin", 1, size, WriteMode.OVERWRITE, Map.of());
            long t3 = System.nanoTime();
            double singleRate = size / (double) MIB / ((t1 - t0) / 1e9);
            double multiRate = size / (double) MIB / ((t2 - t1) / 1e9);
            double directRate = size / (double) MIB / ((t3 - t2) / 1e9);
            LOG.info("48 MiB: one PutObject {} MiB/s; 6 parts of 8 MiB, 4 in flight: {} MiB/s with the server-side copy"
                    + " (ratio to single {}), {} MiB/s DIRECT (ratio {})", String.format("%.0f", singleRate),
                    String.format("%.0f", multiRate), String.format("%.2f", multiRate / singleRate),
                    String.format("%.0f", directRate), String.format("%.2f", directRate / singleRate));
            assertThat(one.partsUploaded()).isZero();
            assertThat(parts.partsUploaded()).isEqualTo(6);
            assertThat(straight.partsUploaded()).isEqualTo(6);
            assertThat(single.stat(ObjectKey.of("single.bin")).orElseThrow().sha256())
                    .isEqualTo(multi.stat(ObjectKey.of("multi.bin")).orElseThrow().sha256());
        }
    }
}
