package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.core.RestoreFailedException;
import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.export.cypher.GraphitiFixture;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.export.cypher.census.CensusAttributes;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprint;
import io.github.neo4jbackup.export.cypher.schema.SchemaWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.Values;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The concurrent paths of the driver restore against a real server: several node writers and
 * relationship writers restore exactly; a failing batch of either kind stops the restore, which
 * fails saying how many nodes and relationships were committed (and the database holds exactly
 * those); batches that contend for the same nodes complete; the indexes on nodes are created before
 * the relationships (a failure to create one fails the restore with the same account), the
 * constraints before the data in one transaction.
 */
class ConcurrentRestoreTest {

    private static final Pattern COMMITTED = Pattern.compile("(\\d+) nodes and (\\d+) relationships were committed");

    static Neo4jTestServer server;
    static Driver driver;

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

    static long count(String query) {
        try (Session s = driver.session()) {
            return s.run(query).single().get(0).asLong();
        }
    }

    private static GraphFileWriter writer(ByteArrayOutputStream out) throws IOException {
        GraphFileWriter w = new GraphFileWriter(out);
        w.header(new GraphRecord.Header(GraphFormat.VERSION, "neo4j", "5.26.0", "community", "2026-01-01T00:00:00Z"));
        return w;
    }

    @Test
    void concurrentWritersRestoreExactlyWithFingerprintsAndStoredTypes() throws IOException {
        GraphitiFixture.create(driver, "neo4j");
        try (Session s = driver.session()) {
            // float32 vectors on nodes and relationships, written the way Graphiti writes them
            s.run("UNWIND range(1, 40) AS i CREATE (n:Vec {i: i}) WITH n, i CALL db.create.setNodeVectorProperty(n, "
                    + "'emb', [x IN range(1, 8) | toFloat(x) / (i + 3)])").consume();
            s.run("MATCH (a:Vec), (b:Vec) WHERE b.i = a.i + 1 CREATE (a)-[r:NEAR {i: a.i}]->(b) WITH r, a CALL "
                    + "db.create.setRelationshipVectorProperty(r, 'emb', [x IN range(1, 4) | toFloat(x) / (a.i + 7)])")
                    .consume();
        }
        GraphFingerprint before = GraphFingerprint.compute(driver, "neo4j");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DriverExportSource.builder(driver).build().export(out, ExportContext.NONE);
        long nodes = count("MATCH (n) RETURN count(n)");
        long relationships = count("MATCH ()-[r]->() RETURN count(r)");
        server.clear();

        RestoreSink.SinkResult result = DriverRestoreSink.builder(driver).batchSize(3).writers(4).relationshipWriters(4)
                .build().restore(new ByteArrayInputStream(out.toByteArray()), null);

        assertThat(result.attributes())
                .containsEntry(Attributes.CONTENT_FINGERPRINT, before.content().hex())
                .containsEntry(Attributes.SCHEMA_FINGERPRINT, before.schema())
                .containsEntry("restore.nodesCreated", Long.toString(nodes))
                .containsEntry("restore.relationshipsCreated", Long.toString(relationships))
                .containsEntry("restore.writers", "4/4")
                .containsKeys(Attributes.RESTORE_PHASES, "restore.phase.nodes", "restore.phase.relationships",
                        "restore.phase.indexes", "restore.phase.verification", "restore.retries");
        assertThat(result.attributes().get("restore.float32Values")).isEqualTo("79");
        assertThat(result.attributes().get(CensusAttributes.DIFFERENCES)).isNull();
        try (Session s = driver.session()) {
            assertThat(s.run("MATCH (n:Vec {i: 5}) RETURN n.emb").single().get(0).asList(v -> v.asFloat()))
                    .containsExactly(1f / 8, 2f / 8, 3f / 8, 4f / 8, 5f / 8, 6f / 8, 7f / 8, 8f / 8);
        }
        // nothing temporary is left behind
        assertThat(count("MATCH (n:" + GraphFormat.IMPORT_LABEL + ") RETURN count(n)")).isZero();
        assertThat(count("SHOW INDEXES YIELD name WHERE name = '" + GraphFormat.IMPORT_INDEX + "' RETURN count(*)"))
                .isZero();
    }

    @Test
    void aDuplicateInALaterNodeBatchFailsTheRestoreAndSaysWhatWasCommitted() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GraphFileWriter w = writer(out);
        w.schema(new GraphRecord.SchemaStatement(GraphRecord.SchemaKind.CONSTRAINT, "item_id",
                "CREATE CONSTRAINT item_id IF NOT EXISTS FOR (n:Item) REQUIRE n.id IS UNIQUE"));
        for (int i = 0; i < 600; i++) {
            // node 450 repeats the id of node 3: its batch (the 23rd of 20 rows) violates the constraint
            w.node(i, List.of("Item"), Map.of("id", Values.value(i == 450 ? 3 : i)));
        }
        for (int i = 0; i < 599; i++) {
            w.relationship(i, i + 1, "NEXT", Map.of());
        }
        w.finish(null, null);

        DriverRestoreSink sink = DriverRestoreSink.builder(driver).batchSize(20).writers(3).build();
        assertThatThrownBy(() -> sink.restore(new ByteArrayInputStream(out.toByteArray()), null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("the server failed")
                .hasMessageContaining("PARTIAL restore")
                .satisfies(e -> {
                    long[] committed = committed(e.getMessage());
                    assertThat(committed[0]).as("nodes committed").isEqualTo(count("MATCH (n) RETURN count(n)"))
                            .isLessThanOrEqualTo(580).isGreaterThanOrEqualTo(0);
                    assertThat(committed[1]).as("relationships committed").isZero();
                });
        assertThat(count("MATCH ()-[r]->() RETURN count(r)")).isZero();
        // the batch with the duplicate was rolled back as a whole
        assertThat(count("MATCH (n:Item) WHERE n.id >= 440 AND n.id < 460 RETURN count(n)")).isZero();
    }

    @Test
    void aFailingRelationshipBatchStopsTheOtherWritersAndSaysWhatWasCommitted() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GraphFileWriter w = writer(out);
        w.schema(new GraphRecord.SchemaStatement(GraphRecord.SchemaKind.CONSTRAINT, "link_id",
                "CREATE CONSTRAINT link_id IF NOT EXISTS FOR ()-[r:LINK]-() REQUIRE r.id IS UNIQUE"));
        for (int i = 0; i < 100; i++) {
            w.node(i, List.of("Item"), Map.of("id", Values.value(i)));
        }
        for (int i = 0; i < 1000; i++) {
            // relationship 700 repeats the id of relationship 5
            w.relationship(i % 100, (i * 7 + 1) % 100, "LINK", Map.of("id", Values.value(i == 700 ? 5 : i)));
        }
        w.finish(null, null);

        DriverRestoreSink sink = DriverRestoreSink.builder(driver).batchSize(10).writers(2).relationshipWriters(3)
                .build();
        assertThatThrownBy(() -> sink.restore(new ByteArrayInputStream(out.toByteArray()), null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("PARTIAL restore")
                .hasMessageContaining("Do not use it")
                .satisfies(e -> {
                    long[] committed = committed(e.getMessage());
                    assertThat(committed[0]).isEqualTo(100).isEqualTo(count("MATCH (n) RETURN count(n)"));
                    assertThat(committed[1]).isEqualTo(count("MATCH ()-[r]->() RETURN count(r)")).isLessThan(991);
                });
        assertThat(count("MATCH ()-[r:LINK] ->() WHERE r.id >= 700 AND r.id < 710 RETURN count(r)")).isZero();
    }

    @Test
    void concurrentRelationshipBatchesOnTheSameNodesComplete() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GraphFileWriter w = writer(out);
        for (int i = 0; i < 50; i++) {
            w.node(i, List.of(i < 3 ? "Hub" : "Leaf"), Map.of("i", Values.value(i)));
        }
        // every relationship touches one of three hubs, in both directions: concurrent batches lock the same nodes
        for (int i = 0; i < 3000; i++) {
            int hub = i % 3;
            int leaf = 3 + (i * 13) % 47;
            if (i % 2 == 0) {
                w.relationship(hub, leaf, "TO", Map.of("i", Values.value(i)));
            } else {
                w.relationship(leaf, hub, "FROM", Map.of("i", Values.value(i)));
            }
        }
        w.finish(null, null);

        RestoreSink.SinkResult result = DriverRestoreSink.builder(driver).batchSize(25).writers(4)
                .relationshipWriters(4).build().restore(new ByteArrayInputStream(out.toByteArray()), null);

        assertThat(result.attributes()).containsEntry("restore.relationshipsCreated", "3000");
        assertThat(count("MATCH ()-[r]->() RETURN count(r)")).isEqualTo(3000);
        assertThat(count("MATCH ()-[r]->() RETURN count(DISTINCT r.i)")).isEqualTo(3000);
        assertThat(count("MATCH (h:Hub)-[r]-() RETURN count(r)")).isEqualTo(3000);
        assertThat(Long.parseLong(result.attributes().get("restore.retries"))).isNotNegative();
    }

    @Test
    void nodeIndexesAreCreatedBeforeTheRelationshipsAndAFailingRelationshipBatchStillSaysWhatWasCommitted()
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GraphFileWriter w = writer(out);
        w.schema(new GraphRecord.SchemaStatement(GraphRecord.SchemaKind.CONSTRAINT, "link_id",
                "CREATE CONSTRAINT link_id IF NOT EXISTS FOR ()-[r:LINK]-() REQUIRE r.id IS UNIQUE"));
        w.schema(new GraphRecord.SchemaStatement(GraphRecord.SchemaKind.INDEX, "item_name",
                "CREATE INDEX item_name IF NOT EXISTS FOR (n:Item) ON (n.name)"));
        w.schema(new GraphRecord.SchemaStatement(GraphRecord.SchemaKind.INDEX, "item_text",
                "CREATE FULLTEXT INDEX item_text IF NOT EXISTS FOR (n:Item) ON EACH [n.name]"));
        w.schema(new GraphRecord.SchemaStatement(GraphRecord.SchemaKind.INDEX, "link_weight",
                "CREATE INDEX link_weight IF NOT EXISTS FOR ()-[r:LINK]-() ON (r.weight)"));
        for (int i = 0; i < 300; i++) {
            w.node(i, List.of("Item"), Map.of("id", Values.value(i), "name", Values.value("item " + i)));
        }
        for (int i = 0; i < 1000; i++) {
            // relationship 800 repeats the id of relationship 5
            w.relationship(i % 300, (i * 7 + 1) % 300, "LINK", Map.of("id", Values.value(i == 800 ? 5 : i),
                    "weight", Values.value(i)));
        }
        w.finish(null, null);

        DriverRestoreSink sink = DriverRestoreSink.builder(driver).batchSize(10).writers(2).relationshipWriters(3)
                .build();
        assertThatThrownBy(() -> sink.restore(new ByteArrayInputStream(out.toByteArray()), null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("PARTIAL restore")
                .hasMessageNotContaining("wrote all data")
                .satisfies(e -> {
                    long[] committed = committed(e.getMessage());
                    assertThat(committed[0]).isEqualTo(300).isEqualTo(count("MATCH (n) RETURN count(n)"));
                    assertThat(committed[1]).isEqualTo(count("MATCH ()-[r]->() RETURN count(r)")).isLessThan(991);
                });
        // the indexes on nodes were created once the nodes were written, before the relationships
        // (they populate while the relationships load); the one on relationships waits for their end
        try (Session s = driver.session()) {
            assertThat(s.run("SHOW INDEXES YIELD name, type, owningConstraint WHERE owningConstraint IS NULL "
                    + "AND type <> 'LOOKUP' RETURN name ORDER BY name").list(r -> r.get(0).asString()))
                    .containsExactly("item_name", "item_text");
        }
    }

    @Test
    void aNodeIndexThatCannotBeCreatedWhileTheRelationshipsLoadFailsTheRestoreAndSaysWhatWasCommitted()
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GraphFileWriter w = writer(out);
        w.schema(new GraphRecord.SchemaStatement(GraphRecord.SchemaKind.INDEX, "item_name",
                "CREATE INDEX item_name IF NOT EXISTS FOR (n:Item) ON (n.name)"));
        // an analyzer the server does not have: the creation fails (with the other index, in one transaction)
        w.schema(new GraphRecord.SchemaStatement(GraphRecord.SchemaKind.INDEX, "item_text",
                "CREATE FULLTEXT INDEX item_text IF NOT EXISTS FOR (n:Item) ON EACH [n.name] "
                        + "OPTIONS {indexConfig: {`fulltext.analyzer`: 'no-such-analyzer'}}"));
        for (int i = 0; i < 100; i++) {
            w.node(i, List.of("Item"), Map.of("name", Values.value("item " + i)));
        }
        for (int i = 0; i < 3000; i++) {
            w.relationship(i % 100, (i * 3 + 1) % 100, "LINK", Map.of());
        }
        w.finish(null, null);

        DriverRestoreSink sink = DriverRestoreSink.builder(driver).batchSize(10).writers(2).relationshipWriters(2)
                .build();
        // the indexes are created on their own thread while the relationships load: the failure is
        // noticed either before a later batch (no batch after it) or, at the latest, after the data
        assertThatThrownBy(() -> sink.restore(new ByteArrayInputStream(out.toByteArray()), null))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("item_text")
                .hasMessageContaining("no-such-analyzer")
                .satisfies(e -> {
                    long relationships = count("MATCH ()-[r]->() RETURN count(r)");
                    assertThat(count("MATCH (n) RETURN count(n)")).isEqualTo(100);
                    if (e.getMessage().contains("PARTIAL restore")) {
                        long[] committed = committed(e.getMessage());
                        assertThat(committed[0]).isEqualTo(100);
                        assertThat(committed[1]).isEqualTo(relationships).isLessThan(3000);
                    } else {
                        assertThat(e.getMessage()).contains("wrote all data (100 nodes, 3000 relationships), but "
                                + "creating or populating the indexes failed");
                        assertThat(relationships).isEqualTo(3000);
                    }
                });
        try (Session s = driver.session()) {
            // the statements were applied one by one after the transaction failed: the first exists
            assertThat(s.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name")
                    .list(r -> r.get(0).asString())).containsExactly("item_name");
        }
    }

    @Test
    void constraintsBeforeTheDataAreAppliedTogetherAndAFailingOneIsNamed() {
        List<String> valid = List.of(
                "CREATE CONSTRAINT a_id IF NOT EXISTS FOR (n:A) REQUIRE n.id IS UNIQUE",
                "CREATE CONSTRAINT b_id IF NOT EXISTS FOR (n:B) REQUIRE n.id IS UNIQUE;",
                "CREATE CONSTRAINT r_id IF NOT EXISTS FOR ()-[r:R]-() REQUIRE r.id IS UNIQUE");
        assertThat(SchemaWriter.applyTogether(driver, "neo4j", valid)).isEmpty();
        assertThat(count("SHOW CONSTRAINTS YIELD name RETURN count(*)")).isEqualTo(3);
        // applied again: no effect, reported as such
        assertThat(SchemaWriter.applyTogether(driver, "neo4j", valid)).hasSize(3);

        server.clear();
        // the second conflicts with the first (same name, another definition): the transaction fails,
        // the statements are applied one by one and the failure names the statement
        List<String> conflicting = List.of(
                "CREATE CONSTRAINT c_id FOR (n:C) REQUIRE n.id IS UNIQUE",
                "CREATE CONSTRAINT c_id FOR (n:D) REQUIRE n.id IS UNIQUE");
        assertThatThrownBy(() -> SchemaWriter.applyTogether(driver, "neo4j", conflicting))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("FOR (n:D)")
                .hasMessageContaining("The statements before it were applied");
        assertThat(count("SHOW CONSTRAINTS YIELD name RETURN count(*)")).isEqualTo(1);
    }

    private static long[] committed(String message) {
        Matcher m = COMMITTED.matcher(message);
        assertThat(m.find()).as(message).isTrue();
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }
}
