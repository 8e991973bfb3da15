package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code restore} with the admin engine and a safety backup, in-process against the real
 * neo4j-admin of a Neo4j 5.26 installation made of the jars the backup-export-admin build collects
 * (its {@code target/neo4j-home/lib}; skipped when that build step did not run): the safety dump
 * and the load share one offline window, so the stop and start commands each run exactly once.
 */
class AdminRestoreWindowTest {

    @TempDir
    Path dir;

    static Path lib() {
        return Path.of(System.getProperty("neo4j.home.lib", "../backup-export-admin/target/neo4j-home/lib"))
                .toAbsolutePath().normalize();
    }

    /** A Neo4j home with a generated bin/neo4j-admin launcher, like a distribution's. */
    static Path home(Path home) throws IOException {
        for (String d : List.of("bin", "conf", "data", "logs", "run", "plugins", "import")) {
            Files.createDirectories(home.resolve(d));
        }
        Files.createSymbolicLink(home.resolve("lib"), lib());
        Files.writeString(home.resolve("conf/neo4j.conf"), String.join("\n", "server.default_listen_address=127.0.0.1",
                "server.http.enabled=false", "server.https.enabled=false", "dbms.security.auth_enabled=false",
                "server.memory.heap.max_size=512m", "server.memory.pagecache.size=64m", ""));
        Path launcher = home.resolve("bin/neo4j-admin");
        Files.writeString(launcher, String.join("\n", "#!/bin/sh",
                "NEO4J_HOME=\"$(cd \"$(dirname \"$0\")/..\" && pwd)\"", "export NEO4J_HOME",
                "exec \"" + Path.of(System.getProperty("java.home"), "bin", "java")
                        + "\" -Xmx512m -cp \"$NEO4J_HOME/lib/*\" org.neo4j.server.startup.Neo4jAdminCommand \"$@\"", ""));
        assertThat(launcher.toFile().setExecutable(true)).isTrue();
        return home;
    }

    static void admin(Path home, String... args) throws IOException, InterruptedException {
        List<String> argv = new java.util.ArrayList<>(List.of(home.resolve("bin/neo4j-admin").toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", args) + ":\n" + out).isZero();
    }

    @Test
    void theSafetyDumpAndTheLoadStopAndStartNeo4jOnce() throws Exception {
        assumeTrue(Files.isDirectory(lib()), "the neo4j-admin jars are not built (backup-export-admin: target/neo4j-home/lib)");
        Path home = home(dir.resolve("home"));
        Path adminCalls = dir.resolve("admin-calls.log");
        Path launcher = home.resolve("bin/neo4j-admin");
        Files.writeString(launcher, Files.readString(launcher).replace("#!/bin/sh\n",
                "#!/bin/sh\necho \"$*\" >> '" + adminCalls + "'\n"));
        Files.writeString(dir.resolve("people.csv"), "id:ID,name\n1,Ada\n2,Charles\n3,Grace\n");
        Files.writeString(dir.resolve("knows.csv"), ":START_ID,:END_ID\n1,2\n2,3\n");
        admin(home, "database", "import", "full", "neo4j", "--nodes=Person=" + dir.resolve("people.csv"),
                "--relationships=KNOWS=" + dir.resolve("knows.csv"), "--report-file=" + dir.resolve("import.report"));
        admin(home, "database", "dump", "neo4j", "--to-path=" + dir);
        String repo = dir.resolve("repo").toString();
        Map<String, String> env = Map.of();

        CliRun imported = CliRun.inProcess(env, "import", "--file", dir.resolve("neo4j.dump").toString(), "--to", repo,
                "--taken-at", "2025-12-01T02:00:00Z", "--json");
        assertThat(imported.exitCode()).as(imported.toString()).isZero();
        String id = imported.json().get("id").asText();

        Path calls = dir.resolve("calls.log");
        CliRun restore = CliRun.inProcess(env, "restore", "--from", repo, "--latest", "--neo4j-home", home.toString(),
                "--stop-command", "sh -c 'echo stop >> " + calls + "'",
                "--start-command", "sh -c 'echo start >> " + calls + "'", "--wipe", "--yes", "--json");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        JsonNode result = restore.json();
        assertThat(result.get("id").asText()).isEqualTo(id);
        String safetyId = result.get("safetyBackupId").asText();
        assertThat(safetyId).isNotEmpty();
        assertThat(Files.readAllLines(calls)).as("one offline window for the safety dump and the load")
                .containsExactly("stop", "start");
        assertThat(Files.readAllLines(adminCalls)).as("neo4j-admin runs: no `database info` inside the window")
                .filteredOn(line -> !line.startsWith("database import") && !line.startsWith("database dump neo4j --to-path"))
                .containsExactly("database dump --to-stdout neo4j", "database load --from-stdin --overwrite-destination=true neo4j");

        CliRun list = CliRun.inProcess(env, "list", "--from", repo, "--json");
        assertThat(list.json().get("count").asInt()).isEqualTo(2);
        JsonNode safety = list.json().get("backups").get(0);
        assertThat(safety.get("id").asText()).isEqualTo(safetyId);
        assertThat(safety.get("kind").asText()).isEqualTo("safety");
        assertThat(safety.get("protects").asText()).isEqualTo(id);
        // the safety dump is a real, complete backup; the staleness check leaves it aside
        CliRun deep = CliRun.inProcess(env, "verify", "--from", repo, "--id", safetyId, "--deep");
        assertThat(deep.exitCode()).as(deep.toString()).isZero();
        CliRun stale = CliRun.inProcess(env, "list", "--from", repo, "--max-age", "36500d", "--json");
        assertThat(stale.json().get("staleness").get("newestId").asText()).isEqualTo(id);
    }
}
