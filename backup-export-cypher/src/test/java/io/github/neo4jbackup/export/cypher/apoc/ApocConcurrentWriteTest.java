package io.github.neo4jbackup.export.cypher.apoc;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.RestoreFailedException;
import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.export.cypher.ConcurrentWriter;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.export.cypher.script.CypherScriptSink;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The APOC engine under concurrent writes: APOC's script is not made self-consistent (a
 * relationship statement whose end node is not in the script creates nothing, silently), so a
 * restore that cannot create what the manifest lists fails loudly instead of reporting success.
 */
class ApocConcurrentWriteTest {

    static Neo4jTestServer server;
    static Driver driver;

    @TempDir
    Path repository;

    @BeforeAll
    static void start() {
        server = Neo4jTestServer.start(true);
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

    /** A script as APOC writes one under writes: the second relationship's end node is not in it. */
    static final class DanglingScript implements BackupSource {
        @Override
        public String type() {
            return ApocCypherSource.TYPE;
        }

        @Override
        public String database() {
            return "neo4j";
        }

        @Override
        public String extension() {
            return ApocCypherSource.EXTENSION;
        }

        @Override
        public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
            out.write(("CREATE (:Item {i: 1});\nCREATE (:Item {i: 2});\n"
                    + "MATCH (a:Item {i: 1}), (b:Item {i: 2}) CREATE (a)-[:NEXT]->(b);\n"
                    + "MATCH (a:Item {i: 1}), (b:Item {i: 99}) CREATE (a)-[:NEXT]->(b);\n")
                    .getBytes(StandardCharsets.UTF_8));
            return new SourceDescription(ApocCypherSource.TYPE, "5.26.19", "5.26.0", "community", "neo4j",
                    GraphCounts.of(2, 2), Map.of());
        }
    }

    @Test
    void aScriptThatCannotCreateEveryRelationshipFailsTheRestoreWithTheNumbers() {
        BackupPipeline pipeline = BackupPipeline.builder().source(new DanglingScript())
                .target(LocalStorageTarget.of(repository)).build();
        BackupResult backup = pipeline.backup();
        assertThatThrownBy(() -> pipeline.restore(backup.id(), CypherScriptSink.builder(driver).build()))
                .isInstanceOfSatisfying(RestoreFailedException.class, e -> {
                    assertThat(e.getMessage()).contains("2 nodes and 1 relationships")
                            .contains("the manifest records 2 and 2");
                    assertThat(e.expected().orElseThrow().relationships()).isEqualTo(2);
                    assertThat(e.restored().orElseThrow().relationships()).isEqualTo(1);
                });
    }

    @Test
    void aBackupTakenDuringWritesRestoresExactlyOrFailsLoudly() throws Exception {
        ConcurrentWriter.createGraph(driver, 250, 500);
        BackupPipeline pipeline = BackupPipeline.builder()
                .source(ApocCypherSource.builder(driver).batchSize(200).build())
                .target(LocalStorageTarget.of(repository)).build();
        BackupResult backup = null;
        long t0 = 0;
        long t1 = 0;
        int refused = 0;
        ConcurrentWriter writer = new ConcurrentWriter(driver, 250, 500, Duration.ofSeconds(60), 5_000, 2);
        try (writer) {
            writer.start();
            // APOC's own totals check may refuse an export that saw the writes (nothing stored):
            // that is a loud failure too; try again until one export is stored.
            while (backup == null) {
                t0 = System.nanoTime();
                try {
                    backup = pipeline.backup();
                } catch (SourceFailedException e) {
                    assertThat(e.getMessage()).contains("Nothing was stored");
                    assertThat(pipeline.list()).isEmpty();
                    assertThat(++refused).as("exports refused by the totals check").isLessThan(10);
                }
                t1 = System.nanoTime();
            }
        }
        server.clear();
        String outcome;
        try {
            RestoreResult restored = pipeline.restore(backup.id(), CypherScriptSink.builder(driver).build());
            assertThat(restored.countsMatched()).contains(true);
            assertThat(restored.sinkResult().counts().relationships()).isEqualTo(backup.counts().relationships());
            outcome = "restore matched the manifest";
        } catch (RestoreFailedException e) {
            // a shortfall names both counts; a stored-type check that failed (the census was read while the
            // writer ran) names what changed: either way the restore is refused, never reported as matching
            if (e.expected().isPresent()) {
                assertThat(e.expected().orElseThrow().nodes()).isEqualTo(backup.counts().nodes());
                assertThat(e.expected().orElseThrow().relationships()).isEqualTo(backup.counts().relationships());
                assertThat(e.restored().orElseThrow().relationships()).isNotEqualTo(backup.counts().relationships());
            } else {
                assertThat(e.getMessage()).isNotBlank();
            }
            outcome = "restore failed loudly: " + e.getMessage();
        }
        String line = String.format(java.util.Locale.ROOT, "apoc export under writes: %d nodes / %d relationships, "
                        + "export %.1f s with %d writer transactions during it, %d earlier exports refused; %s", backup.counts().nodes(),
                backup.counts().relationships(), (t1 - t0) / 1e9, writer.commitsBetween(t0, t1), refused, outcome);
        System.out.println("FIGURES " + line);
        Path file = Path.of("target", "consistency-figures.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, line + System.lineSeparator(), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }
}
