package io.github.neo4jbackup.core.repository;

import io.github.neo4jbackup.core.BackupNotFoundException;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.KeyTemplate;
import io.github.neo4jbackup.core.LockHeldException;
import io.github.neo4jbackup.core.StorageException;
import io.github.neo4jbackup.core.internal.Sha256;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.manifest.StoredObject;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.core.storage.ForwardingStorageTarget;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The commit protocol, listing and locks of the one-object-per-backup layout, on the in-memory target. */
class ObjectPerBackupRepositoryTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0.plus(Duration.ofDays(3)), ZoneOffset.UTC);
    private static final byte[] DATA = "some stored bytes of a backup".getBytes(StandardCharsets.UTF_8);

    private final InMemoryStorageTarget store = new InMemoryStorageTarget(CLOCK);

    private Repository repository(StorageTarget target) {
        return new ObjectPerBackupRepository(target, KeyTemplate.of(KeyTemplate.DEFAULT), CLOCK,
                Duration.ofHours(2), "host-a");
    }

    private static Repository.NewBackup newBackup(String database, Instant at) {
        return new Repository.NewBackup(database + "-" + KeyTemplate.TIMESTAMP.format(at), database, at, "test",
                "bin", Map.of());
    }

    private static Manifest manifest(Repository.NewBackup backup, BackupWriter.Committed data) {
        return new Manifest(Manifest.FORMAT_VERSION, backup.id(), backup.database(), backup.createdAt(),
                backup.createdAt().plusSeconds(1),
                new Manifest.SourceInfo("test", "1", null, null, Map.of()), "test", "host-a", List.of(),
                new StoredObject(data.key(), data.size(), data.size(), data.sha256(), data.sha256()),
                GraphCounts.UNKNOWN, Map.of(), Map.of());
    }

    /** Writes a complete backup through the protocol and returns its manifest. */
    private static Manifest commit(Repository repository, String database, Instant at) throws IOException {
        Repository.NewBackup backup = newBackup(database, at);
        try (BackupWriter writer = repository.newBackup(backup)) {
            writer.open(null).write(DATA);
            Manifest m = manifest(backup, writer.commitData());
            writer.commitManifest(m);
            return m;
        }
    }

    @Test
    void dataIsCommittedAndCheckedBeforeTheManifestWhichComesLast() throws IOException {
        RecordingTarget recording = new RecordingTarget(store, Function.identity());
        Repository repository = repository(recording);
        Repository.NewBackup backup = newBackup("neo4j", T0);
        Manifest written;
        try (BackupWriter writer = repository.newBackup(backup)) {
            assertThat(writer.key()).isEqualTo(ObjectKey.of("neo4j/neo4j-20260101T000000Z.bin"));
            assertThat(store.keys()).isEmpty(); // planning writes nothing
            writer.open(null).write(DATA);
            BackupWriter.Committed data = writer.commitData();
            assertThat(data.size()).isEqualTo(DATA.length);
            assertThat(data.sha256()).isEqualTo(sha256(DATA));
            // The data is there, but without a manifest the backup does not exist yet.
            assertThat(store.keys()).containsExactly(writer.key());
            assertThat(repository.list(null)).isEmpty();
            written = manifest(backup, data);
            writer.commitManifest(written);
        }
        assertThat(recording.commits).containsExactly("neo4j/neo4j-20260101T000000Z.bin",
                "neo4j/neo4j-20260101T000000Z.bin.manifest.json");
        assertThat(repository.list("neo4j")).containsExactly(written);
        assertThat(repository.find(written.id())).isEqualTo(written);
        assertThat(repository.check(written)).isEmpty();
        try (StoredStream in = repository.open(written)) {
            assertThat(in.readAllBytes()).isEqualTo(DATA);
            assertThat(in.count()).isEqualTo(DATA.length);
        }
    }

    @Test
    void aSizeTheStoreDoesNotConfirmRemovesTheDataAndWritesNoManifest() throws IOException {
        Repository repository = repository(new RecordingTarget(store,
                info -> new ObjectInfo(info.key(), info.size() - 1, info.lastModified(), info.metadata())));
        Repository.NewBackup backup = newBackup("neo4j", T0);
        try (BackupWriter writer = repository.newBackup(backup)) {
            writer.open(null).write(DATA);
            assertThatThrownBy(writer::commitData).isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("the store reports " + (DATA.length - 1) + " bytes but " + DATA.length
                            + " were written")
                    .hasMessageContaining("no manifest was written");
            assertThatThrownBy(() -> writer.commitManifest(null)).isInstanceOf(IllegalStateException.class);
        }
        assertThat(store.keys()).isEmpty();
        assertThat(store.pendingCount()).isZero();
    }

    @Test
    void aHashTheStoreDoesNotConfirmRemovesTheDataAndWritesNoManifest() throws IOException {
        String wrong = sha256("other".getBytes(StandardCharsets.UTF_8));
        Repository repository = repository(new RecordingTarget(store, info -> new ObjectInfo(info.key(), info.size(),
                info.lastModified(), Map.of(ObjectInfo.SHA256_METADATA, wrong))));
        try (BackupWriter writer = repository.newBackup(newBackup("neo4j", T0))) {
            writer.open(null).write(DATA);
            assertThatThrownBy(writer::commitData).isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("the store reports SHA-256 " + wrong);
        }
        assertThat(store.keys()).isEmpty();
    }

    @Test
    void closingBeforeTheManifestRemovesEverything() throws IOException {
        Repository repository = repository(store);
        try (BackupWriter writer = repository.newBackup(newBackup("neo4j", T0))) {
            writer.open(null).write(DATA);
            assertThat(store.pendingCount()).isOne();
        }
        assertThat(store.pendingCount()).isZero();
        assertThat(store.keys()).isEmpty();

        try (BackupWriter writer = repository.newBackup(newBackup("neo4j", T0.plusSeconds(1)))) {
            writer.open(null).write(DATA);
            writer.commitData();
            assertThat(store.keys()).hasSize(1);
            // e.g. a read-back found the data damaged: the run ends without a manifest
        }
        assertThat(store.keys()).isEmpty();
    }

    @Test
    void aFailedManifestWriteRemovesTheData() throws IOException {
        ForwardingStorageTarget failing = new ForwardingStorageTarget(store) {
            @Override
            public PendingObject create(ObjectKey key, Map<String, String> metadata, WriteMode mode)
                    throws IOException {
                if (key.value().endsWith(Manifest.KEY_SUFFIX)) {
                    throw new IOException("disk full");
                }
                return super.create(key, metadata, mode);
            }
        };
        Repository repository = repository(failing);
        Repository.NewBackup backup = newBackup("neo4j", T0);
        try (BackupWriter writer = repository.newBackup(backup)) {
            writer.open(null).write(DATA);
            Manifest m = manifest(backup, writer.commitData());
            assertThatThrownBy(() -> writer.commitManifest(m)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("disk full").hasMessageContaining("the backup does not exist");
        }
        assertThat(store.keys()).isEmpty();
    }

    @Test
    void anExistingKeyIsNeverOverwritten() throws IOException {
        Repository repository = repository(store);
        Manifest first = commit(repository, "neo4j", T0);
        try (BackupWriter writer = repository.newBackup(newBackup("neo4j", T0))) {
            writer.open(null).write("other".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(writer::commitData).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("Nothing was overwritten");
        }
        try (StoredStream in = repository.open(first)) {
            assertThat(in.readAllBytes()).isEqualTo(DATA);
        }
    }

    @Test
    void listingIgnoresPendingWritesOrphansAndUnreadableManifests() throws IOException {
        Repository repository = repository(store);
        Manifest older = commit(repository, "neo4j", T0);
        Manifest newer = commit(repository, "neo4j", T0.plusSeconds(60));
        Manifest other = commit(repository, "system", T0.plusSeconds(30));
        put("neo4j/neo4j-20251231T000000Z.bin", DATA);                                // orphan: no manifest
        put("neo4j/neo4j-20251230T000000Z.bin", DATA);                                // its manifest is damaged
        put("neo4j/neo4j-20251230T000000Z.bin.manifest.json", "{not json".getBytes(StandardCharsets.UTF_8));
        put("notes/readme.txt", DATA);                                                // not a backup's key
        try (PendingObject pending = store.create(ObjectKey.of("neo4j/neo4j-20260102T000000Z.bin"), Map.of(),
                WriteMode.CREATE_NEW)) {
            pending.stream().write(DATA);                                             // a run still writing

            Contents contents = repository.contents();
            assertThat(contents.manifests(null)).containsExactly(newer, other, older);
            assertThat(contents.manifests("neo4j")).containsExactly(newer, older);
            assertThat(repository.latest("neo4j")).isEqualTo(newer);
            assertThat(contents.skipped()).hasSize(1);
            assertThat(contents.isComplete(newer)).isTrue();
            assertThat(contents.orphans("neo4j", CLOCK.instant().plusSeconds(1)))
                    .containsExactly(ObjectKey.of("neo4j/neo4j-20251231T000000Z.bin"));
            assertThat(contents.orphans("neo4j", CLOCK.instant())).isEmpty(); // written within the grace period
            assertThat(contents.orphans("system", CLOCK.instant().plusSeconds(1))).isEmpty();
        }
        assertThatThrownBy(() -> repository.find("neo4j-20251230T000000Z"))
                .isInstanceOf(BackupNotFoundException.class)
                .hasMessageContaining("1 manifest was skipped because it could not be read");
        assertThatThrownBy(() -> repository.latest("other")).isInstanceOf(BackupNotFoundException.class)
                .hasMessageContaining("for database 'other'");
    }

    @Test
    void aDataObjectShorterThanItsManifestIsNotComplete() throws IOException {
        Repository repository = repository(store);
        Manifest m = commit(repository, "neo4j", T0);
        put(m.object().key().value(), "short".getBytes(StandardCharsets.UTF_8), WriteMode.OVERWRITE);
        assertThat(repository.contents().isComplete(m)).isFalse();
        assertThat(repository.check(m)).singleElement().asString()
                .contains("has 5 bytes but the manifest records " + DATA.length);
    }

    @Test
    void openRefusesDataThatDiffersFromTheManifest() throws IOException {
        Repository repository = repository(store);
        Manifest m = commit(repository, "neo4j", T0);
        byte[] tampered = DATA.clone();
        tampered[3] ^= 1;
        put(m.object().key().value(), tampered, WriteMode.OVERWRITE);
        try (StoredStream in = repository.open(m)) {
            assertThatThrownBy(in::drain).isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("has SHA-256").hasMessageContaining("Do not restore it");
            assertThat(in.storageFailure()).isNull(); // damage, not a failure of the store
        }
        store.delete(m.object().key());
        assertThatThrownBy(() -> repository.open(m)).isInstanceOf(IntegrityException.class)
                .hasMessageContaining("is missing");
        assertThat(repository.check(m)).singleElement().asString().contains("is missing");
    }

    @Test
    void deleteRemovesTheManifestFirst() throws IOException {
        List<String> deletes = new ArrayList<>();
        Repository repository = repository(new ForwardingStorageTarget(store) {
            @Override
            public void delete(ObjectKey key) throws IOException {
                deletes.add(key.value());
                super.delete(key);
            }
        });
        Manifest m = commit(repository, "neo4j", T0);
        repository.delete(m);
        assertThat(deletes).containsExactly(m.manifestKey().value(), m.object().key().value());
        assertThat(store.keys()).isEmpty();
    }

    @Test
    void aDatabaseLockIsExclusiveUntilReleased() {
        Repository repository = repository(store);
        try (Repository.Lock held = repository.lock("neo4j", "backup one")) {
            assertThat(store.keys()).containsExactly(ObjectKey.of("locks/neo4j.lock"));
            assertThatThrownBy(() -> repository.lock("neo4j", "backup two")).isInstanceOf(LockHeldException.class)
                    .hasMessageContaining("backup one");
            try (Repository.Lock other = repository.lock("system", "prune")) {
                held.refreshIfDue();
            }
        }
        try (Repository.Lock again = repository.lock("neo4j", "backup three")) {
            assertThat(store.keys()).hasSize(1);
        }
        assertThat(store.keys()).isEmpty();
    }

    private void put(String key, byte[] bytes) throws IOException {
        put(key, bytes, WriteMode.CREATE_NEW);
    }

    private void put(String key, byte[] bytes, WriteMode mode) throws IOException {
        try (PendingObject pending = store.create(ObjectKey.of(key), Map.of(), mode)) {
            pending.stream().write(bytes);
            pending.commit();
        }
    }

    private static String sha256(byte[] bytes) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(bytes);
        return Sha256.hex(digest);
    }

    /** Records the order of commits and lets a test change what a commit of a data object reports. */
    private static final class RecordingTarget extends ForwardingStorageTarget {
        final List<String> commits = new ArrayList<>();
        private final Function<ObjectInfo, ObjectInfo> dataCommitReport;

        RecordingTarget(StorageTarget delegate, Function<ObjectInfo, ObjectInfo> dataCommitReport) {
            super(delegate);
            this.dataCommitReport = dataCommitReport;
        }

        @Override
        public PendingObject create(ObjectKey key, Map<String, String> metadata, WriteMode mode) throws IOException {
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
                    commits.add(key.value());
                    return key.value().endsWith(Manifest.KEY_SUFFIX) ? info : dataCommitReport.apply(info);
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
    }
}
