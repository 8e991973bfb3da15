package io.github.neo4jbackup.export.cypher;

import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A Graphiti-shaped memory with several groups ({@code group_id}): per group, {@code Episodic} nodes
 * (name, content, source, source_description, group_id, valid_at, created_at, uuid, entity_edges)
 * one hour apart from {@link #FIRST_EPISODE}, {@code Entity} nodes with 32-bit float name
 * embeddings (written with {@code db.create.setNodeVectorProperty}), a {@code Community},
 * {@code MENTIONS}, {@code RELATES_TO} and {@code HAS_MEMBER} relationships, and one
 * {@code RELATES_TO} across two groups. Some episodes carry a zone id instead of UTC; one episode
 * per group holds its {@code valid_at} as a LOCAL DATETIME (wrongly typed data, which a datetime
 * range must not match).
 */
public final class GraphitiGroupsFixture {

    /** The {@code valid_at} of each group's first episode. */
    public static final ZonedDateTime FIRST_EPISODE = ZonedDateTime.of(2025, 6, 1, 8, 0, 0, 0, ZoneOffset.UTC);

    private GraphitiGroupsFixture() {
    }

    /**
     * Creates the memory in an empty database.
     *
     * @param driver   the driver
     * @param groups   the group ids
     * @param episodes episodes per group
     * @param entities entities per group
     */
    public static void create(Driver driver, List<String> groups, int episodes, int entities) {
        Random random = new Random(7);
        try (Session s = driver.session()) {
            s.run("CREATE CONSTRAINT episodic_uuid IF NOT EXISTS FOR (n:Episodic) REQUIRE n.uuid IS UNIQUE").consume();
            s.run("CREATE CONSTRAINT entity_uuid IF NOT EXISTS FOR (n:Entity) REQUIRE n.uuid IS UNIQUE").consume();
            s.run("CREATE INDEX episode_group_id IF NOT EXISTS FOR (n:Episodic) ON (n.group_id)").consume();
            for (int g = 0; g < groups.size(); g++) {
                String group = groups.get(g);
                List<Map<String, Object>> entityRows = new ArrayList<>();
                for (int e = 0; e < entities; e++) {
                    List<Double> embedding = new ArrayList<>();
                    for (int d = 0; d < 8; d++) {
                        embedding.add((double) (float) random.nextGaussian());
                    }
                    Map<String, Object> row = new HashMap<>();
                    row.put("uuid", group + "-entity-" + e);
                    row.put("name", "Entity " + e + " of " + group + " — Grüße");
                    row.put("summary", "summary " + e);
                    row.put("created_at", FIRST_EPISODE.minusDays(1).plusMinutes(e));
                    row.put("embedding", embedding);
                    entityRows.add(row);
                }
                s.run("UNWIND $rows AS row CREATE (n:Entity {uuid: row.uuid, name: row.name, summary: row.summary, "
                        + "group_id: $g, created_at: row.created_at, labels: ['Entity', 'Person']}) "
                        + "WITH n, row CALL db.create.setNodeVectorProperty(n, 'name_embedding', row.embedding)",
                        Map.of("rows", entityRows, "g", group)).consume();
                List<Map<String, Object>> episodeRows = new ArrayList<>();
                for (int i = 0; i < episodes; i++) {
                    ZonedDateTime validAt = FIRST_EPISODE.plusHours(i).plusSeconds(g).plusNanos(1000L * i);
                    if (i % 5 == 4) {
                        validAt = validAt.withZoneSameInstant(ZoneId.of("Europe/Berlin"));
                    }
                    Map<String, Object> row = new HashMap<>();
                    row.put("uuid", group + "-episode-" + i);
                    row.put("name", "episode " + i);
                    row.put("content", "user: message " + i + " of " + group + "\nassistant: \"ok\" 👋");
                    row.put("source", i % 3 == 0 ? "json" : "message");
                    row.put("source_description", "chat " + group);
                    row.put("created_at", validAt.plusMinutes(1).withZoneSameInstant(ZoneOffset.UTC));
                    row.put("entity_edges", List.of(group + "-edge-" + i, group + "-edge-" + (i + 1)));
                    row.put("mentions", List.of(group + "-entity-" + (i % entities), group + "-entity-" + ((i + 1) % entities)));
                    if (i == episodes / 2) {
                        row.put("valid_at", validAt.toLocalDateTime());
                    } else {
                        row.put("valid_at", validAt);
                    }
                    episodeRows.add(row);
                }
                s.run("UNWIND $rows AS row CREATE (n:Episodic {uuid: row.uuid, name: row.name, content: row.content, "
                        + "source: row.source, source_description: row.source_description, group_id: $g, "
                        + "valid_at: row.valid_at, created_at: row.created_at, entity_edges: row.entity_edges}) "
                        + "WITH n, row UNWIND row.mentions AS m MATCH (e:Entity {uuid: m}) "
                        + "CREATE (n)-[:MENTIONS {uuid: n.uuid + '-' + m, group_id: $g, created_at: n.created_at}]->(e)",
                        Map.of("rows", episodeRows, "g", group)).consume();
                s.run("MATCH (a:Entity {group_id: $g}) MATCH (b:Entity {group_id: $g}) WHERE a.uuid < b.uuid "
                        + "CREATE (a)-[:RELATES_TO {uuid: a.uuid + '>' + b.uuid, group_id: $g, name: 'KNOWS', "
                        + "fact: a.name + ' knows ' + b.name, valid_at: datetime('2025-05-01T00:00:00Z'), "
                        + "episodes: ['e1', 'e2'], weight: 0.5}]->(b)", Map.of("g", group)).consume();
                s.run("CREATE (c:Community {uuid: $g + '-community', name: 'community of ' + $g, group_id: $g}) "
                        + "WITH c MATCH (e:Entity {group_id: $g}) CREATE (c)-[:HAS_MEMBER {uuid: c.uuid + e.uuid}]->(e)",
                        Map.of("g", group)).consume();
            }
            if (groups.size() > 1) {
                s.run("MATCH (a:Entity {uuid: $a}) MATCH (b:Entity {uuid: $b}) "
                        + "CREATE (a)-[:RELATES_TO {uuid: 'cross', group_id: $ga, fact: 'across groups'}]->(b)",
                        Map.of("a", groups.get(0) + "-entity-0", "b", groups.get(1) + "-entity-0",
                                "ga", groups.get(0))).consume();
            }
            s.run("CALL db.awaitIndexes(60)").consume();
        }
    }
}
