package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Session;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code backup --expect-nonempty/--max-shrink} in-process against a real Neo4j (harness): a backup
 * of the wiped graph is stored but suspect (exit 3), nothing is pruned, and {@code list --max-age}
 * and {@code restore --latest} skip it unless {@code --include-suspect}.
 */
class ShrinkGuardCommandTest {

    static Neo4jTestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = Neo4jTestServer.start(false);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static CliRun run(String... args) {
        return CliRun.inProcess(Map.of("NEO4J_URI", server.boltUri().toString(), "NEO4J_USER", "neo4j"), args);
    }

    static long nodes() {
        try (Session session = server.driver().session()) {
            return session.run("MATCH (n) RETURN count(n) AS c").single().get("c").asLong();
        }
    }

    @Test
    void aBackupOfAWipedGraphIsSuspectAndNothingIsPruned() throws InterruptedException {
        server.clear();
        try (Session session = server.driver().session()) {
            session.run("UNWIND range(1, 100) AS i CREATE (:Person {i: i})").consume();
            session.run("UNWIND range(1, 50) AS i CREATE (:Entity {i: i})").consume();
        }
        String repo = dir.resolve("repo").toString();
        String[] guard = {"--expect-nonempty", "Entity", "--max-shrink", "50%", "--keep-last", "1"};

        CliRun good = run(concat(new String[] {"backup", "--engine", "driver", "--to", repo, "--json"}, guard));
        assertThat(good.exitCode()).as(good.toString()).isZero();
        assertThat(good.json().get("suspect").asBoolean()).isFalse();
        String goodId = good.json().get("id").asText();

        Thread.sleep(1100); // backup ids have second precision
        try (Session session = server.driver().session()) {
            session.run("MATCH (n) DETACH DELETE n").consume();
        }
        CliRun wiped = run(concat(new String[] {"backup", "--engine", "driver", "--to", repo, "--json"}, guard));
        assertThat(wiped.exitCode()).as(wiped.toString()).isEqualTo(ExitCodes.VERIFICATION);
        JsonNode w = wiped.json();
        String wipedId = w.get("id").asText();
        assertThat(w.get("suspect").asBoolean()).isTrue();
        assertThat(w.get("prune").isNull()).as("retention is not applied after a suspect backup").isTrue();
        assertThat(w.get("manifest").get("suspect").toString()).contains("label Entity has no nodes")
                .contains("nodes in total shrank by 100.0%").contains(goodId);
        assertThat(wiped.err()).contains("SUSPECT").contains("retention was not applied");

        CliRun list = run("list", "--from", repo, "--json");
        assertThat(list.json().get("count").asInt()).as("keep-last 1 did not delete the good backup").isEqualTo(2);
        assertThat(list.err()).contains("SUSPECT");
        CliRun fresh = run("list", "--from", repo, "--max-age", "1h", "--json");
        assertThat(fresh.exitCode()).as(fresh.toString()).isZero();
        assertThat(fresh.json().get("staleness").get("newestId").asText()).isEqualTo(goodId);
        CliRun withSuspect = run("list", "--from", repo, "--max-age", "1h", "--include-suspect", "--json");
        assertThat(withSuspect.json().get("staleness").get("newestId").asText()).isEqualTo(wipedId);

        CliRun restore = run("restore", "--from", repo, "--latest", "--wipe", "--yes", "--no-safety-backup", "--json");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.json().get("id").asText()).isEqualTo(goodId);
        assertThat(nodes()).isEqualTo(150);

        CliRun restoreSuspect = run("restore", "--from", repo, "--latest", "--include-suspect", "--wipe", "--yes",
                "--no-safety-backup", "--json");
        assertThat(restoreSuspect.exitCode()).as(restoreSuspect.toString()).isZero();
        assertThat(restoreSuspect.json().get("id").asText()).isEqualTo(wipedId);
        assertThat(nodes()).isZero();

        CliRun badPct = run("backup", "--engine", "driver", "--to", repo, "--max-shrink", "lots");
        assertThat(badPct.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badPct.err()).contains("--max-shrink");
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
