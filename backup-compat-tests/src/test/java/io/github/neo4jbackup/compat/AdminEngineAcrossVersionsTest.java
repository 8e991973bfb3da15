package io.github.neo4jbackup.compat;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.export.admin.AdminDumpSource;
import io.github.neo4jbackup.export.admin.AdminLoadSink;
import io.github.neo4jbackup.export.admin.Neo4jAdmin;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprint;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import io.github.neo4jbackup.testkit.Neo4jServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The neo4j-admin engine between a real Neo4j 2026.08.1 and a real Neo4j 5.26 installation (both
 * built from Maven Central jars, each with its own neo4j-admin): dump and load on 2026, a 5.26
 * dump loaded into 2026 (kept as it is, with the migrate advice), a 2026 dump refused by 5.26.
 * The servers are stopped around each dump and load, as Community Edition requires.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminEngineAcrossVersionsTest {

    @TempDir
    static Path dir;
    static Neo4jServerProcess newServer;
    static Neo4jServerProcess oldServer;
    static GraphFingerprint newGraph;
    static GraphFingerprint oldGraph;
    static Manifest newDump;
    static Manifest oldDump;
    static BackupPipeline newPipeline;
    static BackupPipeline oldPipeline;

    @BeforeAll
    static void dumpBoth() throws Exception {
        newServer = CompatServers.startNew(dir);
        oldServer = CompatServers.startOld(dir);
        newGraph = createGraph(newServer);
        oldGraph = createGraph(oldServer);
        newServer.stop();
        oldServer.stop();
        newPipeline = pipeline(newServer, dir.resolve("repository-new"));
        oldPipeline = pipeline(oldServer, dir.resolve("repository-old"));
        newDump = newPipeline.backup().manifest();
        oldDump = oldPipeline.backup().manifest();
    }

    @AfterAll
    static void stop() {
        for (Neo4jServerProcess s : new Neo4jServerProcess[] {newServer, oldServer}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static GraphFingerprint createGraph(Neo4jServerProcess server) throws Exception {
        try (Driver driver = CompatServers.driver(server)) {
            CompatGraph.create(driver);
            return GraphFingerprint.compute(driver, "neo4j");
        }
    }

    private static GraphFingerprint fingerprint(Neo4jServerProcess server) throws Exception {
        try (Driver driver = CompatServers.driver(server)) {
            try (Session s = driver.session()) {
                s.run("CALL db.awaitIndexes(300)").consume();
            }
            return GraphFingerprint.compute(driver, "neo4j");
        }
    }

    private static Neo4jAdmin admin(Neo4jServerProcess server) {
        return Neo4jAdmin.home(server.home()).timeout(Duration.ofMinutes(10)).build();
    }

    private static BackupPipeline pipeline(Neo4jServerProcess server, Path repository) {
        return BackupPipeline.builder().source(AdminDumpSource.of(admin(server), "neo4j"))
                .target(LocalStorageTarget.of(repository)).build();
    }

    private static List<String> indexProviders(Neo4jServerProcess server) {
        try (Driver driver = CompatServers.driver(server); Session s = driver.session()) {
            return s.run("SHOW INDEXES YIELD name, indexProvider WHERE name IN ['entity_embedding', "
                    + "'node_name_and_summary'] RETURN indexProvider ORDER BY name").list(r -> r.get(0).asString());
        }
    }

    @Test
    @Order(1)
    void aDumpOf2026LoadsInto2026Exactly() throws Exception {
        assertThat(newDump.source().neo4jVersion()).isEqualTo(newServer.version());
        newServer.start();
        try (Driver driver = CompatServers.driver(newServer); Session s = driver.session()) {
            s.run("MATCH (n:Episodic) DETACH DELETE n").consume();
        }
        newServer.stop();

        RestoreResult result = newPipeline.restore(newDump.id(), AdminLoadSink.of(admin(newServer), "neo4j"));

        assertThat(result.sinkResult().attributes()).containsEntry("load.targetNeo4jVersion", newServer.version())
                .doesNotContainKey("restore.note");
        newServer.start();
        assertThat(fingerprint(newServer)).isEqualTo(newGraph);
        newServer.stop();
    }

    @Test
    @Order(2)
    void aDumpOf526LoadsInto2026AsItIsWithTheMigrateAdvice() throws Exception {
        RestoreResult result = oldPipeline.restore(oldDump.id(), AdminLoadSink.of(admin(newServer), "neo4j"));

        assertThat(result.sinkResult().attributes().get("restore.note"))
                .contains("dump of Neo4j " + oldServer.version(), "into Neo4j " + newServer.version(),
                        "keeps the store format version and the index providers",
                        "neo4j-admin database migrate neo4j");
        newServer.start();
        assertThat(fingerprint(newServer).content()).isEqualTo(oldGraph.content());
        assertThat(indexProviders(newServer)).as("5.26 providers kept").containsExactly("vector-2.0", "fulltext-1.0");
        newServer.stop();

        // the advice works: migrate, and the graph is still the same
        Neo4jServerProcess.AdminRun migrate = newServer.admin(Duration.ofMinutes(5), "database", "migrate", "neo4j");
        assertThat(migrate.exitCode()).as(migrate.output()).isZero();
        newServer.start();
        assertThat(fingerprint(newServer).content()).isEqualTo(oldGraph.content());
        newServer.stop();
    }

    @Test
    @Order(3)
    void aDumpOf2026IsRefusedBy526WithBothVersionsNamed() throws Exception {
        Path store = oldServer.storeDirectory();
        long filesBefore;
        try (var files = Files.walk(store)) {
            filesBefore = files.count();
        }
        assertThatThrownBy(() -> newPipeline.restore(newDump.id(), AdminLoadSink.of(admin(oldServer), "neo4j")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("dump of Neo4j " + newServer.version())
                .hasMessageContaining("target is Neo4j " + oldServer.version())
                .hasMessageContaining("Nothing was loaded")
                .hasMessageContaining("--engine driver")
                .hasMessageNotContaining("Downgrade is not supported");
        try (var files = Files.walk(store)) {
            assertThat(files.count()).isEqualTo(filesBefore);
        }
        oldServer.start();
        assertThat(fingerprint(oldServer)).isEqualTo(oldGraph);
        oldServer.stop();
    }
}
