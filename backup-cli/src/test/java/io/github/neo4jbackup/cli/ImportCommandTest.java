package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code neo4j-backup import} in-process: a Cypher script exported by real APOC from a real Neo4j
 * (harness) is adopted, listed, verified and restored into a second server; a file that is neither a
 * dump nor a script is refused. The import of a real neo4j-admin dump is tested where neo4j-admin is
 * built ({@code ImportRealDumpTest} in backup-export-admin).
 */
class ImportCommandTest {

    static Neo4jTestServer server;
    static Neo4jTestServer scratch;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = Neo4jTestServer.start(true);
        scratch = Neo4jTestServer.start(false);
    }

    @AfterAll
    static void stop() {
        if (scratch != null) {
            scratch.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static CliRun run(String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("NEO4J_USER", "neo4j");
        return CliRun.inProcess(env, args);
    }

    @Test
    void anApocExportIsAdoptedAndRestoresLikeABackup() throws IOException {
        server.clear();
        try (Session session = server.driver().session()) {
            session.run("UNWIND range(1, 200) AS i CREATE (:Person {id: i, name: 'p' + i})").consume();
            session.run("MATCH (a:Person), (b:Person) WHERE b.id = a.id + 1 CREATE (a)-[:NEXT {w: a.id}]->(b)").consume();
        }
        StringBuilder script = new StringBuilder();
        try (Session session = server.driver().session()) {
            for (Record r : session.run("CALL apoc.export.cypher.all(null, {stream: true, format: 'cypher-shell'}) "
                    + "YIELD cypherStatements RETURN cypherStatements").list()) {
                script.append(r.get("cypherStatements").asString());
            }
        }
        Path file = Files.writeString(dir.resolve("nightly.cypher"), script, StandardCharsets.UTF_8);
        String repo = dir.resolve("repo").toString();

        CliRun imported = run("import", "--file", file.toString(), "--to", repo, "--database", "neo4j",
                "--taken-at", "2025-01-02", "--label", "origin=apoc-cron", "--json");
        assertThat(imported.exitCode()).as(imported.toString()).isZero();
        JsonNode result = imported.json();
        assertThat(result.get("id").asText()).isEqualTo("neo4j-20250102T000000Z");
        assertThat(result.get("engine").asText()).isEqualTo("cypher-apoc");
        assertThat(result.get("dataKey").asText()).endsWith(".cypher.zst");
        assertThat(result.get("rawSize").asLong()).isEqualTo(Files.size(file));
        assertThat(result.get("manifest").get("labels").get("origin").asText()).isEqualTo("apoc-cron");
        assertThat(result.get("manifest").get("createdAt").asText()).isEqualTo("2025-01-02T00:00:00Z");

        CliRun list = run("list", "--from", repo, "--json");
        assertThat(list.json().get("backups").get(0).get("id").asText()).isEqualTo("neo4j-20250102T000000Z");
        CliRun deep = run("verify", "--from", repo, "--latest", "--deep");
        assertThat(deep.exitCode()).as(deep.toString()).isZero();

        CliRun restore = run("restore", "--from", repo, "--latest", "--uri", scratch.boltUri().toString(), "--wipe",
                "--yes", "--no-safety-backup", "--json");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        try (Session session = scratch.driver().session()) {
            Record r = session.run("MATCH (p:Person) OPTIONAL MATCH (p)-[n:NEXT]->() "
                    + "RETURN count(DISTINCT p) AS people, count(n) AS next, sum(n.w) AS w").single();
            assertThat(r.get("people").asLong()).isEqualTo(200);
            assertThat(r.get("next").asLong()).isEqualTo(199);
            assertThat(r.get("w").asLong()).isEqualTo(199L * 200 / 2);
        }

        CliRun again = run("import", "--file", file.toString(), "--to", repo, "--taken-at", "2025-01-02");
        assertThat(again.exitCode()).as(again.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(again.err()).contains("already has a backup");
    }

    @Test
    void aFileThatIsNeitherADumpNorAScriptIsRefusedAndNothingIsWritten() throws IOException {
        byte[] noise = new byte[50_000];
        new Random(9).nextBytes(noise);
        Path file = Files.write(dir.resolve("photo.jpg"), noise);
        Path repo = dir.resolve("repo");

        CliRun refused = run("import", "--file", file.toString(), "--to", repo.toString(), "--json");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.json().get("error").asText()).contains("photo.jpg")
                .contains("neither a neo4j-admin dump").contains("nothing was written");
        try (var files = Files.walk(repo)) {
            assertThat(files.filter(Files::isRegularFile).toList()).isEmpty();
        }

        CliRun badTime = run("import", "--file", file.toString(), "--to", repo.toString(), "--taken-at", "yesterday");
        assertThat(badTime.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badTime.err()).contains("--taken-at");
    }
}
