package io.github.neo4jbackup.benchmarks.e2e;

import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates a Graphiti-shaped agent memory of about {@code entities} nodes plus relationships into
 * an empty database, in parameterised {@code UNWIND} batches over Bolt.
 *
 * <p>Per 1 000 entities: 100 {@code Episodic} nodes (content text, source, zoned {@code valid_at}),
 * 200 {@code Entity} nodes (name, summary, labels), one {@code Community}; 300 {@code MENTIONS}
 * (three per episode), 200 {@code RELATES_TO} (fact text, {@code valid_at}, {@code invalid_at} on a
 * third, {@code expired_at}, episode list) and 200 {@code HAS_MEMBER}. A fraction of the entities
 * carry a {@code name_embedding} and the same fraction of the facts a {@code fact_embedding} (float
 * lists of the configured dimension, as Graphiti stores them); every community has one. Schema:
 * uniqueness constraints on {@code uuid}, range indexes on {@code group_id}, relationship
 * {@code uuid} and {@code valid_at}, three fulltext indexes and three vector indexes (cosine).
 * Values come from a seeded random source, so every run generates the same graph.
 */
final class GraphitiGraph {

    private static final int BATCH = 2000;
    private static final String[] WORDS = ("agent memory user asked about the project deadline meeting notes "
            + "customer prefers email follow up next week budget approved design review graph database backup "
            + "restore schedule travel plans Berlin Tokyo invoice contract renewal support ticket feature request "
            + "release notes migration incident postmortem onboarding vacation birthday recommendation").split(" ");
    private static final List<ZoneId> ZONES = List.of(ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York"),
            ZoneId.of("UTC"), ZoneId.of("Asia/Kolkata"));

    private final int episodes;
    private final int entities;
    private final int communities;
    private final int dimensions;
    private final int embeddingEvery;
    private final Random random = new Random(42);
    private final ZonedDateTime epoch = ZonedDateTime.of(2025, 1, 1, 9, 0, 0, 0, ZoneId.of("Europe/Berlin"));

    /**
     * @param target             the intended number of nodes plus relationships
     * @param dimensions         embedding dimensions
     * @param embeddedFraction   the fraction of entities and facts with an embedding (0..1); with 0 the graph is
     *                           plain: no embeddings at all, communities included (the vector indexes stay, empty)
     */
    GraphitiGraph(long target, int dimensions, double embeddedFraction) {
        this.episodes = (int) Math.max(2, Math.round(target * 0.1));
        this.entities = (int) Math.max(4, Math.round(target * 0.2));
        this.communities = (int) Math.max(2, target / 1000);
        this.dimensions = dimensions;
        this.embeddingEvery = embeddedFraction <= 0 ? Integer.MAX_VALUE : (int) Math.max(1, Math.round(1 / embeddedFraction));
    }

    /** @return the number of nodes plus relationships this graph has */
    long size() {
        return episodes + entities + communities + 3L * episodes + 2L * entities;
    }

    /** @return how many embeddings (nodes and relationships) the graph holds */
    long embeddings() {
        if (plain()) {
            return 0;
        }
        return 2L * ((entities + embeddingEvery - 1) / embeddingEvery) + communities;
    }

    /** @return whether the graph has no embeddings at all */
    boolean plain() {
        return embeddingEvery == Integer.MAX_VALUE;
    }

    private boolean embedded(int i) {
        return !plain() && i % embeddingEvery == 0;
    }

    void create(Driver driver) {
        try (Session s = driver.session()) {
            for (String label : List.of("Episodic", "Entity", "Community")) {
                s.run("CREATE CONSTRAINT " + label.toLowerCase() + "_uuid IF NOT EXISTS FOR (n:" + label
                        + ") REQUIRE n.uuid IS UNIQUE").consume();
            }
            nodes(s);
            relationships(s);
            List<String> ddl = List.of(
                    "CREATE INDEX episodic_group_id IF NOT EXISTS FOR (n:Episodic) ON (n.group_id)",
                    "CREATE INDEX entity_group_id IF NOT EXISTS FOR (n:Entity) ON (n.group_id)",
                    "CREATE INDEX community_group_id IF NOT EXISTS FOR (n:Community) ON (n.group_id)",
                    "CREATE INDEX episodic_valid_at IF NOT EXISTS FOR (n:Episodic) ON (n.valid_at)",
                    "CREATE INDEX relates_to_uuid IF NOT EXISTS FOR ()-[r:RELATES_TO]-() ON (r.uuid)",
                    "CREATE INDEX relates_to_valid_at IF NOT EXISTS FOR ()-[r:RELATES_TO]-() ON (r.valid_at, r.invalid_at)",
                    "CREATE INDEX mentions_uuid IF NOT EXISTS FOR ()-[r:MENTIONS]-() ON (r.uuid)",
                    "CREATE FULLTEXT INDEX node_name_and_summary IF NOT EXISTS FOR (n:Entity|Community) ON EACH [n.name, n.summary] "
                            + "OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}}",
                    "CREATE FULLTEXT INDEX episode_content IF NOT EXISTS FOR (n:Episodic) ON EACH [n.content, n.source, n.source_description]",
                    "CREATE FULLTEXT INDEX edge_name_and_fact IF NOT EXISTS FOR ()-[r:RELATES_TO]-() ON EACH [r.name, r.fact]",
                    vector("entity_name_embedding", "(n:Entity)", "n.name_embedding"),
                    vector("community_name_embedding", "(n:Community)", "n.name_embedding"),
                    vector("fact_embedding", "()-[n:RELATES_TO]-()", "n.fact_embedding"));
            for (String q : ddl) {
                s.run(q).consume();
            }
            s.run("CALL db.awaitIndexes(3600)").consume();
        }
    }

    private String vector(String name, String pattern, String property) {
        return "CREATE VECTOR INDEX " + name + " IF NOT EXISTS FOR " + pattern + " ON (" + property + ") "
                + "OPTIONS {indexConfig: {`vector.dimensions`: " + dimensions + ", `vector.similarity_function`: 'cosine'}}";
    }

    private void nodes(Session s) {
        Batch b = new Batch(s, "UNWIND $rows AS r CREATE (n:Episodic) SET n = r");
        for (int i = 0; i < episodes; i++) {
            ZonedDateTime at = time(i * 7L);
            Map<String, Object> p = new HashMap<>();
            p.put("uuid", "ep-" + i);
            p.put("group_id", group(i));
            p.put("name", "message " + i);
            p.put("content", "user: " + words(30) + "\nassistant: " + words(20));
            p.put("source", i % 5 == 0 ? "json" : "message");
            p.put("source_description", "chat session " + (i / 10));
            p.put("valid_at", at);
            p.put("created_at", at.plusSeconds(3));
            p.put("entity_edges", List.of("rt-" + (i % entities), "rt-" + ((i + 1) % entities)));
            b.add(p);
        }
        b.flush();
        b = new Batch(s, "UNWIND $rows AS r CREATE (n:Entity) SET n = r");
        for (int i = 0; i < entities; i++) {
            Map<String, Object> p = new HashMap<>();
            p.put("uuid", "en-" + i);
            p.put("group_id", group(i));
            p.put("name", "Entity " + i + " " + WORDS[i % WORDS.length]);
            p.put("summary", words(18));
            p.put("labels", List.of("Entity", i % 3 == 0 ? "Person" : "Topic"));
            p.put("created_at", time(i * 5L));
            if (embedded(i)) {
                p.put("name_embedding", embedding());
            }
            b.add(p);
        }
        b.flush();
        b = new Batch(s, "UNWIND $rows AS r CREATE (n:Community) SET n = r");
        for (int i = 0; i < communities; i++) {
            Map<String, Object> p = new HashMap<>();
            p.put("uuid", "co-" + i);
            p.put("group_id", group(i));
            p.put("name", "Community " + i);
            p.put("summary", words(25));
            if (!plain()) {
                p.put("name_embedding", embedding());
            }
            p.put("created_at", time(i));
            b.add(p);
        }
        b.flush();
    }

    private void relationships(Session s) {
        Batch b = new Batch(s, "UNWIND $rows AS r MATCH (a:Episodic {uuid: r.a}) MATCH (b:Entity {uuid: r.b}) "
                + "CREATE (a)-[m:MENTIONS]->(b) SET m = r.p");
        for (int i = 0; i < episodes; i++) {
            for (int k = 0; k < 3; k++) {
                int e = (int) ((i * 3L + k * 7L) % entities);
                b.add(Map.of("a", "ep-" + i, "b", "en-" + e, "p", Map.of("uuid", "me-" + i + "-" + k,
                        "group_id", group(i), "created_at", time(i * 7L))));
            }
        }
        b.flush();
        b = new Batch(s, "UNWIND $rows AS r MATCH (a:Entity {uuid: r.a}) MATCH (b:Entity {uuid: r.b}) "
                + "CREATE (a)-[x:RELATES_TO]->(b) SET x = r.p");
        for (int i = 0; i < entities; i++) {
            int other = (int) ((i * 31L + 7) % entities);
            Map<String, Object> p = new HashMap<>();
            p.put("uuid", "rt-" + i);
            p.put("group_id", group(i));
            p.put("name", i % 2 == 0 ? "WORKS_ON" : "PREFERS");
            p.put("fact", "Entity " + i + " " + words(12));
            p.put("valid_at", time(i * 5L));
            if (i % 3 == 0) {
                p.put("invalid_at", time(i * 5L + 86_400).withZoneSameInstant(ZoneId.of("UTC")));
            }
            p.put("created_at", time(i * 5L + 1));
            p.put("episodes", List.of("ep-" + (i % episodes), "ep-" + ((i + 3) % episodes)));
            if (embedded(i)) {
                p.put("fact_embedding", embedding());
            }
            b.add(Map.of("a", "en-" + i, "b", "en-" + other, "p", p));
        }
        b.flush();
        b = new Batch(s, "UNWIND $rows AS r MATCH (a:Community {uuid: r.a}) MATCH (b:Entity {uuid: r.b}) "
                + "CREATE (a)-[x:HAS_MEMBER]->(b) SET x = r.p");
        for (int i = 0; i < entities; i++) {
            b.add(Map.of("a", "co-" + (i % communities), "b", "en-" + i,
                    "p", Map.of("uuid", "hm-" + i, "group_id", group(i), "created_at", time(i))));
        }
        b.flush();
    }

    private static String group(int i) {
        return "group-" + (i % 8);
    }

    private ZonedDateTime time(long seconds) {
        return epoch.plusSeconds(seconds).withZoneSameInstant(ZONES.get((int) (seconds % ZONES.size())));
    }

    private String words(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    private List<Double> embedding() {
        List<Double> v = new ArrayList<>(dimensions);
        for (int i = 0; i < dimensions; i++) {
            v.add((double) (float) (random.nextGaussian() * 0.05));
        }
        return v;
    }

    /** Collects rows and writes them in one transaction per {@link #BATCH} rows. */
    private static final class Batch {
        private final Session session;
        private final String query;
        private final List<Map<String, Object>> rows = new ArrayList<>();

        Batch(Session session, String query) {
            this.session = session;
            this.query = query;
        }

        void add(Map<String, Object> row) {
            rows.add(row);
            if (rows.size() >= BATCH) {
                flush();
            }
        }

        void flush() {
            if (rows.isEmpty()) {
                return;
            }
            List<Map<String, Object>> copy = List.copyOf(rows);
            rows.clear();
            session.executeWrite(tx -> tx.run(query, Map.of("rows", copy)).consume());
        }
    }
}
