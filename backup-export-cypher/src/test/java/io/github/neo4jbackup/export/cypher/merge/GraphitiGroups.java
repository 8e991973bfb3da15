package io.github.neo4jbackup.export.cypher.merge;

import io.github.neo4jbackup.export.cypher.census.StoredTypeCensus;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprinter;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A Graphiti-shaped memory with several groups (tenants): per group {@code Episodic}, {@code Entity}
 * (some also {@code Person}) and {@code Community} nodes with {@code uuid} and {@code group_id},
 * {@code MENTIONS}, {@code RELATES_TO} (with {@code valid_at}/{@code invalid_at} and a float32
 * {@code fact_embedding}) and {@code HAS_MEMBER} relationships, float32 {@code name_embedding}s written
 * with {@code db.create.setNodeVectorProperty}, and uniqueness constraints on {@code uuid}. Deterministic.
 */
public final class GraphitiGroups {

    /** The groups created. */
    public static final List<String> GROUPS = List.of("tenant-a", "tenant-b", "tenant-c");
    /** Episodes per group. */
    public static final int EPISODES = 5;
    /** Entities per group. */
    public static final int ENTITIES = 8;
    /** Embedding dimensions. */
    public static final int DIMENSIONS = 8;

    private GraphitiGroups() {
    }

    /**
     * Creates constraints and every group in the default database.
     *
     * @param driver the driver
     */
    public static void create(Driver driver) {
        try (Session s = driver.session()) {
            for (String label : List.of("Episodic", "Entity", "Community")) {
                s.run("CREATE CONSTRAINT " + label.toLowerCase() + "_uuid IF NOT EXISTS FOR (n:" + label
                        + ") REQUIRE n.uuid IS UNIQUE").consume();
            }
            s.run("CREATE INDEX entity_group_id IF NOT EXISTS FOR (n:Entity) ON (n.group_id)").consume();
            for (int g = 0; g < GROUPS.size(); g++) {
                group(s, GROUPS.get(g), new Random(17 + g));
            }
            s.run("CALL db.awaitIndexes(300)").consume();
        }
    }

    private static void group(Session s, String group, Random random) {
        List<Map<String, Object>> episodes = new ArrayList<>();
        for (int i = 0; i < EPISODES; i++) {
            Map<String, Object> e = new HashMap<>();
            e.put("uuid", group + "-ep-" + i);
            e.put("name", "episode " + i);
            e.put("content", "user: message " + i + " of " + group);
            e.put("source", "message");
            e.put("source_description", "chat");
            e.put("group_id", group);
            e.put("day", i + 1);
            e.put("entity_edges", List.of(group + "-rel-" + i));
            episodes.add(e);
        }
        s.run("UNWIND $rows AS row CREATE (e:Episodic {uuid: row.uuid, name: row.name, content: row.content, "
                + "source: row.source, source_description: row.source_description, group_id: row.group_id, "
                + "entity_edges: row.entity_edges, valid_at: datetime({year: 2025, month: 3, day: row.day, hour: 9, "
                + "timezone: 'Europe/Berlin'}), created_at: datetime({year: 2025, month: 3, day: row.day, hour: 8, "
                + "minute: 1, second: 2, nanosecond: 123456789, timezone: '+00:00'})})",
                Map.of("rows", episodes)).consume();
        List<Map<String, Object>> entities = new ArrayList<>();
        for (int i = 0; i < ENTITIES; i++) {
            Map<String, Object> e = new HashMap<>();
            e.put("uuid", group + "-en-" + i);
            e.put("name", group + " entity " + i);
            e.put("summary", "summary of entity " + i);
            e.put("group_id", group);
            e.put("person", i % 3 == 0);
            e.put("embedding", embedding(random));
            entities.add(e);
        }
        s.run("UNWIND $rows AS row CREATE (n:Entity {uuid: row.uuid, name: row.name, summary: row.summary, "
                + "group_id: row.group_id, created_at: datetime('2025-03-01T10:00:00Z'), labels: ['Entity']}) "
                + "FOREACH (x IN CASE WHEN row.person THEN [1] ELSE [] END | SET n:Person) "
                + "WITH n, row CALL db.create.setNodeVectorProperty(n, 'name_embedding', row.embedding)",
                Map.of("rows", entities)).consume();
        s.run("CREATE (c:Community {uuid: $g + '-co-0', name: 'community of ' + $g, group_id: $g, summary: 'all'}) "
                + "WITH c CALL db.create.setNodeVectorProperty(c, 'name_embedding', $emb)",
                Map.of("g", group, "emb", embedding(random))).consume();
        s.run("MATCH (c:Community {group_id: $g}) MATCH (e:Entity {group_id: $g}) "
                + "CREATE (c)-[:HAS_MEMBER {uuid: c.uuid + '>' + e.uuid, group_id: $g, created_at: "
                + "datetime('2025-03-02T00:00:00Z')}]->(e)", Map.of("g", group)).consume();
        for (int i = 0; i < EPISODES; i++) {
            s.run("MATCH (ep:Episodic {uuid: $ep}) MATCH (e:Entity) WHERE e.uuid IN $entities "
                    + "CREATE (ep)-[:MENTIONS {uuid: ep.uuid + '>' + e.uuid, group_id: $g, created_at: ep.created_at}]->(e)",
                    Map.of("ep", group + "-ep-" + i, "g", group,
                            "entities", List.of(group + "-en-" + i, group + "-en-" + (i + 1)))).consume();
        }
        for (int i = 0; i + 1 < ENTITIES; i++) {
            Map<String, Object> params = new HashMap<>();
            params.put("a", group + "-en-" + i);
            params.put("b", group + "-en-" + (i + 1));
            params.put("uuid", group + "-rel-" + i);
            params.put("g", group);
            params.put("day", i + 1);
            params.put("invalid", i % 2 == 0);
            params.put("emb", embedding(random));
            s.run("MATCH (a:Entity {uuid: $a}) MATCH (b:Entity {uuid: $b}) "
                    + "CREATE (a)-[r:RELATES_TO {uuid: $uuid, group_id: $g, name: 'KNOWS', fact: a.name + ' knows ' + b.name, "
                    + "episodes: [$g + '-ep-0'], valid_at: datetime({year: 2025, month: 3, day: $day, timezone: 'Europe/Berlin'}), "
                    + "created_at: datetime('2025-03-03T00:00:00Z')}]->(b) "
                    + "SET r.invalid_at = CASE WHEN $invalid THEN datetime({year: 2025, month: 4, day: $day, "
                    + "timezone: 'America/New_York'}) ELSE null END "
                    + "WITH r CALL db.create.setRelationshipVectorProperty(r, 'fact_embedding', $emb)", params).consume();
        }
    }

    private static List<Double> embedding(Random random) {
        List<Double> v = new ArrayList<>(DIMENSIONS);
        for (int i = 0; i < DIMENSIONS; i++) {
            v.add((double) (random.nextFloat() * 2 - 1));
        }
        return v;
    }

    /** Nodes per group. */
    public static int nodesPerGroup() {
        return EPISODES + ENTITIES + 1;
    }

    /** Relationships per group. */
    public static int relationshipsPerGroup() {
        return ENTITIES + 2 * EPISODES + (ENTITIES - 1);
    }

    /**
     * The content fingerprint (version 2, with stored types) of one group's nodes and the relationships
     * between them, read in one transaction.
     *
     * @param driver the driver
     * @param group  the group id
     * @return the hex fingerprint
     */
    public static String fingerprint(Driver driver, String group) {
        StoredTypeCensus census = StoredTypeCensus.read(driver, "neo4j");
        // keys holding both float32 and float64 arrays (a test rewrote one): decided per value, as a backup does
        List<String> mixedNodes = census.mixedFloatArrayKeys(true);
        List<String> mixedRelationships = census.mixedFloatArrayKeys(false);
        try (Session s = driver.session(); var tx = s.beginTransaction();
             GraphFingerprinter fp = GraphFingerprinter.open()) {
            for (Record r : tx.run("MATCH (n) WHERE n.group_id = $g RETURN id(n), labels(n), properties(n), "
                    + StoredTypeCensus.float32EvidenceExpression("n", "mixed"),
                    Map.of("g", group, "mixed", mixedNodes)).list()) {
                Map<String, Value> props = r.get(2).asMap(v -> v);
                fp.node(r.get(0).asLong(), r.get(1), r.get(2),
                        withEvidence(census.nodeStoredTypes(r.get(1).asList(Value::asString), props), r.get(3), props));
            }
            for (Record r : tx.run("MATCH (a)-[r]->(b) WHERE a.group_id = $g AND b.group_id = $g "
                    + "RETURN id(a), id(b), type(r), properties(r), "
                    + StoredTypeCensus.float32EvidenceExpression("r", "mixed"),
                    Map.of("g", group, "mixed", mixedRelationships)).list()) {
                String type = r.get(2).asString();
                Map<String, Value> props = r.get(3).asMap(v -> v);
                fp.relationship(r.get(0).asLong(), r.get(1).asLong(), type, r.get(3),
                        withEvidence(census.relationshipStoredTypes(type, props), r.get(4), props));
            }
            return fp.finish().hex();
        }
    }

    private static Map<String, String> withEvidence(Map<String, String> storedTypes, Value evidence,
                                                    Map<String, Value> properties) {
        Map<String, String> out = new java.util.TreeMap<>(storedTypes);
        for (Value k : evidence.values()) {
            if (StoredTypeCensus.float32Exact(properties.get(k.asString()))) {
                out.put(k.asString(), StoredTypeCensus.FLOAT_ARRAY);
            }
        }
        return out;
    }

    /**
     * Deletes one group's nodes with their relationships.
     *
     * @param driver the driver
     * @param group  the group id
     */
    public static void deleteGroup(Driver driver, String group) {
        try (Session s = driver.session()) {
            s.run("MATCH (n) WHERE n.group_id = $g DETACH DELETE n", Map.of("g", group)).consume();
        }
    }
}
