package io.github.neo4jbackup.export.cypher;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GraphitiFixtureTest {
    static Neo4jTestServer server;

    @BeforeAll
    static void start() {
        server = Neo4jTestServer.start(false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void fixtureLoadsWithEveryIndexKind() {
        GraphitiFixture.create(server.driver(), "neo4j");
        try (var s = server.driver().session()) {
            assertThat(s.run("MATCH (n) RETURN count(n) AS c").single().get("c").asLong()).isEqualTo(67);
            var types = s.run("SHOW INDEXES YIELD type RETURN collect(DISTINCT type) AS t").single().get("t").asList();
            assertThat(types).contains("RANGE", "TEXT", "POINT", "FULLTEXT", "VECTOR", "LOOKUP");
            assertThat(s.run("MATCH (n {uuid: 'awkward-1'}) RETURN n.d_neg_zero AS z").single().get("z").asDouble())
                    .isEqualTo(-0.0d);
        }
        server.clear();
        try (var s = server.driver().session()) {
            assertThat(s.run("MATCH (n) RETURN count(n) AS c").single().get("c").asLong()).isZero();
            assertThat(s.run("SHOW INDEXES YIELD type WHERE type <> 'LOOKUP' RETURN count(*) AS c").single().get("c").asLong()).isZero();
        }
    }
}
