package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.TestSupport.FaultyTarget;
import io.github.neo4jbackup.core.TestSupport.GeneratedSource;
import io.github.neo4jbackup.core.TestSupport.HashingSink;
import io.github.neo4jbackup.core.TestSupport.MutableClock;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.core.storage.ForwardingStorageTarget;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import io.github.neo4jbackup.core.transform.Compression;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Copying backups between repositories ({@link io.github.neo4jbackup.core.operation.Copier}). */
class CopyTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2025-11-01T23:00:00Z"));
    private final InMemoryStorageTarget sourceStore = new InMemoryStorageTarget(clock);
    private final List<String> sourceWrites = new ArrayList<>();
    /** The source repository's store, recording every write so that tests can show it is only read. */
    private final StorageTarget source = new ForwardingStorageTarget(sourceStore) {
        @Override
        public PendingObject create(ObjectKey key, Map<String, String> metadata, WriteMode mode) throws IOException {
            sourceWrites.add(key.value());
            return super.create(key, metadata, mode);
        }
    };
    private final InMemoryStorageTarget destinationStore = new InMemoryStorageTarget(clock);

    private BackupPipeline primary(GeneratedSource data) {
        return BackupPipeline.builder().source(data).target(sourceStore).transform(Compression.gzip()).clock(clock)
                .host("test-host").build();
    }

    private BackupPipeline over(StorageTarget target, String template) {
        return BackupPipeline.builder().target(target).keyTemplate(template).clock(clock).host("copy-host").build();
    }

    private static byte[] read(StorageTarget target, ObjectKey key) throws IOException {
        try (InputStream in = target.open(key)) {
            return in.readAllBytes();
        }
    }

    @Test
    void copiesStoredBytesUnderTheDestinationsTemplateAndRecordsTheOrigin() throws IOException {
        GeneratedSource data = new GeneratedSource("neo4j", 300_000, 7);
        BackupResult backup = primary(data).backup();
        sourceWrites.clear();
        BackupPipeline from = over(source, KeyTemplate.DEFAULT);
        BackupPipeline to = over(destinationStore, "offsite/{yyyy}/{id}.{ext}");
        clock.advance(Duration.ofMinutes(5));

        CopyResult copy = from.copy(backup.id(), to, false);

        assertThat(copy.outcome()).isEqualTo(CopyResult.Outcome.COPIED);
        assertThat(copy.destinationKey().value()).isEqualTo("offsite/2025/" + backup.id() + ".bin.gz");
        assertThat(copy.bytesCopied()).isEqualTo(backup.manifest().object().storedSize());
        assertThat(sourceWrites).as("the source is only read: no lock, no object").isEmpty();
        assertThat(read(destinationStore, copy.destinationKey())).isEqualTo(read(sourceStore, backup.dataKey()));

        Manifest there = to.find(backup.id());
        assertThat(there.object().storedSha256()).isEqualTo(backup.manifest().object().storedSha256());
        assertThat(there.object().rawSha256()).isEqualTo(data.sha256());
        assertThat(there.createdAt()).isEqualTo(backup.manifest().createdAt());
        assertThat(there.host()).isEqualTo("test-host");
        assertThat(there.copiedFrom().repository()).isEqualTo(sourceStore.describe());
        assertThat(there.copiedFrom().key()).isEqualTo(backup.dataKey().value());
        assertThat(there.copiedFrom().copiedAt()).isEqualTo(clock.instant());
        assertThat(destinationStore.keys()).noneMatch(k -> k.value().contains("locks/"));

        assertThat(to.verify(backup.id(), VerifyLevel.FULL).ok()).isTrue();
        HashingSink sink = new HashingSink();
        to.restore(backup.id(), sink);
        assertThat(sink.sha256).isEqualTo(data.sha256());
    }

    @Test
    void copyingAgainIsANoOpAndADryRunWritesNothing() throws IOException {
        BackupResult backup = primary(new GeneratedSource("neo4j", 50_000, 1)).backup();
        BackupPipeline from = over(sourceStore, KeyTemplate.DEFAULT);
        BackupPipeline to = over(destinationStore, KeyTemplate.DEFAULT);

        CopyResult dry = from.copy(backup.id(), to, true);
        assertThat(dry.outcome()).isEqualTo(CopyResult.Outcome.WOULD_COPY);
        assertThat(dry.destinationKey()).isEqualTo(backup.dataKey());
        assertThat(destinationStore.keys()).isEmpty();

        assertThat(from.copy(backup.id(), to, false).outcome()).isEqualTo(CopyResult.Outcome.COPIED);
        List<ObjectKey> after = destinationStore.keys();
        byte[] manifest = read(destinationStore, backup.manifest().manifestKey());
        clock.advance(Duration.ofHours(1));

        CopyResult again = from.copy(backup.manifest(), to, false);
        assertThat(again.outcome()).isEqualTo(CopyResult.Outcome.ALREADY_PRESENT);
        assertThat(again.bytesCopied()).isZero();
        assertThat(destinationStore.keys()).isEqualTo(after);
        assertThat(read(destinationStore, backup.manifest().manifestKey())).isEqualTo(manifest);
        assertThat(from.copy(backup.id(), to, true).outcome()).isEqualTo(CopyResult.Outcome.ALREADY_PRESENT);
    }

    @Test
    void theSameIdWithOtherBytesIsRefusedAndNothingIsOverwritten() throws IOException {
        BackupResult mine = primary(new GeneratedSource("neo4j", 50_000, 1)).backup();
        // another backup taken at the same second into the destination: same id, other bytes
        BackupPipeline other = BackupPipeline.builder().source(new GeneratedSource("neo4j", 50_000, 2))
                .target(destinationStore).keyTemplate("elsewhere/{id}.{ext}").clock(clock).build();
        BackupResult theirs = other.backup();
        assertThat(theirs.id()).isEqualTo(mine.id());
        List<ObjectKey> before = destinationStore.keys();
        byte[] theirData = read(destinationStore, theirs.dataKey());

        assertThatThrownBy(() -> over(sourceStore, KeyTemplate.DEFAULT).copy(mine.id(),
                over(destinationStore, "elsewhere/{id}.{ext}"), false))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("already exists")
                .hasMessageContaining("other stored bytes").hasMessageContaining("Nothing was overwritten");
        assertThat(destinationStore.keys()).isEqualTo(before);
        assertThat(read(destinationStore, theirs.dataKey())).isEqualTo(theirData);
    }

    @Test
    void aDamagedSourceIsNotCopied() throws IOException {
        BackupResult backup = primary(new GeneratedSource("neo4j", 200_000, 3)).backup();
        byte[] bytes = read(sourceStore, backup.dataKey());
        bytes[bytes.length / 2] ^= 0x01;
        try (PendingObject p = sourceStore.create(backup.dataKey(), Map.of(), WriteMode.OVERWRITE)) {
            p.stream().write(bytes);
            p.commit();
        }
        assertThatThrownBy(() -> over(sourceStore, KeyTemplate.DEFAULT).copy(backup.id(),
                over(destinationStore, KeyTemplate.DEFAULT), false))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("does not match its manifest")
                .hasMessageContaining("nothing was copied");
        assertThat(destinationStore.keys()).isEmpty();
        assertThat(destinationStore.pendingCount()).isZero();
    }

    @Test
    void aFailingDestinationLeavesNothingBehind() {
        BackupResult backup = primary(new GeneratedSource("neo4j", 200_000, 3)).backup();
        FaultyTarget faulty = new FaultyTarget(destinationStore);
        faulty.failWriteAfter = 10_000;
        assertThatThrownBy(() -> over(sourceStore, KeyTemplate.DEFAULT).copy(backup.id(),
                over(faulty, KeyTemplate.DEFAULT), false))
                .isInstanceOf(StorageException.class).hasMessageContaining("disk full")
                .hasMessageContaining(faulty.describe());
        assertThat(destinationStore.keys()).isEmpty();
        assertThat(destinationStore.pendingCount()).isZero();

        FaultyTarget failingManifest = new FaultyTarget(destinationStore);
        failingManifest.failCreate = k -> k.value().endsWith(Manifest.KEY_SUFFIX);
        assertThatThrownBy(() -> over(sourceStore, KeyTemplate.DEFAULT).copy(backup.id(),
                over(failingManifest, KeyTemplate.DEFAULT), false)).isInstanceOf(StorageException.class);
        assertThat(destinationStore.keys()).isEmpty();
    }

    @Test
    void aCopyThatReadsBackDifferentlyIsRemoved() {
        BackupResult backup = primary(new GeneratedSource("neo4j", 200_000, 3)).backup();
        StorageTarget flipping = new ForwardingStorageTarget(destinationStore) {
            @Override
            public InputStream open(ObjectKey key) throws IOException {
                if (!key.equals(backup.dataKey())) {
                    return super.open(key);
                }
                byte[] bytes;
                try (InputStream in = super.open(key)) {
                    bytes = in.readAllBytes();
                }
                bytes[7] ^= 0x40;
                return new ByteArrayInputStream(bytes);
            }
        };
        assertThatThrownBy(() -> over(sourceStore, KeyTemplate.DEFAULT).copy(backup.id(),
                over(flipping, KeyTemplate.DEFAULT), false))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("did not read back");
        assertThat(destinationStore.keys()).isEmpty();
    }

    @Test
    void aMissingBackupIsNotFound() {
        assertThatThrownBy(() -> over(sourceStore, KeyTemplate.DEFAULT).copy("neo4j-20000101T000000Z",
                over(destinationStore, KeyTemplate.DEFAULT), false)).isInstanceOf(BackupNotFoundException.class);
    }
}
