package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.StorageException;
import io.github.neo4jbackup.core.spi.ObjectExistsException;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.testkit.FaultyTcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;

import static io.github.neo4jbackup.storage.s3.TestData.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Network faults between the target and a real S3 server: a TCP proxy on 127.0.0.1 resets or stalls
 * connections in the middle of a body, or answers with S3 errors. Uploads retry and complete with
 * the right checksum, or fail cleanly (no object, no manifest, no pending upload) after the retry
 * budget.
 */
class S3FaultInjectionTest {

    private final S3ProxyServer server = S3ProxyServer.shared();
    private FaultyTcpProxy proxy;
    private String bucket;
    private S3StorageTarget target;

    @BeforeEach
    void setUp() throws IOException {
        bucket = server.newBucket("faults");
        proxy = new FaultyTcpProxy(server.port());
        target = target(6).build();
    }

    private S3StorageTarget.Builder target(int attempts) {
        S3Config config = server.config()
                .endpoint(java.net.URI.create("http://127.0.0.1:" + proxy.port()))
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(6))
                .attemptTimeout(Duration.ofSeconds(8))
                .build();
        return S3StorageTarget.builder().config(config).bucket(bucket).prefix("backups").partSize(5 * MIB)
                .maxPartsInFlight(3).retry(attempts, Duration.ofMillis(20), Duration.ofMillis(200));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        target.close();
        proxy.close();
        assertThat(server.pendingUploads(bucket)).as("incomplete uploads").isEmpty();
        for (int attempt = 0; ; attempt++) {
            try {
                server.dropBucket(bucket);
                return;
            } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
                if (attempt >= 50) {
                    throw e;
                }
                Thread.sleep(100); // S3Proxy is still discarding a request the proxy cut off
            }
        }
    }

    @Test
    @DisplayName("an upload survives connections reset and stalled in the middle of parts")
    void uploadSurvivesResetsAndStalls() throws Exception {
        proxy.resetUpstreamAt(MIB).resetUpstreamAt(7L * MIB).stallUpstreamAt(13L * MIB).resetUpstreamAt(21L * MIB);
        long size = 24L * MIB + 1;

        S3PendingObject pending = target.create(ObjectKey.of("neo4j/faulty.dump"), Map.of("database", "neo4j"),
                WriteMode.CREATE_NEW);
        String sha;
        ObjectInfo info;
        try (pending) {
            sha = TestData.write(pending.stream(), 11, size, 1 << 20);
            info = pending.commit();
        }

        assertThat(proxy.faultsInjected()).as("faults injected").isEqualTo(4);
        assertThat(info.size()).isEqualTo(size);
        assertThat(info.sha256()).contains(sha);
        try (InputStream in = server.client().getObject(r -> r.bucket(bucket).key("backups/neo4j/faulty.dump"))) {
            assertThat(TestData.sha256(in)).as("SHA-256 of the stored bytes").isEqualTo(sha);
        }
        assertThat(server.allKeys(bucket)).containsExactly("backups/neo4j/faulty.dump");
    }

    @Test
    @DisplayName("a single PUT and a conditional write survive a reset; the retried CREATE_NEW is not a conflict")
    void singlePutSurvivesReset() throws Exception {
        proxy.resetUpstreamAt(300_000);
        S3PendingObject pending = TestData.put(target, "small.bin", 5, 2L * MIB, WriteMode.CREATE_NEW, Map.of());
        assertThat(pending.skipped()).isFalse();
        assertThat(proxy.faultsInjected()).isEqualTo(1);
        assertThat(TestData.sha256Of(target, "small.bin")).isEqualTo(TestData.sha256(TestData.bytes(5, 2 * MIB)));

        // the server stores the object but the answer is lost (reset after the interim "100 Continue"):
        // the retry meets If-None-Match, finds its own bytes and must not fail
        proxy.resetDownstreamAt(30);
        S3PendingObject lostAnswer = TestData.put(target, "lost-answer.bin", 6, 1000, WriteMode.CREATE_NEW,
                Map.of("backup-id", "b1"));
        assertThat(proxy.faultsInjected()).isEqualTo(2);
        assertThat(lostAnswer.skipped()).as("the retried commit found its own object").isTrue();
        assertThat(TestData.sha256Of(target, "lost-answer.bin")).isEqualTo(TestData.sha256(TestData.bytes(6, 1000)));
        assertThatThrownBy(() -> TestData.put(target, "lost-answer.bin", 7, 1000, WriteMode.CREATE_NEW,
                Map.of("backup-id", "b1"))).isInstanceOf(ObjectExistsException.class);
    }

    @Test
    @DisplayName("a read resumes where a broken connection stopped it")
    void readResumes() throws Exception {
        byte[] data = TestData.bytes(21, 12 * MIB);
        server.client().putObject(r -> r.bucket(bucket).key("backups/read.bin"), RequestBody.fromBytes(data));
        proxy.resetDownstreamAt(3L * MIB).resetDownstreamAt(8L * MIB);

        assertThat(TestData.sha256Of(target, "read.bin")).isEqualTo(TestData.sha256(data));
        assertThat(proxy.faultsInjected()).isEqualTo(2);
    }

    @Test
    @DisplayName("throttling (503 SlowDown) and server errors (500) are retried; access denied is not")
    void errorsAreRetriedOrNot() throws Exception {
        proxy.failNextConnections(2, 503, "Slow Down", "SlowDown");
        TestData.put(target, "throttled.bin", 1, 1000, WriteMode.OVERWRITE, Map.of());
        assertThat(proxy.faultsInjected()).isEqualTo(2);

        proxy.failNextConnections(1, 500, "Internal Server Error", "InternalError");
        assertThat(target.stat(ObjectKey.of("throttled.bin"))).isPresent();
        assertThat(proxy.faultsInjected()).isEqualTo(3);

        proxy.failNextConnections(1, 403, "Forbidden", "AccessDenied");
        assertThatThrownBy(() -> target.open(ObjectKey.of("throttled.bin")).close()).isInstanceOf(IOException.class)
                .hasMessageContaining("403 AccessDenied")
                .satisfies(e -> assertThat(target.isRetryable((IOException) e)).isFalse());
        assertThat(proxy.faultsInjected()).as("no retry after access denied").isEqualTo(4);
    }

    @Test
    @DisplayName("a store without conditional writes: AUTO falls back to a check, REQUIRED fails clearly")
    void conditionalWritesNotImplemented() throws Exception {
        proxy.failNextConnections(1, 501, "Not Implemented", "NotImplemented");
        TestData.put(target, "cond.bin", 1, 100, WriteMode.CREATE_NEW, Map.of());
        assertThat(proxy.faultsInjected()).isEqualTo(1);
        assertThatThrownBy(() -> TestData.put(target, "cond.bin", 2, 100, WriteMode.CREATE_NEW, Map.of()))
                .as("the fallback still refuses a taken key").isInstanceOf(ObjectExistsException.class);

        try (S3StorageTarget strict = target(6).conditionalWrites(ConditionalWrites.REQUIRED).build()) {
            proxy.failNextConnections(1, 501, "Not Implemented", "NotImplemented");
            assertThatThrownBy(() -> TestData.put(strict, "strict.bin", 1, 100, WriteMode.CREATE_NEW, Map.of()))
                    .isInstanceOf(IOException.class).hasMessageContaining("does not implement conditional writes");
        }
        assertThat(server.allKeys(bucket)).containsExactly("backups/cond.bin");
    }

    @Test
    @DisplayName("when every large request fails, the backup fails cleanly after the retry budget: no object, no manifest")
    void permanentFailureFailsCleanly() throws Exception {
        target.close();
        target = target(3).build();
        proxy.resetRequestsLargerThan(256 * 1024);
        BackupPipeline pipeline = BackupPipeline.builder()
                .source(new S3PipelineTest.GeneratedSource("neo4j", 12L * MIB, 5)).target(target).build();

        assertThatThrownBy(pipeline::backup).isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.retryable()).as("retryable").isTrue())
                .hasMessageContaining("after 3 attempts");

        proxy.heal();
        assertThat(server.allKeys(bucket)).as("objects after the failed backup").isEmpty();
        assertThat(server.pendingUploads(bucket)).isEmpty();
        assertThat(pipeline.list()).isEmpty();
    }
}
