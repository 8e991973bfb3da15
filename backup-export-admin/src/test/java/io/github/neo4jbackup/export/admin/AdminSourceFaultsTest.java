package io.github.neo4jbackup.export.admin;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.HookFailedException;
import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.core.hook.BackupHooks;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.BackupHook;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import io.github.neo4jbackup.testkit.ReliabilityFigures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Source faults of the offline neo4j-admin engine against the real tools (a Neo4j 5.26 Community
 * server and neo4j-admin from Maven Central jars, see {@link Neo4jHome}). The server is managed like
 * a service: the hooks are real processes, {@code bin/neo4j-stop} (SIGTERM, wait for the exit) and
 * {@code bin/neo4j-start} (start in the background, wait for {@code Started.}), and
 * {@code bin/neo4j-admin} is a launcher that records every call with its process id.
 *
 * <ol>
 *   <li>neo4j-admin killed (SIGKILL) while the dump streams: {@link SourceFailedException} with the
 *       exit code and the reason, nothing in the repository, and the start hook ran: the server
 *       answers queries again;</li>
 *   <li>the stop hook fails after it stopped the server (a stop that times out, say): the backup
 *       fails before neo4j-admin runs, nothing is stored, and the start hook still runs and brings
 *       the server back;</li>
 *   <li>the start hook fails after a good dump: {@link HookFailedException}, loud, with the stored
 *       and listed backup in it (this also shows the repository works after the two failures), and
 *       the server is indeed still stopped.</li>
 * </ol>
 * Prints one {@code [reliability]} line and appends it to {@code target/reliability/figures.tsv}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AdminSourceFaultsTest {

    private static final int NODES = 20_000;
    private static final Duration HOOK_TIMEOUT = Duration.ofMinutes(2);

    private Path work;
    private Neo4jHome home;
    private Path repository;
    private Path hookLog;
    private int faults;
    private int clearFailures;
    private int restartsVerified;
    private long manifestsLeft;
    private long objectsLeft;
    private int backupsKept;

    @BeforeAll
    void startTheServerAsAService() throws Exception {
        assumeFalse(Boolean.getBoolean("neo4j.it.skip"), "neo4j-home.skip is set");
        Path lib = Path.of(System.getProperty("neo4j.home.lib", "target/neo4j-home/lib"));
        Neo4jHome.requireLib(lib);
        java.util.logging.Logger.getLogger("org.neo4j.driver").setLevel(Level.WARNING);
        Path runs = Path.of("target", "admin-source-faults").toAbsolutePath();
        deleteTree(runs);
        work = runs.resolve(Long.toString(System.currentTimeMillis()));
        home = Neo4jHome.create(work.resolve("home"), lib);
        home.installServiceScripts();
        repository = work.resolve("repository");
        hookLog = work.resolve("hooks.log");
        run(home.startScript());
        try (Driver driver = AgentMemoryGraph.driver(home.boltUri()); Session s = driver.session()) {
            s.run("UNWIND range(1, $n) AS i CREATE (:Item {i: i, s: randomUUID() + randomUUID() + randomUUID()})",
                    Map.of("n", NODES)).consume();
        }
    }

    @AfterAll
    void stopTheServerAndRecordFigures() throws Exception {
        if (home != null) {
            run(home.stopScript());
        }
        if (work != null) {
            ReliabilityFigures.record("source-faults-admin", "faults=" + faults + " clear-failures=" + clearFailures
                    + " manifests-left=" + manifestsLeft + " objects-left=" + objectsLeft + " restarts-verified="
                    + restartsVerified + " backups-kept-after-start-hook-failure=" + backupsKept);
        }
    }

    @Test
    @Order(1)
    void neo4jAdminKilledMidDumpFailsCleanlyAndTheStartHookBringsTheServerBack() throws Exception {
        long[] killed = {0};
        BackupSource dump = dumpSource();
        BackupSource killing = afterFirstBytes(dump, () -> killed[0] = killTheRunningDump());
        BackupPipeline pipeline = pipeline(killing, serviceHooks());

        Throwable thrown = failure(pipeline);

        assertThat(killed[0]).as("a running neo4j-admin dump was killed").isPositive();
        assertThat(thrown).isInstanceOfSatisfying(SourceFailedException.class, e -> {
            assertThat(e.exitCode()).hasValue(137);
            assertThat(e.getMessage()).contains("killed by signal 9").contains("neo4j");
        });
        assertNothingStored(pipeline);
        assertThat(hookCalls()).containsExactly("stop", "start");
        assertServerAnswers();
        clearFailures++;
    }

    @Test
    @Order(2)
    void failingStopHookRunsNoDumpAndTheStartHookStillRuns() throws Exception {
        int adminCallsBefore = home.adminCalls().size();
        // the service stopped, but the stop command reports a failure (as a stop that timed out does)
        BackupHook hook = BackupHooks.commands(
                List.of("sh", "-c", "echo stop >> \"$2\"; \"$1\" && echo 'neo4j.service: stop timed out' >&2; exit 3",
                        "stop", home.stopScript().toString(), hookLog.toString()),
                List.of("sh", "-c", "echo start >> \"$2\"; exec \"$1\"", "start", home.startScript().toString(),
                        hookLog.toString()),
                HOOK_TIMEOUT, Map.of());
        BackupPipeline pipeline = pipeline(dumpSource(), hook);

        Throwable thrown = failure(pipeline);

        assertThat(thrown).isInstanceOf(SourceFailedException.class)
                .hasMessageContaining("hook could not prepare database 'neo4j'")
                .hasMessageContaining("stop timed out")
                .hasMessageContaining("Nothing was backed up");
        assertThat(home.adminCalls()).as("neo4j-admin was not started").hasSize(adminCallsBefore);
        assertNothingStored(pipeline);
        assertThat(hookCalls()).containsExactly("stop", "start");
        assertServerAnswers();
        clearFailures++;
    }

    @Test
    @Order(3)
    void failingStartHookAfterAGoodDumpIsLoudAndKeepsTheBackup() throws Exception {
        BackupHook hook = BackupHooks.commands(
                List.of("sh", "-c", "echo stop >> \"$2\"; exec \"$1\"", "stop", home.stopScript().toString(),
                        hookLog.toString()),
                List.of("sh", "-c", "echo start >> \"$1\"; echo 'Job for neo4j.service failed' >&2; exit 4",
                        "start", hookLog.toString()),
                HOOK_TIMEOUT, Map.of());
        BackupPipeline pipeline = pipeline(dumpSource(), hook);

        Throwable thrown = failure(pipeline);

        assertThat(thrown).isInstanceOfSatisfying(HookFailedException.class, e -> {
            assertThat(e.getMessage()).contains("is stored and verified").contains("Job for neo4j.service failed")
                    .contains("may still be stopped: check it now");
            Manifest m = e.result().manifest();
            assertThat(m.object().rawSize()).isPositive();
            assertThat(m.source().attributes()).containsEntry("dump.format", "DZV1").containsEntry("hook", "command")
                    .containsKey("downtime.ms");
        });
        assertThat(pipeline.list()).as("the backup is kept and listed").hasSize(1);
        assertThat(hookCalls()).containsExactly("stop", "start");
        assertThat(home.serverPid()).as("the server is really still stopped, as the message warns").isEmpty();
        clearFailures++;
        backupsKept++;
    }

    /** The dump without the {@code info} step (its extra JVM start is not under test here). */
    private BackupSource dumpSource() {
        return AdminDumpSource.builder(home.admin(), "neo4j").describeDatabase(false).build();
    }

    private BackupHook serviceHooks() {
        return BackupHooks.commands(
                List.of("sh", "-c", "echo stop >> \"$2\"; exec \"$1\"", "stop", home.stopScript().toString(),
                        hookLog.toString()),
                List.of("sh", "-c", "echo start >> \"$2\"; exec \"$1\"", "start", home.startScript().toString(),
                        hookLog.toString()),
                HOOK_TIMEOUT, Map.of());
    }

    private BackupPipeline pipeline(BackupSource source, BackupHook hook) throws IOException {
        Files.deleteIfExists(hookLog);
        return BackupPipeline.builder().source(source).hook(hook).target(LocalStorageTarget.of(repository)).build();
    }

    private Throwable failure(BackupPipeline pipeline) {
        faults++;
        return catchThrowable(pipeline::backup);
    }

    private void assertNothingStored(BackupPipeline pipeline) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.exists(repository) ? Files.walk(repository) : Stream.empty()) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        long manifests = files.stream().filter(p -> p.toString().endsWith(".manifest.json")).count();
        manifestsLeft += manifests;
        objectsLeft += files.size() - manifests;
        assertThat(pipeline.list()).as("no backup listed").isEmpty();
        assertThat(files).as("no data object, no manifest, no lock left").isEmpty();
    }

    private List<String> hookCalls() throws IOException {
        return Files.exists(hookLog) ? Files.readAllLines(hookLog) : List.of();
    }

    private void assertServerAnswers() {
        assertThat(home.serverPid()).as("a server process runs").isPresent();
        try (Driver driver = AgentMemoryGraph.driver(home.boltUri()); Session s = driver.session()) {
            assertThat(s.run("MATCH (n:Item) RETURN count(n) AS c").single().get("c").asLong()).isEqualTo(NODES);
        }
        restartsVerified++;
    }

    /** Kills the neo4j-admin process that is dumping (SIGKILL) and returns its process id. */
    private long killTheRunningDump() {
        List<String> calls = home.adminCalls();
        String last = calls.isEmpty() ? "" : calls.get(calls.size() - 1);
        assertThat(last).as("the last neo4j-admin call is the dump").contains("database dump");
        long pid = Long.parseLong(last.substring(0, last.indexOf(' ')));
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("neo4j-admin " + pid
                + " is not running"));
        assertThat(process.info().commandLine().orElse("")).contains("Neo4jAdminCommand");
        assertThat(process.destroyForcibly()).as("SIGKILL sent").isTrue();
        process.onExit().join();
        return pid;
    }

    /** The source, with {@code action} run once in the exporting thread when the first bytes arrive. */
    private static BackupSource afterFirstBytes(BackupSource source, Runnable action) {
        return new BackupSource() {
            @Override
            public String type() {
                return source.type();
            }

            @Override
            public String database() {
                return source.database();
            }

            @Override
            public String extension() {
                return source.extension();
            }

            @Override
            public boolean compressedOutput() {
                return source.compressedOutput();
            }

            @Override
            public Map<String, String> prepare() throws IOException {
                return source.prepare();
            }

            @Override
            public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
                return source.export(new FilterOutputStream(out) {
                    private boolean fired;

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        if (!fired) {
                            // neo4j-admin is blocked on its full output pipe meanwhile: it is still running
                            fired = true;
                            action.run();
                        }
                        out.write(b, off, len);
                    }
                }, context);
            }
        };
    }

    private static void run(Path script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(script.toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(script + " failed: " + output);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
