package io.github.neo4jbackup.export.cypher;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServerSmokeTest {
    @Test
    void apocStreamingExportWorks() {
        try (Neo4jTestServer server = Neo4jTestServer.start(true); var s = server.driver().session()) {
            s.run("UNWIND range(1, 10) AS i CREATE (:Entity {i: i})").consume();
            var rows = s.run("CALL apoc.export.cypher.all(null, {stream:true, format:'cypher-shell'}) YIELD cypherStatements RETURN cypherStatements").list();
            assertThat(rows).isNotEmpty();
            assertThat(s.run("RETURN apoc.version() AS v").single().get("v").asString()).startsWith("5.26");
        }
    }
}
