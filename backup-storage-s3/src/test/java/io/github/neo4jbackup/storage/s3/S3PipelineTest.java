package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.LockHeldException;
import io.github.neo4jbackup.core.PruneResult;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.manifest.ManifestCodec;
import io.github.neo4jbackup.core.manifest.StoredObject;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.testkit.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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

/** The core BackupPipeline on S3: backup, list, verify, restore, prune and the lock work unchanged. */
class S3PipelineTest {

    private final S3ProxyServer server = S3ProxyServer.shared();
    private String bucket;
    private S3StorageTarget target;

    @BeforeEach
    void setUp() {
        bucket = server.newBucket("pipeline");
        target = S3StorageTarget.builder().config(server.config().build()).bucket(bucket).prefix("neo4j-backups")
                .partSize(5 * MIB).maxPartsInFlight(3).build();
    }

    @AfterEach
    void tearDown() {
        target.close();
        assertThat(server.pendingUploads(bucket)).as("incomplete uploads").isEmpty();
        server.dropBucket(bucket);
    }

    @Test
    @DisplayName("backup -> list -> verify FULL -> restore -> prune, with the lock, on S3")
    void fullCycle() throws Exception {
        ManualClock clock = ManualClock.at(Instant.parse("2025-11-01T23:00:00Z"));
        GeneratedSource source = new GeneratedSource("neo4j", 13L * MIB + 77, 42);
        BackupPipeline pipeline = BackupPipeline.builder().source(source).transform(Compression.gzip(1))
                .target(target).clock(clock).retention(RetentionPolicy.builder().keepLast(2).build())
                .orphanGracePeriod(Duration.ZERO).build();

        List<BackupResult> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            results.add(pipeline.backup());
            clock.advance(Duration.ofHours(1));
        }

        BackupResult last = results.get(2);
        assertThat(last.prune()).isNotNull();
        assertThat(last.prune().deleted()).extracting(PruneResult.Decision::id).containsExactly(results.get(0).id());
        List<Manifest> listed = pipeline.list();
        assertThat(listed).extracting(Manifest::id).containsExactly(results.get(2).id(), results.get(1).id());

        ObjectInfo stored = target.stat(last.dataKey()).orElseThrow();
        assertThat(stored.sha256()).as("SHA-256 kept by S3").contains(last.storedSha256());
        assertThat(stored.metadata()).containsEntry("database", "neo4j").containsEntry("backup-id", last.id());
        assertThat(last.storedSize()).as("stored size").isGreaterThan(5L * MIB);

        VerifyReport report = pipeline.verify(last.id(), VerifyLevel.FULL);
        assertThat(report.problems()).isEmpty();
        assertThat(report.ok()).isTrue();

        HashingSink sink = new HashingSink();
        RestoreResult restored = pipeline.restore(last.id(), sink);
        assertThat(sink.sha256).isEqualTo(source.sha256());
        assertThat(restored.rawBytes()).isEqualTo(source.size);

        List<String> keys = server.allKeys(bucket);
        assertThat(keys).as("no lock, no temporary object, nothing of the pruned backup")
                .noneMatch(k -> k.contains("/locks/") || k.contains(".incomplete/") || k.contains(results.get(0).id()))
                .hasSize(4);
    }

    @Test
    @DisplayName("a lock held by another run stops the backup before anything is written")
    void lockHeldByAnotherRun() throws Exception {
        String lock = "{\"owner\":\"ops@other-host (pid 1)\",\"operation\":\"backup neo4j-x\",\"token\":\"t\","
                + "\"acquiredAt\":\"" + Instant.now() + "\",\"expiresAt\":\"" + Instant.now().plus(Duration.ofHours(1))
                + "\"}";
        try (PendingObject pending = target.create(ObjectKey.of("locks/neo4j.lock"), Map.of(), WriteMode.CREATE_NEW)) {
            pending.stream().write(lock.getBytes(StandardCharsets.UTF_8));
            pending.commit();
        }
        BackupPipeline pipeline = BackupPipeline.builder().source(new GeneratedSource("neo4j", 1000, 1))
                .target(target).build();

        assertThatThrownBy(pipeline::backup).isInstanceOf(LockHeldException.class)
                .hasMessageContaining("ops@other-host");
        assertThat(server.allKeys(bucket)).containsExactly("neo4j-backups/locks/neo4j.lock");
    }

    @Test
    @DisplayName("retention at scale: more than 1,000 backups listed and pruned on S3")
    void pruneAtScale() throws Exception {
        ManualClock clock = ManualClock.at(Instant.parse("2020-01-01T00:00:00Z"));
        BackupPipeline pipeline = BackupPipeline.builder().source(new GeneratedSource("neo4j", 2000, 3))
                .target(target).clock(clock).retention(RetentionPolicy.builder().keepLast(3).build()).build();
        Manifest template = pipeline.backup().manifest();
        int count = 1_001;
        // the other backups are copies of the first one's objects under later timestamps
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> writes = new ArrayList<>();
            byte[] data;
            try (InputStream in = target.open(template.object().key())) {
                data = in.readAllBytes();
            }
            for (int i = 1; i < count; i++) {
                Instant created = template.createdAt().plus(Duration.ofHours(i));
                String id = "neo4j-" + io.github.neo4jbackup.core.KeyTemplate.TIMESTAMP.format(created);
                ObjectKey dataKey = ObjectKey.of("neo4j/" + id + ".bin");
                Manifest m = new Manifest(template.formatVersion(), id, "neo4j", created, created.plusSeconds(1),
                        template.source(), template.toolVersion(), template.host(), template.transformers(),
                        new StoredObject(dataKey, template.object().rawSize(), template.object().storedSize(),
                                template.object().rawSha256(), template.object().storedSha256()),
                        template.counts(), template.labels(), template.metadata());
                writes.add(pool.submit(() -> {
                    server.client().putObject(r -> r.bucket(bucket).key("neo4j-backups/" + dataKey.value()),
                            RequestBody.fromBytes(data));
                    server.client().putObject(r -> r.bucket(bucket).key("neo4j-backups/" + m.manifestKey().value()),
                            RequestBody.fromBytes(ManifestCodec.write(m)));
                    return null;
                }));
            }
            for (Future<?> f : writes) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(target.listAllObjects("")).hasSize(2 * count);
        assertThat(pipeline.list()).hasSize(count);
        clock.set(template.createdAt().plus(Duration.ofHours(count + 1)));

        PruneResult result = pipeline.prune(false);

        assertThat(result.deleted()).hasSize(count - 3);
        assertThat(result.kept()).hasSize(3);
        assertThat(pipeline.list()).hasSize(3);
        assertThat(target.listAllObjects("")).hasSize(6);
    }

    /** Deterministic bytes of a given size. */
    static final class GeneratedSource implements BackupSource {
        final long size;
        private final String database;
        private final long seed;

        GeneratedSource(String database, long size, long seed) {
            this.database = database;
            this.size = size;
            this.seed = seed;
        }

        @Override
        public String type() {
            return "generated";
        }

        @Override
        public String database() {
            return database;
        }

        @Override
        public String extension() {
            return "bin";
        }

        @Override
        public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
            TestData.write(out, seed, size, 64 * 1024);
            return new SourceDescription("generated", "1", "5.26.0", "community", database, GraphCounts.of(10, 20),
                    Map.of());
        }

        String sha256() throws IOException {
            return TestData.write(OutputStream.nullOutputStream(), seed, size, 64 * 1024);
        }
    }

    /** Hashes what it restores. */
    static final class HashingSink implements RestoreSink {
        String sha256;

        @Override
        public boolean accepts(String sourceType) {
            return true;
        }

        @Override
        public SinkResult restore(InputStream data, Manifest manifest) throws IOException {
            sha256 = TestData.sha256(data);
            return new SinkResult(GraphCounts.of(10, 20), Map.of());
        }
    }

}
