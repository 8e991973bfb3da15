package io.github.neo4jbackup.core.repository;

import io.github.neo4jbackup.core.BackupNotFoundException;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.KeyTemplate;
import io.github.neo4jbackup.core.StorageException;
import io.github.neo4jbackup.core.internal.CountingOutputStream;
import io.github.neo4jbackup.core.internal.FailureRecordingInputStream;
import io.github.neo4jbackup.core.internal.AbortOnInterrupt;
import io.github.neo4jbackup.core.internal.RepositoryLock;
import io.github.neo4jbackup.core.lock.LockTakeover;
import io.github.neo4jbackup.core.lock.ProcessIdentity;
import io.github.neo4jbackup.core.lock.UnlockResult;
import io.github.neo4jbackup.core.internal.ToolVersion;
import io.github.neo4jbackup.core.internal.VerifyingInputStream;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.manifest.ManifestCodec;
import io.github.neo4jbackup.core.spi.ObjectExistsException;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectNotFoundException;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

/**
 * The layout every repository has today: one data object per backup and its manifest beside it.
 * <pre>
 * &lt;prefix&gt;/&lt;key from the template&gt;.&lt;ext&gt;                  the stored bytes of one backup
 * &lt;prefix&gt;/&lt;key from the template&gt;.&lt;ext&gt;.manifest.json    its manifest, written last
 * &lt;prefix&gt;/locks/&lt;database&gt;.lock                           the lock of one database
 * </pre>
 * The prefix is the literal start of the {@link KeyTemplate}. Listing the backups means listing the
 * manifests under the prefix; a data object no manifest references is a leftover of a failed run
 * (an <em>orphan</em>), removed by prune after a grace period. Works on any
 * {@link StorageTarget}. Thread-safe; holds no state beyond its configuration.
 */
public final class ObjectPerBackupRepository implements Repository {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectPerBackupRepository.class);
    private static final int MAX_SKIPPED_SHOWN = 3;

    private final StorageTarget target;
    private final KeyTemplate keyTemplate;
    private final Clock clock;
    private final RepositoryLock.Settings lockSettings;

    /**
     * Creates the repository.
     *
     * @param target         the store (the caller owns it)
     * @param keyTemplate    where backups go
     * @param clock          the clock for locks
     * @param lockStaleAfter how long a lock lives without being refreshed
     * @param host           the host name recorded in locks
     */
    public ObjectPerBackupRepository(StorageTarget target, KeyTemplate keyTemplate, Clock clock,
                                     Duration lockStaleAfter, String host) {
        this(target, keyTemplate, clock, null, Objects.requireNonNull(lockStaleAfter, "lockStaleAfter"), host, null);
    }

    /**
     * Creates the repository with the lock's heartbeat settings.
     *
     * @param target              the store (the caller owns it)
     * @param keyTemplate         where backups go
     * @param clock               the clock for locks
     * @param lockRefreshInterval how often a holder rewrites its lock, or {@code null} for the default
     * @param lockStaleAfter      how old a lock's heartbeat may get before another run may take it
     *                            over, or {@code null} for the default
     * @param host                the host name recorded in locks
     * @param onTakeover          told when a stale or dead holder's lock was taken over, or {@code null}
     */
    public ObjectPerBackupRepository(StorageTarget target, KeyTemplate keyTemplate, Clock clock,
                                     Duration lockRefreshInterval, Duration lockStaleAfter, String host,
                                     Consumer<LockTakeover> onTakeover) {
        this.target = Objects.requireNonNull(target, "target");
        this.keyTemplate = Objects.requireNonNull(keyTemplate, "keyTemplate");
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(host, "host");
        String owner = System.getProperty("user.name", "unknown") + "@" + host + " (pid "
                + ProcessHandle.current().pid() + ")";
        this.lockSettings = new RepositoryLock.Settings(clock, RepositoryLock.Timing.of(lockRefreshInterval,
                lockStaleAfter), ProcessIdentity.current(host), owner, onTakeover);
    }

    @Override
    public String describe() {
        return target.describe();
    }

    // ------------------------------------------------------------------------------------- read

    @Override
    public Contents contents() {
        List<ObjectInfo> objects = listObjects();
        List<Manifest> manifests = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Set<ObjectKey> referenced = new HashSet<>();
        for (ObjectInfo info : objects) {
            if (!info.key().value().endsWith(Manifest.KEY_SUFFIX)) {
                continue;
            }
            try {
                Manifest m = readManifest(info.key());
                manifests.add(m);
                referenced.add(m.object().key());
            } catch (IntegrityException e) {
                // Keep the data of an unreadable manifest out of the orphans: it may be someone's only copy.
                String dataKey = dataKeyOf(info.key());
                if (ObjectKey.problem(dataKey) == null) {
                    referenced.add(ObjectKey.of(dataKey));
                }
                LOG.warn("Skipping unreadable manifest {}: {}", info.key(), e.getMessage());
                skipped.add(e.getMessage());
            } catch (BackupNotFoundException e) {
                // deleted while listing
            }
        }
        manifests.sort(Comparator.comparing(Manifest::createdAt).thenComparing(Manifest::id).reversed());
        return new Listing(List.copyOf(objects), List.copyOf(manifests), List.copyOf(skipped), Set.copyOf(referenced));
    }

    @Override
    public Manifest find(String id) {
        Objects.requireNonNull(id, "id");
        Contents contents = contents();
        return contents.manifests(null).stream().filter(m -> m.id().equals(id)).findFirst()
                .orElseThrow(() -> new BackupNotFoundException("No backup with id '" + id + "' on "
                        + target.describe() + " under '" + keyTemplate.listingPrefix()
                        + "'; list the backups to see the ids that exist" + skippedNote(contents.skipped())));
    }

    @Override
    public Manifest latest(String database) {
        List<Manifest> all = list(database);
        if (all.isEmpty()) {
            throw new BackupNotFoundException("No backup found on " + target.describe()
                    + (database == null ? "" : " for database '" + database + "'"));
        }
        return all.get(0);
    }

    @Override
    public List<String> check(Manifest manifest) {
        List<String> problems = new ArrayList<>();
        ObjectKey key = manifest.object().key();
        Optional<ObjectInfo> info;
        try {
            info = target.stat(key);
        } catch (IOException e) {
            throw storageFailure("stat " + key, e);
        }
        if (info.isEmpty()) {
            problems.add("data object " + key + " is missing");
            return problems;
        }
        if (info.get().size() != manifest.object().storedSize()) {
            problems.add("data object " + key + " has " + info.get().size() + " bytes but the manifest records "
                    + manifest.object().storedSize());
        }
        info.get().sha256().filter(s -> !s.equalsIgnoreCase(manifest.object().storedSha256()))
                .ifPresent(s -> problems.add("the store records SHA-256 " + s + " for " + key
                        + " but the manifest records " + manifest.object().storedSha256()));
        return problems;
    }

    @Override
    public StoredStream open(Manifest manifest) throws IOException {
        ObjectKey key = manifest.object().key();
        InputStream in;
        try {
            in = target.open(key);
        } catch (ObjectNotFoundException e) {
            throw new IntegrityException("Data object " + key + " of backup " + manifest.id()
                    + " is missing on " + target.describe() + "; the backup cannot be restored", e);
        }
        FailureRecordingInputStream storage = new FailureRecordingInputStream(in);
        return new CheckedStream(storage, new VerifyingInputStream(storage, manifest.object().storedSize(),
                manifest.object().storedSha256(), "Stored object " + key + " of backup " + manifest.id()));
    }

    // ------------------------------------------------------------------------------------ write

    @Override
    public BackupWriter newBackup(NewBackup backup) {
        ObjectKey dataKey = keyTemplate.render(backup.id(), backup.database(), backup.createdAt(), backup.engine(),
                backup.extension(), backup.labels());
        return new Writer(backup, dataKey);
    }

    @Override
    public void delete(Manifest manifest) {
        delete(manifest.manifestKey());
        delete(manifest.object().key());
    }

    @Override
    public void deleteOrphan(ObjectKey key) {
        delete(key);
    }

    @Override
    public int removeIncomplete(Instant olderThan) {
        try {
            return target.cleanupIncomplete(olderThan);
        } catch (IOException e) {
            throw storageFailure("clean up incomplete writes", e);
        }
    }

    // ------------------------------------------------------------------------------------- lock

    @Override
    public Lock lock(String database, String operation) {
        ObjectKey key = ObjectKey.of(keyTemplate.listingPrefix() + "locks/" + database + ".lock");
        RepositoryLock held = RepositoryLock.acquire(target, key, lockSettings, operation);
        return new Lock() {
            @Override
            public void refreshIfDue() {
                held.refreshIfDue();
            }

            @Override
            public void close() {
                held.close();
            }
        };
    }

    @Override
    public java.util.Optional<io.github.neo4jbackup.core.lock.LockInfo> lockHolder(String database) {
        ObjectKey key = ObjectKey.of(keyTemplate.listingPrefix() + "locks/" + database + ".lock");
        return RepositoryLock.inspect(target, key, lockSettings);
    }

    @Override
    public UnlockResult unlock(String database, boolean force) {
        return RepositoryLock.unlock(target, keyTemplate.listingPrefix() + "locks/", database, lockSettings, force);
    }

    @Override
    public StorageException storageFailure(String what, IOException cause) {
        return new StorageException("Could not " + what + " on " + target.describe() + ": " + cause.getMessage(),
                target.isRetryable(cause), cause);
    }

    @Override
    public String toString() {
        return "ObjectPerBackupRepository[" + target.describe() + ", keyTemplate=" + keyTemplate + "]";
    }

    // ---------------------------------------------------------------------------------- helpers

    private List<ObjectInfo> listObjects() {
        String prefix = keyTemplate.listingPrefix();
        String what = "list " + (prefix.isEmpty() ? "the repository" : "'" + prefix + "'");
        try {
            return target.listAllObjects(prefix);
        } catch (IOException e) {
            throw storageFailure(what, e);
        } catch (UncheckedIOException e) {
            throw storageFailure(what, e.getCause());
        }
    }

    private Manifest readManifest(ObjectKey key) {
        byte[] bytes;
        try (InputStream in = target.open(key)) {
            bytes = in.readNBytes(ManifestCodec.MAX_MANIFEST_BYTES + 1);
        } catch (ObjectNotFoundException e) {
            throw new BackupNotFoundException("Manifest " + key + " does not exist on " + target.describe());
        } catch (IOException e) {
            throw storageFailure("read the manifest " + key, e);
        }
        Manifest m = ManifestCodec.read(bytes, key.value());
        if (!m.manifestKey().equals(key)) {
            throw new IntegrityException("Manifest " + key + " describes object " + m.object().key()
                    + " which does not belong beside it; the manifest was moved or edited");
        }
        return m;
    }

    private static String dataKeyOf(ObjectKey manifestKey) {
        String value = manifestKey.value();
        return value.substring(0, value.length() - Manifest.KEY_SUFFIX.length());
    }

    /** Says which manifests a listing skipped, so that "not found" does not hide a damaged manifest. */
    private static String skippedNote(List<String> skipped) {
        if (skipped.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(". ").append(skipped.size())
                .append(skipped.size() == 1 ? " manifest was" : " manifests were")
                .append(" skipped because it could not be read (the backup may be among them): ");
        for (int i = 0; i < Math.min(MAX_SKIPPED_SHOWN, skipped.size()); i++) {
            String one = skipped.get(i);
            sb.append(i == 0 ? "" : "; ").append(one.length() > 400 ? one.substring(0, 400) + "..." : one);
        }
        if (skipped.size() > MAX_SKIPPED_SHOWN) {
            sb.append("; and ").append(skipped.size() - MAX_SKIPPED_SHOWN).append(" more");
        }
        return sb.toString();
    }

    private void delete(ObjectKey key) {
        try {
            target.delete(key);
        } catch (IOException e) {
            throw storageFailure("delete " + key, e);
        }
    }

    private void deleteQuietly(ObjectKey key) {
        try {
            target.delete(key);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not remove {} after a failure: {}; prune removes it after the grace period", key,
                    e.toString());
        }
    }

    /** One listing of the store, and what the manifests in it reference. */
    private final class Listing implements Contents {
        private final List<ObjectInfo> objects;
        private final List<Manifest> manifests;
        private final List<String> skipped;
        private final Set<ObjectKey> referenced;
        private final Map<ObjectKey, Long> sizes = new HashMap<>();

        Listing(List<ObjectInfo> objects, List<Manifest> manifests, List<String> skipped, Set<ObjectKey> referenced) {
            this.objects = objects;
            this.manifests = manifests;
            this.skipped = skipped;
            this.referenced = referenced;
            objects.forEach(info -> sizes.put(info.key(), info.size()));
        }

        @Override
        public List<Manifest> manifests(String database) {
            return database == null ? manifests
                    : manifests.stream().filter(m -> m.database().equals(database)).toList();
        }

        @Override
        public List<String> skipped() {
            return skipped;
        }

        @Override
        public boolean isComplete(Manifest manifest) {
            Long size = sizes.get(manifest.object().key());
            return size != null && size == manifest.object().storedSize();
        }

        @Override
        public List<ObjectKey> orphans(String database, Instant olderThan) {
            Pattern pattern = keyTemplate.keyPattern(database);
            List<ObjectKey> orphans = new ArrayList<>();
            for (ObjectInfo info : objects) {
                String key = info.key().value();
                if (key.endsWith(Manifest.KEY_SUFFIX) || referenced.contains(info.key())
                        || !pattern.matcher(key).matches() || !info.lastModified().isBefore(olderThan)) {
                    continue;
                }
                orphans.add(info.key());
            }
            return orphans;
        }
    }

    /** The stored bytes, hashed against the manifest, with failures of the store recorded apart. */
    private static final class CheckedStream extends StoredStream {
        private final FailureRecordingInputStream storage;
        private final VerifyingInputStream verifying;

        CheckedStream(FailureRecordingInputStream storage, VerifyingInputStream verifying) {
            this.storage = storage;
            this.verifying = verifying;
        }

        @Override
        public int read() throws IOException {
            return verifying.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return verifying.read(b, off, len);
        }

        @Override
        public long skip(long n) throws IOException {
            return verifying.skip(n);
        }

        @Override
        public int available() throws IOException {
            return verifying.available();
        }

        @Override
        public void close() throws IOException {
            verifying.close();
        }

        @Override
        public long count() {
            return verifying.count();
        }

        @Override
        public long drain() throws IOException {
            return verifying.drain();
        }

        @Override
        public IOException storageFailure() {
            return storage.failure();
        }
    }

    /** The commit protocol for one backup: data, check, manifest; everything removed on failure. */
    private final class Writer implements BackupWriter {
        private final NewBackup backup;
        private final ObjectKey dataKey;
        private PendingObject pending;
        private CountingOutputStream stored;
        private State state = State.PLANNED;

        Writer(NewBackup backup, ObjectKey dataKey) {
            this.backup = backup;
            this.dataKey = dataKey;
        }

        @Override
        public ObjectKey key() {
            return dataKey;
        }

        @Override
        public OutputStream open(LongConsumer storedProgress) {
            if (state != State.PLANNED) {
                throw new IllegalStateException("The data of backup " + backup.id() + " is already being written");
            }
            try {
                pending = AbortOnInterrupt.wrap(target.create(dataKey, Map.of("database", backup.database(),
                        "backup-id", backup.id(), "tool-version", ToolVersion.get()), WriteMode.CREATE_NEW));
            } catch (IOException e) {
                throw ObjectPerBackupRepository.this.storageFailure("start writing " + dataKey, e);
            }
            state = State.WRITING;
            stored = new CountingOutputStream(pending.stream(), false,
                    storedProgress == null ? null : storedProgress::accept);
            return stored;
        }

        @Override
        public IOException storageFailure() {
            return stored == null ? null : stored.failure();
        }

        @Override
        public Committed commitData() {
            if (state != State.WRITING) {
                throw new IllegalStateException("Backup " + backup.id() + " has no data being written");
            }
            String sha256 = stored.sha256();
            ObjectInfo info;
            try {
                info = pending.commit();
            } catch (ObjectExistsException e) {
                throw new InvalidInputException("Backup " + backup.id() + ": an object already exists under " + dataKey
                        + " on " + target.describe() + "; two backups started in the same second, or the key "
                        + "template '" + keyTemplate + "' is not unique per backup. Nothing was overwritten.", e);
            } catch (IOException e) {
                throw ObjectPerBackupRepository.this.storageFailure("commit " + dataKey, e);
            }
            state = State.DATA_COMMITTED;
            List<String> problems = new ArrayList<>();
            if (info.size() != stored.count()) {
                problems.add("the store reports " + info.size() + " bytes but " + stored.count() + " were written");
            }
            Optional<String> storeSha = info.sha256();
            if (storeSha.isPresent() && !storeSha.get().equalsIgnoreCase(sha256)) {
                problems.add("the store reports SHA-256 " + storeSha.get() + " but " + sha256 + " was written");
            }
            if (!problems.isEmpty()) {
                close();
                throw new IntegrityException("Backup " + backup.id() + ": the committed object " + dataKey + " on "
                        + target.describe() + " does not match what was written (" + String.join("; ", problems)
                        + "); it was removed and no manifest was written. Check the store.");
            }
            return new Committed(dataKey, stored.count(), sha256);
        }

        @Override
        public void commitManifest(Manifest manifest) {
            if (state != State.DATA_COMMITTED) {
                throw new IllegalStateException("Backup " + backup.id() + ": the data must be committed before "
                        + "the manifest");
            }
            if (!manifest.object().key().equals(dataKey)) {
                throw new IllegalArgumentException("The manifest of backup " + backup.id() + " describes "
                        + manifest.object().key() + ", not the data written to " + dataKey);
            }
            ObjectKey manifestKey = manifest.manifestKey();
            byte[] json = ManifestCodec.write(manifest);
            boolean committed = false;
            try (PendingObject manifestObject = target.create(manifestKey, Map.of("backup-id", manifest.id()),
                    WriteMode.CREATE_NEW)) {
                manifestObject.stream().write(json);
                ObjectInfo info = manifestObject.commit();
                committed = true;
                if (info.size() != json.length) {
                    throw new IOException("the store reports " + info.size() + " bytes for the manifest but "
                            + json.length + " were written");
                }
            } catch (IOException e) {
                if (committed) {
                    deleteQuietly(manifestKey); // ours, but damaged: it must not stay without its object
                }
                close();
                throw ObjectPerBackupRepository.this.storageFailure("write the manifest " + manifestKey + " (the data object was removed; "
                        + "the backup does not exist)", e);
            }
            state = State.COMPLETE;
        }

        @Override
        public void close() {
            switch (state) {
                case WRITING -> pending.close();
                case DATA_COMMITTED -> deleteQuietly(dataKey);
                default -> {
                }
            }
            if (state != State.COMPLETE) {
                state = State.CLOSED;
            }
        }
    }

    private enum State { PLANNED, WRITING, DATA_COMMITTED, COMPLETE, CLOSED }
}
