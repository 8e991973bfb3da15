package io.github.neo4jbackup.export.admin;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.HookFailedException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.core.hook.BackupHooks;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import io.github.neo4jbackup.core.transform.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The dump source against a fake neo4j-admin script: every failure mode, fast. */
class AdminDumpSourceTest {

    @TempDir
    Path dir;

    private final InMemoryStorageTarget target = new InMemoryStorageTarget();

    private BackupPipeline pipeline(AdminDumpSource source) {
        return BackupPipeline.builder().source(source).target(target).transform(Compression.zstd()).build();
    }

    @Test
    void streamsTheDumpAndRecordsWhatNeo4jAdminReports() throws IOException {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).install();
        BackupPipeline pipeline = pipeline(AdminDumpSource.of(fake.admin(), "neo4j"));

        BackupResult result = pipeline.backup();

        Manifest m = result.manifest();
        assertThat(m.source().type()).isEqualTo("neo4j-admin");
        assertThat(m.source().neo4jVersion()).isEqualTo("5.26.30");
        assertThat(m.source().engineVersion()).isEqualTo("5.26.30");
        assertThat(m.source().neo4jEdition()).isEqualTo("community");
        assertThat(m.source().attributes())
                .containsEntry("neo4j.storeFormat", "record-aligned-1.1")
                .containsEntry("neo4j.storeFormatIntroducedIn", "5.0.0")
                .containsEntry("neo4j.lastCommittedTransaction", "42")
                .containsEntry("neo4j.recoveryRequired", "false")
                .containsEntry("dump.format", "DZV1")
                .containsEntry("dump.command", "neo4j-admin database dump --to-stdout neo4j")
                .containsEntry("consistency", "offline-dump")
                .containsKey("dump.ms")
                .containsKey("compression.skipped");
        assertThat(m.transformers()).isEmpty();
        assertThat(result.dataKey().value()).endsWith(".dump");
        assertThat(m.object().rawSize()).isEqualTo(FakeNeo4jAdmin.sampleDump().length);
        assertThat(fake.calls()).contains("version", "database --help", "database info --format=json neo4j",
                "database dump --to-stdout neo4j");
        assertThat(fake.calls().indexOf("database info --format=json neo4j"))
                .isLessThan(fake.calls().indexOf("database dump --to-stdout neo4j"));

        byte[][] restored = new byte[1][];
        pipeline.restore(result.id(), new RestoreSink() {
            @Override
            public boolean accepts(String sourceType) {
                return true;
            }

            @Override
            public SinkResult restore(InputStream data, Manifest manifest) throws IOException {
                restored[0] = data.readAllBytes();
                return SinkResult.empty();
            }
        });
        assertThat(restored[0]).isEqualTo(FakeNeo4jAdmin.sampleDump());
    }

    @Test
    void theOnlineProbesCountsAndFactsAreRecordedBeforeTheStopHook() throws IOException {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).install();
        List<String> order = new ArrayList<>();
        OnlineProbe probe = new OnlineProbe() {
            @Override
            public Map<String, String> attributes(String database) {
                order.add("attributes " + database);
                return Map.of("fingerprint.content", "abc");
            }

            @Override
            public io.github.neo4jbackup.core.spi.GraphCounts counts(String database) {
                order.add("counts " + database);
                return new io.github.neo4jbackup.core.spi.GraphCounts(3, 2, Map.of("Person", 3L), Map.of("KNOWS", 2L));
            }
        };
        BackupPipeline pipeline = BackupPipeline.builder()
                .source(AdminDumpSource.builder(fake.admin(), "neo4j").onlineProbe(probe).build())
                .hook(BackupHooks.callbacks(db -> order.add("stop"), db -> order.add("start")))
                .target(target).build();

        Manifest m = pipeline.backup().manifest();

        assertThat(order).containsExactly("attributes neo4j", "counts neo4j", "stop", "start");
        assertThat(m.counts().nodes()).isEqualTo(3);
        assertThat(m.counts().relationships()).isEqualTo(2);
        assertThat(m.counts().labels()).containsEntry("Person", 3L);
        assertThat(m.counts().types()).containsEntry("KNOWS", 2L);
        assertThat(m.source().attributes()).containsEntry("fingerprint.content", "abc");

        // a probe without counts (a lambda) leaves them unknown
        BackupPipeline lambda = pipeline.toBuilder().target(new InMemoryStorageTarget())
                .source(AdminDumpSource.builder(fake.admin(), "neo4j").onlineProbe(db -> Map.of()).build()).build();
        assertThat(lambda.backup().manifest().counts().known()).isFalse();
    }

    @Test
    void versionAndEditionComeFromTheInstallationsJarsWithoutExtraProcesses() throws IOException {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).install();
        Files.createDirectories(fake.file("lib"));
        Files.createFile(fake.file("lib/neo4j-kernel-5.26.31.jar"));
        Files.createFile(fake.file("lib/neo4j-server-5.26.31.jar"));
        Manifest m = pipeline(AdminDumpSource.of(fake.admin(), "neo4j")).backup().manifest();
        assertThat(m.source().neo4jVersion()).isEqualTo("5.26.31");
        assertThat(m.source().neo4jEdition()).isEqualTo("community");
        assertThat(fake.calls()).containsExactly("database info --format=json neo4j", "database dump --to-stdout neo4j");

        Files.createFile(fake.file("lib/neo4j-enterprise-kernel-5.26.31.jar"));
        Manifest e = pipeline(AdminDumpSource.of(Neo4jAdmin.executable(fake.file("bin/neo4j-admin")).build(), "neo4j"))
                .toBuilder().clock(java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofSeconds(5))).build()
                .backup().manifest();
        assertThat(e.source().neo4jEdition()).isEqualTo("enterprise");
    }

    @Test
    void withoutDescribingOnlyTheDumpRuns() throws IOException {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).install();
        BackupResult bare = pipeline(AdminDumpSource.builder(fake.admin(), "neo4j").describeDatabase(false).build())
                .backup();
        assertThat(fake.calls()).containsExactly("database dump --to-stdout neo4j");
        assertThat(bare.manifest().source().neo4jVersion()).isNull(); // no lib folder, no questions asked

        Files.createDirectories(fake.file("lib"));
        Files.createFile(fake.file("lib/neo4j-kernel-5.26.30.jar"));
        Files.delete(fake.file("calls.log"));
        BackupResult result = pipeline(AdminDumpSource.builder(fake.admin(), "neo4j").describeDatabase(false).build())
                .toBuilder().clock(java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofSeconds(5))).build()
                .backup();
        assertThat(fake.calls()).containsExactly("database dump --to-stdout neo4j");
        // the version comes from the installation's lib folder, which costs no process
        assertThat(result.manifest().source().neo4jVersion()).isEqualTo("5.26.30");
        assertThat(result.manifest().source().attributes()).doesNotContainKey("neo4j.storeFormat");
        assertThat(result.manifest().source().attributes()).containsEntry("dump.format", "DZV1");
    }

    @Test
    void missingToolIsAClearErrorAndNothingIsStored() {
        Neo4jAdmin noHome = Neo4jAdmin.home(dir.resolve("not-a-neo4j-home")).build();
        assertThatThrownBy(() -> pipeline(AdminDumpSource.of(noHome, "neo4j")).backup())
                .isInstanceOf(SourceFailedException.class)
                .hasMessageContaining("neo4j-admin not found")
                .hasMessageContaining("not-a-neo4j-home/bin/neo4j-admin does not exist")
                .hasMessageContaining("Neo4jAdmin.executable(..)");

        Neo4jAdmin notOnPath = Neo4jAdmin.command(List.of("no-such-neo4j-admin-tool-xyz", "neo4j-admin")).build();
        assertThatThrownBy(() -> pipeline(AdminDumpSource.of(notOnPath, "neo4j")).backup())
                .isInstanceOf(SourceFailedException.class)
                .hasMessageContaining("Could not start no-such-neo4j-admin-tool-xyz neo4j-admin database")
                .hasMessageContaining("is installed and on the PATH");
        assertThat(target.keys()).isEmpty();
    }

    @Test
    void nonZeroExitMidStreamFailsWithExitCodeAndErrorTail() {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home"))
                .on("dump", "head -c 1000 \"$SAMPLE\"\n"
                        + "echo 'Files: 1/36, data:  0.9%' >&2\n"
                        + "echo \"ERROR [o.n.c.d.DumpCommand] Failed to dump database '$DB': No space left\" >&2\n"
                        + "exit 1")
                .install();
        List<String> hookCalls = new ArrayList<>();
        BackupPipeline pipeline = pipeline(AdminDumpSource.of(fake.admin(), "neo4j")).toBuilder()
                .hook(BackupHooks.callbacks(db -> hookCalls.add("stop"), db -> hookCalls.add("start"))).build();

        assertThatThrownBy(pipeline::backup).isInstanceOfSatisfying(SourceFailedException.class, e -> {
            assertThat(e.exitCode()).hasValue(1);
            assertThat(e.errorTail()).contains("No space left").doesNotContain("Files: 1/36");
            assertThat(e.getMessage()).contains("exited with code 1").contains("Nothing was backed up");
        });
        assertThat(hookCalls).containsExactly("stop", "start");
        assertThat(target.keys()).isEmpty();
        assertThat(pipeline.list()).isEmpty();
    }

    @Test
    void cleanExitWithATruncatedDumpIsRefused() {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).on("dump", "head -c 4000 \"$SAMPLE\"").install();
        assertThatThrownBy(() -> pipeline(AdminDumpSource.of(fake.admin(), "neo4j")).backup())
                .isInstanceOfSatisfying(SourceFailedException.class, e -> assertThat(e.exitCode()).hasValue(0))
                .hasMessageContaining("exited with code 0, but the dump ended after 4000 bytes")
                .hasMessageContaining("truncated");
        assertThat(target.keys()).isEmpty();
    }

    @Test
    void processKilledBySignalIsReported() {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home"))
                .on("dump", "head -c 2000 \"$SAMPLE\"\nkill -9 $$").install();
        assertThatThrownBy(() -> pipeline(AdminDumpSource.of(fake.admin(), "neo4j")).backup())
                .isInstanceOfSatisfying(SourceFailedException.class, e -> assertThat(e.exitCode()).hasValue(137))
                .hasMessageContaining("was killed by signal 9");
        assertThat(target.keys()).isEmpty();
    }

    @Test
    void hangingDumpIsKilledWithItsChildrenAtTheTimeout() throws Exception {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home"))
                .on("dump", "head -c 1000 \"$SAMPLE\"\n"
                        + "sleep 600 &\n"
                        + "echo $! > \"$H/child.pid\"\n"
                        + "wait")
                .install();
        long start = System.nanoTime();
        assertThatThrownBy(() -> pipeline(AdminDumpSource.builder(fake.admin(Duration.ofSeconds(2)), "neo4j")
                .describeDatabase(false).build()).backup())
                .isInstanceOf(SourceFailedException.class)
                .hasMessageContaining("did not finish within PT2S and was killed with its child processes");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        long child = Long.parseLong(Files.readString(fake.file("child.pid")).strip());
        assertThat(exitsWithin(child, Duration.ofSeconds(10))).as("the dump's child process was killed").isTrue();
        assertThat(target.keys()).isEmpty();
    }

    static boolean exitsWithin(long pid, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                Thread.sleep(50);
            } else {
                return true;
            }
        }
        return false;
    }

    @Test
    void databaseInUseNamesTheHookOption() {
        String inUse = "echo \"Failed to execute command as the database '$DB' is in use. Please stop it and try again.\" >&2\n"
                + "exit 1";
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).on("info", inUse).install();
        assertThatThrownBy(() -> pipeline(AdminDumpSource.of(fake.admin(), "neo4j")).backup())
                .isInstanceOf(SourceFailedException.class)
                .hasMessageContaining("in use by a running Neo4j server")
                .hasMessageContaining("BackupPipeline.Builder.hook(BackupHooks.commands(")
                .hasMessageContaining("--stop-command / --start-command")
                .hasMessageContaining("BackupHooks.alreadyOffline() (CLI: --already-offline)");
        assertThat(fake.calls()).doesNotContain("database dump --to-stdout neo4j");

        FakeNeo4jAdmin dumpSays = FakeNeo4jAdmin.in(dir.resolve("home2"))
                .on("dump", "echo \"ERROR [o.n.c.d.DumpCommand] Failed to dump database '$DB': The database is in use. "
                        + "Stop database '$DB' and try again.\" >&2\nexit 1")
                .install();
        assertThatThrownBy(() -> pipeline(AdminDumpSource.builder(dumpSays.admin(), "neo4j").describeDatabase(false)
                .build()).backup())
                .isInstanceOfSatisfying(SourceFailedException.class, e -> assertThat(e.exitCode()).hasValue(1))
                .hasMessageContaining("BackupPipeline.Builder.hook(");

        FakeNeo4jAdmin infoSays = FakeNeo4jAdmin.in(dir.resolve("home3"))
                .on("info", FakeNeo4jAdmin.INFO_OFFLINE.replace("\"inUse\":\"false\"", "\"inUse\":\"true\""))
                .install();
        assertThatThrownBy(() -> pipeline(AdminDumpSource.of(infoSays.admin(), "neo4j")).backup())
                .isInstanceOf(SourceFailedException.class)
                .hasMessageContaining("reports it in use").hasMessageContaining("--already-offline");
        assertThat(infoSays.calls()).doesNotContain("database dump --to-stdout neo4j");
        assertThat(target.keys()).isEmpty();
    }

    @Test
    void missingDatabaseSaysWhereItLooked() {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home"))
                .on("info", "echo \"Database does not exist: '$DB'. Directory '$H/data/databases/$DB' does not contain "
                        + "a database\" >&2\nexit 1")
                .install();
        assertThatThrownBy(() -> pipeline(AdminDumpSource.of(fake.admin(), "other")).backup())
                .isInstanceOf(SourceFailedException.class)
                .hasMessageContaining("database 'other' does not exist in this Neo4j installation")
                .hasMessageContaining("NEO4J_CONF");
    }

    @Test
    void invalidDatabaseNameIsRejectedBeforeAnyProcessStarts() {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).install();
        for (String bad : List.of("neo4j; rm -rf /", "$(reboot)", "neo4j*", "--to-path=/etc", "", "a b", "../x")) {
            assertThatThrownBy(() -> AdminDumpSource.of(fake.admin(), bad)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> AdminLoadSink.of(fake.admin(), bad)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> AdminCheck.of(fake.admin()).check(bad)).isInstanceOf(InvalidInputException.class);
        }
        assertThatThrownBy(() -> AdminDumpSource.of(fake.admin(), "neo4j; rm -rf /"))
                .hasMessageContaining("Invalid database name 'neo4j; rm -rf /'");
        assertThat(fake.wasInvoked()).isFalse();
    }

    @Test
    void outputThatIsNotADumpIsRefused() {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home"))
                .on("dump", "echo 'Picked up JAVA_TOOL_OPTIONS: -Xmx1g'\ncat \"$SAMPLE\"").install();
        assertThatThrownBy(() -> pipeline(AdminDumpSource.of(fake.admin(), "neo4j")).backup())
                .isInstanceOf(SourceFailedException.class)
                .hasMessageContaining("is not a Neo4j dump")
                .hasMessageContaining("\"Pick\"");
        assertThat(target.keys()).isEmpty();
    }

    @Test
    void failingRestartHookIsLoudButTheBackupIsKept() throws IOException {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).install();
        Path log = fake.file("calls.log");
        BackupPipeline pipeline = pipeline(AdminDumpSource.of(fake.admin(), "neo4j")).toBuilder()
                .hook(BackupHooks.commands(List.of("sh", "-c", "echo STOP >> \"$1\"", "stop", log.toString()),
                        List.of("sh", "-c", "echo START >> \"$1\"; echo 'Job for neo4j.service failed' >&2; exit 4",
                                "start", log.toString()),
                        Duration.ofSeconds(20), Map.of()))
                .build();

        assertThatThrownBy(pipeline::backup).isInstanceOfSatisfying(HookFailedException.class, e -> {
            assertThat(e.getMessage()).contains("Job for neo4j.service failed").contains("may still be stopped");
            assertThat(e.result().manifest().source().attributes()).containsKey("downtime.ms")
                    .containsEntry("hook", "command");
        });
        List<String> calls = fake.calls();
        assertThat(calls.get(0)).isEqualTo("STOP");
        assertThat(calls.get(calls.size() - 1)).isEqualTo("START");
        assertThat(calls.indexOf("database dump --to-stdout neo4j")).isBetween(1, calls.size() - 2);
        assertThat(pipeline.list()).hasSize(1);
        assertThat(Files.readString(log)).contains("STOP");
    }

    @Test
    void describesItselfWithoutEnvironmentValues() {
        Neo4jAdmin admin = Neo4jAdmin.command(List.of("docker", "exec", "-i", "neo4j", "neo4j-admin"))
                .environment("NEO4J_PASSWORD_FOR_TEST", "s3cr3t-value").build();
        AdminDumpSource source = AdminDumpSource.of(admin, "neo4j");
        assertThat(source.toString()).contains("docker exec -i neo4j neo4j-admin").contains("NEO4J_PASSWORD_FOR_TEST")
                .doesNotContain("s3cr3t-value");
        assertThat(admin.commandLine(List.of("database", "dump", "neo4j")))
                .containsExactly("docker", "exec", "-i", "neo4j", "neo4j-admin", "database", "dump", "neo4j");
        assertThat(source.compressedOutput()).isTrue();
        assertThat(source.extension()).isEqualTo("dump");
    }
}
