package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.neo4jbackup.core.internal.RepositoryLock;
import io.github.neo4jbackup.core.lock.ProcessIdentity;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code backup --dry-run} in-process against a real Neo4j (harness) and a local repository: it
 * prints the plan and leaves the repository byte-for-byte as it was; a live lock means exit 4
 * naming its holder's host and PID; an unreachable server fails with a clear message.
 */
class BackupDryRunTest {

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

    /** Every file under the directory with its size, modification time and bytes. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.forEach(p -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    String content = a.isRegularFile()
                            ? java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(Files.readAllBytes(p))) : "dir";
                    files.put(root.relativize(p).toString(), a.size() + " " + a.lastModifiedTime() + " " + content);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        return files;
    }

    @Test
    void printsThePlanAndWritesNothing() throws Exception {
        server.clear();
        try (Session session = server.driver().session()) {
            session.run("UNWIND range(1, 300) AS i CREATE (:Person {i: i})-[:KNOWS]->(:Person {i: -i})").consume();
        }
        Path repo = dir.resolve("repo");
        for (int i = 0; i < 2; i++) {
            CliRun backup = run("backup", "--engine", "driver", "--to", repo.toString());
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
            Thread.sleep(1100); // backup ids have second precision
        }
        String oldest = run("list", "--from", repo.toString(), "--json").json().get("backups").get(1).get("id").asText();
        Map<String, String> before = snapshot(repo);

        CliRun text = run("backup", "--engine", "driver", "--to", repo.toString(), "--keep-last", "1", "--dry-run");
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).contains("Dry run: nothing was written").contains("engine:       driver")
                .contains("600 nodes, 300 relationships").contains("an estimate")
                .contains("data key:     ").contains("neo4j-").contains("zstd")
                .contains("would keep 1 and delete 1 (" + oldest + ")").contains("lock free");

        CliRun json = run("backup", "--engine", "driver", "--to", repo.toString(), "--keep-last", "1", "--dry-run",
                "--json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode plan = json.json();
        assertThat(plan.get("dryRun").asBoolean()).isTrue();
        assertThat(plan.get("engine").asText()).isEqualTo("driver");
        assertThat(plan.get("database").asText()).isEqualTo("neo4j");
        assertThat(plan.get("dataKey").asText()).startsWith("neo4j/").endsWith(".zst");
        assertThat(plan.get("source").get("nodes").asLong()).isEqualTo(600);
        assertThat(plan.get("source").get("estimatedRawBytes").asLong()).isPositive();
        assertThat(plan.get("sizeIsEstimate").asBoolean()).isTrue();
        assertThat(plan.get("transformers").toString()).contains("zstd");
        assertThat(plan.get("retention").get("deleted").get(0).get("id").asText()).isEqualTo(oldest);

        assertThat(snapshot(repo)).as("the repository is unchanged").isEqualTo(before);
        assertThat(run("list", "--from", repo.toString(), "--json").json().get("count").asInt()).isEqualTo(2);
    }

    @Test
    void aLiveLockMeansExit4NamingItsHostAndPid() throws Exception {
        Path repo = dir.resolve("locked");
        Files.createDirectories(repo);
        String host = ProcessIdentity.localHostName();
        long pid = ProcessHandle.current().pid();
        try (RepositoryLock live = RepositoryLock.acquire(LocalStorageTarget.of(repo), ObjectKey.of("locks/neo4j.lock"),
                Clock.systemUTC(), Duration.ofMinutes(10), "ops@" + host, "backup by a live run")) {
            Map<String, String> before = snapshot(repo);
            CliRun locked = run("backup", "--engine", "driver", "--to", repo.toString(), "--dry-run");
            assertThat(locked.exitCode()).as(locked.toString()).isEqualTo(ExitCodes.LOCKED);
            assertThat(locked.err()).contains("held by a live run").contains("host " + host)
                    .contains("pid " + pid).contains("backup by a live run");
            assertThat(snapshot(repo)).as("the lock was read, not taken").isEqualTo(before);
        }
    }

    @Test
    void anUnreachableServerFailsWithAClearMessage() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path repo = dir.resolve("unreachable");
        Files.createDirectories(repo);
        CliRun down = CliRun.inProcess(Map.of("NEO4J_URI", "bolt://127.0.0.1:" + port, "NEO4J_USER", "neo4j"),
                "backup", "--engine", "driver", "--to", repo.toString(), "--dry-run");
        assertThat(down.exitCode()).as(down.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(down.err()).contains("Cannot reach Neo4j at bolt://127.0.0.1:" + port);
        try (Stream<Path> files = Files.list(repo)) {
            assertThat(files).as("nothing written").isEmpty();
        }
    }

    @Test
    void aMissingRepositoryIsNotCreatedAndRunRefusesDryRun() {
        Path repo = dir.resolve("missing");
        CliRun missing = run("backup", "--engine", "driver", "--to", repo.toString(), "--dry-run");
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("is not an existing directory");
        assertThat(Files.exists(repo)).as("a dry run creates no repository").isFalse();

        CliRun service = run("run", "--engine", "driver", "--to", dir.toString(), "--every", "1h", "--dry-run");
        assertThat(service.exitCode()).as(service.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(service.err()).contains("--dry-run applies to 'backup'");
    }

    @Test
    void theAdminEngineReadsDatabaseInfo() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(AdminRestoreWindowTest.lib()),
                "the neo4j-admin jars are not built (backup-export-admin: target/neo4j-home/lib)");
        Path home = AdminRestoreWindowTest.home(dir.resolve("home"));
        Files.writeString(dir.resolve("people.csv"), "id:ID,name\n1,Ada\n2,Charles\n");
        AdminRestoreWindowTest.admin(home, "database", "import", "full", "neo4j",
                "--nodes=Person=" + dir.resolve("people.csv"), "--report-file=" + dir.resolve("import.report"));
        Path repo = Files.createDirectories(dir.resolve("admin-repo"));
        Map<String, String> before = snapshot(repo);

        CliRun plan = CliRun.inProcess(Map.of(), "backup", "--engine", "admin", "--neo4j-home", home.toString(),
                "--already-offline", "--to", repo.toString(), "--dry-run", "--json");
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        JsonNode json = plan.json();
        assertThat(json.get("engine").asText()).isEqualTo("admin");
        assertThat(json.get("source").get("storeFormat").asText()).isNotBlank();
        assertThat(json.get("skippedTransformers").toString()).as("a dump is already compressed").contains("zstd");
        assertThat(json.get("dataKey").asText()).endsWith(".dump");
        assertThat(snapshot(repo)).isEqualTo(before);

        CliRun noAdmin = CliRun.inProcess(Map.of(), "backup", "--engine", "admin", "--admin-command",
                dir.resolve("no-such-neo4j-admin").toString(), "--already-offline", "--to", repo.toString(),
                "--dry-run");
        assertThat(noAdmin.exitCode()).as(noAdmin.toString()).isNotZero();
        assertThat(noAdmin.err()).contains("neo4j-admin");
        assertThat(snapshot(repo)).isEqualTo(before);
    }
}
