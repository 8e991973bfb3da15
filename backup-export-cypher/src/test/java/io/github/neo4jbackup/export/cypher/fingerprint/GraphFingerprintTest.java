package io.github.neo4jbackup.export.cypher.fingerprint;

import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.export.cypher.GraphitiFixture;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class GraphFingerprintTest {

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

    private static void run(String statements) {
        try (var s = driver.session()) {
            for (String q : statements.split(";")) {
                s.run(q).consume();
            }
        }
    }

    private static GraphFingerprint fingerprint() throws IOException {
        return GraphFingerprint.compute(driver, "neo4j");
    }

    private static String content() throws IOException {
        return fingerprint().content().hex();
    }

    @Test
    void fixtureFingerprintSurvivesRecreationWithOtherIds() throws IOException {
        GraphitiFixture.create(driver, "neo4j");
        GraphFingerprint before = fingerprint();
        assertThat(before.content().nodes()).isEqualTo(67);
        assertThat(before.content().relationships()).isGreaterThan(60);
        assertThat(before.attributes()).containsEntry(Attributes.CONTENT_FINGERPRINT, before.content().hex())
                .containsEntry(Attributes.SCHEMA_FINGERPRINT, before.schema());
        long firstId;
        try (var s = driver.session()) {
            firstId = s.run("MATCH (n) RETURN min(id(n)) AS m").single().get("m").asLong();
        }

        server.clear();
        run("UNWIND range(1, 500) AS i CREATE (:Filler {i: i})"); // shift the ids of what follows
        GraphitiFixture.create(driver, "neo4j");
        run("MATCH (n:Filler) DELETE n");
        try (var s = driver.session()) {
            assertThat(s.run("MATCH (n) RETURN min(id(n)) AS m").single().get("m").asLong()).isNotEqualTo(firstId);
        }
        GraphFingerprint after = GraphFingerprint.compute(driver, "neo4j",
                GraphFingerprint.Options.builder().fetchSize(7).build());
        assertThat(after).isEqualTo(before);
    }

    @Test
    void everySingleChangeIsDetectedAndRevertingRestoresTheFingerprint() throws IOException {
        GraphitiFixture.create(driver, "neo4j");
        String base = content();
        String awkward = "MATCH (n {uuid: 'awkward-1'}) ";
        List<String[]> changes = List.of(
                new String[] {awkward + "SET n.l_zero = 0.0", awkward + "SET n.l_zero = 0"},
                // Neo4j skips a write of an equal value (0.0 = -0.0), hence the detour through 1.0
                new String[] {awkward + "SET n.d_neg_zero = 1.0;" + awkward + "SET n.d_neg_zero = 0.0",
                        awkward + "SET n.d_neg_zero = 1.0;" + awkward + "SET n.d_neg_zero = -0.0"},
                new String[] {awkward + "SET n.c = '1'", awkward + "SET n.c = 1"},
                new String[] {awkward + "SET n.datetime_zone = n.datetime_offset",
                        awkward + "SET n.datetime_zone = datetime({epochSeconds: n.datetime_offset.epochSeconds, "
                                + "nanosecond: n.datetime_offset.nanosecond, timezone: 'Europe/Berlin'})"},
                new String[] {awkward + "SET n.list_longs = [n.list_longs[0], 1, n.list_longs[2]]",
                        awkward + "SET n.list_longs = [n.list_longs[0], 0, n.list_longs[2]]"},
                new String[] {awkward + "SET n.localdatetime = n.localdatetime - duration({nanoseconds: 1})",
                        awkward + "SET n.localdatetime = n.localdatetime + duration({nanoseconds: 1})"},
                new String[] {awkward + "SET n.bytes_backup = n.bytes, n.bytes = [0, -1, 127, -128, 42]",
                        awkward + "SET n.bytes = n.bytes_backup REMOVE n.bytes_backup"},
                new String[] {awkward + "SET n.s_plain = 'hello '", awkward + "SET n.s_plain = 'hello'"},
                new String[] {"MATCH (n:Lonely) SET n:Other", "MATCH (n:Lonely) REMOVE n:Other"},
                new String[] {"MATCH (n:Lonely) SET n.p = []", "MATCH (n:Lonely) REMOVE n.p"},
                new String[] {"MATCH ()-[r:RELATES_TO {uuid: 'rel-3'}]->() SET r.episodes = ['ep-3', 'ep-4 ']",
                        "MATCH ()-[r:RELATES_TO {uuid: 'rel-3'}]->() SET r.episodes = ['ep-3', 'ep-4']"});
        for (String[] change : changes) {
            run(change[0]);
            assertThat(content()).as(change[0]).isNotEqualTo(base);
            run(change[1]);
            assertThat(content()).as(change[1]).isEqualTo(base);
        }
    }

    @Test
    void swappingDirectionsOfTwoRelationshipsIsDetected() throws IOException {
        run("CREATE (a:P {n: 'a'})-[:KNOWS {since: 1}]->(b:P {n: 'b'}), (c:P {n: 'c'})-[:KNOWS {since: 1}]->(d:P {n: 'd'})");
        String base = content();
        run("MATCH (a:P {n: 'a'})-[r:KNOWS]->(b), (c:P {n: 'c'})-[s:KNOWS]->(d) DELETE r, s "
                + "CREATE (b)-[:KNOWS {since: 1}]->(a), (d)-[:KNOWS {since: 1}]->(c)");
        String swapped = content();
        assertThat(swapped).isNotEqualTo(base);
        run("MATCH (b:P {n: 'b'})-[r:KNOWS]->(a), (d:P {n: 'd'})-[s:KNOWS]->(c) DELETE r, s "
                + "CREATE (a)-[:KNOWS {since: 1}]->(b), (c)-[:KNOWS {since: 1}]->(d)");
        assertThat(content()).isEqualTo(base);
        // moving a relationship to another (identical-looking) pair of endpoints is also a change
        run("MATCH (a:P {n: 'a'})-[r:KNOWS]->(b) DELETE r WITH a MATCH (d:P {n: 'd'}) CREATE (a)-[:KNOWS {since: 1}]->(d)");
        assertThat(content()).isNotEqualTo(base);
    }

    @Test
    void creationOrderDoesNotMatterButDuplicatesDo() throws IOException {
        run("UNWIND range(1, 50) AS i CREATE (:A {i: i})-[:R {i: i}]->(:B {i: i})");
        String forward = content();
        server.clear();
        run("UNWIND range(50, 1, -1) AS i CREATE (b:B {i: i}) CREATE (a:A {i: i}) CREATE (a)-[:R {i: i}]->(b)");
        assertThat(content()).isEqualTo(forward);

        server.clear();
        run("CREATE (:Twin {x: 1})");
        String single = content();
        run("CREATE (:Twin {x: 1})");
        GraphFingerprint twins = fingerprint();
        assertThat(twins.content().hex()).isNotEqualTo(single);
        assertThat(twins.content().nodes()).isEqualTo(2);
    }

    @Test
    void emptyDatabase() throws IOException {
        GraphFingerprint empty = fingerprint();
        assertThat(empty.content().nodes()).isZero();
        assertThat(empty.content().relationships()).isZero();
        run("CREATE ()");
        assertThat(content()).isNotEqualTo(empty.content().hex());
    }

    @Test
    void largeGraphInBoundedHeap() throws Exception {
        try (var s = driver.session()) {
            s.run("UNWIND range(0, 99999) AS i CALL { WITH i CREATE (a:N {i: i, s: 'node ' + i, f: toFloat(i) / 3, "
                    + "v: [i, i + 1, i + 2]})-[:R {w: i}]->(b:M {i: i}) } IN TRANSACTIONS OF 20000 ROWS").consume();
        }
        GraphFingerprint inProcess = fingerprint();
        assertThat(inProcess.content().nodes()).isEqualTo(200_000);
        assertThat(inProcess.content().relationships()).isEqualTo(100_000);

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx96m", "-cp", System.getProperty("java.class.path"),
                FingerprintMain.class.getName(), server.boltUri().toString(), "neo4j")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<String> lines = new ArrayList<>(out.lines().filter(l -> l.startsWith("FINGERPRINT ")).toList());
        assertThat(lines).as(out).hasSize(1);
        assertThat(lines.get(0)).startsWith("FINGERPRINT " + inProcess.content().hex() + " 200000 100000");
        System.out.println(lines.get(0));
    }
}
