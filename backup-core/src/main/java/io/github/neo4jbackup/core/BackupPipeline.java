package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.internal.AbortOnInterrupt;
import io.github.neo4jbackup.core.internal.CountingOutputStream;
import io.github.neo4jbackup.core.internal.RepositoryLock;
import io.github.neo4jbackup.core.internal.SafeListener;
import io.github.neo4jbackup.core.internal.ToolVersion;
import io.github.neo4jbackup.core.internal.VerifyingInputStream;
import io.github.neo4jbackup.core.lock.ProcessIdentity;
import io.github.neo4jbackup.core.lock.UnlockResult;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.manifest.ManifestCodec;
import io.github.neo4jbackup.core.manifest.StoredObject;
import io.github.neo4jbackup.core.manifest.TransformerSpec;
import io.github.neo4jbackup.core.retention.RetentionCandidate;
import io.github.neo4jbackup.core.retention.RetentionDecision;
import io.github.neo4jbackup.core.retention.RetentionPlan;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.spi.BackupHook;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.ObjectExistsException;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectNotFoundException;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.Transformer;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.core.transform.TransformerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The entry point: backs up a {@link BackupSource} through a chain of {@link Transformer}s into a
 * {@link StorageTarget}, and lists, verifies, restores and prunes what is there.
 *
 * <pre>{@code
 * BackupPipeline pipeline = BackupPipeline.builder()
 *         .source(source)
 *         .transform(Compression.zstd(3))
 *         .target(LocalStorageTarget.of(Path.of("/var/backups/neo4j")))
 *         .retention(RetentionPolicy.builder().keepLast(3).keepDaily(7).build())
 *         .build();
 * BackupResult result = pipeline.backup();
 * }</pre>
 *
 * <p>A backup exists only once its data object is committed and verified and its manifest is
 * written, last. Any failure before that aborts the data object, writes no manifest, releases the
 * lock and throws a {@link BackupException} subtype. Retention runs only after a successful
 * backup, under the same lock. A pipeline is immutable and thread-safe; the source, the target
 * and their clients belong to the caller.
 */
public final class BackupPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(BackupPipeline.class);

    /** Largest label or metadata value, in characters (both are stored in every manifest). */
    public static final int MAX_LABEL_VALUE_CHARS = 65_536;
    /** Largest label or metadata name, in characters. */
    public static final int MAX_LABEL_NAME_CHARS = 256;
    /** Largest total of all label and metadata names and values, in characters. */
    public static final int MAX_LABELS_TOTAL_CHARS = 1 << 20;
    private static final int MAX_SKIPPED_SHOWN = 3;
    /**
     * How far in the future a backup's {@code createdAt} may lie (clock skew between hosts) before
     * prune stops counting it in the retention rules and keeps it.
     */
    public static final Duration FUTURE_TOLERANCE = Duration.ofHours(1);
    private static final long PROGRESS_INTERVAL_NANOS = 250_000_000L;
    private static final int BUFFER = 64 * 1024;

    private final BackupSource source;
    private final List<Transformer> transformers;
    private final List<Transformer> decoders;
    private final StorageTarget target;
    private final KeyTemplate keyTemplate;
    private final RetentionPolicy retention;
    private final List<BackupListener> listeners;
    private final BackupListener listener;
    private final Clock clock;
    private final Map<String, String> labels;
    private final Map<String, String> metadata;
    private final Duration lockStaleAfter;
    private final Duration lockRefreshInterval;
    private final RepositoryLock.Timing lockTiming;
    private final Duration orphanGracePeriod;
    private final VerifyLevel verifyAfterBackup;
    private final String host;
    private final BackupHook hook;
    private final boolean recompress;

    private BackupPipeline(Builder b) {
        this.source = b.source;
        this.transformers = List.copyOf(b.transformers);
        this.decoders = List.copyOf(b.decoders);
        this.target = b.target;
        this.keyTemplate = b.keyTemplate;
        this.retention = b.retention;
        this.listeners = List.copyOf(b.listeners);
        this.listener = new SafeListener(this.listeners);
        this.clock = b.clock;
        this.labels = java.util.Collections.unmodifiableMap(new TreeMap<>(b.labels));
        this.metadata = java.util.Collections.unmodifiableMap(new TreeMap<>(b.metadata));
        this.lockStaleAfter = b.lockStaleAfter;
        this.lockRefreshInterval = b.lockRefreshInterval;
        this.lockTiming = RepositoryLock.Timing.of(b.lockRefreshInterval, b.lockStaleAfter);
        this.orphanGracePeriod = b.orphanGracePeriod;
        this.verifyAfterBackup = b.verifyAfterBackup;
        this.host = b.host != null ? b.host : localHost();
        this.hook = b.hook;
        this.recompress = b.recompress;
    }

    /**
     * A new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this pipeline's configuration, to make a variant.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.source = source;
        b.transformers.addAll(transformers);
        b.decoders.addAll(decoders);
        b.target = target;
        b.keyTemplate = keyTemplate;
        b.retention = retention;
        b.listeners.addAll(listeners);
        b.clock = clock;
        b.labels.putAll(labels);
        b.metadata.putAll(metadata);
        b.lockStaleAfter = lockStaleAfter;
        b.lockRefreshInterval = lockRefreshInterval;
        b.orphanGracePeriod = orphanGracePeriod;
        b.verifyAfterBackup = verifyAfterBackup;
        b.host = host;
        b.hook = hook;
        b.recompress = recompress;
        return b;
    }

    // ------------------------------------------------------------------------------------ backup

    /**
     * Runs one backup: lock, export through the transformers into a pending object, commit,
     * verify, write the manifest, release the lock, then apply retention if configured.
     *
     * @return the result
     * @throws InvalidInputException  when no source is configured or the configuration is unusable
     * @throws LockHeldException      when another run holds the repository lock
     * @throws SourceFailedException  when the source failed
     * @throws StorageException       when the store failed
     * @throws IntegrityException     when the stored object did not verify
     */
    public BackupResult backup() {
        if (source == null) {
            throw new InvalidInputException("No source configured: call source(..) on the builder to back up");
        }
        String database = DatabaseName.validate(source.database());
        Instant started = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String id = database + "-" + KeyTemplate.TIMESTAMP.format(started);
        List<Transformer> chain = new ArrayList<>();
        Map<String, String> pipelineAttributes = new TreeMap<>();
        for (Transformer t : transformers) {
            if (t.compresses() && source.compressedOutput() && !recompress) {
                pipelineAttributes.merge("compression.skipped", t.describe(), (a, b) -> a + ", " + b);
            } else {
                chain.add(t);
            }
        }
        if (pipelineAttributes.containsKey("compression.skipped")) {
            pipelineAttributes.put("compression.skipped.reason", "the " + source.type()
                    + " output is already compressed");
            LOG.info("Not compressing the output of {} again ({} skipped)", source.type(),
                    pipelineAttributes.get("compression.skipped"));
        }
        StringBuilder ext = new StringBuilder(source.extension());
        for (Transformer t : chain) {
            ext.append('.').append(t.extension());
        }
        ObjectKey dataKey = keyTemplate.render(id, database, started, source.type(), ext.toString(), labels);
        ObjectKey manifestKey = dataKey.withSuffix(Manifest.KEY_SUFFIX);
        try (RepositoryLock lock = lock(database, "backup " + id)) {
            listener.backupStarted(id, database, dataKey);
            LOG.info("Backup {} of database '{}' started: {} -> {} {}", id, database, source.type(),
                    target.describe(), dataKey);
            try {
                Map<String, String> prepared = prepareSource(id);
                HookOutcome hookOutcome = new HookOutcome();
                Written written = withHook(database, hookOutcome, () -> writeDataObject(id, dataKey, lock, chain));
                pipelineAttributes.putAll(hookOutcome.attributes);
                Map<String, String> attributes = new TreeMap<>(prepared);
                attributes.putAll(written.description.attributes());
                attributes.putAll(pipelineAttributes);
                Instant finished = clock.instant();
                Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, id, database, started, finished,
                        new Manifest.SourceInfo(source.type(), written.description.engineVersion(),
                                written.description.neo4jVersion(), written.description.neo4jEdition(),
                                attributes),
                        ToolVersion.get(), host, chain.stream().map(TransformerSpec::of).toList(),
                        written.object, written.description.counts(), labels, metadata);
                if (verifyAfterBackup == VerifyLevel.FULL) {
                    VerifyReport report = verifyFull(manifest);
                    if (!report.ok()) {
                        deleteQuietly(dataKey);
                        throw new IntegrityException("Backup " + id + " failed read-back verification and was removed: "
                                + String.join("; ", report.problems()));
                    }
                }
                writeManifest(manifest, manifestKey);
                LOG.info("Backup {} committed: {} raw bytes, {} stored bytes in {} ({})", id,
                        written.object.rawSize(), written.object.storedSize(), manifest.duration(), dataKey);
                PruneResult prune = null;
                String pruneFailure = null;
                if (retention != null) {
                    try {
                        prune = pruneDatabase(database, false, lock);
                        listener.pruned(prune);
                    } catch (BackupException e) {
                        pruneFailure = e.getMessage();
                        LOG.warn("Backup {} succeeded but retention failed: {}", id, e.getMessage());
                        listener.pruneFailed(e);
                    }
                }
                BackupResult result = new BackupResult(manifest, manifestKey, prune, pruneFailure);
                listener.backupCommitted(result);
                if (hookOutcome.afterFailure != null) {
                    HookFailedException failure = new HookFailedException("Backup " + id + " is stored and verified, "
                            + "but the " + hook.name() + " hook that brings database '" + database + "' back failed: "
                            + hookOutcome.afterFailure.getMessage() + ". The database may still be stopped: check it now.",
                            result, hookOutcome.afterFailure);
                    LOG.error(failure.getMessage());
                    listener.backupFailed(id, failure);
                    throw failure;
                }
                return result;
            } catch (HookFailedException e) {
                throw e;
            } catch (BackupException e) {
                LOG.error("Backup {} of database '{}' failed: {}", id, database, e.getMessage());
                listener.backupFailed(id, e);
                throw e;
            }
        }
    }

    private record Written(StoredObject object, SourceDescription description) {
    }

    private Map<String, String> prepareSource(String id) {
        try {
            Map<String, String> prepared = source.prepare();
            return prepared == null ? Map.of() : prepared;
        } catch (BackupException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new SourceFailedException("Backup " + id + ": source '" + source.type() + "' could not prepare the "
                    + "backup of database '" + source.database() + "': " + e.getMessage() + ". Nothing was stopped or "
                    + "written.", e);
        }
    }

    /** What the hook did: attributes for the manifest and a failure of afterBackup. */
    private static final class HookOutcome {
        final Map<String, String> attributes = new TreeMap<>();
        IOException afterFailure;
    }

    private Written withHook(String database, HookOutcome outcome, java.util.function.Supplier<Written> export) {
        if (hook == null) {
            return export.get();
        }
        outcome.attributes.put("hook", hook.name());
        long start = System.nanoTime();
        boolean succeeded = false;
        RuntimeException failure = null;
        try {
            try {
                LOG.info("Running the {} hook before backing up '{}'", hook.name(), database);
                hook.beforeBackup(database);
            } catch (IOException e) {
                throw new SourceFailedException("The " + hook.name() + " hook could not prepare database '" + database
                        + "' for the backup: " + e.getMessage() + ". Nothing was backed up.", e);
            }
            Written written = export.get();
            succeeded = true;
            return written;
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            try {
                LOG.info("Running the {} hook after backing up '{}'", hook.name(), database);
                hook.afterBackup(database, succeeded);
            } catch (IOException | RuntimeException e) {
                IOException io = e instanceof IOException ioe ? ioe : new IOException(e.getMessage(), e);
                LOG.error("The {} hook failed to bring database '{}' back after the backup: {}. The database may "
                        + "still be stopped: check it now.", hook.name(), database, e.getMessage());
                if (failure != null) {
                    failure.addSuppressed(io);
                } else {
                    outcome.afterFailure = io;
                }
            }
            if (hook.takesDatabaseOffline()) {
                long ms = (System.nanoTime() - start) / 1_000_000;
                outcome.attributes.put("downtime.ms", Long.toString(ms));
                LOG.info("Database '{}' was unavailable for {} ms", database, ms);
            }
        }
    }

    private Written writeDataObject(String id, ObjectKey dataKey, RepositoryLock lock, List<Transformer> transformerChain) {
        PendingObject pending;
        try {
            pending = AbortOnInterrupt.wrap(target.create(dataKey, Map.of("database", source.database(),
                    "backup-id", id, "tool-version", ToolVersion.get()), WriteMode.CREATE_NEW));
        } catch (IOException e) {
            throw storageFailure("start writing " + dataKey, e);
        }
        try (pending) {
            AtomicLong records = new AtomicLong();
            ProgressReporter progress = new ProgressReporter(id, records, lock);
            CountingOutputStream stored = new CountingOutputStream(pending.stream(), false, progress::stored);
            CountingOutputStream raw;
            SourceDescription description;
            OutputStream chain = null;
            try {
                chain = stored;
                for (int i = transformerChain.size() - 1; i >= 0; i--) {
                    chain = transformerChain.get(i).encode(chain);
                }
                raw = new CountingOutputStream(chain, true, progress::raw);
                description = runSource(id, raw, records, stored);
                raw.close();
            } catch (IOException e) {
                if (stored.failure() != null) {
                    throw storageFailure("write " + dataKey, stored.failure());
                }
                throw new SourceFailedException("Backup " + id + ": encoding the stream failed: " + e.getMessage(), e);
            } finally {
                closeQuietly(chain);
            }
            if (stored.failure() != null) {
                throw storageFailure("write " + dataKey, stored.failure());
            }
            String storedSha = stored.sha256();
            ObjectInfo info;
            try {
                info = pending.commit();
            } catch (ObjectExistsException e) {
                throw new InvalidInputException("Backup " + id + ": an object already exists under " + dataKey
                        + " on " + target.describe() + "; two backups started in the same second, or the key "
                        + "template '" + keyTemplate + "' is not unique per backup. Nothing was overwritten.", e);
            } catch (IOException e) {
                throw storageFailure("commit " + dataKey, e);
            }
            checkCommitted(id, dataKey, info, stored.count(), storedSha);
            return new Written(new StoredObject(dataKey, raw.count(), stored.count(), raw.sha256(), storedSha),
                    description);
        }
    }

    private SourceDescription runSource(String id, OutputStream raw, AtomicLong records, CountingOutputStream stored)
            throws IOException {
        ExportContext context = new ExportContext() {
            @Override
            public void recordsExported(long delta) {
                records.addAndGet(delta);
            }

            @Override
            public boolean cancelled() {
                return Thread.currentThread().isInterrupted();
            }
        };
        SourceDescription description;
        try {
            description = source.export(new NonClosingOutputStream(raw), context);
        } catch (BackupException e) {
            if (stored.failure() != null && !(e instanceof SourceFailedException sf && sf.exitCode().isPresent())) {
                throw storageFailure("write the backup of " + source.database(), stored.failure());
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            if (stored.failure() != null) {
                throw storageFailure("write the backup of " + source.database(), stored.failure());
            }
            throw new SourceFailedException("Backup " + id + ": source '" + source.type() + "' failed for database '"
                    + source.database() + "': " + e.getMessage(), e);
        }
        if (description == null) {
            description = SourceDescription.of(source.type(), source.database());
        }
        if (!description.database().equals(source.database())) {
            LOG.warn("Source {} described database '{}' but backs up '{}'", source.type(), description.database(),
                    source.database());
        }
        return description;
    }

    private void checkCommitted(String id, ObjectKey key, ObjectInfo info, long size, String sha256) {
        List<String> problems = new ArrayList<>();
        if (info.size() != size) {
            problems.add("the store reports " + info.size() + " bytes but " + size + " were written");
        }
        Optional<String> storedSha = info.sha256();
        if (storedSha.isPresent() && !storedSha.get().equalsIgnoreCase(sha256)) {
            problems.add("the store reports SHA-256 " + storedSha.get() + " but " + sha256 + " was written");
        }
        if (!problems.isEmpty()) {
            deleteQuietly(key);
            throw new IntegrityException("Backup " + id + ": the committed object " + key + " on " + target.describe()
                    + " does not match what was written (" + String.join("; ", problems)
                    + "); it was removed and no manifest was written. Check the store.");
        }
    }

    private void writeManifest(Manifest manifest, ObjectKey manifestKey) {
        byte[] json = ManifestCodec.write(manifest);
        boolean committed = false;
        try (PendingObject pending = target.create(manifestKey, Map.of("backup-id", manifest.id()),
                WriteMode.CREATE_NEW)) {
            pending.stream().write(json);
            ObjectInfo info = pending.commit();
            committed = true;
            if (info.size() != json.length) {
                throw new IOException("the store reports " + info.size() + " bytes for the manifest but "
                        + json.length + " were written");
            }
        } catch (IOException e) {
            if (committed) {
                deleteQuietly(manifestKey); // ours, but damaged: it must not stay without its object
            }
            deleteQuietly(manifest.object().key());
            throw storageFailure("write the manifest " + manifestKey + " (the data object was removed; "
                    + "the backup does not exist)", e);
        }
    }

    /** Reports progress at most every 250 ms and refreshes the lock. */
    private final class ProgressReporter {
        private final String id;
        private final AtomicLong records;
        private final RepositoryLock lock;
        private long rawBytes;
        private long storedBytes;
        private long lastReport = System.nanoTime();

        ProgressReporter(String id, AtomicLong records, RepositoryLock lock) {
            this.id = id;
            this.records = records;
            this.lock = lock;
        }

        void raw(long total) {
            rawBytes = total;
            maybeReport();
        }

        void stored(long total) {
            storedBytes = total;
            maybeReport();
        }

        private void maybeReport() {
            long now = System.nanoTime();
            if (now - lastReport >= PROGRESS_INTERVAL_NANOS) {
                lastReport = now;
                listener.backupProgress(id, rawBytes, storedBytes, records.get());
                lock.refreshIfDue();
            }
        }
    }

    // -------------------------------------------------------------------------------------- list

    /**
     * Lists the backups in the repository (those with a readable manifest), newest first. When a
     * source is configured, only backups of its database are listed. Unreadable manifests are
     * logged and skipped.
     *
     * @return the manifests
     * @throws StorageException when the store failed
     */
    public List<Manifest> list() {
        return list(source == null ? null : source.database());
    }

    /**
     * Lists the backups of one database (or of all, with {@code null}), newest first.
     *
     * @param database the database, or {@code null} for all
     * @return the manifests
     * @throws StorageException when the store failed
     */
    public List<Manifest> list(String database) {
        return list(database, new ArrayList<>());
    }

    private List<Manifest> list(String database, List<String> skipped) {
        List<Manifest> manifests = new ArrayList<>();
        for (ObjectInfo info : listObjects()) {
            if (!info.key().value().endsWith(Manifest.KEY_SUFFIX)) {
                continue;
            }
            Manifest m;
            try {
                m = readManifest(info.key());
            } catch (IntegrityException e) {
                LOG.warn("Skipping unreadable manifest {}: {}", info.key(), e.getMessage());
                skipped.add(e.getMessage());
                continue;
            } catch (BackupNotFoundException e) {
                continue; // deleted while listing
            }
            if (database == null || database.equals(m.database())) {
                manifests.add(m);
            }
        }
        manifests.sort(Comparator.comparing(Manifest::createdAt).thenComparing(Manifest::id).reversed());
        return manifests;
    }

    /**
     * Finds a backup by id.
     *
     * @param id the backup id
     * @return its manifest
     * @throws BackupNotFoundException when there is none
     */
    public Manifest find(String id) {
        Objects.requireNonNull(id, "id");
        List<String> skipped = new ArrayList<>();
        return list(null, skipped).stream().filter(m -> m.id().equals(id)).findFirst()
                .orElseThrow(() -> new BackupNotFoundException("No backup with id '" + id + "' on "
                        + target.describe() + " under '" + keyTemplate.listingPrefix()
                        + "'; list the backups to see the ids that exist" + skippedNote(skipped)));
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

    /**
     * The newest backup (of the source's database when a source is configured).
     *
     * @return its manifest
     * @throws BackupNotFoundException when there is none
     */
    public Manifest latest() {
        List<Manifest> all = list();
        if (all.isEmpty()) {
            throw new BackupNotFoundException("No backup found on " + target.describe()
                    + (source == null ? "" : " for database '" + source.database() + "'"));
        }
        return all.get(0);
    }

    private List<ObjectInfo> listObjects() {
        try {
            return target.listAllObjects(keyTemplate.listingPrefix());
        } catch (IOException e) {
            throw storageFailure("list " + listingDescription(), e);
        } catch (UncheckedIOException e) {
            throw storageFailure("list " + listingDescription(), e.getCause());
        }
    }

    private String listingDescription() {
        String prefix = keyTemplate.listingPrefix();
        return prefix.isEmpty() ? "the repository" : "'" + prefix + "'";
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

    // ------------------------------------------------------------------------------------ verify

    /**
     * Verifies a backup.
     *
     * @param id    the backup id
     * @param level how thoroughly
     * @return the report (never throws for a damaged backup: the report says what is wrong)
     * @throws BackupNotFoundException when there is no such backup
     * @throws StorageException        when the store failed in a way that is not about this backup's data
     */
    public VerifyReport verify(String id, VerifyLevel level) {
        if (level == VerifyLevel.RESTORE) {
            throw new InvalidInputException("Verification level RESTORE needs a scratch database: call "
                    + "verify(id, VerifyLevel.RESTORE, scratchSink) with a restore sink that writes into a database "
                    + "you can overwrite");
        }
        Manifest manifest = find(id);
        VerifyReport report = level == VerifyLevel.FULL ? verifyFull(manifest) : verifyManifest(manifest);
        if (report.ok()) {
            LOG.info("Backup {} verified ({}) in {}", id, level, report.duration());
        } else {
            LOG.warn("Backup {} failed verification ({}): {}", id, level, report.problems());
        }
        listener.verified(report);
        return report;
    }

    /**
     * Verifies a backup; at {@link VerifyLevel#RESTORE} restores it into {@code scratchSink} (a
     * database that may be overwritten) and compares counts and fingerprints with the manifest.
     *
     * @param id          the backup id
     * @param level       how thoroughly
     * @param scratchSink where a RESTORE-level check restores to (ignored at other levels)
     * @return the report; a difference is listed precisely in {@link VerifyReport#problems()}
     * @throws BackupNotFoundException when there is no such backup
     */
    public VerifyReport verify(String id, VerifyLevel level, RestoreSink scratchSink) {
        if (level != VerifyLevel.RESTORE) {
            return verify(id, level);
        }
        Objects.requireNonNull(scratchSink, "scratchSink");
        Manifest manifest = find(id);
        long start = System.nanoTime();
        VerifyReport full = verifyFull(manifest);
        List<String> problems = new ArrayList<>(full.problems());
        if (full.ok()) {
            try {
                RestoreResult restored = restore(manifest, scratchSink, RestoreOptions.defaults().withVerifyFirst(false));
                problems.addAll(compareWithManifest(manifest, restored.sinkResult()));
            } catch (BackupException e) {
                problems.add("restore into the scratch database failed: " + e.getMessage());
            }
        }
        VerifyReport report = new VerifyReport(manifest.id(), VerifyLevel.RESTORE, problems.isEmpty(), problems,
                full.storedBytes(), full.rawBytes(), Duration.ofNanos(System.nanoTime() - start));
        if (report.ok()) {
            LOG.info("Backup {} verified by restore in {}", id, report.duration());
        } else {
            LOG.warn("Backup {} failed restore verification: {}", id, report.problems());
        }
        listener.verified(report);
        return report;
    }

    private static List<String> compareWithManifest(Manifest manifest, RestoreSink.SinkResult restored) {
        List<String> problems = new ArrayList<>();
        GraphCounts expected = manifest.counts();
        GraphCounts actual = restored.counts();
        if (expected.known() && actual.known()) {
            if (expected.nodes() != actual.nodes()) {
                problems.add("restored database has " + actual.nodes() + " nodes, the manifest records " + expected.nodes());
            }
            if (expected.relationships() != actual.relationships()) {
                problems.add("restored database has " + actual.relationships() + " relationships, the manifest records "
                        + expected.relationships());
            }
            compareMaps("label", expected.labels(), actual.labels(), problems);
            compareMaps("relationship type", expected.types(), actual.types(), problems);
        } else if (expected.known()) {
            problems.add("counts could not be compared: the restore sink does not report them");
        }
        for (String attribute : List.of(io.github.neo4jbackup.core.spi.Attributes.CONTENT_FINGERPRINT,
                io.github.neo4jbackup.core.spi.Attributes.SCHEMA_FINGERPRINT)) {
            String want = manifest.source().attributes().get(attribute);
            String got = restored.attributes().get(attribute);
            if (want != null && got != null && !want.equals(got)) {
                problems.add(attribute + " of the restored database is " + got + ", the manifest records " + want);
            }
        }
        return problems;
    }

    private static void compareMaps(String what, Map<String, Long> expected, Map<String, Long> actual,
                                    List<String> problems) {
        if (expected.isEmpty() || actual.isEmpty()) {
            return;
        }
        Set<String> names = new java.util.TreeSet<>(expected.keySet());
        names.addAll(actual.keySet());
        for (String name : names) {
            long e = expected.getOrDefault(name, 0L);
            long a = actual.getOrDefault(name, 0L);
            if (e != a) {
                problems.add(what + " '" + name + "': restored " + a + ", the manifest records " + e);
            }
        }
    }

    private VerifyReport verifyManifest(Manifest manifest) {
        long start = System.nanoTime();
        List<String> problems = new ArrayList<>();
        ObjectKey key = manifest.object().key();
        try {
            Optional<ObjectInfo> info = target.stat(key);
            if (info.isEmpty()) {
                problems.add("data object " + key + " is missing");
            } else {
                if (info.get().size() != manifest.object().storedSize()) {
                    problems.add("data object " + key + " has " + info.get().size() + " bytes but the manifest records "
                            + manifest.object().storedSize());
                }
                info.get().sha256().filter(s -> !s.equalsIgnoreCase(manifest.object().storedSha256()))
                        .ifPresent(s -> problems.add("the store records SHA-256 " + s + " for " + key
                                + " but the manifest records " + manifest.object().storedSha256()));
            }
        } catch (IOException e) {
            throw storageFailure("stat " + key, e);
        }
        return new VerifyReport(manifest.id(), VerifyLevel.MANIFEST, problems.isEmpty(), problems, 0, 0,
                Duration.ofNanos(System.nanoTime() - start));
    }

    private VerifyReport verifyFull(Manifest manifest) {
        long start = System.nanoTime();
        VerifyReport quick = verifyManifest(manifest);
        if (!quick.ok()) {
            return new VerifyReport(manifest.id(), VerifyLevel.FULL, false, quick.problems(), 0, 0,
                    Duration.ofNanos(System.nanoTime() - start));
        }
        List<String> problems = new ArrayList<>();
        long storedBytes = 0;
        long rawBytes = 0;
        try (DecodedStream decoded = openDecoded(manifest)) {
            decoded.drain();
            storedBytes = decoded.stored.count();
            rawBytes = decoded.raw.count();
        } catch (IntegrityException e) {
            problems.add(e.getMessage());
        } catch (IOException e) {
            problems.add("backup " + manifest.id() + " could not be read or decoded: " + e.getMessage());
        }
        return new VerifyReport(manifest.id(), VerifyLevel.FULL, problems.isEmpty(), problems, storedBytes, rawBytes,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** The stored object opened through both verifiers and the decoding chain. */
    private static final class DecodedStream implements AutoCloseable {
        final VerifyingInputStream stored;
        final VerifyingInputStream raw;
        private final InputStream chain;
        private final FailureRecordingInputStream storage;
        private final FailureRecordingInputStream decoder;

        DecodedStream(FailureRecordingInputStream storage, VerifyingInputStream stored, InputStream chain,
                      FailureRecordingInputStream decoder, VerifyingInputStream raw) {
            this.storage = storage;
            this.stored = stored;
            this.chain = chain;
            this.decoder = decoder;
            this.raw = raw;
        }

        /**
         * The failure the decoding chain reported about the data itself, if any: {@code null} when
         * it did not fail or when reading the store failed (a storage failure is not damage).
         */
        IOException decodeFailure() {
            return storage.failure == null ? decoder.failure : null;
        }

        void drain() throws IOException {
            raw.drain();
            stored.drain();
        }

        @Override
        public void close() throws IOException {
            try {
                raw.close();
            } finally {
                chain.close();
                stored.close();
            }
        }
    }

    private DecodedStream openDecoded(Manifest manifest) throws IOException {
        List<Transformer> chain = decodeChain(manifest);
        InputStream in;
        try {
            in = target.open(manifest.object().key());
        } catch (ObjectNotFoundException e) {
            throw new IntegrityException("Data object " + manifest.object().key() + " of backup " + manifest.id()
                    + " is missing on " + target.describe() + "; the backup cannot be restored", e);
        }
        FailureRecordingInputStream storage = new FailureRecordingInputStream(in);
        VerifyingInputStream stored = new VerifyingInputStream(storage, manifest.object().storedSize(),
                manifest.object().storedSha256(), "Stored object " + manifest.object().key() + " of backup "
                + manifest.id());
        InputStream decoded = stored;
        try {
            for (int i = chain.size() - 1; i >= 0; i--) {
                decoded = chain.get(i).decode(decoded);
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(decoded);
            throw e;
        }
        FailureRecordingInputStream decoder = new FailureRecordingInputStream(decoded);
        VerifyingInputStream raw = new VerifyingInputStream(decoder, manifest.object().rawSize(),
                manifest.object().rawSha256(), "Decoded stream of backup " + manifest.id());
        return new DecodedStream(storage, stored, decoded, decoder, raw);
    }

    /** Passes reads through and remembers the first {@link IOException} they threw. */
    private static final class FailureRecordingInputStream extends java.io.FilterInputStream {
        volatile IOException failure;

        FailureRecordingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                record(e);
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                record(e);
                throw e;
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return in.skip(n);
            } catch (IOException e) {
                record(e);
                throw e;
            }
        }

        private void record(IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    private List<Transformer> decodeChain(Manifest manifest) {
        List<Transformer> configured = new ArrayList<>(decoders);
        configured.addAll(transformers);
        List<Transformer> chain = new ArrayList<>();
        for (TransformerSpec spec : manifest.transformers()) {
            chain.add(TransformerRegistry.resolve(spec.id(), spec.parameters(), configured));
        }
        return chain;
    }

    // ----------------------------------------------------------------------------------- restore

    /**
     * Restores a backup into a sink, verifying it first (see {@link RestoreOptions#defaults()}).
     *
     * @param id   the backup id
     * @param sink where to restore
     * @return the result
     * @throws BackupNotFoundException when there is no such backup
     * @throws IntegrityException      when the backup is damaged; the restore is refused
     * @throws RestoreFailedException  when the sink failed
     */
    public RestoreResult restore(String id, RestoreSink sink) {
        return restore(id, sink, RestoreOptions.defaults());
    }

    /**
     * Restores a backup into a sink.
     *
     * @param id      the backup id
     * @param sink    where to restore
     * @param options restore options
     * @return the result
     * @throws BackupNotFoundException when there is no such backup
     * @throws IntegrityException      when the backup is damaged; the restore is refused
     * @throws RestoreFailedException  when the sink failed
     */
    public RestoreResult restore(String id, RestoreSink sink, RestoreOptions options) {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(options, "options");
        Manifest manifest = find(id);
        try {
            RestoreResult result = restore(manifest, sink, options);
            listener.restoreCompleted(result);
            return result;
        } catch (BackupException e) {
            LOG.error("Restore of backup {} failed: {}", id, e.getMessage());
            listener.restoreFailed(id, e);
            throw e;
        }
    }

    private RestoreResult restore(Manifest manifest, RestoreSink sink, RestoreOptions options) {
        if (!sink.accepts(manifest.source().type())) {
            throw new InvalidInputException("Backup " + manifest.id() + " was made by engine '"
                    + manifest.source().type() + "', which the chosen restore sink (" + sink.getClass().getName()
                    + ") cannot restore; use the sink of that engine");
        }
        long start = System.nanoTime();
        if (options.verifyFirst()) {
            VerifyReport report = verifyFull(manifest);
            listener.verified(report);
            if (!report.ok()) {
                throw new IntegrityException("Refusing to restore backup " + manifest.id() + ": "
                        + stripPeriod(String.join("; ", report.problems())) + ". Nothing was written to the database.");
            }
        }
        String safetyId = null;
        if (options.safetyBackup() != null) {
            try {
                safetyId = options.safetyBackup().backup().id();
                LOG.info("Safety backup {} of the current database taken before restoring {}", safetyId, manifest.id());
            } catch (HookFailedException e) {
                safetyId = e.result().id();
                LOG.warn("Safety backup {} is stored, but its hook failed: {}", safetyId, e.getMessage());
            } catch (BackupException e) {
                throw new RestoreFailedException("Refusing to restore backup " + manifest.id()
                        + ": the safety backup of the current database failed (" + e.getMessage()
                        + "). Nothing was changed. Fix the safety backup, or restore without one if you accept losing "
                        + "the current data.", e);
            }
        }
        RestoreSink.SinkResult sinkResult;
        long rawBytes;
        try (DecodedStream decoded = openDecoded(manifest)) {
            try {
                sinkResult = sink.restore(decoded.raw, manifest);
            } catch (IOException | RuntimeException e) {
                IntegrityException integrity = findIntegrity(e);
                if (integrity == e) {
                    throw integrity;
                }
                if (integrity != null) {
                    throw new IntegrityException(stripPeriod(integrity.getMessage()) + ". The restore sink reported: "
                            + e.getMessage(), e);
                }
                IOException damaged = decoded.decodeFailure();
                if (damaged != null) {
                    // The decoders (decompression, decryption) refused the data: the backup is damaged,
                    // whatever the sink made of it.
                    throw new IntegrityException("Backup " + manifest.id() + " could not be decoded: "
                            + stripPeriod(String.valueOf(damaged.getMessage()))
                            + (damaged == e ? "" : ". The restore sink reported: " + stripPeriod(String.valueOf(
                                    e.getMessage())))
                            + ". The sink stopped before the end of the data; check the database before using it, "
                            + "and restore another backup into an empty database.", e);
                }
                if (e instanceof BackupException be) {
                    throw be;
                }
                throw new RestoreFailedException("Restore of backup " + manifest.id() + " failed in the sink: "
                        + stripPeriod(String.valueOf(e.getMessage())) + ". Check the database before using it; "
                        + "if it holds part of the backup, restore again into an empty database.", e);
            }
            decoded.drain();
            rawBytes = decoded.raw.count();
        } catch (IOException e) {
            throw new IntegrityException("Backup " + manifest.id() + " could not be read or decoded: "
                    + e.getMessage(), e);
        }
        if (sinkResult == null) {
            sinkResult = RestoreSink.SinkResult.empty();
        }
        Boolean countsMatch = null;
        if (manifest.counts().known() && sinkResult.counts().known()) {
            countsMatch = manifest.counts().nodes() == sinkResult.counts().nodes()
                    && manifest.counts().relationships() == sinkResult.counts().relationships();
            if (!countsMatch) {
                LOG.warn("Restore of backup {}: the database has {} nodes / {} relationships, the manifest records "
                        + "{} / {}", manifest.id(), sinkResult.counts().nodes(), sinkResult.counts().relationships(),
                        manifest.counts().nodes(), manifest.counts().relationships());
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        LOG.info("Backup {} restored: {} bytes in {}", manifest.id(), rawBytes, took);
        return new RestoreResult(manifest, rawBytes, took, sinkResult, countsMatch, safetyId);
    }

    private static String stripPeriod(String text) {
        String t = text.strip();
        while (t.endsWith(".")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }

    private static IntegrityException findIntegrity(Throwable e) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof IntegrityException ie) {
                return ie;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------------- prune

    /**
     * Applies the retention policy: deletes backups the policy does not keep (never the newest),
     * data objects without a manifest older than the grace period, and leftovers of incomplete
     * writes. With a source configured only its database is pruned; otherwise every database in
     * the repository, each on its own.
     *
     * @param dryRun {@code true} to only compute the plan
     * @return the plan (dry run) or what was done
     * @throws InvalidInputException when no retention policy is configured
     * @throws LockHeldException     when another run holds a database's lock
     */
    public PruneResult prune(boolean dryRun) {
        if (retention == null) {
            throw new InvalidInputException("No retention policy configured: call retention(..) on the builder, "
                    + "e.g. RetentionPolicy.builder().keepLast(7).build()");
        }
        try {
            PruneResult result;
            if (source != null) {
                String database = source.database();
                if (dryRun) {
                    result = pruneDatabase(database, true, null);
                } else {
                    try (RepositoryLock lock = lock(database, "prune")) {
                        result = pruneDatabase(database, false, lock);
                    }
                }
            } else {
                Set<String> databases = new java.util.TreeSet<>();
                list(null).forEach(m -> databases.add(m.database()));
                List<PruneResult.Decision> decisions = new ArrayList<>();
                List<ObjectKey> orphans = new ArrayList<>();
                int incomplete = 0;
                for (String database : databases) {
                    PruneResult one;
                    if (dryRun) {
                        one = pruneDatabase(database, true, null);
                    } else {
                        try (RepositoryLock lock = lock(database, "prune")) {
                            one = pruneDatabase(database, false, lock);
                        }
                    }
                    decisions.addAll(one.decisions());
                    orphans.addAll(one.orphans());
                    incomplete += one.incompleteRemoved();
                }
                result = new PruneResult(dryRun, decisions, orphans, incomplete);
            }
            listener.pruned(result);
            return result;
        } catch (BackupException e) {
            listener.pruneFailed(e);
            throw e;
        }
    }

    private PruneResult pruneDatabase(String database, boolean dryRun, RepositoryLock lock) {
        List<ObjectInfo> objects = listObjects();
        Map<String, Manifest> byId = new LinkedHashMap<>();
        Set<ObjectKey> referenced = new HashSet<>();
        for (ObjectInfo info : objects) {
            if (!info.key().value().endsWith(Manifest.KEY_SUFFIX)) {
                continue;
            }
            try {
                Manifest m = readManifest(info.key());
                referenced.add(m.object().key());
                if (m.database().equals(database)) {
                    byId.put(m.id(), m);
                }
            } catch (IntegrityException e) {
                // Keep the objects of unreadable manifests: they may be someone's only copy.
                String dataKey = info.key().value().substring(0,
                        info.key().value().length() - Manifest.KEY_SUFFIX.length());
                if (ObjectKey.problem(dataKey) == null) {
                    referenced.add(ObjectKey.of(dataKey));
                }
                LOG.warn("Prune ignores unreadable manifest {}: {}", info.key(), e.getMessage());
            } catch (BackupNotFoundException e) {
                // deleted meanwhile
            }
        }
        Instant now = clock.instant();
        Instant futureLimit = now.plus(FUTURE_TOLERANCE);
        List<PruneResult.Decision> decisions = new ArrayList<>();
        List<RetentionCandidate> candidates = new ArrayList<>();
        for (Manifest m : byId.values()) {
            if (m.createdAt().isAfter(futureLimit)) {
                // A wrong clock must not make every real backup look old: keep it, leave it out of the rules.
                LOG.warn("Backup {} is dated {}, after the current time {}: it is kept and not counted by the "
                        + "retention rules; check the clock of host '{}' and delete it by hand if it is wrong",
                        m.id(), m.createdAt(), now, m.host());
                decisions.add(new PruneResult.Decision(m.id(), database, m.createdAt(), true,
                        List.of("dated in the future (after " + now + "): kept, not counted by the rules; check the "
                                + "clock of host '" + m.host() + "'"),
                        List.of(m.manifestKey(), m.object().key())));
            } else {
                candidates.add(new RetentionCandidate(m.id(), m.createdAt()));
            }
        }
        RetentionPlan plan = retention.plan(candidates);
        Manifest newestGood = newestComplete(byId.values(), objects, futureLimit);
        for (RetentionDecision d : plan.decisions()) {
            Manifest m = byId.get(d.id());
            boolean keep = d.keep();
            List<String> reasons = d.reasons();
            if (!keep && m == newestGood) {
                keep = true;
                reasons = List.of("newest backup whose data object is present and complete (the newer ones are "
                        + "missing or damaged)");
                LOG.warn("Keeping backup {} although the retention policy would remove it: the newer backups "
                        + "of '{}' have missing or incomplete data objects", m.id(), database);
            }
            decisions.add(new PruneResult.Decision(d.id(), database, d.createdAt(), keep, reasons,
                    List.of(m.manifestKey(), m.object().key())));
        }
        Instant graceLimit = now.minus(orphanGracePeriod);
        Pattern pattern = keyTemplate.keyPattern(database);
        List<ObjectKey> orphans = new ArrayList<>();
        for (ObjectInfo info : objects) {
            String key = info.key().value();
            if (key.endsWith(Manifest.KEY_SUFFIX) || referenced.contains(info.key())
                    || !pattern.matcher(key).matches() || !info.lastModified().isBefore(graceLimit)) {
                continue;
            }
            orphans.add(info.key());
        }
        int incomplete = 0;
        if (!dryRun) {
            for (PruneResult.Decision d : decisions) {
                if (d.keep()) {
                    continue;
                }
                // The manifest goes first: from then on the backup does not exist, whatever happens next.
                delete(d.keys().get(0));
                delete(d.keys().get(1));
                if (lock != null) {
                    lock.refreshIfDue();
                }
                LOG.info("Pruned backup {} ({})", d.id(), String.join(", ", d.reasons()));
            }
            for (ObjectKey orphan : orphans) {
                delete(orphan);
                LOG.info("Removed orphaned data object {} (no manifest, older than {})", orphan, orphanGracePeriod);
            }
            try {
                incomplete = target.cleanupIncomplete(graceLimit);
            } catch (IOException e) {
                throw storageFailure("clean up incomplete writes", e);
            }
        }
        return new PruneResult(dryRun, decisions, orphans, incomplete);
    }

    /**
     * The newest backup (not dated in the future) whose data object is listed with the size its
     * manifest records, or {@code null} when there is none.
     */
    private static Manifest newestComplete(Collection<Manifest> manifests, List<ObjectInfo> objects,
                                           Instant futureLimit) {
        Map<ObjectKey, Long> sizes = new HashMap<>();
        for (ObjectInfo info : objects) {
            sizes.put(info.key(), info.size());
        }
        Manifest newest = null;
        for (Manifest m : manifests) {
            Long size = sizes.get(m.object().key());
            if (m.createdAt().isAfter(futureLimit) || size == null || size != m.object().storedSize()) {
                continue;
            }
            if (newest == null || RetentionCandidate.NEWEST_FIRST.compare(
                    new RetentionCandidate(m.id(), m.createdAt()),
                    new RetentionCandidate(newest.id(), newest.createdAt())) < 0) {
                newest = m;
            }
        }
        return newest;
    }

    // ----------------------------------------------------------------------------------- helpers

    private RepositoryLock lock(String database, String operation) {
        ObjectKey key = ObjectKey.of(keyTemplate.listingPrefix() + "locks/" + database + ".lock");
        return RepositoryLock.acquire(target, key, lockSettings(), operation);
    }

    private RepositoryLock.Settings lockSettings() {
        String owner = System.getProperty("user.name", "unknown") + "@" + host + " (pid "
                + ProcessHandle.current().pid() + ")";
        return new RepositoryLock.Settings(clock, lockTiming, ProcessIdentity.current(host), owner,
                listener::lockTakenOver);
    }

    /**
     * Removes the repository locks of the configured source's database (of every database when
     * no source is configured) whose holders are dead or stale, and says what it removed. With
     * {@code force}, live locks are removed too (with a warning): only do that when you are sure
     * their runs are not running.
     *
     * @param force whether live locks are removed too
     * @return what was removed and what was kept
     * @throws StorageException when the store failed
     */
    public UnlockResult unlock(boolean force) {
        return unlock(source == null ? null : source.database(), force);
    }

    /**
     * Removes the repository lock of one database (of every database with {@code null}) when its
     * holder is dead or stale, or always with {@code force}; see {@link #unlock(boolean)}.
     *
     * @param database the database, or {@code null} for all
     * @param force    whether live locks are removed too
     * @return what was removed and what was kept
     * @throws StorageException when the store failed
     */
    public UnlockResult unlock(String database, boolean force) {
        String db = database == null ? null : DatabaseName.validate(database);
        return RepositoryLock.unlock(target, keyTemplate.listingPrefix() + "locks/", db, lockSettings(), force);
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

    private StorageException storageFailure(String what, IOException e) {
        return new StorageException("Could not " + what + " on " + target.describe() + ": " + e.getMessage(),
                target.isRetryable(e), e);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("Ignoring failure on close after an earlier failure: {}", e.toString());
        }
    }

    private static String localHost() {
        String env = System.getenv("HOSTNAME");
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            return env != null && !env.isBlank() ? env : "unknown";
        }
    }

    /**
     * The configured source, if any.
     *
     * @return the source
     */
    public Optional<BackupSource> source() {
        return Optional.ofNullable(source);
    }

    /**
     * The configured target.
     *
     * @return the target
     */
    public StorageTarget target() {
        return target;
    }

    /**
     * The configured retention policy, if any.
     *
     * @return the policy
     */
    public Optional<RetentionPolicy> retention() {
        return Optional.ofNullable(retention);
    }

    /**
     * The transformer chain, in encoding order.
     *
     * @return the transformers
     */
    public List<Transformer> transformers() {
        return transformers;
    }

    /**
     * The key template.
     *
     * @return the template
     */
    public KeyTemplate keyTemplate() {
        return keyTemplate;
    }

    @Override
    public String toString() {
        return "BackupPipeline[source=" + (source == null ? "none" : source.type() + ":" + source.database())
                + ", transformers=" + transformers.stream().map(Transformer::describe).toList()
                + ", target=" + target.describe() + ", keyTemplate=" + keyTemplate
                + ", retention=" + retention + "]";
    }

    /** An output stream whose close() only flushes, so sources cannot close the chain early. */
    private static final class NonClosingOutputStream extends java.io.FilterOutputStream {
        NonClosingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    /** Builds an immutable {@link BackupPipeline}. Not thread-safe. */
    public static final class Builder {
        private BackupSource source;
        private final List<Transformer> transformers = new ArrayList<>();
        private final List<Transformer> decoders = new ArrayList<>();
        private StorageTarget target;
        private KeyTemplate keyTemplate = KeyTemplate.of(KeyTemplate.DEFAULT);
        private RetentionPolicy retention;
        private final List<BackupListener> listeners = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private final Map<String, String> labels = new TreeMap<>();
        private final Map<String, String> metadata = new TreeMap<>();
        private Duration lockStaleAfter;
        private Duration lockRefreshInterval;
        private Duration orphanGracePeriod = Duration.ofHours(24);
        private VerifyLevel verifyAfterBackup = VerifyLevel.MANIFEST;
        private String host;
        private BackupHook hook;
        private boolean recompress;

        private Builder() {
        }

        /**
         * A hook run around the export, e.g. to stop and start a Community Edition database for
         * an offline dump (see {@link io.github.neo4jbackup.core.hook.BackupHooks}).
         *
         * @param value the hook, or {@code null} for none
         * @return this builder
         */
        public Builder hook(BackupHook value) {
            this.hook = value;
            return this;
        }

        /**
         * Whether compressing transformers also apply to sources whose output is already
         * compressed (default {@code false}: they are skipped, and the manifest says so).
         *
         * @param value {@code true} to compress anyway
         * @return this builder
         */
        public Builder recompressCompressedOutput(boolean value) {
            this.recompress = value;
            return this;
        }

        /**
         * The source to back up (required for {@link #backup()}, optional otherwise).
         *
         * @param value the source
         * @return this builder
         */
        public Builder source(BackupSource value) {
            this.source = Objects.requireNonNull(value, "source");
            return this;
        }

        /**
         * Appends a transformer to the chain (applied in the order added when writing).
         *
         * @param value the transformer
         * @return this builder
         */
        public Builder transform(Transformer value) {
            transformers.add(Objects.requireNonNull(value, "transformer"));
            return this;
        }

        /**
         * Replaces the transformer chain.
         *
         * @param values the transformers in encoding order
         * @return this builder
         */
        public Builder transformers(List<Transformer> values) {
            transformers.clear();
            values.forEach(this::transform);
            return this;
        }

        /**
         * Registers a transformer used only to decode backups whose manifest names its id (for
         * example an encryption transformer holding the decryption key).
         *
         * @param value the transformer
         * @return this builder
         */
        public Builder decoder(Transformer value) {
            decoders.add(Objects.requireNonNull(value, "decoder"));
            return this;
        }

        /**
         * The store (required).
         *
         * @param value the target
         * @return this builder
         */
        public Builder target(StorageTarget value) {
            this.target = Objects.requireNonNull(value, "target");
            return this;
        }

        /**
         * The key template; default {@value KeyTemplate#DEFAULT}.
         *
         * @param value the template
         * @return this builder
         */
        public Builder keyTemplate(String value) {
            this.keyTemplate = KeyTemplate.of(value);
            return this;
        }

        /**
         * The retention policy applied after each backup and by {@link #prune(boolean)}.
         *
         * @param value the policy, or {@code null} for none
         * @return this builder
         */
        public Builder retention(RetentionPolicy value) {
            this.retention = value;
            return this;
        }

        /**
         * Adds a listener.
         *
         * @param value the listener
         * @return this builder
         */
        public Builder listener(BackupListener value) {
            listeners.add(Objects.requireNonNull(value, "listener"));
            return this;
        }

        /**
         * The clock (for tests and for backups stamped with another time source).
         *
         * @param value the clock
         * @return this builder
         */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Adds a label recorded in the manifest and usable as {@code {name}} in the key template.
         *
         * @param name  the label name
         * @param value the label value (at most {@value #MAX_LABEL_VALUE_CHARS} characters)
         * @return this builder
         * @throws InvalidInputException when the name is invalid or the name or value is too long
         */
        public Builder label(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.length() > MAX_LABEL_NAME_CHARS || !name.matches("[A-Za-z0-9_.-]+")) {
                throw new InvalidInputException("Invalid label name '" + shown(name) + "': use 1 to "
                        + MAX_LABEL_NAME_CHARS + " letters, digits, '_', '.' and '-'");
            }
            checkSize("label", name, value);
            labels.put(name, value);
            return this;
        }

        private static void checkSize(String what, String name, String value) {
            if (name.length() > MAX_LABEL_NAME_CHARS) {
                throw new InvalidInputException("The " + what + " name '" + shown(name) + "' has " + name.length()
                        + " characters; a name may have at most " + MAX_LABEL_NAME_CHARS);
            }
            if (value.length() > MAX_LABEL_VALUE_CHARS) {
                throw new InvalidInputException("The value of " + what + " '" + shown(name) + "' has " + value.length()
                        + " characters; a " + what + " value may have at most " + MAX_LABEL_VALUE_CHARS
                        + " (it is stored in every manifest): keep large data in the database, not in the manifest");
            }
        }

        private static String shown(String text) {
            StringBuilder sb = new StringBuilder();
            text.codePoints().limit(60).forEach(cp -> sb.append(Character.isISOControl(cp)
                    ? String.format("\\u%04x", cp) : new String(Character.toChars(cp))));
            return text.codePointCount(0, text.length()) > 60 ? sb + "..." : sb.toString();
        }

        /**
         * Adds free-form metadata recorded in the manifest (never put secrets here).
         *
         * @param name  the key (at most {@value #MAX_LABEL_NAME_CHARS} characters)
         * @param value the value (at most {@value #MAX_LABEL_VALUE_CHARS} characters)
         * @return this builder
         * @throws InvalidInputException when the name or value is too long
         */
        public Builder metadata(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            checkSize("metadata", name, value);
            metadata.put(name, value);
            return this;
        }

        /**
         * How old a lock's heartbeat may get before another run may take the lock over (default:
         * five refresh intervals, at least 5 minutes). The holder's heartbeat rewrites its lock every
         * {@link #lockRefreshInterval(Duration) refresh interval}; a lock whose holder ran on the same
         * host and no longer runs is taken over at once, whatever its age. Must be at least twice the
         * refresh interval.
         *
         * @param value the duration
         * @return this builder
         */
        public Builder lockStaleAfter(Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new InvalidInputException("lockStaleAfter must be a positive duration");
            }
            this.lockStaleAfter = value;
            return this;
        }

        /**
         * How often a running backup or prune rewrites its lock (its heartbeat; default 1 minute, or
         * a fifth of {@link #lockStaleAfter(Duration)} when only that is set). A run whose heartbeat
         * cannot be written until the lock could be taken for stale stops rather than overlap.
         *
         * @param value the interval
         * @return this builder
         */
        public Builder lockRefreshInterval(Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new InvalidInputException("lockRefreshInterval must be a positive duration");
            }
            this.lockRefreshInterval = value;
            return this;
        }

        /**
         * How old a data object without a manifest must be before prune removes it (default 24 hours).
         *
         * @param value the duration
         * @return this builder
         */
        public Builder orphanGracePeriod(Duration value) {
            if (value == null || value.isNegative()) {
                throw new InvalidInputException("orphanGracePeriod must not be negative");
            }
            this.orphanGracePeriod = value;
            return this;
        }

        /**
         * How a new backup is checked before its manifest is written: {@link VerifyLevel#MANIFEST}
         * (default: size, and the stored hash where the store keeps one) or {@link VerifyLevel#FULL}
         * (read the object back and decode it).
         *
         * @param value the level
         * @return this builder
         */
        public Builder verifyAfterBackup(VerifyLevel value) {
            this.verifyAfterBackup = Objects.requireNonNull(value, "verifyAfterBackup");
            return this;
        }

        /**
         * The host name recorded in manifests and locks (default: the local host name).
         *
         * @param value the host name
         * @return this builder
         */
        public Builder host(String value) {
            this.host = Objects.requireNonNull(value, "host");
            return this;
        }

        /**
         * Builds the pipeline.
         *
         * @return the pipeline
         * @throws InvalidInputException when the configuration is incomplete or inconsistent
         */
        public BackupPipeline build() {
            if (target == null) {
                throw new InvalidInputException("No storage target configured: call target(..) on the builder, "
                        + "e.g. LocalStorageTarget.of(Path.of(\"/var/backups/neo4j\"))");
            }
            keyTemplate.requireLabels(labels);
            long total = 0;
            for (Map<String, String> map : List.of(labels, metadata)) {
                for (Map.Entry<String, String> e : map.entrySet()) {
                    total += e.getKey().length() + e.getValue().length();
                }
            }
            if (total > MAX_LABELS_TOTAL_CHARS) {
                throw new InvalidInputException("Labels and metadata hold " + total + " characters together; at most "
                        + MAX_LABELS_TOTAL_CHARS + " fit (they are stored in every manifest): use fewer or shorter ones");
            }
            RepositoryLock.Timing.of(lockRefreshInterval, lockStaleAfter); // validates the pair
            Set<String> ids = new HashSet<>();
            for (Transformer t : transformers) {
                if (!ids.add(t.id())) {
                    LOG.debug("Transformer {} appears more than once in the chain", t.id());
                }
            }
            return new BackupPipeline(this);
        }
    }
}
