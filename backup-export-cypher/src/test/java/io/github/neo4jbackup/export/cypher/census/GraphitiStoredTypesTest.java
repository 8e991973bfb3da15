package io.github.neo4jbackup.export.cypher.census;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.export.cypher.apoc.ApocCypherSource;
import io.github.neo4jbackup.export.cypher.driver.DriverExportSource;
import io.github.neo4jbackup.export.cypher.driver.DriverRestoreSink;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprint;
import io.github.neo4jbackup.export.cypher.script.CypherScriptSink;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Transaction;

import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Graphiti's real write path (its Cypher, with the vector-property procedures) → backup with the
 * driver and the APOC engine → restore into an empty database: equal fingerprints, equal stored-type
 * census and bit-exact float32 embeddings.
 */
public class GraphitiStoredTypesTest {

    static final int DIMENSIONS = 64;

    // Graphiti's queries (graphiti_core/models/nodes/node_db_queries.py, edges/edge_db_queries.py)
    static final String ENTITY_NODE_SAVE = """
            MERGE (n:Entity {uuid: $uuid})
            SET n = {uuid: $uuid, name: $name, group_id: $group_id, summary: $summary, created_at: $created_at}
            WITH n CALL db.create.setNodeVectorProperty(n, "name_embedding", $name_embedding)
            RETURN n.uuid AS uuid""";
    static final String COMMUNITY_NODE_SAVE = """
            MERGE (n:Community {uuid: $uuid})
            SET n = {uuid: $uuid, name: $name, group_id: $group_id, summary: $summary, created_at: $created_at}
            WITH n CALL db.create.setNodeVectorProperty(n, "name_embedding", $name_embedding)
            RETURN n.uuid AS uuid""";
    static final String EPISODIC_NODE_SAVE = """
            MERGE (n:Episodic {uuid: $uuid})
            SET n = {uuid: $uuid, name: $name, group_id: $group_id, source_description: $source_description,
                source: $source, content: $content, entity_edges: $entity_edges, created_at: $created_at,
                valid_at: $valid_at}
            RETURN n.uuid AS uuid""";
    static final String EPISODIC_EDGE_SAVE = """
            MATCH (episode:Episodic {uuid: $episode_uuid})
            MATCH (node:Entity {uuid: $entity_uuid})
            MERGE (episode)-[r:MENTIONS {uuid: $uuid}]->(node)
            SET r = {uuid: $uuid, group_id: $group_id, created_at: $created_at}
            RETURN r.uuid AS uuid""";
    static final String ENTITY_EDGE_SAVE = """
            MATCH (source:Entity {uuid: $source_uuid})
            MATCH (target:Entity {uuid: $target_uuid})
            MERGE (source)-[r:RELATES_TO {uuid: $uuid}]->(target)
            SET r = {uuid: $uuid, name: $name, group_id: $group_id, fact: $fact, episodes: $episodes,
            created_at: $created_at, expired_at: $expired_at, valid_at: $valid_at, invalid_at: $invalid_at}
            WITH r CALL db.create.setRelationshipVectorProperty(r, "fact_embedding", $fact_embedding)
            RETURN r.uuid AS uuid""";
    static final String COMMUNITY_EDGE_SAVE = """
            MATCH (community:Community {uuid: $community_uuid})
            MATCH (node:Entity | Community {uuid: $entity_uuid})
            MERGE (community)-[r:HAS_MEMBER {uuid: $uuid}]->(node)
            SET r = {uuid: $uuid, group_id: $group_id, created_at: $created_at}
            RETURN r.uuid AS uuid""";

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

    /** A small Graphiti memory written exactly as Graphiti writes it. */
    public static void graphiti(Driver driver, int entities, int dimensions) {
        Random random = new Random(7);
        ZonedDateTime t0 = ZonedDateTime.of(2025, 10, 26, 2, 30, 0, 123_456_789, ZoneId.of("Europe/Berlin"));
        try (Session s = driver.session()) {
            for (String ddl : List.of(
                    "CREATE INDEX entity_uuid IF NOT EXISTS FOR (n:Entity) ON (n.uuid)",
                    "CREATE INDEX episode_uuid IF NOT EXISTS FOR (n:Episodic) ON (n.uuid)",
                    "CREATE INDEX community_uuid IF NOT EXISTS FOR (n:Community) ON (n.uuid)",
                    "CREATE INDEX relation_uuid IF NOT EXISTS FOR ()-[e:RELATES_TO]-() ON (e.uuid)",
                    "CREATE INDEX mention_uuid IF NOT EXISTS FOR ()-[e:MENTIONS]-() ON (e.uuid)",
                    "CREATE INDEX entity_group_id IF NOT EXISTS FOR (n:Entity) ON (n.group_id)",
                    "CREATE INDEX episode_group_id IF NOT EXISTS FOR (n:Episodic) ON (n.group_id)",
                    "CREATE INDEX relation_group_id IF NOT EXISTS FOR ()-[e:RELATES_TO]-() ON (e.group_id)",
                    "CREATE INDEX valid_at_episodic_index IF NOT EXISTS FOR (n:Episodic) ON (n.valid_at)",
                    "CREATE FULLTEXT INDEX node_name_and_summary IF NOT EXISTS FOR (n:Entity) ON EACH [n.name, n.summary, n.group_id]",
                    "CREATE FULLTEXT INDEX community_name IF NOT EXISTS FOR (n:Community) ON EACH [n.name, n.group_id]",
                    "CREATE FULLTEXT INDEX episode_content IF NOT EXISTS FOR (e:Episodic) ON EACH [e.content, e.source, e.source_description, e.group_id]",
                    "CREATE FULLTEXT INDEX edge_name_and_fact IF NOT EXISTS FOR ()-[e:RELATES_TO]-() ON EACH [e.name, e.fact, e.group_id]",
                    "CREATE VECTOR INDEX entity_name_embedding IF NOT EXISTS FOR (n:Entity) ON (n.name_embedding) OPTIONS "
                            + "{indexConfig: {`vector.dimensions`: " + dimensions + ", `vector.similarity_function`: 'cosine'}}",
                    "CREATE VECTOR INDEX fact_embedding IF NOT EXISTS FOR ()-[e:RELATES_TO]-() ON (e.fact_embedding) OPTIONS "
                            + "{indexConfig: {`vector.dimensions`: " + dimensions + ", `vector.similarity_function`: 'cosine'}}")) {
                s.run(ddl).consume();
            }
            int episodes = Math.max(2, entities / 2);
            for (int i = 0; i < episodes; i++) {
                s.run(EPISODIC_NODE_SAVE, Map.of("uuid", "ep-" + i, "name", "episode " + i, "group_id", "g" + (i % 2),
                        "source_description", "chat", "source", "message", "content", "Alice met Bob " + i + " ☕",
                        "entity_edges", List.of("rel-" + i), "created_at", t0.plusMinutes(i),
                        "valid_at", t0.plusMinutes(i).withZoneSameInstant(ZoneId.of("America/New_York")))).consume();
            }
            for (int i = 0; i < entities; i++) {
                s.run(ENTITY_NODE_SAVE, Map.of("uuid", "en-" + i, "name", "Entity " + i, "group_id", "g" + (i % 2),
                        "summary", "summary " + i, "created_at", t0.plusSeconds(i),
                        "name_embedding", embedding(random, dimensions))).consume();
                s.run(EPISODIC_EDGE_SAVE, Map.of("episode_uuid", "ep-" + (i % episodes), "entity_uuid", "en-" + i,
                        "uuid", "m-" + i, "group_id", "g" + (i % 2), "created_at", t0)).consume();
            }
            for (int i = 0; i < entities * 2; i++) {
                Map<String, Object> p = new HashMap<>();
                p.put("source_uuid", "en-" + (i % entities));
                p.put("target_uuid", "en-" + ((i * 7 + 3) % entities));
                p.put("uuid", "rel-" + i);
                p.put("name", "KNOWS");
                p.put("group_id", "g" + (i % 2));
                p.put("fact", "Entity " + (i % entities) + " knows entity " + ((i * 7 + 3) % entities));
                p.put("episodes", List.of("ep-" + (i % episodes)));
                p.put("created_at", t0.plusHours(i));
                p.put("expired_at", null);
                p.put("valid_at", t0.plusDays(i));
                p.put("invalid_at", i % 3 == 0 ? t0.plusDays(i + 30).withZoneSameInstant(ZoneId.of("UTC")) : null);
                p.put("fact_embedding", embedding(random, dimensions));
                s.run(ENTITY_EDGE_SAVE, p).consume();
            }
            s.run(COMMUNITY_NODE_SAVE, Map.of("uuid", "co-0", "name", "community", "group_id", "g0",
                    "summary", "all of them", "created_at", t0, "name_embedding", embedding(random, dimensions))).consume();
            for (int i = 0; i < entities; i += 3) {
                s.run(COMMUNITY_EDGE_SAVE, Map.of("community_uuid", "co-0", "entity_uuid", "en-" + i, "uuid", "hm-" + i,
                        "group_id", "g0", "created_at", t0)).consume();
            }
            s.run("CALL db.awaitIndexes(300)").consume();
        }
    }

    static List<Double> embedding(Random random, int dimensions) {
        List<Double> v = new ArrayList<>(dimensions);
        for (int i = 0; i < dimensions; i++) {
            v.add(random.nextGaussian() / 7); // a float64 from the embedding model; the procedure narrows it
        }
        return v;
    }

    /** The raw db.schema.*TypeProperties() rows, sorted. */
    static List<String> schemaTypeRows(Driver driver) {
        List<String> rows = new ArrayList<>();
        try (Session s = driver.session()) {
            s.run("CALL db.schema.nodeTypeProperties() YIELD nodeType, propertyName, propertyTypes, mandatory "
                    + "RETURN nodeType, propertyName, propertyTypes, mandatory")
                    .forEachRemaining(r -> rows.add(r.values().toString()));
            s.run("CALL db.schema.relTypeProperties() YIELD relType, propertyName, propertyTypes, mandatory "
                    + "RETURN relType, propertyName, propertyTypes, mandatory")
                    .forEachRemaining(r -> rows.add(r.values().toString()));
        }
        rows.sort(null);
        return rows;
    }

    /** Every embedding, by uuid, as the raw IEEE bits of each element (float32 widened exactly). */
    public static Map<String, List<Long>> embeddingBits(Driver driver) {
        Map<String, List<Long>> out = new TreeMap<>();
        try (Session s = driver.session()) {
            s.run("MATCH (n) WHERE n.name_embedding IS NOT NULL RETURN n.uuid AS u, n.name_embedding AS e UNION ALL "
                    + "MATCH ()-[n]->() WHERE n.fact_embedding IS NOT NULL RETURN n.uuid AS u, n.fact_embedding AS e")
                    .forEachRemaining(r -> out.put(r.get(0).asString(),
                            r.get(1).asList(v -> Double.doubleToRawLongBits(v.asDouble()))));
        }
        return out;
    }

    void roundTrip(BackupSource source, RestoreSink sink) throws Exception {
        graphiti(driver, 24, DIMENSIONS);
        GraphFingerprint before = GraphFingerprint.compute(driver, "neo4j");
        StoredTypeCensus censusBefore = StoredTypeCensus.read(driver, "neo4j");
        List<String> rowsBefore = schemaTypeRows(driver);
        Map<String, List<Long>> bitsBefore = embeddingBits(driver);
        assertThat(censusBefore.nodeTypes(List.of("Entity"), "name_embedding")).containsExactly("FloatArray");
        assertThat(censusBefore.relationshipTypes("RELATES_TO", "fact_embedding")).containsExactly("FloatArray");
        assertThat(bitsBefore).hasSize(24 + 1 + 48);

        BackupPipeline pipeline = BackupPipeline.builder().source(source).transform(Compression.zstd())
                .target(LocalStorageTarget.of(repository)).build();
        BackupResult backup = pipeline.backup();
        Manifest manifest = backup.manifest();
        assertThat(StoredTypeCensus.fromJson(manifest.source().attributes().get(CensusAttributes.CENSUS)))
                .isEqualTo(censusBefore);
        assertThat(manifest.source().attributes()).doesNotContainKey(CensusAttributes.WARNINGS);

        server.clear();
        RestoreResult restored = pipeline.restore(manifest.id(), sink);
        assertThat(restored.countsMatched()).contains(true);
        assertThat(restored.sinkResult().attributes())
                .containsEntry(CensusAttributes.MATCHES, "true")
                .containsEntry(Attributes.CONTENT_FINGERPRINT, before.content().hex())
                .containsEntry(Attributes.SCHEMA_FINGERPRINT, before.schema())
                .doesNotContainKey(CensusAttributes.DIFFERENCES);
        GraphFingerprint after = GraphFingerprint.compute(driver, "neo4j");
        assertThat(after.content()).isEqualTo(before.content());
        assertThat(after.schema()).isEqualTo(before.schema());
        assertThat(StoredTypeCensus.read(driver, "neo4j")).isEqualTo(censusBefore);
        assertThat(schemaTypeRows(driver)).isEqualTo(rowsBefore);
        assertThat(embeddingBits(driver)).isEqualTo(bitsBefore);

        VerifyReport verified = pipeline.verify(manifest.id(), VerifyLevel.RESTORE, sink.accepts("cypher-driver")
                ? DriverRestoreSink.builder(driver).wipe(true).build()
                : CypherScriptSink.builder(driver).wipe(true).build());
        assertThat(verified.problems()).isEmpty();
    }

    @Test
    void driverEngineRestoresFloat32EmbeddingsExactly() throws Exception {
        roundTrip(DriverExportSource.builder(driver).build(), DriverRestoreSink.builder(driver).batchSize(13).build());
    }

    @Test
    void apocEngineRestoresFloat32EmbeddingsExactly() throws Exception {
        roundTrip(ApocCypherSource.builder(driver).build(), CypherScriptSink.builder(driver).build());
    }

    @Test
    void typesBoltCannotWriteAreNamedAtBackupAndRestore() throws Exception {
        try (Transaction tx = server.database().beginTx()) {
            var n = tx.createNode(Label.label("Sensor"));
            n.setProperty("uuid", "s-1");
            n.setProperty("readings", new int[] {1, -2, 70_000});
            n.setProperty("gain", 0.5f);
            tx.commit();
        }
        try (Session s = driver.session()) {
            s.run("CREATE (n:Sensor {uuid: 's-2'}) WITH n CALL db.create.setNodeVectorProperty(n, 'vec', [0.25, 0.1])")
                    .consume();
        }
        GraphFingerprint before = GraphFingerprint.compute(driver, "neo4j");
        BackupPipeline pipeline = BackupPipeline.builder().source(DriverExportSource.builder(driver).build())
                .target(LocalStorageTarget.of(repository)).build();
        Manifest manifest = pipeline.backup().manifest();
        String warnings = manifest.source().attributes().get(CensusAttributes.WARNINGS);
        assertThat(warnings).contains("node :`Sensor` property 'readings': IntegerArray values cannot be written")
                .contains("restored as LongArray")
                .contains("node :`Sensor` property 'gain': Float values").contains("restored as Double")
                .doesNotContain("'vec'");

        server.clear();
        RestoreResult restored = pipeline.restore(manifest.id(), DriverRestoreSink.builder(driver).build());
        Map<String, String> attributes = restored.sinkResult().attributes();
        assertThat(attributes.get(CensusAttributes.WARNINGS)).contains(warnings);
        assertThat(attributes).containsEntry(CensusAttributes.MATCHES, "false");
        assertThat(attributes.get(CensusAttributes.DIFFERENCES))
                .contains("node :`Sensor` property 'readings': backup IntegerArray, restored LongArray")
                .contains("node :`Sensor` property 'gain': backup Float, restored Double")
                .doesNotContain("'vec'");
        // the values are the same, the stored types are not: the fingerprint says so
        assertThat(attributes.get(Attributes.CONTENT_FINGERPRINT)).isNotEqualTo(before.content().hex());
        try (Session s = driver.session()) {
            assertThat(s.run("MATCH (n:Sensor {uuid: 's-1'}) RETURN n.readings").single().get(0).asList())
                    .containsExactly(1L, -2L, 70_000L);
        }
        assertThat(StoredTypeCensus.read(driver, "neo4j").nodeTypes(List.of("Sensor"), "vec"))
                .containsExactly("FloatArray");
        // verify at level RESTORE sees it too: the content fingerprint covers stored types
        VerifyReport verified = pipeline.verify(manifest.id(), VerifyLevel.RESTORE,
                DriverRestoreSink.builder(driver).wipe(true).build());
        assertThat(verified.ok()).isFalse();
        assertThat(verified.problems()).anySatisfy(p -> assertThat(p).startsWith(Attributes.CONTENT_FINGERPRINT));
    }

    @Test
    void mixedFloat32AndFloat64ArraysUnderOneKeyAreDecidedPerValue() throws Exception {
        try (Session s = driver.session()) {
            s.run("UNWIND range(1, 5) AS i CREATE (n:Doc {uuid: 'f' + i}) WITH n, i "
                    + "CALL db.create.setNodeVectorProperty(n, 'v', [0.1 * i, 0.3, -2.7])").consume();
            s.run("UNWIND range(1, 5) AS i CREATE (:Doc {uuid: 'd' + i, v: [0.1 * i, 0.3, -2.7]})").consume();
            s.run("MATCH (a:Doc {uuid: 'f1'}), (b:Doc {uuid: 'd1'}) CREATE (a)-[r:LINK {w: [1.5, 2.5]}]->(b), "
                    + "(a)-[q:LINK]->(b) WITH q CALL db.create.setRelationshipVectorProperty(q, 'w', [0.7, 0.9])")
                    .consume();
        }
        Map<String, String> typesBefore = perValueTypes();
        assertThat(StoredTypeCensus.read(driver, "neo4j").nodeTypes(List.of("Doc"), "v"))
                .containsExactly("DoubleArray", "FloatArray");
        BackupPipeline pipeline = BackupPipeline.builder().source(DriverExportSource.builder(driver).build())
                .target(LocalStorageTarget.of(repository)).build();
        Manifest manifest = pipeline.backup().manifest();
        assertThat(manifest.source().attributes().get(CensusAttributes.WARNINGS))
                .contains("node :`Doc` property 'v' holds both FloatArray and DoubleArray values");
        server.clear();
        RestoreResult restored = pipeline.restore(manifest.id(), DriverRestoreSink.builder(driver).build());
        assertThat(restored.sinkResult().attributes()).containsEntry(CensusAttributes.MATCHES, "true");
        assertThat(perValueTypes()).isEqualTo(typesBefore);
    }

    /** Per value: uuid → FloatArray or DoubleArray, told apart by writing the value as float32 and comparing. */
    static Map<String, String> perValueTypes() {
        Map<String, String> out = new TreeMap<>();
        try (Session s = driver.session()) {
            s.run("MATCH (n:Doc) RETURN n.uuid AS u, [x IN n.v | toString(x)] AS t, [x IN n.v | toString(toFloat(x))] AS d "
                    + "UNION ALL MATCH ()-[n:LINK]->() RETURN 'rel ' + toString(n.w[0]) AS u, [x IN n.w | toString(x)] AS t, "
                    + "[x IN n.w | toString(toFloat(x))] AS d").forEachRemaining(r -> out.put(r.get(0).asString(),
                    r.get(1).equals(r.get(2)) ? "DoubleArray" : "FloatArray"));
        }
        return out;
    }

    @Test
    void aManifestWithAVersion1FingerprintIsComparedWithVersion1() throws Exception {
        try (Session s = driver.session()) {
            s.run("CREATE (n:Entity {uuid: 'a'}) WITH n CALL db.create.setNodeVectorProperty(n, 'v', [0.1, 0.2])")
                    .consume();
        }
        GraphFingerprint v1 = GraphFingerprint.compute(driver, "neo4j",
                GraphFingerprint.Options.builder().contentVersion(1).build());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        DriverExportSource.builder(driver).build().export(out, null);
        // a manifest as written before version 2: a content fingerprint, no version, no census
        Manifest old = new Manifest(1, "neo4j-20250101T000000Z", "neo4j", java.time.Instant.EPOCH,
                java.time.Instant.EPOCH, new Manifest.SourceInfo("cypher-driver", null, null, null,
                Map.of(Attributes.CONTENT_FINGERPRINT, v1.content().hex())), "0.1.0", "host", List.of(),
                new io.github.neo4jbackup.core.manifest.StoredObject(
                        io.github.neo4jbackup.core.spi.ObjectKey.of("neo4j/x.ndjson"), 1, 1, "0".repeat(64),
                        "0".repeat(64)), null, Map.of(), Map.of());
        server.clear();
        Map<String, String> attributes = DriverRestoreSink.builder(driver).build()
                .restore(new java.io.ByteArrayInputStream(out.toByteArray()), old).attributes();
        assertThat(attributes).containsEntry(Attributes.CONTENT_FINGERPRINT, v1.content().hex())
                .containsEntry(GraphFingerprint.CONTENT_VERSION, "1")
                .doesNotContainKey(CensusAttributes.MATCHES);
        assertThat(GraphFingerprint.contentVersion(Map.of())).isEqualTo(1);
        assertThat(GraphFingerprint.contentVersion(Map.of(GraphFingerprint.CONTENT_VERSION, "2"))).isEqualTo(2);
    }

    @Test
    void float32AndFloat64ArraysHaveDifferentFingerprints() throws Exception {
        try (Session s = driver.session()) {
            s.run("CREATE (n:Entity {uuid: 'a'}) WITH n CALL db.create.setNodeVectorProperty(n, 'v', [0.5, 0.25])")
                    .consume();
        }
        GraphFingerprint float32 = GraphFingerprint.compute(driver, "neo4j");
        GraphFingerprint float32v1 = GraphFingerprint.compute(driver, "neo4j",
                GraphFingerprint.Options.builder().contentVersion(1).build());
        server.clear();
        try (Session s = driver.session()) {
            s.run("CREATE (n:Entity {uuid: 'a', v: [0.5, 0.25]})").consume();
        }
        GraphFingerprint float64 = GraphFingerprint.compute(driver, "neo4j");
        GraphFingerprint float64v1 = GraphFingerprint.compute(driver, "neo4j",
                GraphFingerprint.Options.builder().contentVersion(1).build());
        assertThat(float32.content()).isNotEqualTo(float64.content());
        assertThat(float32.contentVersion()).isEqualTo(2);
        // version 1 cannot see stored types: same values, same fingerprint
        assertThat(float32v1.content()).isEqualTo(float64v1.content());
        assertThat(float32v1.attributes()).containsEntry(GraphFingerprint.CONTENT_VERSION, "1");
    }
}
