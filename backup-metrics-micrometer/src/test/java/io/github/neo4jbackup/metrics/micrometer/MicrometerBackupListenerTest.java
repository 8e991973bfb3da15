package io.github.neo4jbackup.metrics.micrometer;

import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MicrometerBackupListenerTest {

    private static BackupSource source(String database, boolean fail) {
        return new BackupSource() {
            @Override
            public String type() {
                return "test";
            }

            @Override
            public String database() {
                return database;
            }

            @Override
            public String extension() {
                return "txt";
            }

            @Override
            public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
                out.write("x".repeat(1000).getBytes(StandardCharsets.UTF_8));
                if (fail) {
                    throw new IOException("boom");
                }
                return SourceDescription.of(type(), database);
            }
        };
    }

    private static final RestoreSink DISCARD = new RestoreSink() {
        @Override
        public boolean accepts(String sourceType) {
            return true;
        }

        @Override
        public SinkResult restore(InputStream data, Manifest manifest) throws IOException {
            data.transferTo(OutputStream.nullOutputStream());
            return new SinkResult(null, Map.of());
        }
    };

    @Test
    void publishesBackupMetricsPerDatabaseAndTier() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerBackupListener metrics = MicrometerBackupListener.builder(registry).tags(Tags.of("app", "memory")).build();
        BackupPipeline pipeline = BackupPipeline.builder().source(source("graphiti", false))
                .target(new InMemoryStorageTarget()).label("tier", "hourly").listener(metrics)
                .retention(RetentionPolicy.builder().keepLast(1).build()).build();

        Instant before = Instant.now();
        BackupResult result = pipeline.backup();

        var tags = Tags.of("app", "memory", "database", "graphiti", "tier", "hourly");
        double lastSuccess = registry.get("neo4j.backup.last.success").tags(tags).gauge().value();
        assertThat(lastSuccess).isBetween(before.getEpochSecond() - 1.0, Instant.now().getEpochSecond() + 1.0);
        assertThat(registry.get("neo4j.backup.stored.size").tags(tags).gauge().value()).isEqualTo(result.storedSize());
        assertThat(registry.get("neo4j.backup.raw.size").tags(tags).gauge().value()).isEqualTo(1000.0);
        assertThat(registry.get("neo4j.backup.duration").tags(tags).tag("outcome", "success").timer().count()).isEqualTo(1);

        pipeline.verify(result.id(), VerifyLevel.FULL);
        assertThat(registry.get("neo4j.backup.verifications").tags(tags).tag("level", "full").tag("outcome", "success")
                .counter().count()).isEqualTo(1);

        RestoreResult restored = pipeline.restore(result.id(), DISCARD);
        assertThat(restored.rawBytes()).isEqualTo(1000);
        assertThat(registry.get("neo4j.backup.restores").tags(tags).tag("outcome", "success").counter().count()).isEqualTo(1);
        assertThat(registry.get("neo4j.backup.restore.duration").tags(tags).timer().count()).isEqualTo(1);
    }

    @Test
    void countsFailuresWithTheTierLastSeenForTheDatabase() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerBackupListener metrics = MicrometerBackupListener.of(registry);
        InMemoryStorageTarget target = new InMemoryStorageTarget();
        BackupPipeline ok = BackupPipeline.builder().source(source("neo4j", false)).target(target)
                .label("tier", "daily").listener(metrics).build();
        ok.backup();
        BackupPipeline failing = ok.toBuilder().source(source("neo4j", true)).build();
        assertThatThrownBy(failing::backup).isInstanceOf(BackupException.class);
        BackupPipeline neverSeen = ok.toBuilder().source(source("other", true)).build();
        assertThatThrownBy(neverSeen::backup).isInstanceOf(BackupException.class);

        var daily = Tags.of("database", "neo4j", "tier", "daily");
        assertThat(registry.get("neo4j.backup.failures").tags(daily).tag("error", "SourceFailedException").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("neo4j.backup.duration").tags(daily).tag("outcome", "failure").timer()
                .totalTime(TimeUnit.NANOSECONDS)).isPositive();
        var other = Tags.of("database", "other", "tier", "none");
        assertThat(registry.get("neo4j.backup.failures").tags(other).counter().count()).isEqualTo(1);
        // a database that never succeeded still exposes its last-success gauge, at 0
        assertThat(registry.get("neo4j.backup.last.success").tags(other).gauge().value()).isZero();
    }

    @Test
    void failedVerificationsAndRestoresOfUnknownBackupsAreCounted() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerBackupListener metrics = MicrometerBackupListener.of(registry);
        metrics.verified(new io.github.neo4jbackup.core.VerifyReport("x-1", VerifyLevel.MANIFEST, false,
                java.util.List.of("missing"), 0, 0, java.time.Duration.ofMillis(3)));
        metrics.restoreFailed("x-1", new io.github.neo4jbackup.core.InvalidInputException("nope"));
        metrics.pruneFailed(new io.github.neo4jbackup.core.InvalidInputException("nope"));

        var unknown = Tags.of("database", MicrometerBackupListener.UNKNOWN, "tier", "none");
        assertThat(registry.get("neo4j.backup.verifications").tags(unknown).tag("outcome", "failure").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("neo4j.backup.restores").tags(unknown).tag("outcome", "failure").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("neo4j.backup.prune.failures").counter().count()).isEqualTo(1);
    }
}
