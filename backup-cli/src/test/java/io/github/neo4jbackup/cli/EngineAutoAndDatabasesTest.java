package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Session;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --engine auto} and several databases per run, against a real Neo4j with APOC and one without. */
class EngineAutoAndDatabasesTest {

    static Neo4jTestServer withApoc;
    static int plainPort;
    static PortNeo4j plain;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        withApoc = Neo4jTestServer.start(true);
        try (Session session = withApoc.driver().session()) {
            session.run("UNWIND range(1, 5) AS i CREATE (:Apoc {n: i})").consume();
        }
        plainPort = PortNeo4j.freePort();
        plain = PortNeo4j.start(plainPort);
        plain.cypher("UNWIND range(1, 3) AS i CREATE (:Plain {n: i})");
    }

    @AfterAll
    static void stop() {
        if (withApoc != null) {
            withApoc.close();
        }
        if (plain != null) {
            plain.close();
        }
    }

    static Map<String, String> apocEnv() {
        return Map.of("NEO4J_URI", withApoc.boltUri().toString());
    }

    @Test
    void autoChoosesApocWhereTheServerHasItAndTheDriverEngineElsewhere() {
        Path repo = dir.resolve("repo");
        CliRun apoc = CliRun.inProcess(apocEnv(), "backup", "--engine", "auto", "--to", repo.resolve("a").toString());
        assertThat(apoc.exitCode()).as(apoc.toString()).isZero();
        assertThat(apoc.err()).contains("--engine auto: using apoc");
        assertThat(RunServiceTest.manifests(repo.resolve("a")).get(0).source().type()).isEqualTo(Engine.apoc.sourceType());

        CliRun driver = CliRun.inProcess(Map.of("NEO4J_URI", PortNeo4j.uri(plainPort)), "backup", "--engine", "auto",
                "--to", repo.resolve("b").toString());
        assertThat(driver.exitCode()).as(driver.toString()).isZero();
        assertThat(driver.err()).contains("--engine auto: using driver");
        assertThat(RunServiceTest.manifests(repo.resolve("b")).get(0).source().type()).isEqualTo(Engine.driver.sourceType());
    }

    @Test
    void severalDatabasesOneFailingDoesNotStopTheOthersAndTheExitCodeIsTheWorst() {
        Path repo = dir.resolve("repo");
        CliRun run = CliRun.inProcess(Map.of("NEO4J_URI", PortNeo4j.uri(plainPort)), "backup", "--engine", "driver",
                "--to", repo.toString(), "--database", "nosuchdb", "--database", "neo4j", "--json");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.FAILED);
        JsonNode json = run.json();
        assertThat(json.get("ok").asBoolean()).isFalse();
        assertThat(json.get("exitCode").asInt()).isEqualTo(ExitCodes.FAILED);
        assertThat(json.get("backups")).hasSize(2);
        assertThat(json.get("backups").get(0).get("database").asText()).isEqualTo("nosuchdb");
        assertThat(json.get("backups").get(0).has("error")).isTrue();
        assertThat(json.get("backups").get(1).get("id").asText()).startsWith("neo4j-");
        List<Manifest> manifests = RunServiceTest.manifests(repo);
        assertThat(manifests).extracting(Manifest::database).containsExactly("neo4j");

        // Community Edition has one user database: --all-databases finds it, and not system
        CliRun all = CliRun.inProcess(Map.of("NEO4J_URI", PortNeo4j.uri(plainPort)), "backup", "--engine", "driver",
                "--to", dir.resolve("all").toString(), "--all-databases", "--json");
        assertThat(all.exitCode()).as(all.toString()).isZero();
        assertThat(all.json().get("database").asText()).isEqualTo("neo4j");
    }

    @Test
    void runDefaultsToAutoLogsTheChoiceOnceAndBacksUpEveryDatabaseEachRun() throws Exception {
        Path repo = dir.resolve("repo");
        try (ServiceProcess service = ServiceProcess.start(apocEnv(), "--to", repo.toString(), "--every", "2s",
                "--run-on-start", "--database", "neo4j", "--database", "missing")) {
            service.await("a failed backup", e -> RunServiceTest.outcome(e, "failure"), 2, Duration.ofSeconds(60));
            service.sigterm();
            assertThat(service.exitCode(Duration.ofSeconds(30))).as(service.toString()).isZero();
            List<JsonNode> finished = service.events("run.finished");
            assertThat(finished.stream().filter(e -> RunServiceTest.outcome(e, "success")))
                    .hasSizeGreaterThanOrEqualTo(2)
                    .allMatch(e -> e.get("database").asText().equals("neo4j") && e.get("engine").asText().equals("apoc"));
            assertThat(finished.stream().filter(e -> RunServiceTest.outcome(e, "failure")))
                    .allMatch(e -> e.get("database").asText().equals("missing"));
            assertThat(service.events("engine.selected")).hasSize(1);
            assertThat(service.events("engine.selected").get(0).get("engine").asText()).isEqualTo("apoc");
        }
    }
}
