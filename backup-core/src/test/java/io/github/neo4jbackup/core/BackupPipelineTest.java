package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.TestSupport.FaultyTarget;
import io.github.neo4jbackup.core.TestSupport.GeneratedSource;
import io.github.neo4jbackup.core.TestSupport.HashingSink;
import io.github.neo4jbackup.core.TestSupport.MutableClock;
import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.manifest.ManifestCodec;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import io.github.neo4jbackup.core.transform.Compression;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackupPipelineTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2025-11-01T23:00:00Z"));
    private final InMemoryStorageTarget target = new InMemoryStorageTarget(clock);

    private BackupPipeline.Builder pipeline(GeneratedSource source) {
        return BackupPipeline.builder().source(source).target(target).clock(clock).host("test-host");
    }

    private static List<String> keys(StorageTarget target) throws IOException {
        return target.listAllObjects("").stream().map(i -> i.key().value()).toList();
    }

    private static byte[] read(StorageTarget target, ObjectKey key) throws IOException {
        try (InputStream in = target.open(key)) {
            return in.readAllBytes();
        }
    }

    private static void overwrite(StorageTarget target, ObjectKey key, byte[] bytes) throws IOException {
        try (PendingObject p = target.create(key, Map.of(), WriteMode.OVERWRITE)) {
            p.stream().write(bytes);
            p.commit();
        }
    }

    @Test
    void backupListVerifyRestoreRoundTripWithEveryChain() throws IOException {
        List<List<io.github.neo4jbackup.core.spi.Transformer>> chains = List.of(List.of(),
                List.of(Compression.gzip()), List.of(Compression.zstd()), List.of(Compression.zstd(1), Compression.gzip(1)));
        int n = 0;
        for (var chain : chains) {
            GeneratedSource source = new GeneratedSource("db" + (n++), 3_000_000, 42);
            BackupPipeline p = pipeline(source).transformers(chain).build();
            BackupResult result = p.backup();

            assertThat(result.rawSize()).isEqualTo(3_000_000);
            assertThat(result.rawSha256()).isEqualTo(source.sha256());
            assertThat(result.manifest().transformers()).extracting(t -> t.id())
                    .containsExactlyElementsOf(chain.stream().map(t -> t.id()).toList());
            assertThat(result.dataKey().value()).isEqualTo(source.database() + "/" + source.database()
                    + "-20251101T230000Z.bin" + chain.stream().map(t -> "." + t.extension()).collect(Collectors.joining()));
            assertThat(target.stat(result.dataKey())).get().extracting(i -> i.size()).isEqualTo(result.storedSize());
            assertThat(p.list()).extracting(Manifest::id).containsExactly(result.id());

            VerifyReport report = p.verify(result.id(), VerifyLevel.FULL);
            assertThat(report.ok()).as(report.problems().toString()).isTrue();
            assertThat(report.rawBytes()).isEqualTo(3_000_000);
            assertThat(report.storedBytes()).isEqualTo(result.storedSize());

            HashingSink sink = new HashingSink();
            RestoreResult restored = p.restore(result.id(), sink);
            assertThat(sink.sha256).isEqualTo(source.sha256());
            assertThat(restored.rawBytes()).isEqualTo(3_000_000);
        }
        assertThat(keys(target)).noneMatch(k -> k.contains("lock"));
    }

    @Test
    void openGivesTheDecodedStreamAndDrainChecksIt() throws IOException {
        GeneratedSource source = new GeneratedSource("neo4j", 500_000, 7);
        BackupPipeline p = pipeline(source).transform(Compression.zstd()).build();
        BackupResult result = p.backup();
        for (int pass = 0; pass < 2; pass++) { // as often as an operation needs it
            try (io.github.neo4jbackup.core.operation.DecodedBackup d = p.open(result.manifest())) {
                assertThat(io.github.neo4jbackup.core.internal.Sha256.of(d.raw().readAllBytes()))
                        .isEqualTo(source.sha256());
                d.drain();
                assertThat(d.storedBytes()).isEqualTo(result.storedSize());
            }
        }
        byte[] stored = read(target, result.dataKey());
        stored[stored.length / 2] ^= 0x01;
        overwrite(target, result.dataKey(), stored);
        assertThatThrownBy(() -> {
            try (io.github.neo4jbackup.core.operation.DecodedBackup d = p.open(result.manifest())) {
                d.raw().readAllBytes();
                d.drain();
            }
        }).isInstanceOfAny(IntegrityException.class, IOException.class);
    }

    @Test
    void manifestRecordsEverythingAndIsWrittenBesideTheData() throws IOException {
        GeneratedSource source = new GeneratedSource("neo4j", 10_000, 1);
        BackupResult result = pipeline(source).transform(Compression.zstd(5)).label("environment", "prod")
                .metadata("ticket", "OPS-1").build().backup();
        ObjectKey manifestKey = ObjectKey.of(result.dataKey().value() + ".manifest.json");
        assertThat(result.manifestKey()).isEqualTo(manifestKey);
        Manifest m = ManifestCodec.read(read(target, manifestKey), manifestKey.value());
        assertThat(m).isEqualTo(result.manifest());
        assertThat(m.formatVersion()).isEqualTo(1);
        assertThat(m.database()).isEqualTo("neo4j");
        assertThat(m.host()).isEqualTo("test-host");
        assertThat(m.source().type()).isEqualTo("generated");
        assertThat(m.source().neo4jVersion()).isEqualTo("5.26.0");
        assertThat(m.source().neo4jEdition()).isEqualTo("community");
        assertThat(m.transformers().get(0).parameters()).containsEntry("level", "5");
        assertThat(m.counts().nodes()).isEqualTo(100);
        assertThat(m.counts().labels()).containsEntry("Entity", 100L);
        assertThat(m.labels()).containsEntry("environment", "prod");
        assertThat(m.metadata()).containsEntry("ticket", "OPS-1");
        assertThat(m.createdAt()).isEqualTo(Instant.parse("2025-11-01T23:00:00Z"));
        assertThat(m.object().storedSha256()).isEqualTo(
                io.github.neo4jbackup.core.internal.Sha256.of(read(target, result.dataKey())));
    }

    @Test
    void hiveStyleKeyTemplateWithLabels() {
        GeneratedSource source = new GeneratedSource("neo4j", 1000, 1);
        BackupPipeline p = pipeline(source).transform(Compression.gzip())
                .keyTemplate("environment={environment}/year={yyyy}/month={MM}/day={dd}/{database}-{timestamp}.{ext}")
                .label("environment", "prod").build();
        BackupResult result = p.backup();
        assertThat(result.dataKey().value())
                .isEqualTo("environment=prod/year=2025/month=11/day=01/neo4j-20251101T230000Z.bin.gz");
        assertThat(p.list()).hasSize(1);
        assertThat(p.verify(result.id(), VerifyLevel.FULL).ok()).isTrue();
    }

    @Test
    void templateLabelWithoutValueIsRefusedAtBuild() {
        assertThatThrownBy(() -> pipeline(new GeneratedSource("neo4j", 1, 1))
                .keyTemplate("{environment}/{database}-{timestamp}.{ext}").build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("environment");
    }

    @Test
    void sourceFailingMidStreamLeavesNothingAndReportsSourceFailure() throws IOException {
        GeneratedSource source = new GeneratedSource("neo4j", 5_000_000, 1);
        source.failAfter = 1_000_000;
        List<String> events = new CopyOnWriteArrayList<>();
        BackupPipeline p = pipeline(source).transform(Compression.zstd()).listener(new BackupListener() {
            @Override
            public void backupStarted(String id, String database, ObjectKey dataKey) {
                events.add("started");
            }

            @Override
            public void backupFailed(String id, BackupException failure) {
                events.add("failed:" + failure.getClass().getSimpleName());
            }
        }).build();
        assertThatThrownBy(p::backup).isInstanceOf(SourceFailedException.class)
                .hasMessageContaining("simulated export failure").hasMessageContaining("neo4j");
        assertThat(keys(target)).isEmpty();
        assertThat(target.pendingCount()).isZero();
        assertThat(events).containsExactly("started", "failed:SourceFailedException");
        assertThat(p.list()).isEmpty();
    }

    @Test
    void sourceFailureWithExitCodeIsRethrownUnwrapped() throws IOException {
        GeneratedSource source = new GeneratedSource("neo4j", 100_000, 1);
        source.failAfter = 10;
        SourceFailedException original = new SourceFailedException("neo4j-admin exited with 1", 1, "ERROR: in use", null);
        source.runtimeFailure = original;
        BackupPipeline p = pipeline(source).build();
        assertThatThrownBy(p::backup).isSameAs(original);
        assertThat(original.exitCode()).hasValue(1);
        assertThat(original.getMessage()).contains("ERROR: in use");
        assertThat(keys(target)).isEmpty();
    }

    @Test
    void storageFailingOnCommitLeavesNoManifestAndNoObject() throws IOException {
        FaultyTarget faulty = new FaultyTarget(target);
        faulty.failCommit = k -> !k.value().contains("locks/");
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 100_000, 1)).target(faulty).build();
        assertThatThrownBy(p::backup).isInstanceOf(StorageException.class)
                .hasMessageContaining("simulated commit failure");
        assertThat(keys(target)).isEmpty();
        assertThat(target.pendingCount()).isZero();
    }

    @Test
    void storageFailingWhileWritingIsAStorageFailureNotASourceFailure() throws IOException {
        FaultyTarget faulty = new FaultyTarget(target);
        faulty.failWriteAfter = 50_000;
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 1_000_000, 1)).target(faulty).build();
        assertThatThrownBy(p::backup).isInstanceOf(StorageException.class).hasMessageContaining("disk full");
        assertThat(keys(target)).isEmpty();
        assertThat(target.pendingCount()).isZero();
    }

    @Test
    void manifestWriteFailureRemovesTheDataObject() throws IOException {
        FaultyTarget faulty = new FaultyTarget(target);
        faulty.failCreate = k -> k.value().endsWith(".manifest.json");
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 100_000, 1)).target(faulty).build();
        assertThatThrownBy(p::backup).isInstanceOf(StorageException.class).hasMessageContaining("manifest");
        assertThat(keys(target)).isEmpty();
    }

    @Test
    void readBackVerificationAfterBackup() {
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 200_000, 1)).transform(Compression.gzip())
                .verifyAfterBackup(VerifyLevel.FULL).build();
        BackupResult r = p.backup();
        assertThat(p.verify(r.id(), VerifyLevel.MANIFEST).ok()).isTrue();
    }

    @Test
    void corruptObjectFailsVerifyAndRestoreIsRefusedBeforeTheSinkSeesAByte() throws IOException {
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 500_000, 3)).transform(Compression.zstd()).build();
        BackupResult r = p.backup();
        byte[] bytes = read(target, r.dataKey());
        bytes[bytes.length / 2] ^= 0x10;
        overwrite(target, r.dataKey(), bytes);

        assertThat(p.verify(r.id(), VerifyLevel.MANIFEST).ok()).isTrue(); // same size: only a read-back sees it
        VerifyReport full = p.verify(r.id(), VerifyLevel.FULL);
        assertThat(full.ok()).isFalse();
        assertThat(full.problems()).isNotEmpty();

        HashingSink sink = new HashingSink();
        assertThatThrownBy(() -> p.restore(r.id(), sink)).isInstanceOf(IntegrityException.class)
                .hasMessageContaining("Refusing to restore");
        assertThat(sink.called).isFalse();
    }

    @Test
    void streamingRestoreWithoutPreVerifyStillFailsBeforeTheSinkFinishes() throws IOException {
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 500_000, 3)).build(); // no compression
        BackupResult r = p.backup();
        byte[] bytes = read(target, r.dataKey());
        bytes[bytes.length - 10] ^= 0x01;
        overwrite(target, r.dataKey(), bytes);

        HashingSink sink = new HashingSink();
        assertThatThrownBy(() -> p.restore(r.id(), sink, RestoreOptions.defaults().withVerifyFirst(false)))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("SHA-256");
        assertThat(sink.called).isTrue();
        assertThat(sink.finished).as("the sink must see the failure instead of a clean end of data").isFalse();
    }

    @Test
    void withoutTransformersTheBytesAreHashedOnceAndADamagedObjectIsStillRefused() throws IOException {
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 500_000, 5)).build(); // no transformers
        BackupResult r = p.backup();
        byte[] bytes = read(target, r.dataKey());
        String sha = io.github.neo4jbackup.core.internal.Sha256.of(bytes);
        assertThat(r.manifest().object().storedSha256()).isEqualTo(sha);
        assertThat(r.manifest().object().rawSha256()).as("raw bytes are the stored bytes").isEqualTo(sha);
        assertThat(r.manifest().object().rawSize()).isEqualTo(bytes.length);
        assertThat(p.verify(r.id(), VerifyLevel.FULL).ok()).isTrue();

        bytes[bytes.length / 3] ^= 0x40;
        overwrite(target, r.dataKey(), bytes);
        assertThat(p.verify(r.id(), VerifyLevel.FULL).problems()).anyMatch(m -> m.contains("SHA-256"));
        HashingSink sink = new HashingSink();
        assertThatThrownBy(() -> p.restore(r.id(), sink)).isInstanceOf(IntegrityException.class)
                .hasMessageContaining("Refusing to restore");
        assertThat(sink.called).isFalse();
    }

    @Test
    void aManifestRecordingTwoChecksumsForTheSameBytesIsCheckedAgainstBoth() throws IOException {
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 100_000, 5)).build(); // no transformers
        BackupResult r = p.backup();
        String stored = r.manifest().object().storedSha256();
        String other = "0".repeat(64);
        // the raw checksum edited: the stored bytes still match their own, but not the recorded raw one
        String json = new String(read(target, r.manifestKey()), StandardCharsets.UTF_8)
                .replaceFirst("\"rawSha256\" : \"" + stored + "\"", "\"rawSha256\" : \"" + other + "\"");
        assertThat(json).contains(other);
        overwrite(target, r.manifestKey(), json.getBytes(StandardCharsets.UTF_8));
        assertThat(p.verify(r.id(), VerifyLevel.FULL).problems()).anyMatch(m -> m.contains(other));
        HashingSink sink = new HashingSink();
        assertThatThrownBy(() -> p.restore(r.id(), sink)).isInstanceOf(IntegrityException.class);
        assertThat(sink.called).isFalse();
    }

    @Test
    void aDecoderRefusingTheDataDuringAStreamingRestoreIsAnIntegrityFailure() throws IOException {
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 500_000, 3)).transform(Compression.gzip()).build();
        BackupResult r = p.backup();
        byte[] bytes = read(target, r.dataKey());
        bytes[bytes.length / 2] ^= 0x5a; // inside the deflate data: gzip fails long before the stored hash is due
        overwrite(target, r.dataKey(), bytes);

        HashingSink sink = new HashingSink();
        assertThatThrownBy(() -> p.restore(r.id(), sink, RestoreOptions.defaults().withVerifyFirst(false)))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("could not be decoded")
                .hasMessageContaining("gzip");
        assertThat(sink.called).isTrue();
        assertThat(sink.finished).isFalse();
    }

    @Test
    void aStoreFailingWhileRestoringIsNotReportedAsDamage() throws IOException {
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 500_000, 3)).transform(Compression.gzip()).build();
        BackupResult r = p.backup();
        StorageTarget failingReads = new io.github.neo4jbackup.core.storage.ForwardingStorageTarget(target) {
            @Override
            public InputStream open(ObjectKey key) throws IOException {
                InputStream in = super.open(key);
                if (!key.equals(r.dataKey())) {
                    return in;
                }
                return new java.io.FilterInputStream(in) {
                    private long read;

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (read > 20_000) {
                            throw new IOException("connection reset");
                        }
                        int n = super.read(b, off, len);
                        read += Math.max(n, 0);
                        return n;
                    }
                };
            }
        };
        BackupPipeline reading = p.toBuilder().target(failingReads).build();
        HashingSink sink = new HashingSink();
        assertThatThrownBy(() -> reading.restore(r.id(), sink, RestoreOptions.defaults().withVerifyFirst(false)))
                .isNotInstanceOf(IntegrityException.class).isInstanceOf(BackupException.class)
                .hasMessageContaining("connection reset");
        assertThat(sink.finished).isFalse();
    }

    @Test
    void truncatedObjectIsDetected() throws IOException {
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 300_000, 3)).transform(Compression.gzip()).build();
        BackupResult r = p.backup();
        byte[] bytes = read(target, r.dataKey());
        overwrite(target, r.dataKey(), java.util.Arrays.copyOf(bytes, bytes.length - 100));
        VerifyReport report = p.verify(r.id(), VerifyLevel.MANIFEST);
        assertThat(report.ok()).isFalse();
        assertThat(report.problems().get(0)).contains("bytes but the manifest records");
        assertThatThrownBy(() -> p.restore(r.id(), new HashingSink())).isInstanceOf(IntegrityException.class);
    }

    @Test
    void missingDataObjectIsReported() throws IOException {
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 1000, 3)).build();
        BackupResult r = p.backup();
        target.delete(r.dataKey());
        assertThat(p.verify(r.id(), VerifyLevel.FULL).problems()).anyMatch(s -> s.contains("missing"));
        assertThatThrownBy(() -> p.restore(r.id(), new HashingSink())).isInstanceOf(IntegrityException.class);
    }

    @Test
    void unknownTransformerIdInManifestFailsWithClearError() throws IOException {
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 1000, 3)).transform(Compression.gzip()).build();
        BackupResult r = p.backup();
        String json = new String(read(target, r.manifestKey()), StandardCharsets.UTF_8)
                .replace("\"id\" : \"gzip\"", "\"id\" : \"rot13\"");
        overwrite(target, r.manifestKey(), json.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> p.restore(r.id(), new HashingSink())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("rot13");
    }

    @Test
    void heldLockIsAClearErrorAndAStaleLockIsTakenOver() throws IOException {
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 1000, 3)).lockStaleAfter(Duration.ofMinutes(10)).build();
        ObjectKey lockKey = ObjectKey.of("locks/neo4j.lock");
        String lock = "{\"owner\":\"ops@other-host (pid 7)\",\"operation\":\"backup x\",\"token\":\"t\","
                + "\"acquiredAt\":\"2025-11-01T22:55:00Z\",\"expiresAt\":\"2025-11-01T23:05:00Z\"}";
        overwrite(target, lockKey, lock.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(p::backup).isInstanceOf(LockHeldException.class)
                .hasMessageContaining("ops@other-host").hasMessageContaining("backup x");
        assertThat(p.list()).isEmpty();

        clock.advance(Duration.ofMinutes(6)); // now past expiresAt
        BackupResult r = p.backup();
        assertThat(p.list()).extracting(Manifest::id).containsExactly(r.id());
        assertThat(target.stat(lockKey)).isEmpty();
    }

    @Test
    void listenerThatThrowsNeverBreaksABackup() {
        BackupListener evil = new BackupListener() {
            @Override
            public void backupStarted(String id, String database, ObjectKey dataKey) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void backupCommitted(BackupResult result) {
                throw new IllegalStateException("listener bug");
            }
        };
        BackupResult r = pipeline(new GeneratedSource("neo4j", 1000, 3)).listener(evil).build().backup();
        assertThat(r.id()).isEqualTo("neo4j-20251101T230000Z");
    }

    @Test
    void retentionRunsAfterEachBackupAndNeverDeletesTheNewest() throws IOException {
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 1000, 3))
                .retention(RetentionPolicy.builder().keepLast(2).build()).build();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            BackupResult r = p.backup();
            ids.add(r.id());
            assertThat(r.pruneResult()).isPresent();
            clock.advance(Duration.ofHours(1));
        }
        assertThat(p.list()).extracting(Manifest::id).containsExactly(ids.get(3), ids.get(2));
        assertThat(keys(target)).hasSize(4); // two data objects + two manifests
    }

    @Test
    void pruneDryRunDeletesNothingAndExplains() throws IOException {
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 1000, 3)).build();
        for (int i = 0; i < 3; i++) {
            p.backup();
            clock.advance(Duration.ofDays(1));
        }
        BackupPipeline pruning = p.toBuilder().retention(RetentionPolicy.builder().keepLast(1).build()).build();
        PruneResult plan = pruning.prune(true);
        assertThat(plan.dryRun()).isTrue();
        assertThat(plan.kept()).hasSize(1);
        assertThat(plan.deleted()).hasSize(2).allSatisfy(d -> assertThat(d.reasons()).isNotEmpty());
        assertThat(p.list()).hasSize(3);
        PruneResult done = pruning.prune(false);
        assertThat(done.deleted()).hasSize(2);
        assertThat(p.list()).hasSize(1);
    }

    @Test
    void pruneKeepsTheNewestBackupWithCompleteDataWhenNewerOnesAreDamaged() throws IOException {
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 1000, 3)).build();
        List<BackupResult> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(p.backup());
            clock.advance(Duration.ofDays(1));
        }
        // the newest backup's data object is cut short after it was written
        Manifest newest = p.find(made.get(2).id());
        overwrite(target, newest.object().key(), new byte[10]);

        BackupPipeline pruning = p.toBuilder().retention(RetentionPolicy.builder().keepLast(1).build()).build();
        PruneResult result = pruning.prune(false);
        assertThat(result.kept()).extracting(PruneResult.Decision::id)
                .containsExactlyInAnyOrder(made.get(2).id(), made.get(1).id());
        assertThat(result.kept()).filteredOn(d -> d.id().equals(made.get(1).id())).singleElement()
                .satisfies(d -> assertThat(d.reasons()).singleElement().asString().contains("newest backup whose data"));
        assertThat(result.deleted()).extracting(PruneResult.Decision::id).containsExactly(made.get(0).id());
        assertThat(p.verify(made.get(1).id(), VerifyLevel.FULL).ok()).isTrue();
    }

    @Test
    void aBackupDatedInTheFutureIsKeptAndDoesNotPushRealBackupsOut() throws IOException {
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 1000, 3)).build();
        List<String> real = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            real.add(p.backup().id());
            clock.advance(Duration.ofHours(1));
        }
        // a host whose clock is a year ahead
        MutableClock wrong = new MutableClock(clock.instant().plus(Duration.ofDays(365)));
        String future = p.toBuilder().clock(wrong).build().backup().id();

        PruneResult result = p.toBuilder().retention(RetentionPolicy.builder().keepLast(1).build()).build()
                .prune(false);
        assertThat(result.kept()).extracting(PruneResult.Decision::id).containsExactlyInAnyOrder(future, real.get(1));
        assertThat(result.kept()).filteredOn(d -> d.id().equals(future)).singleElement()
                .satisfies(d -> assertThat(d.reasons()).singleElement().asString().contains("dated in the future")
                        .contains("test-host"));
        assertThat(result.deleted()).extracting(PruneResult.Decision::id).containsExactly(real.get(0));
    }

    @Test
    void pruneWithoutPolicyIsRefused() {
        assertThatThrownBy(() -> pipeline(new GeneratedSource("neo4j", 1, 1)).build().prune(true))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("retention");
    }

    @Test
    void orphanedDataObjectsAreInvisibleAndPrunedOnlyAfterTheGracePeriod() throws IOException {
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 1000, 3))
                .retention(RetentionPolicy.builder().keepLast(5).build()).orphanGracePeriod(Duration.ofHours(24)).build();
        ObjectKey orphan = ObjectKey.of("neo4j/neo4j-20251101T220000Z.bin");
        overwrite(target, orphan, new byte[100]);
        ObjectKey foreign = ObjectKey.of("notes/readme.txt");
        overwrite(target, foreign, new byte[10]);
        assertThat(p.list()).isEmpty();
        assertThatThrownBy(() -> p.restore("neo4j-20251101T220000Z", new HashingSink()))
                .isInstanceOf(BackupNotFoundException.class);

        clock.advance(Duration.ofHours(1));
        p.backup();
        assertThat(target.stat(orphan)).isPresent();

        clock.advance(Duration.ofHours(24));
        PruneResult result = p.prune(false);
        assertThat(result.orphans()).containsExactly(orphan);
        assertThat(target.stat(orphan)).isEmpty();
        assertThat(target.stat(foreign)).as("objects outside the repository layout are never touched").isPresent();
        assertThat(p.list()).hasSize(1);
    }

    @Test
    void twoBackupsInTheSameSecondDoNotOverwriteEachOther() throws IOException {
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 1000, 3)).build();
        BackupResult first = p.backup();
        byte[] before = read(target, first.dataKey());
        assertThatThrownBy(p::backup).isInstanceOf(InvalidInputException.class).hasMessageContaining("already exists");
        assertThat(read(target, first.dataKey())).isEqualTo(before);
        assertThat(p.list()).hasSize(1);
    }

    @Test
    void invalidDatabaseNamesAreRefusedBeforeAnythingIsWritten() throws IOException {
        for (String name : List.of("", "neo4j; rm -rf /", "../etc", "a/b", "n\u0000", "$(reboot)", "neo4j`id`")) {
            BackupPipeline p = pipeline(new GeneratedSource(name, 10, 1)).build();
            assertThatThrownBy(p::backup).as(name).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("database name");
        }
        assertThat(keys(target)).isEmpty();
    }

    @Test
    void missingSourceOrTargetIsAClearError() {
        assertThatThrownBy(() -> BackupPipeline.builder().build()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("target");
        BackupPipeline noSource = BackupPipeline.builder().target(target).build();
        assertThatThrownBy(noSource::backup).isInstanceOf(InvalidInputException.class).hasMessageContaining("source");
    }

    @Test
    void restoreSinkOfAnotherEngineIsRefused() {
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 10, 1)).build();
        BackupResult r = p.backup();
        HashingSink sink = new HashingSink() {
            @Override
            public boolean accepts(String sourceType) {
                return false;
            }
        };
        assertThatThrownBy(() -> p.restore(r.id(), sink)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("generated");
        assertThat(sink.called).isFalse();
    }

    @Test
    void restoreComparesCounts() {
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 10_000, 1)).build();
        BackupResult r = p.backup();
        HashingSink sink = new HashingSink();
        sink.reportCounts = io.github.neo4jbackup.core.spi.GraphCounts.of(100, 50);
        assertThat(p.restore(r.id(), sink).countsMatched()).contains(true);
        sink.reportCounts = io.github.neo4jbackup.core.spi.GraphCounts.of(99, 50);
        assertThatThrownBy(() -> p.restore(r.id(), sink)).isInstanceOfSatisfying(RestoreFailedException.class, e -> {
            assertThat(e.getMessage()).contains("99 nodes and 50 relationships").contains("100 nodes and 50");
            assertThat(e.expected().orElseThrow().nodes()).isEqualTo(100);
            assertThat(e.restored().orElseThrow().nodes()).isEqualTo(99);
        });
    }

    @Test
    void pipelineIsReusableAndListsNewestFirstPerDatabase() {
        BackupPipeline a = pipeline(new GeneratedSource("alpha", 100, 1)).build();
        BackupPipeline b = pipeline(new GeneratedSource("beta", 100, 1)).build();
        a.backup();
        clock.advance(Duration.ofMinutes(1));
        b.backup();
        clock.advance(Duration.ofMinutes(1));
        BackupResult newest = a.backup();
        assertThat(a.list()).hasSize(2).first().extracting(Manifest::id).isEqualTo(newest.id());
        assertThat(b.list()).hasSize(1);
        assertThat(a.latest().id()).isEqualTo(newest.id());
        BackupPipeline all = BackupPipeline.builder().target(target).build();
        assertThat(all.list()).hasSize(3);
    }

    @Test
    void toStringHasNoSecretsAndSecretsRedact() {
        Secret s = Secret.of("hunter2");
        assertThat(s.toString()).isEqualTo("**redacted**").doesNotContain("hunter2");
        assertThat(String.valueOf(s)).doesNotContain("hunter2");
        assertThat(new String(s.reveal())).isEqualTo("hunter2");
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 1, 1)).build();
        assertThat(p.toString()).contains("generated").contains("memory:");
    }

    @Test
    void restoreLevelVerificationComparesCountsAndFingerprints() {
        GeneratedSource source = new GeneratedSource("neo4j", 10_000, 1);
        BackupPipeline p = pipeline(source).build();
        BackupResult r = p.backup();
        assertThatThrownBy(() -> p.verify(r.id(), VerifyLevel.RESTORE)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("scratch");

        HashingSink good = new HashingSink();
        good.reportCounts = new io.github.neo4jbackup.core.spi.GraphCounts(100, 50, Map.of("Entity", 100L),
                Map.of("RELATES_TO", 50L));
        VerifyReport ok = p.verify(r.id(), VerifyLevel.RESTORE, good);
        assertThat(ok.ok()).as(ok.problems().toString()).isTrue();
        assertThat(good.sha256).isEqualTo(source.sha256());

        HashingSink bad = new HashingSink();
        bad.reportCounts = new io.github.neo4jbackup.core.spi.GraphCounts(100, 49, Map.of("Entity", 100L),
                Map.of("RELATES_TO", 49L));
        VerifyReport report = p.verify(r.id(), VerifyLevel.RESTORE, bad);
        assertThat(report.ok()).isFalse();
        assertThat(report.problems()).anyMatch(s -> s.contains("49 relationships"))
                .anyMatch(s -> s.contains("'RELATES_TO'"));
    }

    @Test
    void aSinkThatCannotCountMustSayWhyOrTheRestoreLevelVerificationFails() {
        GeneratedSource source = new GeneratedSource("neo4j", 1_000, 1);
        BackupPipeline p = pipeline(source).build();
        BackupResult r = p.backup();
        assertThat(r.manifest().counts().known()).isTrue();

        VerifyReport silent = p.verify(r.id(), VerifyLevel.RESTORE, new HashingSink());
        assertThat(silent.ok()).isFalse();
        assertThat(silent.problems()).anyMatch(s -> s.contains("counts could not be compared"));

        HashingSink offline = new HashingSink();
        offline.reportAttributes = Map.of(io.github.neo4jbackup.core.spi.Attributes.COUNTS_UNAVAILABLE,
                "checked offline");
        VerifyReport ok = p.verify(r.id(), VerifyLevel.RESTORE, offline);
        assertThat(ok.ok()).as(ok.problems().toString()).isTrue();
    }

    @Test
    void anUnreadableLockIsHeldUntilItHasGoneStaleSinceItWasWritten() throws IOException {
        BackupPipeline p = pipeline(new GeneratedSource("neo4j", 1000, 3)).lockStaleAfter(Duration.ofMinutes(10)).build();
        overwrite(target, ObjectKey.of("locks/neo4j.lock"), "{not json".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(p::backup).isInstanceOf(LockHeldException.class).hasMessageContaining("unreadable lock");
        clock.advance(Duration.ofMinutes(11));
        assertThat(p.backup().id()).isNotBlank();
    }
}
