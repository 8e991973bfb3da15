package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.export.cypher.GraphitiGroupsFixture;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Session;
import org.neo4j.driver.Value;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar as a separate process: an age-encrypted driver backup of a Graphiti-shaped memory,
 * then, with the server gone, {@code extract} of one group's episode window gives the rows a Cypher
 * query on the source gave. Runs after {@code package}.
 */
class JarExtractIT {

    @TempDir
    Path dir;

    @Test
    void extractFromAnEncryptedBackupWithNoServerRunning() throws Exception {
        String path = System.getProperty("neo4jBackup.jar");
        Assumptions.assumeTrue(path != null, "runs after package (mvn verify), against the fresh shaded jar");
        Path jar = Path.of(path);
        String repo = dir.resolve("repo").toString();
        Map<String, String> env = new HashMap<>();
        env.put("NEO4J_USER", "neo4j");
        env.put("EXTRACT_PASSPHRASE", "passphrase of the jar extract test");
        List<Map<String, Value>> expected;
        try (Neo4jTestServer server = Neo4jTestServer.start(false)) {
            GraphitiGroupsFixture.create(server.driver(), ExtractCommandTest.GROUPS, 24, 5);
            try (Session s = server.driver().session()) {
                expected = s.run("MATCH (n:Episodic) WHERE n.group_id = $g AND n.valid_at >= $s "
                                + "AND n.valid_at < $e RETURN properties(n) AS p ORDER BY n.valid_at",
                        Map.of("g", "tenant-b", "s", ExtractCommandTest.START, "e", ExtractCommandTest.END))
                        .list(r -> r.get("p").asMap(v -> v));
            }
            env.put("NEO4J_URI", server.boltUri().toString());
            CliRun backup = JarProcessIT.jarWithEnv(jar, env, "backup", "--engine", "driver", "--to", repo,
                    "--age-passphrase-env", "EXTRACT_PASSPHRASE", "--json");
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
        }
        env.remove("NEO4J_URI");
        Path out = dir.resolve("episodes.jsonl");
        List<String> args = new java.util.ArrayList<>(ExtractCommandTest.recipe(repo, out.toString(),
                "--age-passphrase-env", "EXTRACT_PASSPHRASE"));
        CliRun extract = JarProcessIT.jarWithEnv(jar, env, args.toArray(String[]::new));
        assertThat(extract.exitCode()).as(extract.toString()).isZero();
        assertThat(ExtractCommandTest.episodes(Files.readString(out, StandardCharsets.UTF_8)))
                .containsExactlyElementsOf(expected);
    }
}
