package io.github.neo4jbackup.export.cypher.apoc;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A server without APOC: the APOC source fails fast, names the driver-only engine and stores nothing. */
class ApocAbsentTest {

    private static Neo4jTestServer server;

    @BeforeAll
    static void start() {
        server = Neo4jTestServer.start(false);
        try (var s = server.driver().session()) {
            s.run("CREATE (:A)-[:R]->(:B)").consume();
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void exportFailsWithAClearMessageNamingTheDriverOnlyEngine() {
        ApocCypherSource source = ApocCypherSource.builder(server.driver()).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> source.export(out, ExportContext.NONE))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("APOC is not installed")
                .hasMessageContaining("--engine driver")
                .hasMessageContaining("cypher-driver")
                .hasMessageNotContaining("io.github.")
                .hasMessageContaining("apoc.version");
        assertThat(out.size()).as("nothing written before the probe").isZero();
    }

    @Test
    void nothingIsStoredThroughThePipeline() throws Exception {
        InMemoryStorageTarget target = new InMemoryStorageTarget();
        BackupPipeline pipeline = BackupPipeline.builder()
                .source(ApocCypherSource.builder(server.driver()).database("neo4j").build())
                .target(target).build();
        assertThatThrownBy(pipeline::backup).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("cypher-driver");
        assertThat(pipeline.list()).isEmpty();
        assertThat(target.keys()).noneMatch(k -> k.value().endsWith(".cypher") || k.value().endsWith(".json"));
        assertThat(target.pendingCount()).isZero();
    }

    @Test
    void apocVersionsAreParsedForTheTooOldCheck() {
        assertThat(ApocProbe.majorVersion("4.4.0.30")).isEqualTo(4);
        assertThat(ApocProbe.majorVersion("5.26.19")).isEqualTo(5);
        assertThat(ApocProbe.majorVersion("2025.10.0")).isEqualTo(2025);
        assertThat(ApocProbe.majorVersion("unknown")).isEqualTo(-1);
        assertThat(ApocProbe.majorVersion(null)).isEqualTo(-1);
    }
}
