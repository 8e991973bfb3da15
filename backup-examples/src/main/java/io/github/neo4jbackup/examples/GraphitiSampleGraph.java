package io.github.neo4jbackup.examples;

import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Loads a deterministic, Graphiti-shaped agent-memory graph: {@code Episodic} nodes (messages with
 * their {@code valid_at} time), {@code Entity} nodes with name embeddings, {@code MENTIONS} from
 * episodes to entities, and {@code RELATES_TO} facts between entities with fact embeddings and
 * bi-temporal validity ({@code valid_at}, {@code invalid_at}); plus Graphiti's schema: uniqueness
 * constraints, range indexes, fulltext indexes on names, summaries and facts, and vector indexes on
 * both embeddings. The same sizes and seed always produce the same content.
 *
 * @param episodes   how many episodes
 * @param entities   how many entities
 * @param facts      how many facts
 * @param dimensions embedding dimensions
 * @param seed       random seed
 */
public record GraphitiSampleGraph(int episodes, int entities, int facts, int dimensions, long seed) {

    private static final int BATCH = 500;

    /**
     * Validates the sizes.
     *
     * @param episodes   episodes (at least 1)
     * @param entities   entities (at least 2)
     * @param facts      facts (at least 0)
     * @param dimensions dimensions (1 to 4096)
     * @param seed       seed
     */
    public GraphitiSampleGraph {
        if (episodes < 1 || entities < 2 || facts < 0 || dimensions < 1 || dimensions > 4096) {
            throw new IllegalArgumentException("Need episodes >= 1, entities >= 2, facts >= 0, 1 <= dimensions <= 4096");
        }
    }

    /**
     * A small graph for tests and the demo: 2,000 episodes, 1,000 entities, 3,000 facts, 128 dimensions.
     *
     * @return the sample
     */
    public static GraphitiSampleGraph standard() {
        return new GraphitiSampleGraph(2_000, 1_000, 3_000, 128, 42);
    }

    /**
     * Creates the schema and the data in an empty database, and waits for the indexes to come online.
     *
     * @param driver   the driver (not closed)
     * @param database the database
     */
    public void load(Driver driver, String database) {
        Objects.requireNonNull(driver, "driver");
        try (Session s = driver.session(SessionConfig.forDatabase(database))) {
            for (String ddl : schema()) {
                s.run(ddl).consume();
            }
            Random random = new Random(seed);
            ZonedDateTime start = ZonedDateTime.of(2025, 1, 1, 9, 0, 0, 0, ZoneOffset.UTC);

            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = 0; i < episodes; i++) {
                batch.add(Map.of("uuid", "ep-" + i, "name", "message " + i,
                        "content", "user: turn " + i + " talks about entity " + (i % entities) + " and entity "
                                + ((i * 31 + 7) % entities),
                        "valid_at", start.plusMinutes(i), "a", "en-" + (i % entities),
                        "b", "en-" + ((i * 31 + 7) % entities)));
                if (batch.size() == BATCH || i == episodes - 1) {
                    // the mentioned entities' uuids are parked on the episode until the entities exist
                    s.run("UNWIND $rows AS row CREATE (e:Episodic {uuid: row.uuid, group_id: 'demo', name: row.name, "
                            + "content: row.content, source: 'message', source_description: 'chat', "
                            + "valid_at: row.valid_at, created_at: row.valid_at, mention_a: row.a, mention_b: row.b})",
                            Map.of("rows", batch)).consume();
                    batch = new ArrayList<>();
                }
            }
            batch.clear();
            for (int i = 0; i < entities; i++) {
                batch.add(Map.of("uuid", "en-" + i, "name", "Entity " + i, "summary", "What the agent knows about entity " + i,
                        "embedding", embedding(random), "created_at", start.plusSeconds(i)));
                if (batch.size() == BATCH || i == entities - 1) {
                    s.run("UNWIND $rows AS row CREATE (n:Entity {uuid: row.uuid, group_id: 'demo', name: row.name, "
                            + "summary: row.summary, name_embedding: row.embedding, created_at: row.created_at, "
                            + "labels: ['Entity']})", Map.of("rows", batch)).consume();
                    batch.clear();
                }
            }
            s.run("MATCH (e:Episodic) MATCH (a:Entity {uuid: e.mention_a}), (b:Entity {uuid: e.mention_b}) "
                    + "CREATE (e)-[:MENTIONS {uuid: e.uuid + '-a', group_id: 'demo', created_at: e.created_at}]->(a) "
                    + "CREATE (e)-[:MENTIONS {uuid: e.uuid + '-b', group_id: 'demo', created_at: e.created_at}]->(b) "
                    + "REMOVE e.mention_a, e.mention_b").consume();
            for (int i = 0; i < facts; i++) {
                Map<String, Object> row = new HashMap<>();
                row.put("uuid", "fact-" + i);
                row.put("a", "en-" + random.nextInt(entities));
                row.put("b", "en-" + random.nextInt(entities));
                row.put("fact", "Entity " + i % entities + " relates to entity " + (i * 13 % entities) + " (fact " + i + ")");
                row.put("embedding", embedding(random));
                row.put("valid_at", start.plusHours(i));
                row.put("invalid_at", i % 4 == 0 ? start.plusHours(i + 48L) : null);
                row.put("episodes", List.of("ep-" + i % episodes, "ep-" + (i + 1) % episodes));
                batch.add(row);
                if (batch.size() == BATCH || i == facts - 1) {
                    s.run("UNWIND $rows AS row MATCH (a:Entity {uuid: row.a}), (b:Entity {uuid: row.b}) "
                            + "CREATE (a)-[:RELATES_TO {uuid: row.uuid, group_id: 'demo', name: 'RELATES_TO', fact: row.fact, "
                            + "fact_embedding: row.embedding, valid_at: row.valid_at, invalid_at: row.invalid_at, "
                            + "created_at: row.valid_at, episodes: row.episodes}]->(b)", Map.of("rows", batch)).consume();
                    batch.clear();
                }
            }
            s.run("CALL db.awaitIndexes(300)").consume();
        }
    }

    private List<String> schema() {
        return List.of(
                "CREATE CONSTRAINT entity_uuid IF NOT EXISTS FOR (n:Entity) REQUIRE n.uuid IS UNIQUE",
                "CREATE CONSTRAINT episodic_uuid IF NOT EXISTS FOR (n:Episodic) REQUIRE n.uuid IS UNIQUE",
                "CREATE INDEX entity_group_id IF NOT EXISTS FOR (n:Entity) ON (n.group_id)",
                "CREATE INDEX episode_valid_at IF NOT EXISTS FOR (n:Episodic) ON (n.valid_at)",
                "CREATE INDEX relates_to_uuid IF NOT EXISTS FOR ()-[r:RELATES_TO]-() ON (r.uuid)",
                "CREATE FULLTEXT INDEX node_name_and_summary IF NOT EXISTS FOR (n:Entity) ON EACH [n.name, n.summary]",
                "CREATE FULLTEXT INDEX episode_content IF NOT EXISTS FOR (n:Episodic) ON EACH [n.content]",
                "CREATE FULLTEXT INDEX edge_name_and_fact IF NOT EXISTS FOR ()-[r:RELATES_TO]-() ON EACH [r.name, r.fact]",
                "CREATE VECTOR INDEX entity_name_embedding IF NOT EXISTS FOR (n:Entity) ON (n.name_embedding) "
                        + "OPTIONS {indexConfig: {`vector.dimensions`: " + dimensions + ", `vector.similarity_function`: 'cosine'}}",
                "CREATE VECTOR INDEX fact_embedding IF NOT EXISTS FOR ()-[r:RELATES_TO]-() ON (r.fact_embedding) "
                        + "OPTIONS {indexConfig: {`vector.dimensions`: " + dimensions + ", `vector.similarity_function`: 'cosine'}}");
    }

    private List<Double> embedding(Random random) {
        List<Double> v = new ArrayList<>(dimensions);
        double norm = 0;
        double[] raw = new double[dimensions];
        for (int d = 0; d < dimensions; d++) {
            raw[d] = random.nextGaussian();
            norm += raw[d] * raw[d];
        }
        norm = Math.sqrt(norm);
        for (double x : raw) {
            v.add(x / norm);
        }
        return v;
    }
}
