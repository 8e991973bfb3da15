package io.github.neo4jbackup.reliability;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.LockHeldException;
import io.github.neo4jbackup.core.Secret;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.internal.RepositoryLock;
import io.github.neo4jbackup.core.lock.LockState;
import io.github.neo4jbackup.core.lock.LockTakeover;
import io.github.neo4jbackup.core.lock.ProcessIdentity;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.reliability.ReliabilitySupport.BytesSource;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import io.github.neo4jbackup.storage.s3.S3ProxyServer;
import io.github.neo4jbackup.storage.s3.S3StorageTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * <b>Guarantee shown:</b> a lock left by a backup process that was killed ({@code SIGKILL}) on
 * this host is taken over at once by the next run, with a warning naming the dead holder (host,
 * PID, age), on a local directory and on S3; a holder's heartbeat advances while it works; and of
 * several processes that find the same stale lock together, exactly one wins, round after round.
 *
 * <p>The children are real JVMs running {@link Child}: a backup whose source writes slowly (so it
 * can be killed mid-upload), or a racer that takes the lock when told to and holds it until its
 * standard input closes.
 */
class LockRecoveryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String EVENT = "@@";
    private static final ObjectKey LOCK = ObjectKey.of("locks/neo4j.lock");
    private static final String S3_KEY_ENV = "LOCK_TEST_S3_KEY_ID";
    private static final String S3_SECRET_ENV = "LOCK_TEST_S3_SECRET";

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    // --------------------------------------------------------------------------------- child

    /**
     * A child JVM. {@code backup <target>}: one backup whose source writes 64 KiB every 20 ms
     * for up to a minute, lock heartbeat every 200 ms. {@code race <target>}: says {@code ready},
     * waits for {@code go}, then backs up with a source that reports {@code won} and waits until
     * standard input closes; a refused run reports {@code refused}.
     */
    public static final class Child {

        /**
         * Runs the child.
         *
         * @param args mode and target ({@code local:<dir>} or {@code s3:<endpoint>|<bucket>})
         * @throws Exception when the backup fails
         */
        public static void main(String[] args) throws Exception {
            PrintStream out = System.out;
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            StorageTarget target = openTarget(args[1]);
            if (args[0].equals("backup")) {
                BackupSource slow = new Source(out, context -> {
                    Random random = new Random(1);
                    byte[] chunk = new byte[64 * 1024];
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    boolean first = true;
                    while (System.nanoTime() < end) {
                        random.nextBytes(chunk);
                        context.out.write(chunk);
                        if (first) {
                            out.println(EVENT + "writing");
                            out.flush();
                            first = false;
                        }
                        Thread.sleep(20);
                    }
                });
                BackupPipeline.builder().source(slow).target(target).lockRefreshInterval(Duration.ofMillis(200))
                        .lockStaleAfter(Duration.ofMinutes(10)).build().backup();
                out.println(EVENT + "done");
                return;
            }
            out.println(EVENT + "ready");
            out.flush();
            if (!"go".equals(in.readLine())) {
                return;
            }
            BackupSource holder = new Source(out, context -> {
                out.println(EVENT + "won");
                out.flush();
                while (in.readLine() != null) {
                    // hold the lock until the parent closes our input
                }
                context.out.write(new byte[] {1, 2, 3});
            });
            try {
                BackupPipeline.builder().source(holder).target(target).build().backup();
            } catch (LockHeldException e) {
                out.println(EVENT + "refused " + e.getMessage().replace('\n', ' '));
                out.flush();
            }
        }

        private static StorageTarget openTarget(String spec) {
            if (spec.startsWith("local:")) {
                return LocalStorageTarget.of(Path.of(spec.substring("local:".length())));
            }
            String[] parts = spec.substring("s3:".length()).split("\\|");
            return CrashLoopTest.s3Target(URI.create(parts[0]), parts[1], System.getenv(S3_KEY_ENV),
                    Secret.of(System.getenv(S3_SECRET_ENV)));
        }

        /** What a child's source does while inside the lock. */
        interface Body {
            void run(Context context) throws Exception;
        }

        /** The output a body writes to. */
        record Context(OutputStream out) {
        }

        private record Source(PrintStream events, Body body) implements BackupSource {
            @Override
            public String type() {
                return "child";
            }

            @Override
            public String database() {
                return "neo4j";
            }

            @Override
            public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
                try {
                    body.run(new Context(out));
                } catch (IOException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IOException(e);
                }
                return SourceDescription.of("child", "neo4j");
            }
        }
    }

    private Process startChild(String mode, String targetSpec, Map<String, String> env) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Child.class.getName(), mode, targetSpec)
                .redirectError(dir.resolve("child-" + children.size() + ".err").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        children.add(p);
        return p;
    }

    private static String awaitEvent(BufferedReader events, String prefix, Process p) throws IOException {
        String line;
        while ((line = events.readLine()) != null) {
            if (line.startsWith(EVENT + prefix)) {
                return line.substring(EVENT.length());
            }
        }
        throw new AssertionError("the child (pid " + p.pid() + ") ended without reporting '" + prefix + "'");
    }

    // ------------------------------------------------------------------------------- SIGKILL

    @Test
    void aBackupKilledMidWayOnALocalDirectoryLeavesALockTheNextBackupTakesOverAtOnce() throws Exception {
        Path repo = dir.resolve("repo");
        killMidBackupThenRetry(LocalStorageTarget.of(repo), "local:" + repo, Map.of());
    }

    @Test
    void aBackupKilledMidUploadOnS3LeavesALockTheNextBackupTakesOverAtOnce() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start("lock-access", "lock-s3cret")) {
            String bucket = s3.newBucket("lock");
            S3StorageTarget target = CrashLoopTest.s3Target(s3.endpoint(), bucket, "lock-access",
                    Secret.of("lock-s3cret"));
            try (target) {
                killMidBackupThenRetry(target, "s3:" + s3.endpoint() + "|" + bucket,
                        Map.of(S3_KEY_ENV, "lock-access", S3_SECRET_ENV, "lock-s3cret"));
            }
        }
    }

    private void killMidBackupThenRetry(StorageTarget target, String spec, Map<String, String> env)
            throws Exception {
        Process child = startChild("backup", spec, env);
        BufferedReader events = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8));
        awaitEvent(events, "writing", child);
        // the heartbeat of the running child advances
        Instant firstBeat = heartbeat(target);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!heartbeat(target).isAfter(firstBeat.plusMillis(500)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Instant lastBeat = heartbeat(target);
        assertThat(lastBeat).as("the child's heartbeat advanced").isAfter(firstBeat.plusMillis(500));
        JsonNode lock = MAPPER.readTree(target.open(LOCK).readAllBytes());
        assertThat(lock.path("pid").asLong()).isEqualTo(child.pid());
        assertThat(lock.path("host").asText()).isEqualTo(ProcessIdentity.localHostName());

        child.destroyForcibly(); // SIGKILL
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(137);
        assertThat(target.stat(LOCK)).as("the killed run left its lock").isPresent();

        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger lockLogger = (Logger) LoggerFactory.getLogger(RepositoryLock.class);
        log.start();
        lockLogger.addAppender(log);
        List<LockTakeover> takeovers = new ArrayList<>();
        BackupPipeline next = BackupPipeline.builder().source(new BytesSource("neo4j", new byte[200_000]))
                .transform(Compression.zstd()).target(target).listener(new BackupListener() {
                    @Override
                    public void lockTakenOver(LockTakeover takeover) {
                        takeovers.add(takeover);
                    }
                }).build();
        BackupResult result;
        try {
            result = next.backup(); // immediately: the lock is fresh, but its process is gone
        } finally {
            lockLogger.detachAppender(log);
        }
        assertThat(takeovers).singleElement().satisfies(t -> {
            assertThat(t.state()).isEqualTo(LockState.HOLDER_GONE);
            assertThat(t.previous().process().orElseThrow().pid()).isEqualTo(child.pid());
            assertThat(t.previous().expiresAt()).as("not expired: taken over because its process is gone")
                    .isAfter(Instant.now().plus(Duration.ofMinutes(5)));
        });
        assertThat(log.list).anySatisfy(e -> {
            assertThat(e.getLevel().toString()).isEqualTo("WARN");
            assertThat(e.getFormattedMessage()).contains("Taking over the repository lock locks/neo4j.lock")
                    .contains("pid " + child.pid()).contains("host " + ProcessIdentity.localHostName())
                    .contains(" ago").contains("no longer running");
        });
        assertThat(next.verify(result.id(), VerifyLevel.FULL).ok()).isTrue();
        assertThat(next.list()).extracting(m -> m.id()).containsExactly(result.id());
        assertThat(target.stat(LOCK)).isEmpty();
    }

    private static Instant heartbeat(StorageTarget target) throws IOException {
        return Instant.parse(MAPPER.readTree(target.open(LOCK).readAllBytes()).path("heartbeatAt").asText());
    }

    // ---------------------------------------------------------------------------- interrupt

    @Test
    void anInterruptedBackupOnALocalDirectoryLeavesNoLockAndNothingStored() throws Exception {
        Path repo = dir.resolve("interrupted");
        interruptMidBackup(LocalStorageTarget.of(repo));
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(repo)) {
            assertThat(files.filter(java.nio.file.Files::isRegularFile).toList())
                    .as("no lock, no data object, no temporary file").isEmpty();
        }
    }

    @Test
    void anInterruptedBackupOnS3LeavesNoLockNoUploadAndNothingStored() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        String bucket = s3.newBucket("interrupted");
        try (S3StorageTarget target = CrashLoopTest.s3Target(s3.endpoint(), bucket, S3ProxyServer.ACCESS_KEY,
                Secret.of(S3ProxyServer.SECRET_KEY))) {
            interruptMidBackup(target);
        }
        assertThat(s3.allKeys(bucket)).as("no lock, no data object").isEmpty();
        assertThat(s3.pendingUploads(bucket)).as("the multipart upload was aborted").isEmpty();
    }

    /** Runs a backup whose source writes until interrupted, interrupts it mid-upload, checks it failed. */
    private static void interruptMidBackup(StorageTarget target) throws Exception {
        java.util.concurrent.CountDownLatch flowing = new java.util.concurrent.CountDownLatch(1);
        BackupSource endless = new BackupSource() {
            @Override
            public String type() {
                return "endless";
            }

            @Override
            public String database() {
                return "neo4j";
            }

            @Override
            public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
                Random random = new Random(3);
                byte[] chunk = new byte[256 * 1024];
                long written = 0;
                while (!context.cancelled()) {
                    random.nextBytes(chunk);
                    out.write(chunk);
                    written += chunk.length;
                    if (written > 12L * 1024 * 1024) {
                        flowing.countDown();
                    }
                }
                throw new java.io.InterruptedIOException("cancelled after " + written + " bytes");
            }
        };
        BackupPipeline pipeline = BackupPipeline.builder().source(endless).target(target).build();
        java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
        Thread runner = new Thread(() -> {
            try {
                pipeline.backup();
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        runner.start();
        assertThat(flowing.await(60, TimeUnit.SECONDS)).as("data flows").isTrue();
        runner.interrupt();
        Throwable failure = outcome.get(60, TimeUnit.SECONDS);
        assertThat(failure).as("the interrupted backup failed").isInstanceOf(io.github.neo4jbackup.core.BackupException.class);
        assertThat(pipeline.list()).isEmpty();
        assertThat(target.stat(LOCK)).as("the lock was released").isEmpty();
    }

    // ---------------------------------------------------------------------------------- race

    @Test
    void processesRacingForOneStaleLockNeverBothWin() throws Exception {
        int rounds = Integer.getInteger("lock.race.rounds", 8);
        int racers = 3;
        Path repo = dir.resolve("race");
        LocalStorageTarget target = LocalStorageTarget.of(repo);
        int refusals = 0;
        for (int round = 0; round < rounds; round++) {
            plantStaleLock(target, round);
            List<Process> procs = new ArrayList<>();
            List<BufferedReader> outs = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                Process p = startChild("race", "local:" + repo, Map.of());
                procs.add(p);
                outs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
            }
            for (int i = 0; i < racers; i++) {
                awaitEvent(outs.get(i), "ready", procs.get(i));
            }
            for (Process p : procs) {
                p.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().flush();
            }
            int won = 0;
            for (int i = 0; i < racers; i++) {
                String outcome = readOutcome(outs.get(i), procs.get(i));
                if (outcome.equals("won")) {
                    won++;
                } else {
                    assertThat(outcome).startsWith("refused").contains("held by");
                    refusals++;
                }
            }
            assertThat(won).as("round %d: exactly one process took the stale lock over", round).isEqualTo(1);
            for (Process p : procs) {
                p.getOutputStream().close();
            }
            for (Process p : procs) {
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as("round %d", round).isZero();
            }
            assertThat(target.stat(LOCK)).isEmpty();
            assertThat(target.stat(ObjectKey.of(LOCK.value() + ".takeover"))).isEmpty();
            Thread.sleep(1000); // the next winner's backup gets its own second
        }
        assertThat(refusals).isEqualTo(rounds * (racers - 1));
    }

    private static String readOutcome(BufferedReader events, Process p) throws IOException {
        String line;
        while ((line = events.readLine()) != null) {
            if (line.startsWith(EVENT + "won") || line.startsWith(EVENT + "refused")) {
                return line.substring(EVENT.length());
            }
        }
        throw new AssertionError("racer pid " + p.pid() + " ended without an outcome");
    }

    /** Even rounds: a lock of a process on this host that has ended; odd rounds: an expired lock of another host. */
    private static void plantStaleLock(StorageTarget target, int round) throws Exception {
        String host;
        long pid;
        Instant heartbeat;
        if (round % 2 == 0) {
            Process gone = new ProcessBuilder("true").start();
            assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
            host = ProcessIdentity.localHostName();
            pid = gone.pid();
            heartbeat = Instant.now();
        } else {
            host = "elsewhere";
            pid = 4242;
            heartbeat = Instant.now().minus(Duration.ofMinutes(20));
        }
        String json = "{\"format\":2,\"owner\":\"ops@" + host + " (pid " + pid + ")\",\"operation\":\"backup dead\","
                + "\"token\":\"dead-" + round + "\",\"host\":\"" + host + "\",\"pid\":" + pid + ",\"acquiredAt\":\""
                + heartbeat.minusSeconds(60) + "\",\"heartbeatAt\":\"" + heartbeat + "\",\"expiresAt\":\""
                + heartbeat.plus(Duration.ofMinutes(5)) + "\"}";
        try (PendingObject p = target.create(LOCK, Map.of(), WriteMode.CREATE_NEW)) {
            p.stream().write(json.getBytes(StandardCharsets.UTF_8));
            p.commit();
        }
    }
}
