package io.github.neo4jbackup.compat;

import io.github.neo4jbackup.export.cypher.restore.TargetDatabase;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A small Graphiti-shaped graph (entities with embeddings, episodes, facts with zoned datetimes)
 * with the schema such a graph has, written with Cypher that both Cypher 5 and Cypher 25 accept.
 */
final class CompatGraph {

    static final int DIMENSIONS = 8;

    private CompatGraph() {
    }

    /** Wipes the database, then writes the graph and its schema. */
    static void create(Driver driver) {
        TargetDatabase.wipe(driver, "neo4j", 10_000);
        try (Session s = driver.session()) {
            List<Map<String, Object>> entities = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                List<Double> embedding = new ArrayList<>();
                for (int d = 0; d < DIMENSIONS; d++) {
                    embedding.add(Math.sin(i * 31 + d) * 0.5);
                }
                entities.add(Map.of("uuid", "en-" + i, "name", "entity " + i + " ünïcødé", "group_id", "g" + (i % 3),
                        "emb", embedding));
            }
            s.run("UNWIND $rows AS row CREATE (e:Entity {uuid: row.uuid, name: row.name, group_id: row.group_id, "
                    + "name_embedding: row.emb, created_at: datetime('2025-03-01T10:00:00+01:00[Europe/Paris]')})",
                    Map.of("rows", entities)).consume();
            s.run("UNWIND range(0, 19) AS i CREATE (:Episodic {uuid: 'ep-' + i, content: 'episode ' + i, "
                    + "source: 'message', valid_at: datetime('2025-01-01T00:00:00Z') + duration({hours: i}), "
                    + "group_id: 'g' + (i % 3)})").consume();
            s.run("MATCH (e:Episodic), (n:Entity) WHERE toInteger(substring(n.uuid, 3)) % 20 = "
                    + "toInteger(substring(e.uuid, 3)) CREATE (e)-[:MENTIONS {uuid: 'm-' + e.uuid + n.uuid}]->(n)")
                    .consume();
            s.run("MATCH (a:Entity), (b:Entity) WHERE toInteger(substring(b.uuid, 3)) = "
                    + "(toInteger(substring(a.uuid, 3)) + 1) % 40 CREATE (a)-[:RELATES_TO {uuid: 'f-' + a.uuid, "
                    + "fact: a.name + ' knows ' + b.name, fact_embedding: a.name_embedding, episodes: ['ep-1', 'ep-2'], "
                    + "valid_at: datetime('2024-12-31T23:59:59.123456789-05:00'), invalid_at: null, "
                    + "weight: 0.1 + toFloat(toInteger(substring(a.uuid, 3)))}]->(b)").consume();
            s.run("CREATE (c:Community {uuid: 'c-1', name: 'all', location: point({latitude: 52.5, longitude: 13.4})})")
                    .consume();
            for (String ddl : List.of(
                    "CREATE CONSTRAINT entity_uuid IF NOT EXISTS FOR (n:Entity) REQUIRE n.uuid IS UNIQUE",
                    "CREATE CONSTRAINT relates_uuid IF NOT EXISTS FOR ()-[r:RELATES_TO]-() REQUIRE r.uuid IS UNIQUE",
                    "CREATE INDEX entity_group IF NOT EXISTS FOR (n:Entity) ON (n.group_id)",
                    "CREATE INDEX mentions_uuid IF NOT EXISTS FOR ()-[r:MENTIONS]-() ON (r.uuid)",
                    "CREATE TEXT INDEX episode_content IF NOT EXISTS FOR (n:Episodic) ON (n.content)",
                    "CREATE POINT INDEX community_location IF NOT EXISTS FOR (n:Community) ON (n.location)",
                    "CREATE FULLTEXT INDEX node_name_and_summary IF NOT EXISTS FOR (n:Entity|Community) ON EACH "
                            + "[n.name, n.summary] OPTIONS {indexConfig: {`fulltext.analyzer`: 'english', "
                            + "`fulltext.eventually_consistent`: true}}",
                    "CREATE FULLTEXT INDEX edge_name_and_fact IF NOT EXISTS FOR ()-[r:RELATES_TO]-() ON EACH [r.fact]",
                    "CREATE VECTOR INDEX entity_embedding IF NOT EXISTS FOR (n:Entity) ON (n.name_embedding) "
                            + "OPTIONS {indexConfig: {`vector.dimensions`: " + DIMENSIONS
                            + ", `vector.similarity_function`: 'cosine'}}",
                    "CREATE VECTOR INDEX fact_embedding IF NOT EXISTS FOR ()-[r:RELATES_TO]-() ON (r.fact_embedding) "
                            + "OPTIONS {indexConfig: {`vector.dimensions`: " + DIMENSIONS
                            + ", `vector.similarity_function`: 'euclidean', `vector.quantization.enabled`: false}}")) {
                s.run(ddl).consume();
            }
            s.run("CALL db.awaitIndexes(300)").consume();
        }
    }

    /** A 2026-only vector index: scalar quantization, which Neo4j 5.26 cannot express. */
    static void addScalarVectorIndex(Driver driver) {
        try (Session s = driver.session()) {
            s.run("CREATE VECTOR INDEX scalar_embedding IF NOT EXISTS FOR (n:Episodic) ON (n.embedding) "
                    + "OPTIONS {indexConfig: {`vector.dimensions`: 4, `vector.similarity_function`: 'cosine', "
                    + "`vector.quantization.type`: 'SCALAR'}}").consume();
            s.run("CALL db.awaitIndexes(300)").consume();
        }
    }

    static long count(Driver driver, String query) {
        try (Session s = driver.session()) {
            return s.run(query).single().get(0).asLong();
        }
    }
}
