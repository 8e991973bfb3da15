package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code verify --check} and {@code verify --restore-into} for neo4j-admin dumps, in-process against
 * real Neo4j 5.26 installations ({@link TestNeo4jHome}): a source installation backed up by the
 * admin engine with {@code --uri} (counts, fingerprints and stored types recorded before the stop),
 * a disposable one the dumps are loaded into, checked, started, compared and stopped again, and a
 * dump of a store damaged on purpose, which loads but fails the consistency check.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminVerifyTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    static Path dir;

    private TestNeo4jHome source;
    private TestNeo4jHome scratch;
    private String repo;
    private String backupId;
    private final Map<String, String> env = Map.of();

    @BeforeAll
    void installations() throws Exception {
        assumeTrue(TestNeo4jHome.available(),
                "the neo4j-admin jars are not built (backup-export-admin: target/neo4j-home/lib)");
        source = TestNeo4jHome.create(dir.resolve("source"));
        scratch = TestNeo4jHome.create(dir.resolve("scratch"));
        Files.writeString(dir.resolve("people.csv"),
                "id:ID,name,born:int,embedding:float[]\n1,Ada,1815,0.5;0.25\n2,Charles,1791,0.125;1.5\n3,Grace,1906,2.0;4.0\n");
        Files.writeString(dir.resolve("knows.csv"), ":START_ID,:END_ID,since:int\n1,2,1833\n2,3,1950\n");
        source.admin("database", "import", "full", "neo4j", "--nodes=Person=" + dir.resolve("people.csv"),
                "--relationships=KNOWS=" + dir.resolve("knows.csv"), "--report-file=" + dir.resolve("import.report"));
        repo = dir.resolve("repo").toString();
    }

    @AfterAll
    void stopServers() throws Exception {
        for (TestNeo4jHome h : new TestNeo4jHome[] {source, scratch}) {
            if (h != null && h.serverPid().isPresent()) {
                h.stop();
            }
        }
    }

    @Test
    @Order(1)
    void theAdminBackupRecordsCountsFingerprintsAndStoredTypesBeforeTheStop() throws Exception {
        source.start();
        CliRun backup = CliRun.inProcess(env, "backup", "--engine", "admin", "--neo4j-home", source.home.toString(),
                "--uri", source.boltUri(), "--stop-command", source.stopCommand(), "--start-command",
                source.startCommand(), "--to", repo, "--json");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        backupId = backup.json().get("id").asText();
        assertThat(source.serverPid()).as("the start command ran after the dump").isPresent();

        JsonNode manifest = manifest(Path.of(repo));
        assertThat(manifest.get("counts").get("nodes").asLong()).isEqualTo(3);
        assertThat(manifest.get("counts").get("relationships").asLong()).isEqualTo(2);
        assertThat(manifest.get("counts").get("labels").get("Person").asLong()).isEqualTo(3);
        assertThat(manifest.get("counts").get("types").get("KNOWS").asLong()).isEqualTo(2);
        JsonNode attributes = manifest.get("source").get("attributes");
        assertThat(attributes.get("fingerprint.content").asText()).hasSize(64);
        assertThat(attributes.get("fingerprint.schema").asText()).hasSize(64);
        assertThat(attributes.get("census.storedTypes").asText()).contains("FloatArray");
        assertThat(attributes.has("online.readAt")).isTrue();
        assertThat(attributes.get("dump.format").asText()).isEqualTo("DZV1");

        CliRun already = CliRun.inProcess(env, "backup", "--engine", "admin", "--neo4j-home", source.home.toString(),
                "--uri", source.boltUri(), "--already-offline", "--to", repo);
        assertThat(already.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(already.err()).contains("--already-offline");
    }

    @Test
    @Order(2)
    void aRunningInstallationOrADirectoryThatIsNoNeo4jHomeIsRefusedAndNothingIsLoaded() throws Exception {
        assumeTrue(backupId != null, "needs the backup of step 1");
        assertThat(source.serverPid()).isPresent();
        CliRun running = CliRun.inProcess(env, "verify", "--from", repo, "--id", backupId, "--check",
                "--neo4j-home", source.home.toString(), "--json");
        assertThat(running.exitCode()).as(running.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(running.err()).contains("appears to be running", "stop it first");
        assertThat(source.home.resolve("data/databases/verifyscratch")).doesNotExist();
        // without the pid file (a server started some other way), neo4j-admin is asked and finds it
        Path pidFile = source.home.resolve("run/neo4j.pid");
        Path aside = source.home.resolve("run/neo4j.pid.aside");
        Files.move(pidFile, aside);
        try {
            CliRun asked = CliRun.inProcess(env, "verify", "--from", repo, "--id", backupId, "--check",
                    "--neo4j-home", source.home.toString());
            assertThat(asked.exitCode()).as(asked.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(asked.err()).contains("appears to be running", "system database in use");
        } finally {
            Files.move(aside, pidFile);
        }
        assertThat(source.home.resolve("data/databases/verifyscratch")).doesNotExist();
        source.stop();

        Files.createDirectories(dir.resolve("not-a-home"));
        CliRun notHome = CliRun.inProcess(env, "verify", "--from", repo, "--id", backupId, "--check",
                "--neo4j-home", dir.resolve("not-a-home").toString());
        assertThat(notHome.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(notHome.err()).contains("is not a Neo4j home", "bin/neo4j-admin");

        CliRun noHome = CliRun.inProcess(env, "verify", "--from", repo, "--id", backupId, "--check");
        assertThat(noHome.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noHome.err()).contains("--neo4j-home DIR");

        CliRun noCommands = CliRun.inProcess(env, "verify", "--from", repo, "--id", backupId, "--restore-into",
                scratch.boltUri(), "--neo4j-home", scratch.home.toString());
        assertThat(noCommands.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noCommands.err()).contains("--start-command", "--stop-command");
        assertThat(scratch.home.resolve("data/databases")).as("nothing was loaded").doesNotExist();
    }

    @Test
    @Order(3)
    void checkAloneLoadsIntoAScratchDatabaseChecksItAndRemovesIt() {
        assumeTrue(backupId != null, "needs the backup of step 1");
        CliRun check = CliRun.inProcess(env, "verify", "--from", repo, "--id", backupId, "--check",
                "--neo4j-home", scratch.home.toString(), "--json");
        assertThat(check.exitCode()).as(check.toString()).isZero();
        JsonNode json = check.json();
        assertThat(json.get("ok").asBoolean()).isTrue();
        assertThat(json.get("database").asText()).isEqualTo("verifyscratch");
        assertThat(json.get("check").get("outcome").asText()).isEqualTo("CONSISTENT");
        assertThat(json.get("scratchRemoved").asBoolean()).isTrue();
        assertThat(check.err()).contains("neo4j-admin database check of 'verifyscratch': CONSISTENT");
        assertThat(scratch.home.resolve("data/databases/verifyscratch")).doesNotExist();
        assertThat(scratch.home.resolve("data/transactions/verifyscratch")).doesNotExist();
    }

    @Test
    @Order(4)
    void restoreIntoLoadsStartsComparesWithTheRecordedFactsAndStopsAgain() throws Exception {
        assumeTrue(backupId != null, "needs the backup of step 1");
        CliRun verify = CliRun.inProcess(env, "verify", "--from", repo, "--id", backupId, "--check",
                "--restore-into", scratch.boltUri(), "--neo4j-home", scratch.home.toString(),
                "--start-command", scratch.startCommand(), "--stop-command", scratch.stopCommand(), "--json");
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        JsonNode json = verify.json();
        assertThat(json.get("level").asText()).isEqualTo("RESTORE");
        assertThat(json.get("database").asText()).isEqualTo("neo4j");
        assertThat(json.get("check").get("outcome").asText()).isEqualTo("CONSISTENT");
        assertThat(json.get("serverStopped").asBoolean()).isTrue();
        assertThat(scratch.serverPid()).as("the stop command ran").isEmpty();

        // the same dump against a manifest whose recorded facts differ: every difference is reported
        Path tampered = dir.resolve("tampered");
        copyTree(Path.of(repo), tampered);
        Path manifestFile = manifestFile(tampered);
        ObjectNode m = (ObjectNode) MAPPER.readTree(manifestFile.toFile());
        ((ObjectNode) m.get("counts")).put("nodes", 4);
        ((ObjectNode) m.get("source").get("attributes")).put("fingerprint.content", "0".repeat(64));
        Files.writeString(manifestFile, MAPPER.writeValueAsString(m), StandardOpenOption.TRUNCATE_EXISTING);
        CliRun differs = CliRun.inProcess(env, "verify", "--from", tampered.toString(), "--id", backupId,
                "--restore-into", scratch.boltUri(), "--neo4j-home", scratch.home.toString(),
                "--start-command", scratch.startCommand(), "--stop-command", scratch.stopCommand(), "--json");
        assertThat(differs.exitCode()).as(differs.toString()).isEqualTo(ExitCodes.VERIFICATION);
        assertThat(differs.json().get("problems").toString())
                .contains("restored database has 3 nodes, the manifest records 4")
                .contains("fingerprint.content of the restored database is");
        assertThat(differs.json().has("check")).isFalse();
        assertThat(scratch.serverPid()).isEmpty();
    }

    @Test
    @Order(5)
    void aDumpOfADamagedStoreLoadsButFailsTheCheckWithExit3() throws Exception {
        assumeTrue(backupId != null, "needs the stopped source of step 2");
        assertThat(source.serverPid()).isEmpty();
        // point node 1's first relationship at a relationship that does not exist: the dump and the
        // load copy the store as it is, neo4j-admin database check finds it
        Path nodes = source.home.resolve("data/databases/neo4j/neostore.nodestore.db");
        try (var channel = java.nio.channels.FileChannel.open(nodes, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(new byte[] {0, 0, 0, 7}), 16);
        }
        Path dumps = Files.createDirectories(dir.resolve("dumps"));
        source.admin("database", "dump", "neo4j", "--to-path=" + dumps);
        String damagedRepo = dir.resolve("damaged").toString();
        CliRun imported = CliRun.inProcess(env, "import", "--file", dumps.resolve("neo4j.dump").toString(),
                "--to", damagedRepo, "--json");
        assertThat(imported.exitCode()).as(imported.toString()).isZero();
        CliRun deep = CliRun.inProcess(env, "verify", "--from", damagedRepo, "--latest", "--deep");
        assertThat(deep.exitCode()).as("the bytes are intact: " + deep).isZero();

        CliRun check = CliRun.inProcess(env, "verify", "--from", damagedRepo, "--latest", "--check",
                "--neo4j-home", scratch.home.toString(), "--json");
        assertThat(check.exitCode()).as(check.toString()).isEqualTo(ExitCodes.VERIFICATION);
        JsonNode json = check.json();
        assertThat(json.get("ok").asBoolean()).isFalse();
        assertThat(json.get("check").get("outcome").asText()).isEqualTo("INCONSISTENT");
        assertThat(json.get("check").get("reportFile").asText()).isNotEmpty();
        assertThat(json.get("problems").toString()).contains("did not pass (INCONSISTENT)");
        assertThat(check.err()).contains("FAILED verification");
        assertThat(json.get("scratchRemoved").asBoolean()).isTrue();
        assertThat(scratch.home.resolve("data/databases/verifyscratch")).doesNotExist();
    }

    private static JsonNode manifest(Path repository) throws IOException {
        return MAPPER.readTree(manifestFile(repository).toFile());
    }

    private static Path manifestFile(Path repository) throws IOException {
        try (Stream<Path> files = Files.walk(repository)) {
            List<Path> manifests = files.filter(p -> p.getFileName().toString().endsWith(".manifest.json")).toList();
            assertThat(manifests).hasSize(1);
            return manifests.get(0);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
