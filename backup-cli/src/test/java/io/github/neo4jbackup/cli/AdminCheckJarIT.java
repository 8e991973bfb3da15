package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code verify --check} run from the outside, as a user would: the shaded jar as a process, real
 * {@code neo4j-admin} dumps adopted with {@code import}, one of a store damaged on purpose, checked
 * through a stopped scratch installation ({@link TestNeo4jHome}).
 */
class AdminCheckJarIT {

    @TempDir
    Path dir;

    @Test
    void theBuiltJarChecksAGoodAndADamagedDump() throws Exception {
        String jarPath = System.getProperty("neo4jBackup.jar");
        Assumptions.assumeTrue(jarPath != null, "runs after package (mvn verify), against the fresh shaded jar");
        Assumptions.assumeTrue(TestNeo4jHome.available(),
                "the neo4j-admin jars are not built (backup-export-admin: target/neo4j-home/lib)");
        Path jar = Path.of(jarPath);
        TestNeo4jHome source = TestNeo4jHome.create(dir.resolve("source"));
        TestNeo4jHome scratch = TestNeo4jHome.create(dir.resolve("scratch"));
        Files.writeString(dir.resolve("people.csv"), "id:ID,name\n1,Ada\n2,Charles\n3,Grace\n");
        Files.writeString(dir.resolve("knows.csv"), ":START_ID,:END_ID\n1,2\n2,3\n");
        source.admin("database", "import", "full", "neo4j", "--nodes=Person=" + dir.resolve("people.csv"),
                "--relationships=KNOWS=" + dir.resolve("knows.csv"), "--report-file=" + dir.resolve("import.report"));
        Path good = Files.createDirectories(dir.resolve("good"));
        source.admin("database", "dump", "neo4j", "--to-path=" + good);
        try (FileChannel channel = FileChannel.open(source.home.resolve("data/databases/neo4j/neostore.nodestore.db"),
                StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 7}), 16); // node 1 -> a relationship that is not there
        }
        Path bad = Files.createDirectories(dir.resolve("bad"));
        source.admin("database", "dump", "neo4j", "--to-path=" + bad);
        Map<String, String> env = Map.of();
        String repo = dir.resolve("repo").toString();
        CliRun importGood = JarProcessIT.jarWithEnv(jar, env, "import", "--file", good.resolve("neo4j.dump").toString(),
                "--to", repo, "--database", "good", "--json");
        assertThat(importGood.exitCode()).as(importGood.toString()).isZero();
        CliRun importBad = JarProcessIT.jarWithEnv(jar, env, "import", "--file", bad.resolve("neo4j.dump").toString(),
                "--to", repo, "--database", "bad", "--json");
        assertThat(importBad.exitCode()).as(importBad.toString()).isZero();

        CliRun ok = JarProcessIT.jarWithEnv(jar, env, "verify", "--from", repo, "--id",
                importGood.json().get("id").asText(), "--check", "--neo4j-home", scratch.home.toString(), "--json");
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.json().get("check").get("outcome").asText()).isEqualTo("CONSISTENT");

        CliRun damaged = JarProcessIT.jarWithEnv(jar, env, "verify", "--from", repo, "--id",
                importBad.json().get("id").asText(), "--check", "--neo4j-home", scratch.home.toString(), "--json");
        assertThat(damaged.exitCode()).as(damaged.toString()).isEqualTo(ExitCodes.VERIFICATION);
        JsonNode json = damaged.json();
        assertThat(json.get("check").get("outcome").asText()).isEqualTo("INCONSISTENT");
        assertThat(damaged.err()).contains("FAILED verification", "did not pass (INCONSISTENT)");
        assertThat(scratch.home.resolve("data/databases/verifyscratch")).doesNotExist();

        CliRun notHome = JarProcessIT.jarWithEnv(jar, env, "verify", "--from", repo, "--latest", "--check",
                "--neo4j-home", dir.toString());
        assertThat(notHome.exitCode()).as(notHome.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(notHome.err()).contains("is not a Neo4j home");
    }
}
