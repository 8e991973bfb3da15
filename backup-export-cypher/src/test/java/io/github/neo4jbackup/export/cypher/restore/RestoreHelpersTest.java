package io.github.neo4jbackup.export.cypher.restore;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.export.cypher.GraphitiFixture;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.export.cypher.schema.SchemaReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RestoreHelpersTest {

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

    private static void run(String q) {
        try (var s = driver.session()) {
            s.run(q).consume();
        }
    }

    @Test
    void emptinessIgnoresOnlyLookupIndexes() {
        assertThat(TargetDatabase.isEmpty(driver, "neo4j")).isTrue();
        assertThat(TargetDatabase.describeContents(driver, "neo4j")).isEqualTo(new TargetDatabase.Contents(0, 0, 0, 0));
        assertThat(SchemaReader.read(driver, "neo4j").lookupIndexes()).hasSize(2);

        run("CREATE INDEX only_an_index FOR (n:X) ON (n.p)");
        assertThat(TargetDatabase.isEmpty(driver, "neo4j")).isFalse();
        assertThat(TargetDatabase.describeContents(driver, "neo4j").describe())
                .isEqualTo("0 nodes, 0 relationships, 1 indexes/constraints");
        server.clear();
        run("CREATE CONSTRAINT only_a_constraint FOR (n:X) REQUIRE n.p IS UNIQUE");
        assertThat(TargetDatabase.describeContents(driver, "neo4j")).isEqualTo(new TargetDatabase.Contents(0, 0, 0, 1));
        server.clear();
        run("CREATE ()");
        assertThat(TargetDatabase.isEmpty(driver, "neo4j")).isFalse();
    }

    @Test
    void countsPerLabelAndType() {
        GraphitiFixture.create(driver, "neo4j");
        GraphCounts counts = TargetDatabase.counts(driver, "neo4j");

        Map<String, Long> labels = new HashMap<>();
        Map<String, Long> types = new HashMap<>();
        long rels;
        try (var s = driver.session()) {
            s.run("MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS c").list()
                    .forEach(r -> labels.put(r.get("l").asString(), r.get("c").asLong()));
            s.run("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c").list()
                    .forEach(r -> types.put(r.get("t").asString(), r.get("c").asLong()));
            rels = s.run("MATCH ()-[r]->() RETURN count(*) AS c").single().get("c").asLong();
        }
        assertThat(counts.nodes()).isEqualTo(67);
        assertThat(counts.relationships()).isEqualTo(rels);
        assertThat(counts.known()).isTrue();
        assertThat(counts.labels()).isEqualTo(labels).containsKey("label with `backtick`").containsEntry("Entity", 21L);
        assertThat(counts.types()).isEqualTo(types).containsKey("weird`type").containsEntry("TYPE WITH SPACE", 3L);
    }

    @Test
    void countsOfMoreLabelsAndTypesThanOneCountingQueryHolds() {
        // 70 labels and 70 types (plus totals): three UNION ALL queries of count-store lookups
        StringBuilder create = new StringBuilder("CREATE ");
        for (int i = 0; i < 70; i++) {
            create.append(i == 0 ? "" : ", ").append("(n").append(i).append(":`L").append(i).append("`:Shared)")
                    .append(", (n").append(i).append(")-[:`T ").append(i).append("`]->(n").append(i).append(")");
            if (i % 7 == 0) {
                create.append(", (n").append(i).append(")-[:`T ").append(i).append("`]->(n").append(i).append(")");
            }
        }
        run(create.toString());
        GraphCounts counts = TargetDatabase.counts(driver, "neo4j");

        Map<String, Long> labels = new HashMap<>();
        Map<String, Long> types = new HashMap<>();
        for (int i = 0; i < 70; i++) {
            labels.put("L" + i, 1L);
            types.put("T " + i, i % 7 == 0 ? 2L : 1L);
        }
        labels.put("Shared", 70L);
        assertThat(counts).isEqualTo(new GraphCounts(70, 80, labels, types));
    }

    @Test
    void countsLeaveOutUnusedTokens() {
        run("CREATE (:Gone)-[:GONE_TOO]->(:Stays)");
        run("MATCH (n:Gone) DETACH DELETE n");
        GraphCounts counts = TargetDatabase.counts(driver, "neo4j");
        assertThat(counts).isEqualTo(new GraphCounts(1, 0, Map.of("Stays", 1L), Map.of()));
    }

    @Test
    void wipeDeletesDataAndSchemaButKeepsLookupIndexes() {
        GraphitiFixture.create(driver, "neo4j");
        run("CREATE (hub:Hub) WITH hub UNWIND range(1, 3000) AS i CREATE (hub)-[:SPOKE]->(:Leaf {i: i})");
        var lookups = SchemaReader.read(driver, "neo4j").lookupIndexes();

        TargetDatabase.Contents before = TargetDatabase.wipe(driver, "neo4j", 250);

        assertThat(before.nodes()).isEqualTo(67 + 3001);
        assertThat(before.indexes()).isEqualTo(9);
        assertThat(before.constraints()).isEqualTo(3);
        assertThat(TargetDatabase.isEmpty(driver, "neo4j")).isTrue();
        assertThat(TargetDatabase.counts(driver, "neo4j")).isEqualTo(GraphCounts.of(0, 0));
        assertThat(SchemaReader.read(driver, "neo4j").lookupIndexes()).isEqualTo(lookups);
        // wiping an empty database is harmless
        assertThat(TargetDatabase.wipe(driver, "neo4j", 1).isEmpty()).isTrue();
        assertThatThrownBy(() -> TargetDatabase.wipe(driver, "neo4j", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void guardRefusesANonEmptyDatabaseUnlessWiping() {
        assertThat(RestoreGuard.requireEmptyOrWipe(driver, "neo4j", false, 1000).isEmpty()).isTrue();

        run("UNWIND range(1, 5) AS i CREATE (:A {i: i})-[:R]->(:B)");
        run("CREATE INDEX a_i FOR (n:A) ON (n.i)");
        assertThatThrownBy(() -> RestoreGuard.requireEmptyOrWipe(driver, "neo4j", false, 1000))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("Database 'neo4j' is not empty (10 nodes, 5 relationships, 1 indexes/constraints); "
                        + "restore into an empty database")
                .hasMessageContaining("wipe");
        assertThat(TargetDatabase.counts(driver, "neo4j").nodes()).isEqualTo(10); // nothing changed

        TargetDatabase.Contents wiped = RestoreGuard.requireEmptyOrWipe(driver, "neo4j", true, 3);
        assertThat(wiped).isEqualTo(new TargetDatabase.Contents(10, 5, 1, 0));
        assertThat(TargetDatabase.isEmpty(driver, "neo4j")).isTrue();
    }
}
