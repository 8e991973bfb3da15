package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.Secret;
import io.github.neo4jbackup.core.spi.ObjectExistsException;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectNotFoundException;
import io.github.neo4jbackup.core.spi.ObjectPage;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.WriteMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.github.neo4jbackup.storage.s3.TestData.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Behaviour of the S3 target beyond the contract, against S3Proxy over HTTP. */
class S3StorageTargetTest {

    private final S3ProxyServer server = S3ProxyServer.shared();
    private final TestData.RequestLog log = new TestData.RequestLog();
    private S3Client client;
    private String bucket;

    @BeforeEach
    void setUp() {
        bucket = server.newBucket("target");
        client = S3ProxyServer.newClient(server.port(), log);
    }

    @AfterEach
    void tearDown() {
        client.close();
        server.dropBucket(bucket);
    }

    private S3StorageTarget.Builder target() {
        return S3StorageTarget.builder().client(client).bucket(bucket).prefix("backups").partSize(5 * MIB)
                .maxPartsInFlight(2);
    }

    @Test
    @DisplayName("a multipart upload sends equal parts, records the SHA-256 and leaves no temporary object")
    void multipartUploadRecordsSha256() throws Exception {
        try (S3StorageTarget target = target().build()) {
            long size = 23L * MIB + 12_345;
            S3PendingObject pending = target.create(ObjectKey.of("neo4j/big.dump"), Map.of("database", "neo4j"),
                    WriteMode.CREATE_NEW);
            String sha;
            ObjectInfo committed;
            try (pending) {
                sha = TestData.write(pending.stream(), 7, size, 1_000_003);
                committed = pending.commit();
            }

            assertThat(pending.partsUploaded()).isEqualTo(5);
            assertThat(pending.skipped()).isFalse();
            assertThat(committed.size()).isEqualTo(size);
            assertThat(committed.sha256()).contains(sha);
            assertThat(committed.metadata()).containsEntry("database", "neo4j");
            assertThat(target.stat(ObjectKey.of("neo4j/big.dump")).orElseThrow().sha256()).contains(sha);
            assertThat(TestData.sha256Of(target, "neo4j/big.dump")).isEqualTo(sha);

            List<Long> partSizes = log.requests(UploadPartRequest.class).stream()
                    .sorted((a, b) -> Integer.compare(a.partNumber(), b.partNumber()))
                    .map(UploadPartRequest::contentLength).toList();
            assertThat(partSizes).as("part sizes").containsExactly((long) 5 * MIB, (long) 5 * MIB, (long) 5 * MIB,
                    (long) 5 * MIB, 3L * MIB + 12_345);
            assertThat(log.count("UploadPartCopy")).as("server-side copies").isEqualTo(1);
            assertThat(server.allKeys(bucket)).containsExactly("backups/neo4j/big.dump");
            assertThat(server.pendingUploads(bucket)).isEmpty();
        }
    }

    @Test
    @DisplayName("an object smaller than one part is sent with one PutObject carrying the SHA-256")
    void smallObjectIsOnePut() throws Exception {
        try (S3StorageTarget target = target().build()) {
            S3PendingObject pending = TestData.put(target, "small.bin", 3, 5 * MIB - 1, WriteMode.CREATE_NEW, Map.of());

            assertThat(pending.partsUploaded()).isZero();
            assertThat(log.count("PutObject")).isEqualTo(1);
            assertThat(log.count("CreateMultipartUpload")).isZero();
            assertThat(target.stat(ObjectKey.of("small.bin")).orElseThrow().sha256())
                    .contains(TestData.sha256(TestData.bytes(3, 5 * MIB - 1)));
        }
    }

    @Test
    @DisplayName("an aborted upload leaves no object, no temporary object and no pending multipart upload")
    void abortedUploadLeavesNothing() throws Exception {
        try (S3StorageTarget target = target().build()) {
            PendingObject closedUnfinished = target.create(ObjectKey.of("neo4j/aborted.dump"), Map.of(),
                    WriteMode.CREATE_NEW);
            TestData.writeOnly(closedUnfinished, 1, 17L * MIB);
            assertThat(server.pendingUploads(bucket)).as("uploads while writing").hasSize(1);
            closedUnfinished.close();

            PendingObject aborted = target.create(ObjectKey.of("neo4j/aborted2.dump"), Map.of(), WriteMode.OVERWRITE);
            TestData.writeOnly(aborted, 2, 11L * MIB);
            aborted.abort();
            assertThatThrownBy(aborted::commit).isInstanceOf(IOException.class).hasMessageContaining("aborted");

            assertThat(server.allKeys(bucket)).isEmpty();
            assertThat(server.pendingUploads(bucket)).isEmpty();
            assertThat(log.count("AbortMultipartUpload")).isEqualTo(2);
            assertThat(target.stat(ObjectKey.of("neo4j/aborted.dump"))).isEmpty();
        }
    }

    @Test
    @DisplayName("re-uploading identical content is skipped and reported; different content or metadata is not")
    void identicalReuploadIsSkipped() throws Exception {
        try (S3StorageTarget target = target().build()) {
            Map<String, String> meta = Map.of("backup-id", "neo4j-1");
            for (long size : new long[] {1000, 12L * MIB}) {
                String key = "idem/object-" + size + ".bin";
                S3PendingObject first = TestData.put(target, key, 5, size, WriteMode.OVERWRITE, meta);
                Instant stored = target.stat(ObjectKey.of(key)).orElseThrow().lastModified();
                assertThat(first.skipped()).isFalse();
                log.clear();

                S3PendingObject again = TestData.put(target, key, 5, size, WriteMode.OVERWRITE, meta);
                assertThat(again.skipped()).as("OVERWRITE with identical content, size %d", size).isTrue();
                assertThat(log.count("PutObject") + log.count("UploadPartCopy")).as("publishing requests").isZero();
                assertThat(target.stat(ObjectKey.of(key)).orElseThrow().lastModified()).isEqualTo(stored);

                S3PendingObject created = TestData.put(target, key, 5, size, WriteMode.CREATE_NEW, meta);
                assertThat(created.skipped()).as("CREATE_NEW with identical content and metadata").isTrue();

                assertThatThrownBy(() -> TestData.put(target, key, 5, size, WriteMode.CREATE_NEW,
                        Map.of("backup-id", "neo4j-2"))).as("CREATE_NEW, same bytes, other metadata")
                        .isInstanceOf(ObjectExistsException.class);
                assertThatThrownBy(() -> TestData.put(target, key, 6, size, WriteMode.CREATE_NEW, meta))
                        .as("CREATE_NEW, other bytes").isInstanceOf(ObjectExistsException.class);

                S3PendingObject changed = TestData.put(target, key, 5, size, WriteMode.OVERWRITE,
                        Map.of("backup-id", "neo4j-3"));
                assertThat(changed.skipped()).as("OVERWRITE with other metadata").isFalse();
                assertThat(target.stat(ObjectKey.of(key)).orElseThrow().metadata()).containsEntry("backup-id", "neo4j-3");
            }
            try (S3StorageTarget noSkip = target().skipIdenticalUploads(false).build()) {
                S3PendingObject again = TestData.put(noSkip, "idem/object-1000.bin", 5, 1000, WriteMode.OVERWRITE,
                        Map.of("backup-id", "neo4j-3"));
                assertThat(again.skipped()).isFalse();
            }
            assertThat(server.pendingUploads(bucket)).isEmpty();
            assertThat(server.allKeys(bucket)).noneMatch(k -> k.contains(S3StorageTarget.INCOMPLETE_FOLDER));
        }
    }

    @Test
    @DisplayName("a completion whose answer was lost is retried and recognised as done")
    void lostCompletionAnswers() throws Exception {
        java.util.concurrent.atomic.AtomicInteger toLose = new java.util.concurrent.atomic.AtomicInteger();
        ExecutionInterceptor loseAnswers = new ExecutionInterceptor() {
            @Override
            public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
                if (context.response() instanceof software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse
                        && toLose.incrementAndGet() % 2 == 1) {
                    throw SdkClientException.create("simulated lost answer", new SocketException("Connection reset"));
                }
                return context.response();
            }
        };
        try (S3Client losing = S3ProxyServer.newClient(server.port(), loseAnswers, log);
             S3StorageTarget target = S3StorageTarget.builder().client(losing).bucket(bucket).partSize(5 * MIB)
                     .build()) {
            for (WriteMode mode : WriteMode.values()) {
                toLose.set(0); // lose the first answer of the temporary upload's completion and of the final one
                String key = "lost/" + mode + ".bin";
                S3PendingObject pending = TestData.put(target, key, 4, 11L * MIB, mode, Map.of("backup-id", "x"));
                assertThat(target.stat(ObjectKey.of(key)).orElseThrow().sha256())
                        .contains(TestData.sha256Of(target, key));
                assertThat(toLose.get()).as("completions sent").isEqualTo(4);
                assertThat(pending.partsUploaded()).isEqualTo(3);
            }
            assertThat(server.pendingUploads(bucket)).isEmpty();
            assertThat(server.allKeys(bucket)).containsExactly("lost/CREATE_NEW.bin", "lost/OVERWRITE.bin");
        }
    }

    @Test
    @DisplayName("more than 1,000 objects are listed in pages and deleted in batches of at most 1,000")
    void manyObjectsListedAndDeletedInBatches() throws Exception {
        int count = 1_234;
        try (S3StorageTarget target = target().build()) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> writes = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    String key = String.format("many/object-%05d.bin", i);
                    writes.add(pool.submit(() -> {
                        try (PendingObject p = target.create(ObjectKey.of(key), Map.of(), WriteMode.CREATE_NEW)) {
                            p.stream().write(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                            p.commit();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : writes) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }

            ObjectPage first = target.list("many/", null);
            assertThat(first.objects()).hasSize(1000);
            assertThat(first.continuationToken()).isNotNull();
            ObjectPage second = target.list("many/", first.continuationToken());
            assertThat(second.objects()).hasSize(count - 1000);
            assertThat(second.continuationToken()).isNull();
            List<ObjectInfo> all = target.listAllObjects("many/");
            assertThat(all).hasSize(count);

            log.clear();
            target.deleteAll(all.stream().map(ObjectInfo::key).toList());
            assertThat(log.count("DeleteObjects")).isEqualTo(2);
            assertThat(target.listAllObjects("")).isEmpty();
            assertThat(server.allKeys(bucket)).isEmpty();
        }
    }

    @Test
    @DisplayName("deleteAll reports the keys the store refused to delete, with the store's reason")
    void deleteAllReportsPerKeyErrors() throws Exception {
        ExecutionInterceptor refuse = new ExecutionInterceptor() {
            @Override
            public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
                if (context.response() instanceof DeleteObjectsResponse r) {
                    return r.toBuilder().errors(S3Error.builder().key("backups/keep/locked.bin").code("AccessDenied")
                            .message("Access Denied").build()).build();
                }
                return context.response();
            }
        };
        try (S3Client refusing = S3ProxyServer.newClient(server.port(), refuse);
             S3StorageTarget target = S3StorageTarget.builder().client(refusing).bucket(bucket).prefix("backups")
                     .build()) {
            TestData.put(target, "keep/locked.bin", 1, 10, WriteMode.CREATE_NEW, Map.of());
            TestData.put(target, "keep/other.bin", 1, 10, WriteMode.CREATE_NEW, Map.of());

            assertThatThrownBy(() -> target.deleteAll(List.of(ObjectKey.of("keep/locked.bin"),
                    ObjectKey.of("keep/other.bin"))))
                    .isInstanceOfSatisfying(S3DeleteException.class, e -> {
                        assertThat(e.failures()).containsOnlyKeys(ObjectKey.of("keep/locked.bin"));
                        assertThat(e.failures().get(ObjectKey.of("keep/locked.bin"))).contains("AccessDenied");
                        assertThat(target.isRetryable(e)).isFalse();
                    })
                    .hasMessageContaining("1 of 2 objects could not be deleted")
                    .hasMessageContaining("s3:DeleteObject");
        }
    }

    @Test
    @DisplayName("cleanupIncomplete aborts old uploads and temporary objects under the prefix, not live ones")
    void cleanupIncompleteRemovesLeftoversOnly() throws Exception {
        S3Client raw = server.client();
        String killedUpload = raw.createMultipartUpload(r -> r.bucket(bucket).key("backups/neo4j/killed.dump"))
                .uploadId();
        raw.uploadPart(r -> r.bucket(bucket).key("backups/neo4j/killed.dump").uploadId(killedUpload).partNumber(1),
                RequestBody.fromBytes(new byte[1024]));
        raw.putObject(r -> r.bucket(bucket).key("backups/" + S3StorageTarget.INCOMPLETE_FOLDER + "left-over"),
                RequestBody.fromString("x"));
        String elsewhere = raw.createMultipartUpload(r -> r.bucket(bucket).key("other/upload")).uploadId();
        try (S3StorageTarget target = target().build()) {
            S3PendingObject live = target.create(ObjectKey.of("neo4j/live.dump"), Map.of(), WriteMode.CREATE_NEW);
            String sha = TestData.write(live.stream(), 9, 11L * MIB, 1 << 20);

            int removed = target.cleanupIncomplete(Instant.now().plus(Duration.ofMinutes(5)));

            assertThat(removed).isEqualTo(2);
            assertThat(server.pendingUploads(bucket)).hasSize(2).anyMatch(u -> u.endsWith(elsewhere))
                    .noneMatch(u -> u.endsWith(killedUpload));
            assertThat(target.cleanupIncomplete(Instant.now().minus(Duration.ofHours(1)))).isZero();
            assertThat(live.commit().sha256()).contains(sha);
            assertThat(server.allKeys(bucket)).containsExactly("backups/neo4j/live.dump");
        } finally {
            raw.abortMultipartUpload(r -> r.bucket(bucket).key("other/upload").uploadId(elsewhere));
        }
    }

    @Test
    @DisplayName("without permission to list uploads, cleanupIncomplete still removes temporary objects")
    void cleanupWithoutListUploadsPermission() throws Exception {
        ExecutionInterceptor deny = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest) {
                    throw s3Error(403, "AccessDenied");
                }
            }
        };
        server.client().putObject(r -> r.bucket(bucket).key("backups/" + S3StorageTarget.INCOMPLETE_FOLDER + "old"),
                RequestBody.fromString("x"));
        try (S3Client denied = S3ProxyServer.newClient(server.port(), deny);
             S3StorageTarget target = S3StorageTarget.builder().client(denied).bucket(bucket).prefix("backups")
                     .build()) {
            assertThat(target.cleanupIncomplete(Instant.now().plus(Duration.ofMinutes(5)))).isEqualTo(1);
        }
        assertThat(server.allKeys(bucket)).isEmpty();
    }

    @Test
    @DisplayName("temporary objects are never listed, stat-ed or opened, and their folder cannot be written")
    void temporaryFolderIsInvisible() throws Exception {
        S3Client raw = server.client();
        for (int i = 0; i < 3; i++) {
            int n = i;
            raw.putObject(r -> r.bucket(bucket).key("backups/.incomplete/tmp-" + n), RequestBody.fromString("x"));
        }
        try (S3StorageTarget target = target().listPageSize(2).build()) {
            TestData.put(target, ".hidden", 1, 1, WriteMode.CREATE_NEW, Map.of());
            TestData.put(target, "z", 1, 1, WriteMode.CREATE_NEW, Map.of());

            assertThat(target.listAllObjects("")).extracting(i -> i.key().value()).containsExactly(".hidden", "z");
            assertThat(target.list(".incomplete/", null).objects()).isEmpty();
            assertThat(target.stat(ObjectKey.of(".incomplete/tmp-0"))).isEmpty();
            assertThatThrownBy(() -> target.open(ObjectKey.of(".incomplete/tmp-0")))
                    .isInstanceOf(ObjectNotFoundException.class);
            assertThatThrownBy(() -> target.create(ObjectKey.of(".incomplete/mine"), Map.of(), WriteMode.OVERWRITE))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("reserves");
        }
    }

    @Test
    @DisplayName("wrong credentials give a clear error without the secret")
    void wrongCredentials() {
        String secret = "wrong-secret-value-123";
        S3Config badSecret = server.config().credentials(S3ProxyServer.ACCESS_KEY, Secret.of(secret)).build();
        try (S3StorageTarget target = S3StorageTarget.builder().config(badSecret).bucket(bucket).retry(2,
                Duration.ofMillis(10), Duration.ofMillis(20)).build()) {
            assertThatThrownBy(target::checkAccess).isInstanceOf(IOException.class)
                    .hasMessageContaining("SignatureDoesNotMatch")
                    .hasMessageContaining("Check the secret key")
                    .hasMessageNotContaining(secret)
                    .satisfies(e -> assertThat(target.isRetryable((IOException) e)).isFalse());
            assertThatThrownBy(() -> TestData.put(target, "x.bin", 1, 100, WriteMode.CREATE_NEW, Map.of()))
                    .isInstanceOf(IOException.class).hasMessageContaining("Could not upload 'x.bin'")
                    .hasMessageNotContaining(secret);
            assertThat(target.describe()).doesNotContain(secret).doesNotContain(S3ProxyServer.ACCESS_KEY);
            assertThat(badSecret.toString()).doesNotContain(secret).contains(Secret.REDACTED);
        }
        S3Config unknownKey = server.config().credentials("AKIAUNKNOWN", Secret.of(secret)).build();
        try (S3StorageTarget target = S3StorageTarget.builder().config(unknownKey).bucket(bucket).build()) {
            assertThatThrownBy(target::checkAccess).isInstanceOf(IOException.class)
                    .hasMessageContaining("403").hasMessageNotContaining(secret);
        }
    }

    @Test
    @DisplayName("a missing bucket gives a clear error")
    void missingBucket() {
        try (S3StorageTarget target = S3StorageTarget.builder().config(server.config().build())
                .bucket("no-such-bucket-here").build()) {
            assertThatThrownBy(target::checkAccess).isInstanceOf(IOException.class)
                    .hasMessageContaining("The bucket 'no-such-bucket-here' does not exist")
                    .hasMessageContaining("Create it");
            assertThatThrownBy(() -> target.stat(ObjectKey.of("a"))).isInstanceOf(IOException.class)
                    .hasMessageContaining("does not exist");
            assertThatThrownBy(() -> TestData.put(target, "a", 1, 10, WriteMode.CREATE_NEW, Map.of()))
                    .isInstanceOf(IOException.class).hasMessageContaining("does not exist");
            assertThatThrownBy(() -> target.open(ObjectKey.of("a"))).isInstanceOf(IOException.class)
                    .isNotInstanceOf(ObjectNotFoundException.class).hasMessageContaining("does not exist");
        }
    }

    @Test
    @DisplayName("an unreachable endpoint gives a clear, retryable error after the retry budget")
    void unreachableEndpoint() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        S3Config config = server.config().endpoint(URI.create("http://127.0.0.1:" + closedPort)).build();
        try (S3StorageTarget target = S3StorageTarget.builder().config(config).bucket(bucket)
                .retry(3, Duration.ofMillis(10), Duration.ofMillis(20)).build()) {
            assertThatThrownBy(target::checkAccess).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot connect to the endpoint")
                    .hasMessageContaining("after 3 attempts")
                    .satisfies(e -> assertThat(target.isRetryable((IOException) e)).isTrue());
        }
    }

    @Test
    @DisplayName("describe names bucket, prefix and endpoint; configuration rejects user info and prints no secret")
    void descriptionsHideSecrets() {
        try (S3StorageTarget target = S3StorageTarget.builder().config(server.config().build()).bucket(bucket)
                .prefix("/a/b/").build()) {
            assertThat(target.describe()).isEqualTo("s3://" + bucket + "/a/b/ (endpoint " + server.endpoint() + ")");
            assertThat(target.prefix()).isEqualTo("a/b/");
            assertThat(target.toString()).doesNotContain(S3ProxyServer.SECRET_KEY);
        }
        assertThatThrownBy(() -> S3Config.builder().endpoint(URI.create("https://key:secret@host.example")))
                .isInstanceOf(InvalidInputException.class).hasMessageNotContaining("secret@");
        S3Config config = S3Config.builder().credentials("AKIAEXAMPLE123", Secret.of("s3cr3t"),
                Secret.of("session-token")).build();
        assertThat(config.toString()).contains("AKIA****").doesNotContain("s3cr3t").doesNotContain("session-token")
                .doesNotContain("EXAMPLE123");
        assertThatThrownBy(() -> S3StorageTarget.builder().prefix("a/../b")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> S3StorageTarget.builder().partSize(MIB)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("5 MiB");
        assertThatThrownBy(() -> S3StorageTarget.builder().bucket("s3://bucket/x"))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    @DisplayName("metadata names are lower-cased; names and values S3 cannot carry are rejected")
    void metadataIsValidated() throws Exception {
        try (S3StorageTarget target = target().build()) {
            TestData.put(target, "m.bin", 1, 10, WriteMode.CREATE_NEW, Map.of("Tool-Version", "0.1.0"));
            assertThat(target.stat(ObjectKey.of("m.bin")).orElseThrow().metadata()).containsEntry("tool-version",
                    "0.1.0");
            assertThatThrownBy(() -> target.create(ObjectKey.of("n"), Map.of("name", "grüße"), WriteMode.OVERWRITE))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("printable ASCII");
            assertThatThrownBy(() -> target.create(ObjectKey.of("n"), Map.of("a b", "x"), WriteMode.OVERWRITE))
                    .isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> target.create(ObjectKey.of("n"), Map.of("big", "x".repeat(3000)),
                    WriteMode.OVERWRITE)).isInstanceOf(InvalidInputException.class).hasMessageContaining("2 KiB");
            TestData.put(target, "f.bin", 2, 10, WriteMode.CREATE_NEW, Map.of("sha256", "0000"));
            assertThat(target.stat(ObjectKey.of("f.bin")).orElseThrow().sha256())
                    .as("a caller's sha256 entry is replaced by the real digest")
                    .contains(TestData.sha256(TestData.bytes(2, 10)));
        }
    }

    @Test
    @DisplayName("storage class and content type reach the store; SSE-S3 and SSE-KMS headers are sent")
    void objectSettingsAreApplied() throws Exception {
        try (S3StorageTarget target = target().storageClass("STANDARD_IA").contentType("application/zstd").build()) {
            TestData.put(target, "sc/small.bin", 1, 1000, WriteMode.CREATE_NEW, Map.of());
            TestData.put(target, "sc/large.bin", 1, 11L * MIB, WriteMode.CREATE_NEW, Map.of());
            HeadObjectResponse small = server.client().headObject(r -> r.bucket(bucket).key("backups/sc/small.bin"));
            assertThat(small.storageClassAsString()).isEqualTo("STANDARD_IA");
            assertThat(small.contentType()).isEqualTo("application/zstd");
            HeadObjectResponse large = server.client().headObject(r -> r.bucket(bucket).key("backups/sc/large.bin"));
            assertThat(large.contentType()).isEqualTo("application/zstd");
            // S3Proxy keeps no storage class for multipart uploads: check the request instead
            List<CreateMultipartUploadRequest> starts = log.requests(CreateMultipartUploadRequest.class);
            assertThat(starts).hasSize(2);
            assertThat(starts.get(0).storageClassAsString()).as("temporary object's storage class").isNull();
            assertThat(starts.get(1).storageClassAsString()).isEqualTo("STANDARD_IA");
        }
        // the file-system store of S3Proxy implements no server-side encryption: check what is sent
        for (S3Encryption encryption : List.of(S3Encryption.s3Managed(), S3Encryption.kms("alias/backups").withBucketKey())) {
            log.clear();
            try (S3StorageTarget target = target().encryption(encryption).build()) {
                for (long size : new long[] {100, 6L * MIB}) {
                    try {
                        TestData.put(target, "sse.bin", 1, size, WriteMode.OVERWRITE, Map.of());
                    } catch (IOException e) {
                        assertThat(e).hasMessageContaining("501");
                    }
                }
            }
            PutObjectRequest put = log.requests(PutObjectRequest.class).get(0);
            CreateMultipartUploadRequest start = log.requests(CreateMultipartUploadRequest.class).get(0);
            if (encryption.kind() == S3Encryption.Kind.SSE_S3) {
                assertThat(put.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
                assertThat(start.serverSideEncryption()).as("temporary objects are encrypted too")
                        .isEqualTo(ServerSideEncryption.AES256);
            } else {
                assertThat(put.serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
                assertThat(put.ssekmsKeyId()).isEqualTo("alias/backups");
                assertThat(put.bucketKeyEnabled()).isTrue();
                assertThat(start.ssekmsKeyId()).isEqualTo("alias/backups");
            }
        }
        assertThat(server.pendingUploads(bucket)).isEmpty();
    }

    @Test
    @DisplayName("close() closes a client built from a configuration, not the caller's client")
    void ownership() throws Exception {
        S3StorageTarget owned = S3StorageTarget.builder().config(server.config().build()).bucket(bucket).build();
        S3Client ownedClient = owned.client();
        owned.checkAccess();
        owned.close();
        owned.close();
        assertThatThrownBy(() -> ownedClient.listBuckets()).as("a closed client").isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> owned.create(ObjectKey.of("x"), Map.of(), WriteMode.OVERWRITE))
                .isInstanceOf(IOException.class).hasMessageContaining("closed");

        S3StorageTarget borrowed = target().build();
        borrowed.close();
        assertThat(client.listBuckets().buckets()).isNotEmpty();
    }

    @Test
    @DisplayName("failures are classified: 5xx, throttling, timeouts and resets are retryable; the rest is not")
    void retryClassification() {
        assertThat(S3Errors.isRetryable(s3Error(503, "SlowDown"))).isTrue();
        assertThat(S3Errors.isRetryable(s3Error(500, "InternalError"))).isTrue();
        assertThat(S3Errors.isRetryable(s3Error(429, null))).isTrue();
        assertThat(S3Errors.isRetryable(s3Error(400, "RequestTimeout"))).isTrue();
        assertThat(S3Errors.isRetryable(s3Error(409, "ConditionalRequestConflict"))).isTrue();
        assertThat(S3Errors.isRetryable(s3Error(403, "AccessDenied"))).isFalse();
        assertThat(S3Errors.isRetryable(s3Error(404, "NoSuchKey"))).isFalse();
        assertThat(S3Errors.isRetryable(s3Error(412, "PreconditionFailed"))).isFalse();
        assertThat(S3Errors.isRetryable(s3Error(400, "InvalidArgument"))).isFalse();
        assertThat(S3Errors.isRetryable(SdkClientException.create("reset", new SocketException("Connection reset"))))
                .isTrue();
        assertThat(S3Errors.isRetryable(ApiCallAttemptTimeoutException.create(1000))).isTrue();
        assertThat(S3Errors.isRetryable(SdkClientException.create("dns", new UnknownHostException("nohost"))))
                .isFalse();
        assertThat(S3Errors.isRetryable(new ObjectNotFoundException(ObjectKey.of("a")))).isFalse();
        assertThat(S3Errors.isRetryable(new ObjectExistsException(ObjectKey.of("a")))).isFalse();
        IOException worded = S3Errors.translate("upload 'a'", "s3://b/", "b", s3Error(503, "SlowDown"), 6);
        assertThat(worded).hasMessageContaining("after 6 attempts").hasMessageContaining("503 SlowDown");
        assertThat(S3Errors.isRetryable(worded)).isTrue();
    }

    private static S3Exception s3Error(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("test").build()).build();
    }
}
