package io.github.neo4jbackup.reliability;

import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.PruneResult;
import io.github.neo4jbackup.core.Secret;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.lock.LockState;
import io.github.neo4jbackup.core.lock.LockTakeover;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.Transformer;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.core.storage.ForwardingStorageTarget;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.encryption.age.AgeEncryption;
import io.github.neo4jbackup.reliability.ReliabilitySupport.BytesSource;
import io.github.neo4jbackup.reliability.ReliabilitySupport.RecordingSink;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import io.github.neo4jbackup.storage.s3.S3Config;
import io.github.neo4jbackup.storage.s3.S3ProxyServer;
import io.github.neo4jbackup.storage.s3.S3StorageTarget;
import io.github.neo4jbackup.testkit.ManualClock;
import io.github.neo4jbackup.testkit.ReliabilityFigures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * <b>Guarantee shown:</b> a backup process killed with {@code SIGKILL} at any point leaves the
 * repository either with a complete backup that verifies and restores byte-identically, or with no
 * backup of that run — never a manifest without good data — and the repository recovers by itself:
 * the dead run's lock (its process on this host is gone) is taken over at once by the next backup,
 * which succeeds, and prune removes what the dead run left (data object without manifest, temporary
 * files) once the orphan grace period has passed, not before.
 *
 * <p>Each iteration starts a child JVM ({@link Child}) that runs a real {@link BackupPipeline}
 * (a few MB of Graphiti-like JSON lines, zstd, and in every other iteration age X25519) into a
 * {@link LocalStorageTarget}. The child reports its progress on stdout (lock written, data object
 * created, every 64 KiB of raw data, data object committed, manifest created and committed, lock
 * released) and waits for an answer after each report. The parent picks a seeded kill plan: at a
 * random raw byte offset, at one of the reported steps, or after a random delay regardless of the
 * steps; it then kills the child with {@link Process#destroyForcibly()} (SIGKILL on Linux, exit
 * status 137) and checks the repository. Where the child really died (before the data object was
 * committed, after it but before the manifest, after the manifest) is read from the repository,
 * not assumed. A few iterations do the same against S3 (S3Proxy in this JVM, file-system blob
 * store; the child talks HTTP to it).
 *
 * <p>Clocks: the child's clock runs {@code (i + 1)} days ahead of real time in iteration {@code i}
 * (so every run has its own backup id); the parent's recovery run uses a clock it sets just after
 * the kill, well within the child's {@code lockStaleAfter} of 10 minutes: it must take the dead
 * run's lock over at once because the child's process is gone. Files written by the child carry real modification times, so a
 * prune with a grace period longer than the clock offset must keep them and one with a grace of an
 * hour must remove them.
 *
 * <p>System properties: {@code crash.iterations} (local iterations, default 15),
 * {@code crash.s3.iterations} (default 3, 0 to skip), {@code crash.bytes} (raw size of each
 * backup, default 4 MiB), {@code crash.seed}.
 */
class CrashLoopTest {

    private static final int ITERATIONS = Integer.getInteger("crash.iterations", 15);
    private static final int S3_ITERATIONS = Integer.getInteger("crash.s3.iterations", 3);
    private static final int BYTES = Integer.getInteger("crash.bytes", 4 * 1024 * 1024);
    private static final long SEED = Long.getLong("crash.seed", 9_111_2026L);
    private static final Duration CHILD_LOCK_STALE_AFTER = Duration.ofMinutes(10);
    private static final String EVENT = "@@event ";
    private static final String S3_ACCESS_KEY = "reliability-access";
    private static final String S3_SECRET_KEY = "reliability-s3cret";
    private static final String S3_KEY_ENV = "CRASH_TEST_S3_KEY_ID";
    private static final String S3_SECRET_ENV = "CRASH_TEST_S3_SECRET";

    // ------------------------------------------------------------------------------ child JVM

    /**
     * Entry point of the child JVM. Arguments: target ({@code local:<dir>} or
     * {@code s3:<endpoint>|<bucket>}), seed of the data, size, clock offset in ms, chain
     * ({@code zstd} or {@code zstd+age:<recipient>}; the child only encrypts, so it never sees the
     * identity). S3 credentials come from the environment, never from arguments.
     */
    public static final class Child {
        private static final BufferedReader IN = new BufferedReader(new InputStreamReader(System.in,
                StandardCharsets.UTF_8));

        /** Reports a step and waits until the parent lets it go on (or kills it). */
        static synchronized void report(String what) {
            System.out.println(EVENT + what);
            System.out.flush();
            try {
                if (IN.readLine() == null) {
                    Runtime.getRuntime().halt(3); // the parent went away
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Runs one backup, reporting each step and waiting for the parent after each.
         *
         * @param args see the class comment
         * @throws Exception when the backup fails (the parent then sees a non-zero exit status)
         */
        public static void main(String[] args) throws Exception {
            StorageTarget base = openTarget(args[0]);
            byte[] data = ReliabilitySupport.graphitiLines(Integer.parseInt(args[2]), Long.parseLong(args[1]));
            Clock clock = Clock.offset(Clock.systemUTC(), Duration.ofMillis(Long.parseLong(args[3])));
            List<Transformer> chain = new ArrayList<>(List.of(Compression.zstd()));
            if (args[4].startsWith("zstd+age:")) {
                chain.add(AgeEncryption.toRecipients(args[4].substring("zstd+age:".length())));
            }
            StorageTarget reporting = new ForwardingStorageTarget(base) {
                @Override
                public PendingObject create(ObjectKey key, Map<String, String> metadata, WriteMode mode)
                        throws IOException {
                    report("create " + key.value());
                    PendingObject pending = super.create(key, metadata, mode);
                    return new PendingObject() {
                        @Override
                        public ObjectKey key() {
                            return pending.key();
                        }

                        @Override
                        public OutputStream stream() {
                            return pending.stream();
                        }

                        @Override
                        public ObjectInfo commit() throws IOException {
                            ObjectInfo info = pending.commit();
                            report("committed " + key.value());
                            return info;
                        }

                        @Override
                        public void abort() {
                            pending.abort();
                        }

                        @Override
                        public void close() {
                            pending.close();
                        }
                    };
                }

                @Override
                public void delete(ObjectKey key) throws IOException {
                    report("delete " + key.value());
                    super.delete(key);
                }
            };
            BytesSource source = new BytesSource("neo4j", data, total -> {
                if (total % (64 * 1024) == 0 || total == data.length) {
                    report("raw " + total);
                }
            });
            BackupResult result = BackupPipeline.builder().source(source).transformers(chain).target(reporting)
                    .clock(clock).lockStaleAfter(CHILD_LOCK_STALE_AFTER).build().backup();
            report("done " + result.id());
            System.exit(0);
        }

        private static StorageTarget openTarget(String spec) {
            if (spec.startsWith("local:")) {
                return LocalStorageTarget.of(Path.of(spec.substring("local:".length())));
            }
            String[] parts = spec.substring("s3:".length()).split("\\|");
            return s3Target(URI.create(parts[0]), parts[1], System.getenv(S3_KEY_ENV),
                    Secret.of(System.getenv(S3_SECRET_ENV)));
        }
    }

    static S3StorageTarget s3Target(URI endpoint, String bucket, String keyId, Secret secret) {
        return S3StorageTarget.builder().config(S3Config.builder().endpoint(endpoint).region("us-east-1")
                .pathStyle(true).credentials(keyId, secret).build()).bucket(bucket).prefix("crash")
                .partSize(S3StorageTarget.MIN_PART_SIZE).build();
    }

    // ------------------------------------------------------------------------------ the loop

    /** Where the child was when it died, as the repository shows it. */
    enum Phase { BEFORE_DATA_COMMIT, AFTER_DATA_BEFORE_MANIFEST, AFTER_MANIFEST, NOT_KILLED }

    /** A kill plan: a description and the report at which to kill (or a delay). */
    private record Plan(String name, Predicate<String> killAt, long delayMillis) {
    }

    /**
     * The first five iterations of a loop go through the reported steps in turn (so that even a
     * short loop sees every phase); later ones draw a plan at random.
     */
    private static Plan plan(Random random, int bytes, int iteration) {
        int[] firstChoices = {40, 65, 55, 0, 72};
        int choice = iteration < firstChoices.length ? firstChoices[iteration] : random.nextInt(100);
        if (choice < 35) {
            long offset = 64L * 1024 * (1 + random.nextInt(Math.max(1, bytes / (64 * 1024) - 1)));
            return new Plan("at raw byte " + offset, e -> e.startsWith("raw ")
                    && Long.parseLong(e.substring(4)) >= offset, -1);
        }
        if (choice < 50) {
            return new Plan("right after the data object was committed", e -> e.startsWith("committed ")
                    && !e.contains("locks/") && !e.endsWith(Manifest.KEY_SUFFIX), -1);
        }
        if (choice < 60) {
            return new Plan("while the manifest is pending", e -> e.startsWith("create ")
                    && e.endsWith(Manifest.KEY_SUFFIX), -1);
        }
        if (choice < 70) {
            return new Plan("right after the manifest was committed", e -> e.startsWith("committed ")
                    && e.endsWith(Manifest.KEY_SUFFIX), -1);
        }
        if (choice < 75) {
            return new Plan("right after the lock was written", e -> e.startsWith("committed ")
                    && e.contains("locks/"), -1);
        }
        long delay = 200 + random.nextInt(2500);
        return new Plan("after " + delay + " ms", e -> false, delay);
    }

    /** The repository under test: local directory or S3 bucket, seen from the parent. */
    private interface Repository {
        String childSpec();

        StorageTarget target();

        /** Temporary objects of incomplete writes (not listed as objects). */
        List<String> leftovers() throws IOException;

        Map<String, String> childEnvironment();
    }

    private static final class Figures {
        int iterations;
        int sigkills;
        int finishedBeforeKill;
        final Map<Phase, Integer> phases = new TreeMap<>();
        int completeBackupsFound;
        int deadLocksTakenOverAtOnce;
        int orphansKeptInGrace;
        int orphansCleaned;
        int leftoversCleaned;
        int recoveryBackups;
        int verifiedAtEnd;

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("iterations", iterations);
            m.put("sigkills", sigkills);
            m.put("finishedBeforeKill", finishedBeforeKill);
            m.put("phase.beforeDataCommit", phases.getOrDefault(Phase.BEFORE_DATA_COMMIT, 0));
            m.put("phase.afterDataBeforeManifest", phases.getOrDefault(Phase.AFTER_DATA_BEFORE_MANIFEST, 0));
            m.put("phase.afterManifest", phases.getOrDefault(Phase.AFTER_MANIFEST, 0));
            m.put("completeBackupsFoundAfterKill", completeBackupsFound);
            m.put("deadLocksTakenOverAtOnce", deadLocksTakenOverAtOnce);
            m.put("orphansKeptWithinGrace", orphansKeptInGrace);
            m.put("orphansCleaned", orphansCleaned);
            m.put("incompleteWritesCleaned", leftoversCleaned);
            m.put("recoveryBackups", recoveryBackups);
            m.put("backupsVerifiedAtEnd", verifiedAtEnd);
            m.put("data.lost", 0);
            return m;
        }
    }

    private static final AgeEncryption AGE;
    private static final String AGE_RECIPIENT;
    private static final String AGE_IDENTITY;

    static {
        try {
            KeyPair pair = new X25519KeyPairGenerator().generateKeyPair();
            AGE_RECIPIENT = pair.getPublic().toString();
            AGE_IDENTITY = pair.getPrivate().toString();
            AGE = AgeEncryption.builder().identity(Secret.of(AGE_IDENTITY)).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void killedBackupsLeaveACompleteBackupOrNoneAndTheRepositoryRecovers(@TempDir Path dir) throws Exception {
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo);
        LocalStorageTarget local = LocalStorageTarget.of(repo);
        Repository repository = new Repository() {
            @Override
            public String childSpec() {
                return "local:" + repo;
            }

            @Override
            public StorageTarget target() {
                return local;
            }

            @Override
            public List<String> leftovers() throws IOException {
                try (Stream<Path> files = Files.walk(repo)) {
                    return files.filter(Files::isRegularFile)
                            .filter(p -> LocalStorageTarget.isTemporaryFileName(p.getFileName().toString()))
                            .map(p -> repo.relativize(p).toString()).toList();
                }
            }

            @Override
            public Map<String, String> childEnvironment() {
                return Map.of();
            }
        };
        Figures figures = loop(repository, ITERATIONS, dir, SEED);
        ReliabilityFigures.record("crash/local", figures.asMap());
        assertThat(figures.sigkills).as("children really killed with SIGKILL").isGreaterThan(ITERATIONS / 2);
    }

    @Test
    void killedBackupsOnS3LeaveACompleteBackupOrNone(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(S3_ITERATIONS > 0, "crash.s3.iterations=0");
        try (S3ProxyServer server = S3ProxyServer.start(S3_ACCESS_KEY, S3_SECRET_KEY)) {
            String bucket = server.newBucket("crash");
            S3StorageTarget s3 = s3Target(server.endpoint(), bucket, S3_ACCESS_KEY,
                    Secret.of(S3_SECRET_KEY));
            Repository repository = new Repository() {
                @Override
                public String childSpec() {
                    return "s3:" + server.endpoint() + "|" + bucket;
                }

                @Override
                public StorageTarget target() {
                    return s3;
                }

                @Override
                public List<String> leftovers() {
                    List<String> found = new ArrayList<>(server.allKeys(bucket).stream()
                            .filter(k -> k.contains(S3StorageTarget.INCOMPLETE_FOLDER)).toList());
                    server.pendingUploads(bucket).forEach(u -> found.add("upload " + u));
                    return found;
                }

                @Override
                public Map<String, String> childEnvironment() {
                    return Map.of(S3_KEY_ENV, S3_ACCESS_KEY, S3_SECRET_ENV, S3_SECRET_KEY);
                }
            };
            try {
                Figures figures = loop(repository, S3_ITERATIONS, dir, SEED * 31);
                ReliabilityFigures.record("crash/s3", figures.asMap());
                assertThat(figures.sigkills).isGreaterThan(0);
            } finally {
                s3.close();
            }
        }
    }

    private Figures loop(Repository repository, int iterations, Path dir, long seed) throws Exception {
        Random random = new Random(seed);
        byte[] data = ReliabilitySupport.graphitiLines(BYTES, seed);
        Figures figures = new Figures();
        Set<String> knownGood = new HashSet<>();
        for (int i = 0; i < iterations; i++) {
            boolean age = i % 2 == 1;
            Duration offset = Duration.ofDays(i + 1);
            Plan plan = plan(random, BYTES, i);
            StorageTarget target = repository.target();
            BackupPipeline reader = BackupPipeline.builder().target(target).decoder(AGE).build();
            Set<String> manifestsBefore = manifestKeys(target);
            Set<String> objectsBefore = objectKeys(target);

            Killed killed = runAndKill(repository, dir, i, seed, offset, age, plan);
            figures.iterations++;
            if (killed.exitStatus == 137) {
                figures.sigkills++;
            } else {
                assertThat(killed.exitStatus).as("iteration %d (%s): the child ended on its own: %s", i, plan.name(),
                        killed.stderrTail).isZero();
                figures.finishedBeforeKill++;
            }
            String what = "iteration " + i + " (killed " + plan.name() + ", " + (age ? "zstd+age" : "zstd") + ")";

            // What the dead run left: a complete backup, or none of it.
            Set<String> newManifests = new HashSet<>(manifestKeys(target));
            newManifests.removeAll(manifestsBefore);
            Set<String> newObjects = new HashSet<>(objectKeys(target));
            newObjects.removeAll(objectsBefore);
            newObjects.removeIf(k -> k.startsWith("locks/") || k.endsWith(Manifest.KEY_SUFFIX));
            assertThat(newManifests).as(what + ": at most one new manifest").hasSizeLessThanOrEqualTo(1);
            Phase phase;
            if (killed.exitStatus != 137) {
                phase = Phase.NOT_KILLED;
            } else if (!newManifests.isEmpty()) {
                phase = Phase.AFTER_MANIFEST;
            } else if (!newObjects.isEmpty()) {
                phase = Phase.AFTER_DATA_BEFORE_MANIFEST;
            } else {
                phase = Phase.BEFORE_DATA_COMMIT;
            }
            figures.phases.merge(phase, 1, Integer::sum);
            assertThat(reader.list()).as(what + ": every manifest is readable").hasSize(manifestKeys(target).size());
            for (Manifest m : reader.list()) {
                if (!knownGood.contains(m.id())) {
                    VerifyReport report = reader.verify(m.id(), VerifyLevel.FULL);
                    assertThat(report.problems()).as(what + ": the backup with a manifest verifies").isEmpty();
                    RecordingSink sink = new RecordingSink();
                    reader.restore(m.id(), sink);
                    assertThat(sink.received.toByteArray()).as(what + ": restores byte-identically").isEqualTo(data);
                    knownGood.add(m.id());
                    figures.completeBackupsFound++;
                }
            }
            if (phase == Phase.AFTER_DATA_BEFORE_MANIFEST) {
                assertThat(newObjects).as(what + ": only the data object is left").hasSize(1);
            }

            // The dead run's lock (same host, its process gone) is taken over at once, though it is fresh.
            Instant killedAt = Instant.now().plus(offset);
            ManualClock clock = ManualClock.at(killedAt.plus(Duration.ofMinutes(1)));
            List<LockTakeover> takeovers = new ArrayList<>();
            BackupPipeline next = BackupPipeline.builder().source(new BytesSource("neo4j", data))
                    .transform(Compression.zstd()).target(target).clock(clock).decoder(AGE)
                    .retention(RetentionPolicy.builder().keepLast(1000).build())
                    .orphanGracePeriod(offset.plusDays(1)).listener(new BackupListener() {
                        @Override
                        public void lockTakenOver(LockTakeover takeover) {
                            takeovers.add(takeover);
                        }
                    }).build();
            boolean lockLeft = target.stat(ObjectKey.of("locks/neo4j.lock")).isPresent();
            List<String> leftoversBefore = repository.leftovers();
            BackupResult recovered = next.backup();
            figures.recoveryBackups++;
            if (lockLeft) {
                assertThat(takeovers).as(what + ": the dead run's lock was taken over at once").singleElement()
                        .satisfies(t -> {
                            assertThat(t.state()).isEqualTo(LockState.HOLDER_GONE);
                            assertThat(t.previous().process().orElseThrow().pid()).isEqualTo(killed.pid);
                            assertThat(t.previous().expiresAt()).as("it was not expired").isAfter(clock.peek());
                        });
                figures.deadLocksTakenOverAtOnce++;
            } else {
                assertThat(takeovers).isEmpty();
            }
            PruneResult afterRecovery = recovered.pruneResult().orElseThrow();
            assertThat(afterRecovery.orphans()).as(what + ": no orphan removed within the grace period").isEmpty();
            assertThat(afterRecovery.incompleteRemoved()).as(what + ": no temporary file removed within the grace "
                    + "period").isZero();
            assertThat(repository.leftovers()).as(what + ": temporary files kept within the grace period")
                    .containsAll(leftoversBefore);
            assertThat(reader.verify(recovered.id(), VerifyLevel.FULL).ok()).isTrue();
            knownGood.add(recovered.id());
            if (phase == Phase.AFTER_DATA_BEFORE_MANIFEST) {
                assertThat(objectKeys(target)).as(what + ": the orphan is kept within the grace period")
                        .containsAll(newObjects);
                figures.orphansKeptInGrace++;
            }

            // Prune with a grace period of an hour removes what the dead run left.
            BackupPipeline pruner = next.toBuilder().orphanGracePeriod(Duration.ofHours(1)).build();
            PruneResult pruned = pruner.prune(false);
            if (phase == Phase.AFTER_DATA_BEFORE_MANIFEST) {
                assertThat(pruned.orphans()).extracting(ObjectKey::value).as(what + ": the orphan is removed")
                        .containsExactlyInAnyOrderElementsOf(newObjects);
            } else {
                assertThat(pruned.orphans()).as(what + ": no orphans").isEmpty();
            }
            figures.orphansCleaned += pruned.orphans().size();
            figures.leftoversCleaned += pruned.incompleteRemoved();
            assertThat(pruned.deleted()).as(what + ": retention keeps every backup").isEmpty();
            assertThat(repository.leftovers()).as(what + ": no temporary files left (before prune: %s)",
                    leftoversBefore).isEmpty();
            assertThat(target.stat(ObjectKey.of("locks/neo4j.lock"))).as(what + ": no lock left").isEmpty();
            assertThat(reader.list()).extracting(Manifest::id).containsExactlyInAnyOrderElementsOf(knownGood);
        }
        BackupPipeline reader = BackupPipeline.builder().target(repository.target()).decoder(AGE).build();
        for (Manifest m : reader.list()) {
            assertThat(reader.verify(m.id(), VerifyLevel.FULL).ok()).as("backup %s at the end", m.id()).isTrue();
            figures.verifiedAtEnd++;
        }
        assertThat(figures.verifiedAtEnd).isEqualTo(knownGood.size());
        return figures;
    }

    private static Set<String> manifestKeys(StorageTarget target) throws IOException {
        Set<String> keys = new HashSet<>();
        for (ObjectInfo info : target.listAllObjects("")) {
            if (info.key().value().endsWith(Manifest.KEY_SUFFIX)) {
                keys.add(info.key().value());
            }
        }
        return keys;
    }

    private static Set<String> objectKeys(StorageTarget target) throws IOException {
        Set<String> keys = new HashSet<>();
        for (ObjectInfo info : target.listAllObjects("")) {
            keys.add(info.key().value());
        }
        return keys;
    }

    private record Killed(long pid, int exitStatus, String stderrTail) {
    }

    private static Killed runAndKill(Repository repository, Path dir, int iteration, long seed, Duration offset,
                                     boolean age, Plan plan) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path stderr = dir.resolve("child-" + iteration + ".err");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Child.class.getName(), repository.childSpec(),
                Long.toString(seed), Integer.toString(BYTES), Long.toString(offset.toMillis()),
                age ? "zstd+age:" + AGE_RECIPIENT : "zstd")
                .redirectError(stderr.toFile());
        builder.environment().putAll(repository.childEnvironment());
        Process child = builder.start();
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(EVENT)) {
                        events.add(line.substring(EVENT.length()));
                    }
                }
            } catch (IOException e) {
                // the child died
            } finally {
                events.add("<eof>");
            }
        }, "crash-child-stdout");
        reader.setDaemon(true);
        reader.start();
        Writer answers = new java.io.OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
        long deadline = plan.delayMillis() >= 0 ? System.nanoTime() + plan.delayMillis() * 1_000_000 : Long.MAX_VALUE;
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        boolean kill = false;
        while (true) {
            long now = System.nanoTime();
            if (now >= deadline) {
                kill = true;
                break;
            }
            if (now >= giveUp) {
                child.destroyForcibly();
                throw new AssertionError("child of iteration " + iteration + " did not finish");
            }
            String event = events.poll(Math.min(deadline, giveUp) - now, TimeUnit.NANOSECONDS);
            if (event == null) {
                continue;
            }
            if (event.equals("<eof>")) {
                break;
            }
            if (plan.killAt().test(event)) {
                kill = true;
                break;
            }
            try {
                answers.write("go\n");
                answers.flush();
            } catch (IOException e) {
                break; // the child is ending
            }
        }
        if (kill) {
            child.destroyForcibly(); // SIGKILL on Linux
        }
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String tail = Files.exists(stderr) ? tail(Files.readString(stderr)) : "";
        return new Killed(child.pid(), child.exitValue(), tail);
    }

    private static String tail(String text) {
        return text.length() <= 2000 ? text : text.substring(text.length() - 2000);
    }
}
