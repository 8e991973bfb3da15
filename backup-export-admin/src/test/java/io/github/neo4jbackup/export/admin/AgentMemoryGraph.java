package io.github.neo4jbackup.export.admin;

import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A Graphiti-like agent memory for the integration tests: 2,000 entities with 384-d embeddings
 * (half stored as 32-bit float arrays through {@code db.create.setNodeVectorProperty}, half as 64-bit
 * lists) in a cosine vector index, 1,000 episodes mentioning three entities each, 2,000
 * {@code RELATES_TO} relationships, zoned datetimes, a uniqueness constraint, a range index and a
 * fulltext index with the english analyzer.
 */
final class AgentMemoryGraph {

    static final int ENTITIES = 2000;
    static final int EPISODES = 1000;
    static final int DIMENSIONS = 384;
    static final long NODES = ENTITIES + EPISODES;

    private AgentMemoryGraph() {
    }

    static Driver driver(String boltUri) {
        return GraphDatabase.driver(boltUri, AuthTokens.none(), Config.builder().withoutEncryption().build());
    }

    /** Creates the graph in an empty database; returns a query vector for the vector index. */
    static List<Double> create(String boltUri) {
        Random random = new Random(7);
        try (Driver driver = driver(boltUri); Session s = driver.session()) {
            for (String ddl : List.of(
                    "CREATE CONSTRAINT entity_uuid FOR (n:Entity) REQUIRE n.uuid IS UNIQUE",
                    "CREATE INDEX episodic_group_id FOR (n:Episodic) ON (n.group_id)",
                    "CREATE FULLTEXT INDEX entity_name_summary FOR (n:Entity) ON EACH [n.name, n.summary] "
                            + "OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}}",
                    "CREATE VECTOR INDEX entity_embedding FOR (n:Entity) ON (n.name_embedding) OPTIONS {indexConfig: "
                            + "{`vector.dimensions`: " + DIMENSIONS + ", `vector.similarity_function`: 'cosine'}}")) {
                s.run(ddl).consume();
            }
            long epoch = ZonedDateTime.of(2025, 3, 30, 1, 0, 0, 0, ZoneId.of("Europe/Berlin")).toInstant().toEpochMilli();
            for (int from = 0; from < ENTITIES; from += 500) {
                List<Map<String, Object>> float32 = new ArrayList<>();
                List<Map<String, Object>> float64 = new ArrayList<>();
                for (int i = from; i < Math.min(ENTITIES, from + 500); i++) {
                    Map<String, Object> row = new HashMap<>();
                    row.put("uuid", "en-" + i);
                    row.put("name", "Entity " + i);
                    row.put("summary", "Summary of entity " + i + " — Grüße 👋");
                    row.put("ms", epoch + i * 3_600_000L);
                    row.put("embedding", embedding(random));
                    (i < ENTITIES / 2 ? float32 : float64).add(row);
                }
                String create = "UNWIND $rows AS row CREATE (e:Entity {uuid: row.uuid, name: row.name, "
                        + "summary: row.summary, group_id: 'g1', "
                        + "created_at: datetime({epochMillis: row.ms, timezone: 'Europe/Berlin'})}) WITH e, row ";
                // half the embeddings as 32-bit float arrays (what the vector procedures store), half as 64-bit
                s.run(create + "CALL db.create.setNodeVectorProperty(e, 'name_embedding', row.embedding) "
                        + "RETURN count(*)", Map.of("rows", float32)).consume();
                s.run(create + "SET e.name_embedding = row.embedding", Map.of("rows", float64)).consume();
            }
            for (int from = 0; from < EPISODES; from += 500) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (int i = from; i < Math.min(EPISODES, from + 500); i++) {
                    rows.add(Map.of("uuid", "ep-" + i, "content", "Episode " + i + " mentions entities",
                            "ms", epoch + i * 60_000L, "mentions", List.of("en-" + (i * 3 % ENTITIES),
                                    "en-" + ((i * 3 + 1) % ENTITIES), "en-" + ((i * 3 + 2) % ENTITIES))));
                }
                s.run("UNWIND $rows AS row CREATE (ep:Episodic {uuid: row.uuid, group_id: 'g1', content: row.content, "
                        + "valid_at: datetime({epochMillis: row.ms, timezone: 'Asia/Kathmandu'})}) WITH ep, row "
                        + "UNWIND row.mentions AS m MATCH (e:Entity {uuid: m}) CREATE (ep)-[:MENTIONS]->(e)",
                        Map.of("rows", rows)).consume();
            }
            List<Map<String, Object>> pairs = new ArrayList<>();
            for (int i = 0; i < ENTITIES; i++) {
                pairs.add(Map.of("a", "en-" + i, "b", "en-" + ((i * 7 + 1) % ENTITIES)));
            }
            s.run("UNWIND $pairs AS p MATCH (a:Entity {uuid: p.a}), (b:Entity {uuid: p.b}) CREATE (a)-[:RELATES_TO "
                    + "{fact: a.name + ' relates to ' + b.name, valid_at: a.created_at, episodes: ['ep-1', 'ep-2'], "
                    + "weight: 0.5}]->(b)", Map.of("pairs", pairs)).consume();
            s.run("CALL db.awaitIndexes(300)").consume();
            return embedding(new Random(99));
        }
    }

    private static List<Double> embedding(Random random) {
        List<Double> v = new ArrayList<>(DIMENSIONS);
        for (int i = 0; i < DIMENSIONS; i++) {
            v.add((double) (float) random.nextGaussian());
        }
        return v;
    }
}
