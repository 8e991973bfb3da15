package io.github.neo4jbackup.export.admin;

import com.github.luben.zstd.Zstd;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.RestoreFailedException;
import io.github.neo4jbackup.core.RestoreOptions;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.hook.BackupHooks;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The load sink against a fake neo4j-admin script. */
class AdminLoadSinkTest {

    @TempDir
    Path dir;

    /** A well-formed DZV1 dump of about {@code size} bytes (incompressible content, so many zstd blocks). */
    static byte[] syntheticDump(int size, long seed) {
        byte[] content = new byte[size];
        new Random(seed).nextBytes(content);
        byte[] frame = Zstd.compress(content, 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("DZV1".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(frame);
        return out.toByteArray();
    }

    private BackupPipeline pipeline(FakeNeo4jAdmin fake, Path repository) {
        return BackupPipeline.builder().source(AdminDumpSource.of(fake.admin(), "neo4j"))
                .target(LocalStorageTarget.of(repository)).build();
    }

    @Test
    void streamsTheVerifiedDumpIntoNeo4jAdminLoad() throws IOException {
        byte[] dump = syntheticDump(3 * 1024 * 1024, 1);
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).sample(dump).install();
        BackupPipeline pipeline = pipeline(fake, dir.resolve("repo"));
        BackupResult backup = pipeline.backup();

        RestoreResult result = pipeline.restore(backup.id(), AdminLoadSink.of(fake.admin(), "neo4j"));

        assertThat(Files.readAllBytes(fake.file("loaded.dump"))).isEqualTo(dump);
        assertThat(fake.file("load.complete")).exists();
        assertThat(fake.calls()).contains("database load --from-stdin --overwrite-destination=true neo4j");
        assertThat(result.sinkResult().attributes()).containsEntry("load.format", "DZV1").containsKey("load.ms");
        assertThat(result.rawBytes()).isEqualTo(dump.length);
    }

    @Test
    void corruptDataDetectedAtTheEndKillsTheLoadBeforeItCompletes() throws IOException {
        byte[] dump = syntheticDump(3 * 1024 * 1024, 2);
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).sample(dump).install();
        Path repository = dir.resolve("repo");
        BackupPipeline pipeline = pipeline(fake, repository);
        BackupResult backup = pipeline.backup();
        Path stored = repository.resolve(backup.dataKey().value());
        byte[] tampered = Files.readAllBytes(stored);
        tampered[tampered.length / 2] ^= 0x01; // a flipped bit the fake tool cannot notice
        Files.write(stored, tampered);

        assertThatThrownBy(() -> pipeline.restore(backup.id(), AdminLoadSink.of(fake.admin(), "neo4j"),
                RestoreOptions.defaults().withVerifyFirst(false)))
                .isInstanceOfSatisfying(IntegrityException.class, e -> {
                    assertThat(e.getMessage()).contains("SHA-256");
                    assertThat(e.getSuppressed()).anySatisfy(s -> assertThat(s.getMessage())
                            .contains("was killed before it completed").contains("may now hold a partial load"));
                });
        assertThat(fake.file("load.complete")).doesNotExist();
        long received = Files.size(fake.file("loaded.dump"));
        assertThat(received).isLessThanOrEqualTo(dump.length - AdminLoadSink.WITHHELD_BYTES);

        // with the default (verify first), the damaged backup is refused before neo4j-admin starts
        int loadsBefore = countLoads(fake);
        assertThatThrownBy(() -> pipeline.restore(backup.id(), AdminLoadSink.of(fake.admin(), "neo4j")))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("Refusing to restore");
        assertThat(countLoads(fake)).isEqualTo(loadsBefore);
    }

    @Test
    void truncatedStoredDumpNeverReachesItsEnd() throws IOException {
        byte[] dump = syntheticDump(2 * 1024 * 1024, 3);
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).sample(dump).install();
        Path repository = dir.resolve("repo");
        BackupPipeline pipeline = pipeline(fake, repository);
        BackupResult backup = pipeline.backup();
        Path stored = repository.resolve(backup.dataKey().value());
        Files.write(stored, Arrays.copyOf(Files.readAllBytes(stored), dump.length - 10));

        assertThatThrownBy(() -> pipeline.restore(backup.id(), AdminLoadSink.of(fake.admin(), "neo4j"),
                RestoreOptions.defaults().withVerifyFirst(false)))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("truncated");
        assertThat(fake.file("load.complete")).doesNotExist();
    }

    private static int countLoads(FakeNeo4jAdmin fake) {
        return (int) fake.calls().stream().filter(c -> c.startsWith("database load")).count();
    }

    @Test
    void nonZeroExitFailsTheRestoreWithTheErrorTail() {
        byte[] dump = syntheticDump(2 * 1024 * 1024, 4);
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).sample(dump)
                .on("load", "head -c 1000 > /dev/null\n"
                        + "echo \"Failed to load database '$DB': Not a valid Neo4j archive: reading from stdin\" >&2\n"
                        + "exit 1")
                .install();
        BackupPipeline pipeline = pipeline(fake, dir.resolve("repo"));
        BackupResult backup = pipeline.backup();

        assertThatThrownBy(() -> pipeline.restore(backup.id(), AdminLoadSink.of(fake.admin(), "neo4j")))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("exited with code 1")
                .hasMessageContaining("Not a valid Neo4j archive")
                .cause().isInstanceOfSatisfying(AdminCommandException.class, e -> {
                    assertThat(e.exitCode()).hasValue(1);
                    assertThat(e.errorTail()).contains("Not a valid Neo4j archive");
                });
    }

    @Test
    void databaseInUseSaysToStopNeo4jAndTheHookRestartsIt() {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home"))
                .on("load", "echo \"Failed to load database '$DB': The database is in use. Stop database '$DB' and try "
                        + "again.\" >&2\nexit 1")
                .install();
        BackupPipeline pipeline = pipeline(fake, dir.resolve("repo"));
        BackupResult backup = pipeline.backup();
        List<String> hookCalls = new ArrayList<>();
        AdminLoadSink sink = AdminLoadSink.builder(fake.admin(), "neo4j")
                .hook(BackupHooks.callbacks(db -> hookCalls.add("stop " + db), db -> hookCalls.add("start " + db)))
                .build();

        assertThatThrownBy(() -> pipeline.restore(backup.id(), sink))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("in use by a running Neo4j server. Stop Neo4j before restoring")
                .hasMessageContaining("AdminLoadSink.Builder.hook(..)");
        assertThat(hookCalls).containsExactly("stop neo4j", "start neo4j");
    }

    @Test
    void hookStopsAndStartsAroundASuccessfulLoadButLeavesAHalfLoadedDatabaseStopped() throws IOException {
        byte[] dump = syntheticDump(2 * 1024 * 1024, 5);
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).sample(dump).install();
        Path repository = dir.resolve("repo");
        BackupPipeline pipeline = pipeline(fake, repository);
        BackupResult backup = pipeline.backup();
        List<String> hookCalls = new ArrayList<>();
        AdminLoadSink sink = AdminLoadSink.builder(fake.admin(), "neo4j")
                .hook(BackupHooks.callbacks(db -> hookCalls.add("stop"), db -> hookCalls.add("start"))).build();

        pipeline.restore(backup.id(), sink);
        assertThat(hookCalls).containsExactly("stop", "start");

        hookCalls.clear();
        Path stored = repository.resolve(backup.dataKey().value());
        byte[] tampered = Files.readAllBytes(stored);
        tampered[100] ^= 0x10;
        Files.write(stored, tampered);
        assertThatThrownBy(() -> pipeline.restore(backup.id(), sink, RestoreOptions.defaults().withVerifyFirst(false)))
                .isInstanceOfSatisfying(IntegrityException.class, e -> assertThat(e.getSuppressed())
                        .anySatisfy(s -> assertThat(s.getMessage()).contains("Neo4j was left stopped")));
        assertThat(hookCalls).containsExactly("stop");
    }

    @Test
    void somethingThatIsNotADumpIsRefusedBeforeNeo4jAdminStarts() {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).install();
        BackupPipeline pipeline = BackupPipeline.builder()
                .source(BackupSource.ofStream("neo4j-admin", "neo4j", "dump",
                        () -> new ByteArrayInputStream("MATCH (n) DETACH DELETE n".getBytes(StandardCharsets.UTF_8))))
                .target(new InMemoryStorageTarget()).build();
        BackupResult backup = pipeline.backup();

        assertThatThrownBy(() -> pipeline.restore(backup.id(), AdminLoadSink.of(fake.admin(), "neo4j")))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("is not a neo4j-admin dump: it starts with \"MATC\"")
                .hasMessageContaining("Nothing was loaded");
        assertThat(fake.wasInvoked()).isFalse();
    }

    @Test
    void loadThatStopsReadingIsKilledAtTheTimeout() {
        byte[] dump = syntheticDump(3 * 1024 * 1024, 6);
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).sample(dump).install();
        BackupPipeline pipeline = pipeline(fake, dir.resolve("repo"));
        BackupResult backup = pipeline.backup();
        FakeNeo4jAdmin hanging = FakeNeo4jAdmin.in(dir.resolve("home2")).on("load", "sleep 600").install();

        long start = System.nanoTime();
        assertThatThrownBy(() -> pipeline.restore(backup.id(),
                AdminLoadSink.of(hanging.admin(Duration.ofSeconds(2)), "neo4j")))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("did not finish within PT2S and was killed");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void safetyBackupIsTakenFirstAndItsFailureStopsTheRestore() {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).install();
        BackupPipeline pipeline = pipeline(fake, dir.resolve("repo"));
        BackupResult backup = pipeline.backup();
        BackupPipeline safety = BackupPipeline.builder().source(AdminDumpSource.of(fake.admin(), "neo4j"))
                .target(LocalStorageTarget.of(dir.resolve("safety"))).build();

        RestoreResult restored = pipeline.restore(backup.id(), AdminLoadSink.of(fake.admin(), "neo4j"),
                RestoreOptions.defaults().withSafetyBackup(safety));

        assertThat(restored.safetyBackup()).isPresent();
        assertThat(safety.list()).hasSize(1);
        List<String> calls = fake.calls();
        assertThat(calls.lastIndexOf("database dump --to-stdout neo4j"))
                .isLessThan(calls.indexOf("database load --from-stdin --overwrite-destination=true neo4j"));

        FakeNeo4jAdmin broken = FakeNeo4jAdmin.in(dir.resolve("home2"))
                .on("dump", "echo 'disk full' >&2; exit 1").install();
        BackupPipeline failingSafety = BackupPipeline.builder().source(AdminDumpSource.of(broken.admin(), "neo4j"))
                .target(LocalStorageTarget.of(dir.resolve("safety2"))).build();
        int loads = countLoads(fake);
        assertThatThrownBy(() -> pipeline.restore(backup.id(), AdminLoadSink.of(fake.admin(), "neo4j"),
                RestoreOptions.defaults().withSafetyBackup(failingSafety)))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("safety backup").hasMessageContaining("Nothing was changed");
        assertThat(countLoads(fake)).isEqualTo(loads);
    }

    @Test
    void acceptsOnlyDumps() {
        AdminLoadSink sink = AdminLoadSink.of(Neo4jAdmin.executable(dir.resolve("neo4j-admin")).build(), "neo4j");
        assertThat(sink.accepts("neo4j-admin")).isTrue();
        assertThat(sink.accepts("cypher-apoc")).isFalse();
        assertThat(sink.accepts("neo4j-admin-backup")).isFalse();
    }
}
