package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.core.internal.VerifyingInputStream;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.export.cypher.GraphitiFixture;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprint;
import io.github.neo4jbackup.export.cypher.restore.TargetDatabase;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.Value;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DriverBackupRoundTripTest {

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

    static Map<String, Value> properties(String query) {
        try (Session s = driver.session()) {
            return s.run(query).single().get(0).asMap(v -> v);
        }
    }

    static Map<String, Value> awkwardNode() {
        return properties("MATCH (n {uuid: 'awkward-1'}) RETURN properties(n)");
    }

    static Map<String, Value> awkwardRelationship() {
        return properties("MATCH ()-[r:`weird``type`]->() RETURN properties(r)");
    }

    static long count(String query) {
        try (Session s = driver.session()) {
            return s.run(query).single().get(0).asLong();
        }
    }

    static byte[] export(DriverExportSource source) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        source.export(out, ExportContext.NONE);
        return out.toByteArray();
    }

    @Test
    void fullPipelineRoundTripIsExact() throws IOException {
        GraphitiFixture.create(driver, "neo4j");
        Map<String, Value> node = awkwardNode();
        Map<String, Value> rel = awkwardRelationship();
        GraphFingerprint fingerprintBefore = GraphFingerprint.compute(driver, "neo4j");
        String schemaBefore = fingerprintBefore.schema();
        String contentBefore = fingerprintBefore.content().hex();
        GraphCounts countsBefore = TargetDatabase.counts(driver, "neo4j");

        BackupPipeline pipeline = BackupPipeline.builder()
                .source(DriverExportSource.builder(driver).database("neo4j").fetchSize(50).build())
                .transform(Compression.zstd())
                .target(LocalStorageTarget.of(repository))
                .build();
        BackupResult backup = pipeline.backup();
        Manifest manifest = backup.manifest();
        assertThat(manifest.source().type()).isEqualTo("cypher-driver");
        assertThat(manifest.object().key().value()).endsWith(".ndjson.zst");
        assertThat(manifest.counts()).isEqualTo(countsBefore);
        assertThat(manifest.source().neo4jVersion()).startsWith("5.");
        assertThat(manifest.source().neo4jEdition()).isEqualTo("community");
        assertThat(manifest.source().attributes())
                .containsEntry(Attributes.CONSISTENCY, "single-read-transaction")
                .containsEntry(Attributes.CHANGED_DURING_EXPORT, "false")
                .containsEntry(Attributes.SCHEMA_FINGERPRINT, schemaBefore)
                .containsEntry(Attributes.CONTENT_FINGERPRINT, contentBefore);

        server.clear();
        RestoreResult restored = pipeline.restore(manifest.id(), DriverRestoreSink.builder(driver).batchSize(7).build());

        assertThat(restored.countsMatched()).contains(true);
        assertThat(restored.sinkResult().counts()).isEqualTo(countsBefore);
        assertThat(restored.sinkResult().attributes())
                .containsEntry(Attributes.SCHEMA_FINGERPRINT, schemaBefore)
                .containsEntry(Attributes.CONTENT_FINGERPRINT, contentBefore)
                .containsEntry("restore.nodesCreated", Long.toString(countsBefore.nodes()))
                .containsEntry("restore.relationshipsCreated", Long.toString(countsBefore.relationships()));
        assertThat(GraphFingerprint.compute(driver, "neo4j")).isEqualTo(fingerprintBefore);
        GraphFormatTest.assertSameProperties(awkwardNode(), node);
        GraphFormatTest.assertSameProperties(awkwardRelationship(), rel);
        assertThat(awkwardNode().get("d_neg_zero").asDouble()).isEqualTo(-0.0d);
        assertThat(count("MATCH (n:" + GraphFormat.IMPORT_LABEL + ") RETURN count(n)")).isZero();
        assertThat(count("MATCH (n) WHERE n." + GraphFormat.IMPORT_KEY + " IS NOT NULL RETURN count(n)")).isZero();
        assertThat(count("SHOW INDEXES YIELD name WHERE name = '" + GraphFormat.IMPORT_INDEX + "' RETURN count(*)"))
                .isZero();
        assertThat(count("MATCH (n) WHERE size(labels(n)) = 0 AND size(keys(n)) = 0 RETURN count(n)")).isEqualTo(1);
        assertThat(count("MATCH (n)-[r]->(n) RETURN count(r)")).isEqualTo(1);
        assertThat(count("MATCH (:Entity {uuid: 'en-1'})-[r:`TYPE WITH SPACE`]->(:Entity {uuid: 'en-2'}) RETURN count(r)"))
                .isEqualTo(3);
    }

    static void smallGraph() {
        try (Session s = driver.session()) {
            s.run("CREATE INDEX item_i IF NOT EXISTS FOR (n:Item) ON (n.i)").consume();
            s.run("UNWIND range(1, 100) AS i CREATE (:Item {i: i, at: datetime({epochSeconds: i, timezone: 'Europe/Paris'})})")
                    .consume();
            s.run("MATCH (a:Item), (b:Item) WHERE b.i = a.i % 100 + 1 CREATE (a)-[:NEXT {w: a.i * 0.5}]->(b)").consume();
        }
    }

    @Test
    void restoreRefusesANonEmptyDatabaseUnlessWiping() throws IOException {
        smallGraph();
        byte[] backup = export(DriverExportSource.builder(driver).build());
        long nodes = count("MATCH (n) RETURN count(n)");
        try (Session s = driver.session()) {
            s.run("CREATE (:Extra {x: 1})").consume();
        }
        DriverRestoreSink sink = DriverRestoreSink.builder(driver).build();
        assertThatThrownBy(() -> sink.restore(new ByteArrayInputStream(backup), null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Database 'neo4j' is not empty");
        assertThat(count("MATCH (n) RETURN count(n)")).isEqualTo(nodes + 1);

        RestoreResultHolder.result = sink.toBuilder().wipe(true).build().restore(new ByteArrayInputStream(backup), null);
        assertThat(count("MATCH (n) RETURN count(n)")).isEqualTo(nodes);
        assertThat(count("MATCH (n:Extra) RETURN count(n)")).isZero();
        assertThat(RestoreResultHolder.result.counts().nodes()).isEqualTo(nodes);
    }

    static final class RestoreResultHolder {
        static io.github.neo4jbackup.core.spi.RestoreSink.SinkResult result;
    }

    @Test
    void aChangeDuringTheExportIsRecordedOrFails() throws IOException {
        try (Session s = driver.session()) {
            s.run("UNWIND range(1, 100) AS i CREATE (:Item {i: i})").consume();
        }
        Runnable writer = () -> {
            try (Session s = driver.session()) {
                s.run("CREATE (:Item {i: 101})-[:NEXT]->(:Item {i: 102})").consume();
            }
        };
        SourceDescription description = DriverExportSource.builder(driver).beforeStreaming(writer).build()
                .export(new ByteArrayOutputStream(), ExportContext.NONE);
        assertThat(description.attributes()).containsEntry(Attributes.CHANGED_DURING_EXPORT, "true")
                .containsKey("consistency.countsBefore");
        assertThat(description.counts().nodes()).isEqualTo(102);

        SourceDescription unchanged = DriverExportSource.builder(driver).build()
                .export(new ByteArrayOutputStream(), ExportContext.NONE);
        assertThat(unchanged.attributes()).containsEntry(Attributes.CHANGED_DURING_EXPORT, "false")
                .containsEntry(ExportClosure.CLOSURE_CHECK, "unchanged")
                .containsEntry(ExportClosure.CLOSURE_NODES, "0");

        DriverExportSource strict = DriverExportSource.builder(driver).failOnConcurrentChange(true)
                .beforeStreaming(writer).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> strict.export(out, ExportContext.NONE))
                .isInstanceOf(SourceFailedException.class)
                .hasMessageContaining("Database 'neo4j' changed during the export")
                .hasMessageContaining("failOnConcurrentChange(false)");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("\"t\":\"end\"");
    }

    @Test
    void aNodeCreatedAfterTheNodeScanIsAddedByTheClosurePassAndTheRestoreIsExact() throws IOException {
        smallGraph();
        // committed between the node scan and the closure pass of the export's transaction
        Runnable writer = () -> {
            try (Session s = driver.session()) {
                s.run("MATCH (a:Item {i: 1}) CREATE (a)-[:LATE]->(:Item {i: 999})").consume();
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SourceDescription description = DriverExportSource.builder(driver).beforeRelationships(writer).build()
                .export(out, ExportContext.NONE);
        assertThat(description.attributes()).containsEntry(Attributes.CHANGED_DURING_EXPORT, "true")
                .containsEntry(ExportClosure.CLOSURE_NODES, "1")
                .containsEntry(ExportClosure.CLOSURE_CHECK, "changed")
                .containsEntry(ExportClosure.DROPPED_RELATIONSHIPS, "0")
                .containsKey(Attributes.CONTENT_FINGERPRINT)
                .containsKey(Attributes.SCHEMA_FINGERPRINT);
        assertThat(description.counts().nodes()).isEqualTo(101);
        assertThat(description.counts().relationships()).isEqualTo(101);
        String content = description.attributes().get(Attributes.CONTENT_FINGERPRINT);
        assertThat(content).isEqualTo(GraphFingerprint.compute(driver, "neo4j").content().hex());

        server.clear();
        io.github.neo4jbackup.core.spi.RestoreSink.SinkResult result = DriverRestoreSink.builder(driver).build()
                .restore(new ByteArrayInputStream(out.toByteArray()), null);
        assertThat(result.attributes()).containsEntry("restore.relationshipsCreated", "101")
                .containsEntry(Attributes.CONTENT_FINGERPRINT, content);
        assertThat(result.counts().nodes()).isEqualTo(101);
    }

    @Test
    void aNodeDeletedAndAnotherCreatedAfterTheNodeScanAreSeenByTheClosurePass() throws IOException {
        smallGraph();
        // the same number of nodes before and after: the figures of the ids still differ
        Runnable writer = () -> {
            try (Session s = driver.session()) {
                s.run("MATCH (n:Item {i: 50}) DETACH DELETE n").consume();
                s.run("CREATE (:Item {i: 1000})").consume();
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SourceDescription description = DriverExportSource.builder(driver).beforeRelationships(writer).build()
                .export(out, ExportContext.NONE);
        assertThat(description.attributes()).containsEntry(Attributes.CHANGED_DURING_EXPORT, "true")
                .containsEntry(ExportClosure.CLOSURE_CHECK, "changed")
                .containsEntry(ExportClosure.CLOSURE_NODES, "1")
                .containsEntry(ExportClosure.DROPPED_RELATIONSHIPS, "0");
        // node 50 was read before it was deleted, its two relationships were gone before the relationship scan
        assertThat(description.counts().nodes()).isEqualTo(101);
        assertThat(description.counts().relationships()).isEqualTo(98);

        server.clear();
        io.github.neo4jbackup.core.spi.RestoreSink.SinkResult result = DriverRestoreSink.builder(driver).build()
                .restore(new ByteArrayInputStream(out.toByteArray()), null);
        assertThat(result.attributes()).containsEntry(Attributes.CONTENT_FINGERPRINT,
                description.attributes().get(Attributes.CONTENT_FINGERPRINT));
        assertThat(count("MATCH (n:Item) WHERE n.i IN [50, 1000] RETURN count(n)")).isEqualTo(2);
    }

    @Test
    void aNodeDeletedAfterTheNodeScanMarksTheBackupAsChanged() throws IOException {
        smallGraph();
        Runnable writer = () -> {
            try (Session s = driver.session()) {
                s.run("MATCH (n:Item {i: 7}) DETACH DELETE n").consume();
            }
        };
        SourceDescription description = DriverExportSource.builder(driver).beforeRelationships(writer).build()
                .export(new ByteArrayOutputStream(), ExportContext.NONE);
        assertThat(description.attributes()).containsEntry(Attributes.CHANGED_DURING_EXPORT, "true")
                .containsEntry(ExportClosure.CLOSURE_CHECK, "changed")
                .containsEntry(ExportClosure.CLOSURE_NODES, "0");
    }

    @Test
    void aRelationshipToANodeCreatedAfterTheClosurePassIsDroppedAndRecorded() throws IOException {
        smallGraph();
        String before = GraphFingerprint.compute(driver, "neo4j").content().hex();
        // committed between the closure pass and the relationship scan
        Runnable writer = () -> {
            try (Session s = driver.session()) {
                s.run("MATCH (a:Item {i: 1}) CREATE (a)-[:LATE]->(:Item {i: 999})").consume();
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SourceDescription description = DriverExportSource.builder(driver).afterClosure(writer).build()
                .export(out, ExportContext.NONE);
        assertThat(description.attributes()).containsEntry(Attributes.CHANGED_DURING_EXPORT, "true")
                .containsEntry(ExportClosure.CLOSURE_NODES, "0")
                .containsEntry(ExportClosure.DROPPED_RELATIONSHIPS, "1")
                .containsEntry(Attributes.CONTENT_FINGERPRINT, before);
        assertThat(description.counts().nodes()).isEqualTo(100);
        assertThat(description.counts().relationships()).isEqualTo(100);

        server.clear();
        io.github.neo4jbackup.core.spi.RestoreSink.SinkResult result = DriverRestoreSink.builder(driver).build()
                .restore(new ByteArrayInputStream(out.toByteArray()), null);
        assertThat(result.attributes()).containsEntry("restore.relationshipsCreated", "100")
                .containsEntry(Attributes.CONTENT_FINGERPRINT, before);
        assertThat(count("MATCH (n:" + GraphFormat.IMPORT_LABEL + ") RETURN count(n)")).isZero();
    }

    @Test
    void aBackupWhoseRelationshipRefersToAMissingNodeFailsToRestoreWithTheNumbers() throws IOException {
        // a backup as an export without the closure wrote it: a relationship to node key 77, which it does not hold
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GraphFileWriter w = new GraphFileWriter(out);
        w.header(new GraphRecord.Header(GraphFormat.VERSION, "neo4j", "5.26.0", "community", "2026-01-01T00:00:00Z"));
        w.node(1, java.util.List.of("Item"), Map.of("i", org.neo4j.driver.Values.value(1)));
        w.node(2, java.util.List.of("Item"), Map.of("i", org.neo4j.driver.Values.value(2)));
        w.relationship(1, 2, "NEXT", Map.of());
        w.relationship(1, 77, "NEXT", Map.of());
        w.finish(null, null);
        assertThatThrownBy(() -> DriverRestoreSink.builder(driver).build()
                .restore(new ByteArrayInputStream(out.toByteArray()), null))
                .isInstanceOfSatisfying(io.github.neo4jbackup.core.RestoreFailedException.class, e -> {
                    assertThat(e.getMessage()).contains("created 2 of 2 nodes and 1 of 2 relationships")
                            .contains("1 relationships refer to nodes that are not in the backup");
                    assertThat(e.expected().orElseThrow().relationships()).isEqualTo(2);
                    assertThat(e.restored().orElseThrow().relationships()).isEqualTo(1);
                });
    }

    @Test
    void aDamagedStreamFailsBeforeTheLastBatchAndSaysTheRestoreIsPartial() throws IOException {
        smallGraph();
        byte[] backup = export(DriverExportSource.builder(driver).build());
        long relationships = count("MATCH ()-[r]->() RETURN count(r)");
        server.clear();
        // the pipeline's verifying stream throws at the end when the checksum does not match
        VerifyingInputStream damaged = new VerifyingInputStream(new ByteArrayInputStream(backup), backup.length,
                "0".repeat(64), "Decoded stream of backup X");
        DriverRestoreSink sink = DriverRestoreSink.builder(driver).batchSize(10).build();
        assertThatThrownBy(() -> sink.restore(damaged, null))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("SHA-256")
                .hasMessageContaining("PARTIAL restore")
                .hasMessageContaining("wipe it");
        // nodes are all written before the relationships; the last relationship batch is held back
        long created = count("MATCH ()-[r]->() RETURN count(r)");
        assertThat(created).isGreaterThan(0).isLessThan(relationships);
        assertThat(count("MATCH (n) RETURN count(n)")).isEqualTo(100);
        assertThat(count("MATCH (n:" + GraphFormat.IMPORT_LABEL + ") RETURN count(n)")).isZero();

        server.clear();
        String text = new String(backup, StandardCharsets.UTF_8);
        byte[] truncated = text.substring(0, text.indexOf("{\"t\":\"end\"")).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> sink.restore(new ByteArrayInputStream(truncated), null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("ends without a trailer")
                .hasMessageContaining("PARTIAL restore");
        assertThat(count("MATCH ()-[r]->() RETURN count(r)")).isLessThan(relationships);
        assertThat(count("MATCH (n) RETURN count(n)")).isEqualTo(100);
        assertThat(count("MATCH (n:" + GraphFormat.IMPORT_LABEL + ") RETURN count(n)")).isZero();

        server.clear();
        byte[] notABackup = "{\"hello\":1}\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> sink.restore(new ByteArrayInputStream(notABackup), null))
                .isInstanceOf(GraphFormatException.class)
                .hasMessageContaining("does not start with a neo4j-backup-graph header");
    }
}
