package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.ChangePolicy;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.export.cypher.ConcurrentWriter;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Driver-engine backups while a Graphiti-shaped agent writes during the whole export (real
 * in-process Neo4j): the backup is self-consistent and its restore matches its manifest exactly.
 * The measured figures are printed and appended to {@code target/consistency-figures.txt}.
 */
class ConcurrentWriteBackupTest {

    static final int ENTITIES = 8_000;
    static final int EPISODES = 16_000;

    static Neo4jTestServer server;
    static Driver driver;

    @TempDir
    Path repository;

    @BeforeAll
    static void start() {
        server = Neo4jTestServer.start(false);
        driver = server.driver();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void clear() {
        server.clear();
    }

    static void figures(String line) throws IOException {
        System.out.println("FIGURES " + line);
        Path file = Path.of("target", "consistency-figures.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, line + System.lineSeparator(), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    @Test
    void aBackupTakenDuringWritesRestoresExactlyToItsManifest() throws Exception {
        ConcurrentWriter.createGraph(driver, ENTITIES, EPISODES);
        // a small fetch size makes the export take several seconds on this graph, so the writer hits every phase
        BackupPipeline pipeline = BackupPipeline.builder()
                .source(DriverExportSource.builder(driver).fetchSize(25).build())
                .transform(Compression.zstd(1)).target(LocalStorageTarget.of(repository)).build();
        BackupResult backup;
        long exportStart;
        long exportEnd;
        ConcurrentWriter writer = new ConcurrentWriter(driver, ENTITIES, EPISODES, Duration.ofSeconds(120), 20_000, 5);
        try (writer) {
            writer.start();
            exportStart = System.nanoTime();
            backup = pipeline.backup();
            exportEnd = System.nanoTime();
        }
        Manifest manifest = backup.manifest();
        Map<String, String> attributes = manifest.source().attributes();
        long during = writer.commitsBetween(exportStart, exportEnd);
        double seconds = (exportEnd - exportStart) / 1e9;
        assertThat(during).as("writes during the export").isGreaterThan(20);
        assertThat(attributes).containsEntry(Attributes.CHANGED_DURING_EXPORT, "true")
                .containsKey(Attributes.CONTENT_FINGERPRINT)
                .containsKey(ExportClosure.CLOSURE_NODES)
                .containsKey(ExportClosure.DROPPED_RELATIONSHIPS);

        server.clear();
        RestoreResult restored = pipeline.restore(backup.id(), DriverRestoreSink.builder(driver).build());
        assertThat(restored.countsMatched()).contains(true);
        assertThat(restored.sinkResult().counts().nodes()).isEqualTo(manifest.counts().nodes());
        assertThat(restored.sinkResult().counts().relationships()).isEqualTo(manifest.counts().relationships());
        assertThat(restored.sinkResult().counts().labels()).isEqualTo(manifest.counts().labels());
        assertThat(restored.sinkResult().counts().types()).isEqualTo(manifest.counts().types());
        assertThat(restored.sinkResult().attributes())
                .containsEntry(Attributes.CONTENT_FINGERPRINT, attributes.get(Attributes.CONTENT_FINGERPRINT))
                .containsEntry(Attributes.SCHEMA_FINGERPRINT, attributes.get(Attributes.SCHEMA_FINGERPRINT))
                .containsEntry("restore.relationshipsCreated", Long.toString(manifest.counts().relationships()))
                .doesNotContainKey("restore.relationshipsSkipped");
        figures(String.format(java.util.Locale.ROOT, "driver export under writes: graph %d nodes / %d relationships; "
                        + "export %.1f s with %d writer transactions during it (%.1f/s); closure pass added %s nodes in "
                        + "%s ms, %s relationships dropped; restore matched counts and content fingerprint; writer: %s",
                manifest.counts().nodes(), manifest.counts().relationships(), seconds, during, during / seconds,
                attributes.get(ExportClosure.CLOSURE_NODES), attributes.get(ExportClosure.CLOSURE_MILLIS),
                attributes.get(ExportClosure.DROPPED_RELATIONSHIPS), writer.summary()));
    }

    @Test
    void quiesceCommandsThatPauseTheWriterMakeAPointInTimeBackup(@TempDir Path work) throws Exception {
        ConcurrentWriter.createGraph(driver, 2_000, 4_000);
        Path flag = work.resolve("pause");
        Path ack = work.resolve("paused");
        // what an operator's commands would do to an ingestion worker: ask it to pause, wait until it has
        java.util.List<String> pause = java.util.List.of("sh", "-c",
                "touch \"$0\"; i=0; while [ ! -f \"$1\" ]; do i=$((i+1)); [ $i -gt 600 ] && exit 9; sleep 0.05; done",
                flag.toString(), ack.toString());
        java.util.List<String> resume = java.util.List.of("rm", "-f", flag.toString());
        BackupPipeline pipeline = BackupPipeline.builder()
                .source(DriverExportSource.builder(driver).fetchSize(25).build())
                .hook(io.github.neo4jbackup.core.hook.BackupHooks.quiesce(pause, resume, Duration.ofSeconds(60), null))
                .onChange(ChangePolicy.fail())
                .target(LocalStorageTarget.of(repository)).build();
        BackupResult backup;
        long t0;
        long t1;
        long afterResume;
        ConcurrentWriter writer = new ConcurrentWriter(driver, 2_000, 4_000, Duration.ofSeconds(120), 20_000, 5)
                .pausable(flag, ack);
        try (writer) {
            writer.start();
            t0 = System.nanoTime();
            backup = pipeline.backup();
            t1 = System.nanoTime();
            Thread.sleep(500);
            afterResume = writer.commitsBetween(t1, System.nanoTime());
        }
        Map<String, String> attributes = backup.manifest().source().attributes();
        assertThat(attributes).containsEntry(Attributes.CHANGED_DURING_EXPORT, "false")
                .containsEntry(ExportClosure.CLOSURE_NODES, "0")
                .containsEntry(ExportClosure.DROPPED_RELATIONSHIPS, "0")
                .containsEntry("hook", "quiesce");
        assertThat(afterResume).as("the writer resumed after the post command").isPositive();
        server.clear();
        RestoreResult restored = pipeline.restore(backup.id(), DriverRestoreSink.builder(driver).build());
        assertThat(restored.sinkResult().attributes()).containsEntry(Attributes.CONTENT_FINGERPRINT,
                attributes.get(Attributes.CONTENT_FINGERPRINT));
        figures(String.format(java.util.Locale.ROOT, "driver export with quiesce commands pausing the writer: "
                        + "%d nodes / %d relationships, backup %.1f s including the pause, unchanged (point in time), "
                        + "writer resumed afterwards (%d transactions within 0.5 s)", backup.counts().nodes(),
                backup.counts().relationships(), (t1 - t0) / 1e9, afterResume));
    }

    @Test
    void onChangeRetryRepeatsTheExportThenFailsOrWarns() throws Exception {
        ConcurrentWriter.createGraph(driver, 1_000, 2_000);
        DriverExportSource source = DriverExportSource.builder(driver).fetchSize(50).build();
        try (ConcurrentWriter writer = new ConcurrentWriter(driver, 1_000, 2_000, Duration.ofSeconds(120), 20_000, 5)) {
            writer.start();
            BackupPipeline failing = BackupPipeline.builder().source(source).target(LocalStorageTarget.of(repository))
                    .onChange(ChangePolicy.retry(2, ChangePolicy.Action.FAIL)).build();
            long t0 = System.nanoTime();
            assertThatThrownBy(failing::backup).isInstanceOf(SourceFailedException.class)
                    .hasMessageContaining("in each of 3 attempts").hasMessageContaining("Nothing was stored");
            long t1 = System.nanoTime();
            assertThat(failing.list()).isEmpty();
            try (var files = Files.walk(repository)) {
                assertThat(files.filter(Files::isRegularFile).filter(p -> !p.toString().contains("locks")))
                        .isEmpty();
            }

            BackupPipeline warning = failing.toBuilder().onChange(ChangePolicy.retry(1, ChangePolicy.Action.WARN))
                    .build();
            BackupResult kept = warning.backup();
            assertThat(kept.manifest().source().attributes()).containsEntry(ChangePolicy.ATTEMPTS_ATTRIBUTE, "2")
                    .containsEntry(Attributes.CHANGED_DURING_EXPORT, "true");
            figures(String.format(java.util.Locale.ROOT, "on-change retry under writes: 3 driver exports all saw "
                    + "changes (%.1f s, %d writer transactions), failed and stored nothing; retry 1 then warn kept "
                    + "attempt 2", (t1 - t0) / 1e9, writer.commitsBetween(t0, t1)));
        }
    }
}
