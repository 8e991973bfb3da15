package io.github.neo4jbackup.export.admin;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Adopting a real {@code neo4j-admin database dump} file, made here by the real neo4j-admin of a
 * Neo4j 5.26 installation (offline {@code database import full} from CSV, then {@code dump}), as a
 * backup: verified, then restored with {@code neo4j-admin database load} into a second installation
 * whose server is started and queried.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImportRealDumpTest {

    static final int PEOPLE = 500;
    static final int KNOWS = 1000;

    @TempDir
    static Path work;

    private Neo4jHome a;
    private Neo4jHome b;
    private Path dump;
    private long expectedAgeSum;

    @BeforeAll
    void makeARealDump() throws Exception {
        assumeFalse(Boolean.getBoolean("neo4j.it.skip"), "neo4j-home.skip is set");
        Path lib = Path.of(System.getProperty("neo4j.home.lib", "target/neo4j-home/lib"));
        Neo4jHome.requireLib(lib);
        a = Neo4jHome.create(work.resolve("home-a"), lib);
        b = Neo4jHome.create(work.resolve("home-b"), lib);
        StringBuilder people = new StringBuilder("id:ID,name,age:int\n");
        for (int i = 0; i < PEOPLE; i++) {
            people.append(i).append(",person ").append(i).append(',').append(20 + i % 60).append('\n');
            expectedAgeSum += 20 + i % 60;
        }
        StringBuilder knows = new StringBuilder(":START_ID,:END_ID,since:int\n");
        for (int i = 0; i < KNOWS; i++) {
            knows.append(i % PEOPLE).append(',').append((i * 7 + 1) % PEOPLE).append(',').append(1990 + i % 30).append('\n');
        }
        Path nodes = Files.writeString(work.resolve("people.csv"), people, StandardCharsets.UTF_8);
        Path rels = Files.writeString(work.resolve("knows.csv"), knows, StandardCharsets.UTF_8);
        admin(a, "database", "import", "full", "neo4j", "--nodes=Person=" + nodes, "--relationships=KNOWS=" + rels,
                "--report-file=" + work.resolve("import.report"));
        Path dumps = Files.createDirectories(work.resolve("dumps"));
        admin(a, "database", "dump", "neo4j", "--to-path=" + dumps);
        dump = dumps.resolve("neo4j.dump");
        Files.setLastModifiedTime(dump, FileTime.from(Instant.parse("2025-11-30T02:00:00Z")));
    }

    @AfterAll
    void stop() {
        if (b != null) {
            b.close();
        }
    }

    private static void admin(Neo4jHome home, String... args) throws IOException, InterruptedException {
        List<String> argv = new java.util.ArrayList<>();
        argv.add(home.home.resolve("bin/neo4j-admin").toString());
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("NEO4J_CONF", home.home.resolve("conf").toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", args) + ":\n" + output).isZero();
    }

    @Test
    void aRealDumpIsAdoptedVerifiedAndRestoredExactly() throws Exception {
        assertThat(Files.readAllBytes(dump)).startsWith('D', 'Z', 'V', '1');
        byte[] original = Files.readAllBytes(dump);
        BackupPipeline pipeline = BackupPipeline.builder().target(LocalStorageTarget.of(work.resolve("repo")))
                .transform(Compression.zstd()).verifyAfterBackup(VerifyLevel.FULL).label("origin", "cron-dumps").build();

        BackupResult imported = pipeline.importFile(dump, "neo4j", null);

        Manifest m = imported.manifest();
        assertThat(m.id()).isEqualTo("neo4j-20251130T020000Z");
        assertThat(m.createdAt()).isEqualTo(Instant.parse("2025-11-30T02:00:00Z"));
        assertThat(m.source().type()).isEqualTo(AdminDumpSource.TYPE);
        assertThat(m.source().attributes()).containsEntry("dump.format", "DZV1").containsEntry("import.file", "neo4j.dump");
        assertThat(m.transformers()).as("a dump is not compressed again").isEmpty();
        assertThat(m.object().storedSize()).isEqualTo(original.length);
        assertThat(Files.readAllBytes(work.resolve("repo").resolve(imported.dataKey().value()))).isEqualTo(original);
        assertThat(pipeline.list()).extracting(Manifest::id).containsExactly(m.id());
        assertThat(pipeline.verify(m.id(), VerifyLevel.FULL).ok()).isTrue();
        assertThatThrownBy(() -> pipeline.importFile(dump, "neo4j", null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("already has a backup");

        RestoreResult restored = pipeline.restore(m.id(), AdminLoadSink.of(b.admin(), "neo4j"));
        assertThat(restored.rawBytes()).isEqualTo(original.length);
        b.start();
        try (Driver driver = AgentMemoryGraph.driver(b.boltUri()); Session session = driver.session()) {
            Record r = session.run("MATCH (p:Person) RETURN count(p) AS n, sum(p.age) AS ages").single();
            assertThat(r.get("n").asLong()).isEqualTo(PEOPLE);
            assertThat(r.get("ages").asLong()).isEqualTo(expectedAgeSum);
            Record k = session.run("MATCH (:Person)-[k:KNOWS]->(:Person) RETURN count(k) AS n, sum(k.since) AS s").single();
            assertThat(k.get("n").asLong()).isEqualTo(KNOWS);
            long since = 0;
            for (int i = 0; i < KNOWS; i++) {
                since += 1990 + i % 30;
            }
            assertThat(k.get("s").asLong()).isEqualTo(since);
            assertThat(session.run("MATCH (p:Person {name: 'person 42'}) RETURN p.age AS age").single().get("age").asLong())
                    .isEqualTo(20 + 42);
        } finally {
            b.stop();
        }
    }
}
