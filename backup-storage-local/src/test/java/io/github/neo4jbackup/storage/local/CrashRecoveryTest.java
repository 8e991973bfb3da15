package io.github.neo4jbackup.storage.local;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.PruneResult;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectPage;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.core.storage.ForwardingStorageTarget;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kills a real backup JVM at the worst moments (between the data object and the manifest, and in
 * the middle of the stream) and checks that the repository stays consistent and recovers.
 */
class CrashRecoveryTest {

    /** How long the child's lock stays fresh; the parent moves its clock past it instead of sleeping. */
    static final Duration CHILD_LOCK_STALE_AFTER = Duration.ofSeconds(30);

    /** Entry point of the child JVM: args = dir, mode ("before-manifest" or "mid-stream"). */
    public static final class Child {
        public static void main(String[] args) {
            Path dir = Path.of(args[0]);
            String mode = args[1];
            StorageTarget local = LocalStorageTarget.of(dir);
            StorageTarget target = new ForwardingStorageTarget(local) {
                @Override
                public PendingObject create(ObjectKey key, Map<String, String> metadata, WriteMode mode2)
                        throws IOException {
                    if (mode.equals("before-manifest") && key.value().endsWith(".manifest.json")) {
                        Runtime.getRuntime().halt(137); // killed after the data object was committed
                    }
                    return super.create(key, metadata, mode2);
                }
            };
            BackupSource source = new BackupSource() {
                @Override
                public String type() {
                    return "generated";
                }

                @Override
                public String database() {
                    return "neo4j";
                }

                @Override
                public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < 64; i++) {
                        java.util.Arrays.fill(chunk, (byte) i);
                        out.write(chunk);
                        if (mode.equals("mid-stream") && i == 32) {
                            out.flush();
                            Runtime.getRuntime().halt(137); // killed while the object is pending
                        }
                    }
                    return SourceDescription.of("generated", "neo4j");
                }
            };
            BackupPipeline.builder().source(source).target(target).transform(Compression.gzip())
                    .lockStaleAfter(CHILD_LOCK_STALE_AFTER).build().backup();
            System.exit(0);
        }
    }

    private static int runChild(Path dir, String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Child.class.getName(),
                dir.toString(), mode).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private static BackupSource small() {
        return BackupSource.ofStream("generated", "neo4j", "bin", () -> new java.io.ByteArrayInputStream(new byte[1000]));
    }

    @Test
    void killedBetweenDataObjectAndManifest(@TempDir Path dir) throws Exception {
        assertThat(runChild(dir, "before-manifest")).isEqualTo(137);
        assertThat(files(dir)).anyMatch(p -> p.toString().endsWith(".bin.gz")).anyMatch(p -> p.toString().endsWith(".lock"));

        ManualClock clock = ManualClock.atNow();
        BackupPipeline pipeline = BackupPipeline.builder().source(small()).target(LocalStorageTarget.of(dir))
                .retention(RetentionPolicy.builder().keepLast(3).build()).orphanGracePeriod(Duration.ZERO)
                .clock(clock).build();
        assertThat(pipeline.list()).as("a data object without manifest is not a backup").isEmpty();

        clock.advance(CHILD_LOCK_STALE_AFTER.plusSeconds(1)); // the dead run's lock expires
        BackupResult next = pipeline.backup();
        assertThat(pipeline.list()).hasSize(1);
        assertThat(pipeline.verify(next.id(), VerifyLevel.FULL).ok()).isTrue();
        PruneResult prune = next.pruneResult().orElseThrow();
        assertThat(prune.orphans()).hasSize(1).allMatch(k -> k.value().endsWith(".bin.gz"));
        assertThat(files(dir)).noneMatch(p -> p.toString().endsWith(".bin.gz"));
        assertThat(files(dir)).noneMatch(p -> p.toString().endsWith(".lock"));
    }

    @Test
    void killedMidStream(@TempDir Path dir) throws Exception {
        assertThat(runChild(dir, "mid-stream")).isEqualTo(137);
        LocalStorageTarget target = LocalStorageTarget.of(dir);
        assertThat(target.listAllObjects("")).extracting(i -> i.key().value()).containsExactly("locks/neo4j.lock");
        assertThat(files(dir)).anyMatch(p -> p.getFileName().toString().endsWith(".tmp"));

        ManualClock clock = ManualClock.atNow();
        List<io.github.neo4jbackup.core.lock.LockTakeover> takeovers = new java.util.ArrayList<>();
        BackupPipeline pipeline = BackupPipeline.builder().source(small()).target(target)
                .retention(RetentionPolicy.builder().keepLast(3).build()).orphanGracePeriod(Duration.ZERO)
                .lockStaleAfter(Duration.ofHours(1)).clock(clock)
                .listener(new io.github.neo4jbackup.core.event.BackupListener() {
                    @Override
                    public void lockTakenOver(io.github.neo4jbackup.core.lock.LockTakeover takeover) {
                        takeovers.add(takeover);
                    }
                }).build();
        // the killed run held the lock on this host and no longer runs: its fresh lock is taken over at once
        BackupResult next = pipeline.backup();
        assertThat(takeovers).as("the dead run's lock was taken over").hasSize(1);
        assertThat(takeovers.get(0).describe()).contains("pid");
        assertThat(next.pruneResult().orElseThrow().incompleteRemoved()).isEqualTo(1);
        assertThat(files(dir)).noneMatch(p -> p.getFileName().toString().endsWith(".tmp"));
        assertThat(pipeline.list()).hasSize(1);
    }
}
