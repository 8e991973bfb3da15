package io.github.neo4jbackup.examples;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import io.github.neo4jbackup.export.cypher.driver.DriverExportSource;
import io.github.neo4jbackup.export.cypher.driver.DriverRestoreSink;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.neo4j.driver.Driver;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Example: using the library from an integration test. A fixture database is loaded once; before
 * each test it is backed up (into memory), after each test it is restored, so every test starts
 * from the same data however destructive the previous one was. The same pattern works against a
 * Testcontainers Neo4j or a shared staging server: only the {@link Driver} changes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupAroundEachTestExampleTest {

    private static EmbeddedNeo4j neo4j;
    private static String fixtureFingerprint;

    private BackupPipeline pipeline;
    private String backupId;

    @BeforeAll
    static void loadFixture() throws IOException {
        neo4j = EmbeddedNeo4j.start();
        new GraphitiSampleGraph(100, 50, 150, 8, 3).load(neo4j.driver(), "neo4j");
        fixtureFingerprint = GraphFingerprint.compute(neo4j.driver(), "neo4j").content().hex();
    }

    @AfterAll
    static void stop() {
        if (neo4j != null) {
            neo4j.close();
        }
    }

    @BeforeEach
    void backUpFixture() {
        pipeline = BackupPipeline.builder()
                .source(DriverExportSource.builder(neo4j.driver()).database("neo4j").build())
                .target(new InMemoryStorageTarget())
                .build();
        backupId = pipeline.backup().id();
    }

    @AfterEach
    void restoreFixture() {
        pipeline.restore(backupId, DriverRestoreSink.builder(neo4j.driver()).database("neo4j").wipe(true).build());
    }

    @Test
    @Order(1)
    void aDestructiveTest() {
        try (var session = neo4j.driver().session()) {
            session.run("MATCH (e:Episodic) DETACH DELETE e").consume();
            session.run("CREATE (:Entity {uuid: 'intruder'})").consume();
            assertThat(session.run("MATCH (e:Episodic) RETURN count(e) AS n").single().get("n").asLong()).isZero();
        }
    }

    @Test
    @Order(2)
    void theNextTestSeesTheFixtureAgain() throws IOException {
        assertThat(GraphFingerprint.compute(neo4j.driver(), "neo4j").content().hex()).isEqualTo(fixtureFingerprint);
        try (var session = neo4j.driver().session()) {
            assertThat(session.run("MATCH (e:Episodic) RETURN count(e) AS n").single().get("n").asLong()).isEqualTo(100);
            assertThat(session.run("MATCH (n {uuid: 'intruder'}) RETURN count(n) AS n").single().get("n").asLong()).isZero();
        }
    }
}
