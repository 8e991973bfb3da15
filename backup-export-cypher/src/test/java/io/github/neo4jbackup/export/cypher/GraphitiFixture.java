package io.github.neo4jbackup.export.cypher;

import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Values;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A Graphiti-shaped agent memory graph with every Neo4j property type, awkward names and values,
 * and a schema with every index kind (vector and fulltext with non-default options, named range,
 * text, point, composite, relationship indexes) and uniqueness constraints.
 */
public final class GraphitiFixture {

    /** Embedding dimensions used by the fixture's vector index. */
    public static final int DIMENSIONS = 16;

    private GraphitiFixture() {
    }

    /**
     * Creates the fixture in an empty database.
     *
     * @param driver   the driver
     * @param database the database
     */
    public static void create(Driver driver, String database) {
        try (Session s = driver.session(SessionConfig.forDatabase(database))) {
            schema(s);
            data(s);
            s.run("CALL db.awaitIndexes(300)").consume();
        }
    }

    private static void schema(Session s) {
        List<String> ddl = List.of(
                "CREATE CONSTRAINT entity_uuid IF NOT EXISTS FOR (n:Entity) REQUIRE n.uuid IS UNIQUE",
                "CREATE CONSTRAINT episodic_uuid IF NOT EXISTS FOR (n:Episodic) REQUIRE n.uuid IS UNIQUE",
                "CREATE CONSTRAINT `weird constraint` IF NOT EXISTS FOR (n:`Odd Label`) REQUIRE (n.`a b`, n.c) IS UNIQUE",
                "CREATE INDEX entity_group_id IF NOT EXISTS FOR (n:Entity) ON (n.group_id)",
                "CREATE INDEX community_name_group IF NOT EXISTS FOR (n:Community) ON (n.name, n.group_id)",
                "CREATE INDEX relates_to_uuid IF NOT EXISTS FOR ()-[r:RELATES_TO]-() ON (r.uuid)",
                "CREATE TEXT INDEX episodic_content_text IF NOT EXISTS FOR (n:Episodic) ON (n.source)",
                "CREATE POINT INDEX entity_location IF NOT EXISTS FOR (n:Entity) ON (n.location) "
                        + "OPTIONS {indexConfig: {`spatial.wgs-84.min`: [-180.0, -90.0], `spatial.wgs-84.max`: [180.0, 90.0]}}",
                "CREATE FULLTEXT INDEX node_name_and_summary IF NOT EXISTS FOR (n:Entity|Community) ON EACH [n.name, n.summary] "
                        + "OPTIONS {indexConfig: {`fulltext.analyzer`: 'english', `fulltext.eventually_consistent`: true}}",
                "CREATE FULLTEXT INDEX edge_name_and_fact IF NOT EXISTS FOR ()-[r:RELATES_TO]-() ON EACH [r.name, r.fact] "
                        + "OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
                "CREATE VECTOR INDEX entity_name_embedding IF NOT EXISTS FOR (n:Entity) ON (n.name_embedding) "
                        + "OPTIONS {indexConfig: {`vector.dimensions`: " + DIMENSIONS + ", `vector.similarity_function`: 'euclidean'}}",
                "CREATE VECTOR INDEX fact_embedding IF NOT EXISTS FOR ()-[r:RELATES_TO]-() ON (r.fact_embedding) "
                        + "OPTIONS {indexConfig: {`vector.dimensions`: " + DIMENSIONS + ", `vector.similarity_function`: 'cosine'}}");
        for (String q : ddl) {
            s.run(q).consume();
        }
    }

    private static List<Double> embedding(Random random) {
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < DIMENSIONS; i++) {
            v.add(random.nextGaussian());
        }
        return v;
    }

    private static void data(Session s) {
        Random random = new Random(11);
        ZonedDateTime zoned = ZonedDateTime.of(2025, 3, 30, 1, 59, 59, 123456789, ZoneId.of("Europe/Berlin"));
        Map<String, Object> awkward = new HashMap<>();
        awkward.put("s_plain", "hello");
        awkward.put("s_unicode", "Grüße 👋🏽 — 日本語 \u2028 \uFEFF");
        awkward.put("s_nul_newlines", "a\u0000b\nc\r\nd\t'\"`\\");
        awkward.put("s_empty", "");
        awkward.put("s_cypher", "'); MATCH (n) DETACH DELETE n; //");
        awkward.put("l_min", Long.MIN_VALUE);
        awkward.put("l_max", Long.MAX_VALUE);
        awkward.put("l_zero", 0L);
        awkward.put("d_neg_zero", -0.0d);
        awkward.put("d_nan", Double.NaN);
        awkward.put("d_pos_inf", Double.POSITIVE_INFINITY);
        awkward.put("d_neg_inf", Double.NEGATIVE_INFINITY);
        awkward.put("d_subnormal", Double.MIN_VALUE);
        awkward.put("d_max", Double.MAX_VALUE);
        awkward.put("d_pi", Math.PI);
        awkward.put("b_true", true);
        awkward.put("b_false", false);
        awkward.put("bytes", new byte[] {0, -1, 127, -128, 42});
        awkward.put("bytes_empty", new byte[0]);
        awkward.put("date", LocalDate.of(-44, 3, 15));
        awkward.put("time_offset", OffsetTime.of(23, 59, 59, 999999999, ZoneOffset.ofHoursMinutes(-9, -30)));
        awkward.put("localtime", LocalTime.of(0, 0, 0, 1));
        awkward.put("localdatetime", LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999999999));
        awkward.put("datetime_zone", zoned);
        awkward.put("datetime_offset", zoned.toOffsetDateTime());
        awkward.put("duration", Values.isoDuration(14, 3, 7200, 123456789).asIsoDuration());
        awkward.put("duration_negative", Values.isoDuration(-1, -2, -3, -4).asIsoDuration());
        awkward.put("point_cartesian", Values.point(7203, 1.5, -2.25).asPoint());
        awkward.put("point_cartesian_3d", Values.point(9157, 1.0, 2.0, -0.0).asPoint());
        awkward.put("point_wgs84", Values.point(4326, 13.4050, 52.5200).asPoint());
        awkward.put("point_wgs84_3d", Values.point(4979, -122.4194, 37.7749, 16.0).asPoint());
        awkward.put("list_strings", List.of("a", "", "ü\nx"));
        awkward.put("list_longs", List.of(Long.MIN_VALUE, 0L, Long.MAX_VALUE));
        awkward.put("list_doubles", List.of(-0.0, Double.NaN, Double.MIN_VALUE, 1e308));
        awkward.put("list_booleans", List.of(true, false));
        awkward.put("list_dates", List.of(LocalDate.of(2025, 1, 1), LocalDate.of(1, 1, 1)));
        awkward.put("list_times", List.of(OffsetTime.of(1, 2, 3, 4, ZoneOffset.UTC)));
        awkward.put("list_localtimes", List.of(LocalTime.NOON));
        awkward.put("list_localdatetimes", List.of(LocalDateTime.of(2000, 2, 29, 12, 0)));
        awkward.put("list_datetimes", List.of(zoned, zoned.withZoneSameInstant(ZoneId.of("Asia/Kathmandu"))));
        awkward.put("list_durations", List.of(Values.isoDuration(0, 0, 1, 0).asIsoDuration()));
        awkward.put("list_points", List.of(Values.point(7203, 0, 0).asPoint(), Values.point(7203, 1, 1).asPoint()));
        awkward.put("list_empty", List.of());

        s.run("CREATE (n:Entity:`Odd Label`:`label with ``backtick```) SET n = $props, n.uuid = 'awkward-1', "
                + "n.`a b` = 'x', n.c = 1, n.`prop with space` = 'y', n.`ünïcödé` = 'z'", Map.of("props", awkward)).consume();
        s.run("CREATE ()").consume(); // no labels, no properties
        s.run("CREATE (:Lonely)").consume(); // a label, no properties
        s.run("CREATE ({only: 'properties'})").consume(); // properties, no label

        for (int i = 0; i < 40; i++) {
            s.run("CREATE (e:Episodic {uuid: $uuid, group_id: 'g1', content: $content, source: 'message', "
                            + "source_description: 'chat', valid_at: $validAt, created_at: $validAt, entity_edges: $edges})",
                    Map.of("uuid", "ep-" + i, "content", "Episode " + i + " mentions entity " + (i % 20) + " 💬",
                            "validAt", zoned.plusHours(i), "edges", List.of("rel-" + i, "rel-" + (i + 1)))).consume();
        }
        for (int i = 0; i < 20; i++) {
            s.run("CREATE (n:Entity {uuid: $uuid, group_id: 'g1', name: $name, summary: $summary, "
                            + "name_embedding: $embedding, created_at: $createdAt, location: $location, labels: ['Person']})",
                    Map.of("uuid", "en-" + i, "name", "Entity " + i, "summary", "Summary of entity " + i,
                            "embedding", embedding(random), "createdAt", zoned.minusDays(i),
                            "location", Values.point(4326, -180 + i * 9.5, -45 + i * 2.25).asPoint())).consume();
        }
        for (int i = 0; i < 3; i++) {
            s.run("CREATE (:Community {uuid: $uuid, group_id: 'g1', name: $name, summary: 'community', "
                    + "name_embedding: $embedding})", Map.of("uuid", "co-" + i, "name", "Community " + i,
                    "embedding", embedding(random))).consume();
        }
        s.run("MATCH (e:Episodic), (n:Entity) WHERE toInteger(substring(e.uuid, 3)) % 20 = toInteger(substring(n.uuid, 3)) "
                + "CREATE (e)-[:MENTIONS {uuid: 'm-' + e.uuid + '-' + n.uuid, group_id: 'g1', created_at: e.valid_at}]->(n)")
                .consume();
        for (int i = 0; i < 30; i++) {
            Map<String, Object> p = new HashMap<>();
            p.put("a", "en-" + (i % 20));
            p.put("b", "en-" + ((i * 7 + 3) % 20));
            p.put("uuid", "rel-" + i);
            p.put("fact", "Entity " + (i % 20) + " relates to entity " + ((i * 7 + 3) % 20));
            p.put("embedding", embedding(random));
            p.put("validAt", zoned.plusDays(i));
            p.put("invalidAt", i % 3 == 0 ? zoned.plusDays(i + 10).withZoneSameInstant(ZoneOffset.UTC) : null);
            p.put("episodes", List.of("ep-" + i, "ep-" + (i + 1)));
            s.run("MATCH (a:Entity {uuid: $a}), (b:Entity {uuid: $b}) CREATE (a)-[:RELATES_TO {uuid: $uuid, "
                    + "group_id: 'g1', name: 'RELATED', fact: $fact, fact_embedding: $embedding, valid_at: $validAt, "
                    + "invalid_at: $invalidAt, expired_at: null, episodes: $episodes}]->(b)", p).consume();
        }
        s.run("MATCH (c:Community), (n:Entity) WHERE toInteger(substring(n.uuid, 3)) % 3 = toInteger(substring(c.uuid, 3)) "
                + "CREATE (c)-[:HAS_MEMBER {uuid: c.uuid + '-' + n.uuid}]->(n)").consume();
        // self-loop, parallel relationships, awkward type, relationship with every type of property
        s.run("MATCH (n:Entity {uuid: 'en-0'}) CREATE (n)-[:RELATES_TO {uuid: 'self', fact: 'self loop'}]->(n)").consume();
        s.run("MATCH (a:Entity {uuid: 'en-1'}), (b:Entity {uuid: 'en-2'}) "
                + "CREATE (a)-[:`TYPE WITH SPACE`]->(b), (a)-[:`TYPE WITH SPACE`]->(b), (a)-[:`TYPE WITH SPACE` {n: 1}]->(b)")
                .consume();
        s.run("MATCH (a {uuid: 'awkward-1'}), (b:Entity {uuid: 'en-3'}) CREATE (a)-[r:`weird``type`]->(b) SET r = $props",
                Map.of("props", awkward)).consume();
    }
}
