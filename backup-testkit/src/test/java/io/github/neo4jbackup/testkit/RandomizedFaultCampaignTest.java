package io.github.neo4jbackup.testkit;

import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.KeyTemplate;
import io.github.neo4jbackup.core.LockHeldException;
import io.github.neo4jbackup.core.PruneResult;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.testkit.FaultInjectingStorageTarget.FaultKind;
import io.github.neo4jbackup.testkit.FaultInjectingStorageTarget.InjectedFault;
import io.github.neo4jbackup.testkit.FaultInjectingStorageTarget.Operation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seeded, bounded campaign of random backup / verify / restore / prune steps through a
 * {@link FaultInjectingStorageTarget}, checking the repository invariants on the underlying,
 * fault-free store after every step.
 *
 * <p>Sizes are configurable for longer runs: {@code -Dfaults.seeds=1,2,3} (or
 * {@code -Dfaults.seedCount=N} for seeds 1..N) and {@code -Dfaults.steps=40}. A failure message
 * carries the seed, the step and the fault log, so a run can be repeated exactly.
 *
 * <p>Invariants checked after every step, directly on the {@link InMemoryStorageTarget}:
 * <ol>
 *   <li>no pending write is left open;</li>
 *   <li>every manifest is readable, its data object exists and a fault-free FULL verification of it
 *       passes (re-hash of stored and decoded bytes); its raw SHA-256 is that of the source bytes of
 *       the backup attempt with that id ("complete and verifiable or absent");</li>
 *   <li>the newest backup that existed before the step still exists after it (retention never
 *       deletes the newest good backup; nothing else deletes backups);</li>
 *   <li>a restore that returned normally delivered exactly the source bytes; a verify that passed
 *       was about a backup that is good;</li>
 *   <li>every failure is a {@link BackupException}, and no operation fails in a step where no
 *       fault was injected (except a lock left behind by an earlier faulty step);</li>
 *   <li>a prune that ran without faults leaves at most {@code keepLast} backups.</li>
 * </ol>
 */
class RandomizedFaultCampaignTest {

    private static final int KEEP_LAST = 3;
    private static final String DATABASE = "neo4j";
    private static final Map<FaultKind, AtomicLong> TOTALS = new EnumMap<>(FaultKind.class);
    private static final AtomicLong STEPS = new AtomicLong();
    private static final AtomicLong FAILED_SEEDS = new AtomicLong();
    private static final Map<String, AtomicLong> OUTCOMES = new java.util.TreeMap<>();
    private static final java.util.Set<String> KNOWN_LEFTOVER_MANIFESTS =
            java.util.Collections.synchronizedSet(new java.util.TreeSet<>());

    static LongStream seeds() {
        String seeds = System.getProperty("faults.seeds");
        if (seeds != null && !seeds.isBlank()) {
            return java.util.Arrays.stream(seeds.split(",")).mapToLong(s -> Long.parseLong(s.strip()));
        }
        return LongStream.rangeClosed(1, Long.getLong("faults.seedCount", 12));
    }

    @AfterAll
    static void printFigures() {
        System.out.println("[fault campaign] steps=" + STEPS.get() + " faults injected=" + TOTALS + " outcomes="
                + OUTCOMES + " leftover manifests after faulted cleanups=" + KNOWN_LEFTOVER_MANIFESTS.size());
        long faults = TOTALS.values().stream().mapToLong(AtomicLong::get).sum();
        ReliabilityFigures.record("fault-campaign", "steps=" + STEPS.get() + " faults=" + faults + " "
                + TOTALS.entrySet().stream().map(e -> "faults." + e.getKey().name().toLowerCase(java.util.Locale.ROOT)
                        + "=" + e.getValue()).collect(java.util.stream.Collectors.joining(" "))
                + " unreadableManifestsLeft=" + KNOWN_LEFTOVER_MANIFESTS.size() + " failedSeeds=" + FAILED_SEEDS.get());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    @Timeout(value = 50)
    void campaign(long seed) {
        try {
            new Campaign(seed, Integer.getInteger("faults.steps", 40)).run();
        } catch (RuntimeException | AssertionError e) {
            FAILED_SEEDS.incrementAndGet();
            throw e;
        }
    }

    /** One seeded run. */
    private static final class Campaign {
        private final long seed;
        private final int steps;
        private final Random random;
        private final ManualClock clock = ManualClock.at(Instant.parse("2026-01-05T03:00:00Z"));
        private final InMemoryStorageTarget store = new InMemoryStorageTarget(3, clock);
        private final FaultInjectingStorageTarget faulty;
        private final BackupPipeline base;
        private final BackupPipeline oracle;
        /** Source SHA-256 of every backup attempt, by the id the backup gets. */
        private final Map<String, String> attempted = new LinkedHashMap<>();
        private final List<String> history = new ArrayList<>();
        private int step;
        private int faultsAtStepStart;

        Campaign(long seed, int steps) {
            this.seed = seed;
            this.steps = steps;
            this.random = new Random(seed);
            Duration stall = Duration.ofMillis(2);
            FaultInjectingStorageTarget.Builder b = FaultInjectingStorageTarget.builder(store).seed(seed);
            for (Operation op : List.of(Operation.CREATE, Operation.COMMIT, Operation.OPEN, Operation.LIST,
                    Operation.STAT, Operation.DELETE)) {
                b.withProbability(op, FaultKind.FAIL, 0.03);
                b.withProbability(op, FaultKind.STALL, 0.01, stall);
            }
            b.withProbability(Operation.WRITE, FaultKind.FAIL, 0.01)
                    .withProbability(Operation.WRITE, FaultKind.TRUNCATE, 0.01)
                    .withProbability(Operation.WRITE, FaultKind.STALL, 0.005, stall)
                    .withProbability(Operation.READ, FaultKind.FAIL, 0.005)
                    .withProbability(Operation.READ, FaultKind.TRUNCATE, 0.005)
                    .withProbability(Operation.READ, FaultKind.CORRUPT, 0.01)
                    .withProbability(Operation.READ, FaultKind.STALL, 0.005, stall);
            this.faulty = b.build();
            this.base = BackupPipeline.builder()
                    .target(faulty)
                    .transform(Compression.zstd())
                    .retention(RetentionPolicy.builder().keepLast(KEEP_LAST).build())
                    .clock(clock)
                    .lockStaleAfter(Duration.ofMinutes(30))
                    .orphanGracePeriod(Duration.ofHours(6))
                    .host("campaign")
                    .build();
            this.oracle = BackupPipeline.builder().target(store).transform(Compression.zstd()).clock(clock)
                    .host("oracle").build();
        }

        void run() {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            for (step = 1; step <= steps && System.nanoTime() < deadline; step++) {
                clock.advance(Duration.ofMinutes(1 + random.nextInt(180)));
                List<Manifest> before = checkInvariants("before step");
                boolean lockLeftBehind = store.keys().stream().anyMatch(k -> k.value().endsWith("locks/" + DATABASE + ".lock"));
                int faultsBefore = faulty.log().size();
                faultsAtStepStart = faultsBefore;
                int dice = random.nextInt(100);
                String outcome;
                try {
                    if (dice < 40) {
                        outcome = backup();
                    } else if (before.isEmpty() || dice >= 85) {
                        outcome = prune();
                    } else if (dice < 62) {
                        outcome = verify(pick(before));
                    } else {
                        outcome = restore(pick(before));
                    }
                } catch (BackupException e) {
                    boolean faulted = faulty.log().size() > faultsBefore;
                    boolean staleLock = lockLeftBehind && e instanceof LockHeldException;
                    check(faulted || staleLock, "an operation failed although no fault was injected in this step: " + e);
                    outcome = "failed " + e.getClass().getSimpleName();
                    history.add("step " + step + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
                } catch (RuntimeException e) {
                    throw new AssertionError(context("an operation threw a " + e.getClass().getName()
                            + ", which is not a BackupException"), e);
                }
                countOutcome(outcome);
                List<Manifest> after = checkInvariants("after step");
                if (!before.isEmpty()) {
                    String newest = before.get(0).id();
                    check(after.stream().anyMatch(m -> m.id().equals(newest)),
                            "the newest backup " + newest + " that existed before the step is gone");
                }
                STEPS.incrementAndGet();
            }
            for (InjectedFault f : faulty.log()) {
                synchronized (TOTALS) {
                    TOTALS.computeIfAbsent(f.kind(), k -> new AtomicLong()).incrementAndGet();
                }
            }
            System.out.println("[fault campaign] seed " + seed + ": " + (step - 1) + " steps, " + faulty.log().size()
                    + " faults, " + oracle.list().size() + " backups at the end");
        }

        private static void countOutcome(String outcome) {
            synchronized (OUTCOMES) {
                OUTCOMES.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
            }
        }

        private String pick(List<Manifest> manifests) {
            return manifests.get(random.nextInt(manifests.size())).id();
        }

        private String backup() {
            byte[] data = sourceBytes();
            Instant started = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            String id = DATABASE + "-" + KeyTemplate.TIMESTAMP.format(started);
            attempted.put(id, sha256(data));
            BackupPipeline pipeline = base.toBuilder()
                    .source(BackupSource.ofStream("test", DATABASE, "bin", () -> new ByteArrayInputStream(data)))
                    .build();
            history.add("step " + step + ": backup " + id + " (" + data.length + " bytes)");
            BackupResult result = pipeline.backup();
            check(result.id().equals(id), "the backup id " + result.id() + " is not the expected " + id);
            check(result.rawSha256().equalsIgnoreCase(attempted.get(id)), "backup " + id + " recorded raw SHA-256 "
                    + result.rawSha256() + " but the source had " + attempted.get(id));
            check(store.stat(result.manifestKey()).isPresent(), "backup " + id + " returned but its manifest is missing");
            return result.pruneFailureMessage().isPresent() ? "backup ok, prune failed" : "backup ok";
        }

        private String verify(String id) {
            history.add("step " + step + ": verify FULL " + id);
            VerifyReport report = base.verify(id, VerifyLevel.FULL);
            // a passing report must be about a good backup: the oracle checks that for every manifest
            check(report.ok() || faultedThisStep(), "verify failed without any fault: " + report.problems());
            return report.ok() ? "verify ok" : "verify detected damage";
        }

        private String restore(String id) {
            history.add("step " + step + ": restore " + id);
            HashingSink sink = new HashingSink();
            RestoreResult result = base.restore(id, sink);
            check(sink.sha256 != null, "restore of " + id + " returned normally but the sink saw no complete stream");
            check(sink.sha256.equalsIgnoreCase(attempted.get(id)), "restore of " + id
                    + " returned normally but delivered SHA-256 " + sink.sha256 + " instead of the source's "
                    + attempted.get(id));
            check(result.rawBytes() == sink.bytes, "restore of " + id + " reports " + result.rawBytes()
                    + " bytes but the sink received " + sink.bytes);
            return "restore ok";
        }

        private String prune() {
            history.add("step " + step + ": prune");
            int faultsBefore = faulty.log().size();
            PruneResult result = base.toBuilder()
                    .source(BackupSource.ofStream("test", DATABASE, "bin", InputStream::nullInputStream)).build()
                    .prune(false);
            if (faulty.log().size() == faultsBefore) {
                check(oracle.list().size() <= KEEP_LAST, "a fault-free prune kept " + oracle.list().size()
                        + " backups with keepLast(" + KEEP_LAST + "): " + result.kept());
            }
            return "prune ok";
        }

        private boolean faultedThisStep() {
            return faulty.log().size() > faultsAtStepStart;
        }

        /** The invariants, checked on the fault-free store; returns the backups, newest first. */
        private List<Manifest> checkInvariants(String when) {
            check(store.pendingCount() == 0, when + ": " + store.pendingCount() + " pending write(s) left open");
            List<ObjectKey> manifestKeys = store.keys().stream()
                    .filter(k -> k.value().endsWith(Manifest.KEY_SUFFIX)).toList();
            List<Manifest> manifests;
            try {
                manifests = oracle.list(null);
            } catch (RuntimeException e) {
                throw new AssertionError(context(when + ": the fault-free listing failed"), e);
            }
            java.util.Set<ObjectKey> readable = new java.util.HashSet<>();
            manifests.forEach(m -> readable.add(m.manifestKey()));
            for (ObjectKey key : manifestKeys) {
                if (readable.contains(key)) {
                    continue;
                }
                // When the store commits a manifest but reports fewer bytes than were written (an injected
                // TRUNCATE of a WRITE), BackupWriter.commitManifest removes both that manifest and the data
                // object. Only if the cleanup delete of the manifest was itself faulted may an unreadable
                // manifest stay behind (list() skips it with a warning); anything else is a violation.
                boolean truncatedManifestWrite = faulty.log().stream().anyMatch(f -> f.operation() == Operation.WRITE
                        && f.kind() == FaultKind.TRUNCATE && f.key().equals(key.value()));
                boolean manifestCleanupFaulted = faulty.log().stream().anyMatch(f -> f.operation() == Operation.DELETE
                        && f.key().equals(key.value()));
                check(truncatedManifestWrite && manifestCleanupFaulted, when
                        + ": manifest object " + key + " is unreadable (readable: " + readable + ")");
                if (KNOWN_LEFTOVER_MANIFESTS.add(seed + ":" + key)) {
                    System.out.println("[fault campaign] seed " + seed + " step " + step + ": truncated manifest left "
                            + "behind because its cleanup delete was faulted: " + key);
                }
            }
            for (Manifest m : manifests) {
                check(store.stat(m.object().key()).isPresent(), when + ": manifest of " + m.id()
                        + " without its data object " + m.object().key());
                VerifyReport report = oracle.verify(m.id(), VerifyLevel.FULL);
                check(report.ok(), when + ": backup " + m.id() + " has a manifest but does not verify: "
                        + report.problems());
                check(m.object().rawSha256().equalsIgnoreCase(attempted.get(m.id())), when + ": backup " + m.id()
                        + " holds raw SHA-256 " + m.object().rawSha256() + " but the source had " + attempted.get(m.id()));
            }
            return manifests;
        }

        private void check(boolean condition, String message) {
            if (!condition) {
                throw new AssertionError(context(message));
            }
        }

        private String context(String message) {
            return message + System.lineSeparator() + "seed=" + seed + " step=" + step + System.lineSeparator()
                    + "history:" + System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ", history)
                    + System.lineSeparator() + faulty.describeLog() + System.lineSeparator() + "store keys: "
                    + store.keys();
        }

        private byte[] sourceBytes() {
            int size = random.nextInt(20) == 0 ? 0 : random.nextInt(200_000);
            byte[] data = new byte[size];
            Random content = new Random(random.nextLong());
            int i = 0;
            while (i < size) {
                int run = Math.min(size - i, 1 + content.nextInt(4096));
                if (content.nextBoolean()) {
                    for (int j = 0; j < run; j++) {
                        data[i + j] = (byte) content.nextInt();
                    }
                } else {
                    byte[] word = ("node-" + content.nextInt(50) + ";").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    for (int j = 0; j < run; j++) {
                        data[i + j] = word[j % word.length];
                    }
                }
                i += run;
            }
            return data;
        }
    }

    /** A restore sink that only hashes what it receives; the hash is set only when the stream was read to its end. */
    private static final class HashingSink implements RestoreSink {
        String sha256;
        long bytes;

        @Override
        public boolean accepts(String sourceType) {
            return true;
        }

        @Override
        public SinkResult restore(InputStream data, Manifest manifest) throws IOException {
            MessageDigest digest = newDigest();
            byte[] buffer = new byte[8192];
            long total = 0;
            int n;
            while ((n = data.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
                total += n;
            }
            bytes = total;
            sha256 = HexFormat.of().formatHex(digest.digest());
            return SinkResult.empty();
        }
    }

    private static String sha256(byte[] data) {
        return HexFormat.of().formatHex(newDigest().digest(data));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
