package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.internal.RepositoryLock;
import io.github.neo4jbackup.core.internal.SafeListener;
import io.github.neo4jbackup.core.lock.UnlockResult;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.operation.BackupReader;
import io.github.neo4jbackup.core.operation.BackupRun;
import io.github.neo4jbackup.core.operation.Copier;
import io.github.neo4jbackup.core.operation.Importer;
import io.github.neo4jbackup.core.operation.Pruner;
import io.github.neo4jbackup.core.operation.Restorer;
import io.github.neo4jbackup.core.operation.Verifier;
import io.github.neo4jbackup.core.repository.ObjectPerBackupRepository;
import io.github.neo4jbackup.core.repository.Repository;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.spi.BackupHook;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.Transformer;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

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
 *
 * <p>This class is a facade: it holds the configuration and wires the operations, each of which
 * lives in its own class in {@link io.github.neo4jbackup.core.operation} ({@link BackupRun},
 * {@link Verifier}, {@link Restorer}, {@link Pruner}) and works through the
 * {@link Repository} (the layout on the target, the commit protocol, the locks). The file is longer
 * than most because every public method and builder option carries its full Javadoc; the logic
 * lives in the operations.
 */
public final class BackupPipeline {

    /** Largest label or metadata value, in characters (both are stored in every manifest). */
    public static final int MAX_LABEL_VALUE_CHARS = 65_536;
    /** Largest label or metadata name, in characters. */
    public static final int MAX_LABEL_NAME_CHARS = 256;
    /** Largest total of all label and metadata names and values, in characters. */
    public static final int MAX_LABELS_TOTAL_CHARS = 1 << 20;
    /**
     * How far in the future a backup's {@code createdAt} may lie (clock skew between hosts) before
     * prune stops counting it in the retention rules and keeps it.
     */
    public static final Duration FUTURE_TOLERANCE = Pruner.FUTURE_TOLERANCE;

    private final Builder config;
    private final Repository repository;
    private final BackupRun backupRun;
    private final Verifier verifier;
    private final Restorer restorer;
    private final Pruner pruner;
    private final Importer importer;

    private BackupPipeline(Builder b) {
        this.config = b.copy();
        if (config.host == null) {
            config.host = localHost();
        }
        BackupListener listener = new SafeListener(List.copyOf(config.listeners));
        this.repository = new ObjectPerBackupRepository(config.target, config.keyTemplate, config.clock,
                config.lockRefreshInterval, config.lockStaleAfter, config.host, listener::lockTakenOver);
        BackupReader reader = new BackupReader(repository, config.decoders, config.transformers);
        this.verifier = new Verifier(repository, reader, listener);
        this.restorer = new Restorer(repository, reader, verifier, listener);
        this.pruner = config.retention == null ? null
                : new Pruner(repository, config.retention, config.orphanGracePeriod, config.clock, listener,
                config.safetyRetention);
        BackupRun.Settings settings = new BackupRun.Settings(config.source, config.transformers, config.recompress,
                config.hook, config.labels, config.metadata, config.verifyAfterBackup, config.host, config.onChange);
        this.backupRun = new BackupRun(settings, repository, verifier, pruner, listener, config.clock,
                config.shrinkGuard);
        this.importer = new Importer(settings, repository, verifier, config.clock);
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
        return config.copy();
    }

    /**
     * Runs one backup: lock, export through the transformers into a pending object, commit,
     * verify, write the manifest, release the lock, then apply retention if configured.
     * See {@link BackupRun} for each step.
     *
     * @return the result
     * @throws InvalidInputException  when no source is configured or the configuration is unusable
     * @throws LockHeldException      when another run holds the repository lock
     * @throws SourceFailedException  when the source failed
     * @throws StorageException       when the store failed
     * @throws IntegrityException     when the stored object did not verify
     */
    public BackupResult backup() {
        return backupRun.run();
    }

    /**
     * Runs the safety backup taken of the current database before a restore replaces it: an
     * ordinary {@link #backup()} whose manifest says it is a safety backup and which backup's
     * restore it protects, so that {@code restore --latest}, staleness checks and retention keep it
     * apart (see {@link Manifest#isSafety()}).
     *
     * @param restoredId the id of the backup about to be restored
     * @return the result
     */
    public BackupResult safetyBackup(String restoredId) {
        return backupRun.run(Objects.requireNonNull(restoredId, "restoredId"));
    }

    /**
     * Lists the backups in the repository (those with a readable manifest), newest first. When a
     * source is configured, only backups of its database are listed. Unreadable manifests are
     * logged and skipped.
     *
     * @return the manifests
     * @throws StorageException when the store failed
     */
    public List<Manifest> list() {
        return list(sourceDatabase());
    }

    /**
     * Lists the backups of one database (or of all, with {@code null}), newest first.
     *
     * @param database the database, or {@code null} for all
     * @return the manifests
     * @throws StorageException when the store failed
     */
    public List<Manifest> list(String database) {
        return repository.list(database);
    }

    /**
     * Finds a backup by id.
     *
     * @param id the backup id
     * @return its manifest
     * @throws BackupNotFoundException when there is none
     */
    public Manifest find(String id) {
        return repository.find(id);
    }

    /**
     * The newest backup (of the source's database when a source is configured).
     *
     * @return its manifest
     * @throws BackupNotFoundException when there is none
     */
    public Manifest latest() {
        return repository.latest(sourceDatabase());
    }

    /**
     * Verifies a backup at {@link VerifyLevel#MANIFEST} or {@link VerifyLevel#FULL} (see {@link Verifier}).
     *
     * @param id    the backup id
     * @param level how thoroughly
     * @return the report (never throws for a damaged backup: the report says what is wrong)
     * @throws BackupNotFoundException when there is no such backup
     * @throws StorageException        when the store failed in a way that is not about this backup's data
     */
    public VerifyReport verify(String id, VerifyLevel level) {
        return verifier.verify(id, level);
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
        return verifier.verify(id, level, scratchSink);
    }

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
     * Restores a backup into a sink (see {@link Restorer} for each step).
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
        return restorer.restore(id, sink, options);
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
        return unlock(config.source == null ? null : config.source.database(), force);
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
        return repository.unlock(database == null ? null : DatabaseName.validate(database), force);
    }

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
        if (pruner == null) {
            throw new InvalidInputException("No retention policy configured: call retention(..) on the builder, "
                    + "e.g. RetentionPolicy.builder().keepLast(7).build()");
        }
        return pruner.prune(sourceDatabase(), dryRun);
    }

    /**
     * Adopts an existing {@code neo4j-admin} dump or Cypher script (APOC export) as a backup of this
     * repository, with a full manifest: the format is told from the file's header, the bytes go
     * through this pipeline's transformers (compression is skipped for an already compressed dump)
     * and are hashed while they are stored, the manifest is written last. The configured source is
     * not used; labels and metadata are. Retention is not applied. See {@link Importer}.
     *
     * @param file     the file
     * @param database the database it holds
     * @param takenAt  when it was taken (its {@code createdAt} and id), or {@code null} for the file's
     *                 last-modified time
     * @return the result
     * @throws InvalidInputException when the file is neither a dump nor a script (nothing is written),
     *                               or the repository already has a backup with its id
     * @throws LockHeldException     when another run holds the database's lock
     * @throws StorageException      when the store failed
     */
    public BackupResult importFile(java.nio.file.Path file, String database, java.time.Instant takenAt) {
        return importer.importFile(file, database, takenAt);
    }

    /**
     * Copies a backup of this pipeline's repository into the repository of another pipeline, as
     * stored (an encrypted backup stays encrypted; no key is needed), checked while it is read and
     * read back once written; the destination's manifest is written last and records where the
     * backup came from. Only the destination's lock is taken. Copying a backup the destination
     * already holds with the same bytes does nothing. See {@link Copier}.
     *
     * @param id          the backup id in this repository
     * @param destination a pipeline over the destination (its target and key template are used)
     * @param dryRun      {@code true} to only say what would be done
     * @return what was done
     * @throws BackupNotFoundException when this repository has no such backup
     * @throws InvalidInputException   when the destination holds the id with other bytes (nothing is overwritten)
     * @throws IntegrityException      when the data does not match its manifest, or the copy reads back differently
     * @throws LockHeldException       when another run holds the destination's lock
     * @throws StorageException        when a store failed
     */
    public CopyResult copy(String id, BackupPipeline destination, boolean dryRun) {
        return copy(repository.find(id), destination, dryRun);
    }

    /**
     * Copies a backup listed from this pipeline's repository ({@link #list()}, {@link #latest()})
     * into the repository of another pipeline; see {@link #copy(String, BackupPipeline, boolean)}.
     *
     * @param backup      the backup's manifest in this repository
     * @param destination a pipeline over the destination
     * @param dryRun      {@code true} to only say what would be done
     * @return what was done
     */
    public CopyResult copy(Manifest backup, BackupPipeline destination, boolean dryRun) {
        Objects.requireNonNull(destination, "destination");
        return new Copier(repository, destination.repository, destination.config.clock, true).copy(backup, dryRun);
    }

    /**
     * The configured source, if any.
     *
     * @return the source
     */
    public Optional<BackupSource> source() {
        return Optional.ofNullable(config.source);
    }

    /**
     * The configured target.
     *
     * @return the target
     */
    public StorageTarget target() {
        return config.target;
    }

    /**
     * The configured retention policy, if any.
     *
     * @return the policy
     */
    public Optional<RetentionPolicy> retention() {
        return Optional.ofNullable(config.retention);
    }

    /**
     * The transformer chain, in encoding order.
     *
     * @return the transformers
     */
    public List<Transformer> transformers() {
        return List.copyOf(config.transformers);
    }

    /**
     * The key template.
     *
     * @return the template
     */
    public KeyTemplate keyTemplate() {
        return config.keyTemplate;
    }

    @Override
    public String toString() {
        BackupSource source = config.source;
        return "BackupPipeline[source=" + (source == null ? "none" : source.type() + ":" + source.database())
                + ", transformers=" + config.transformers.stream().map(Transformer::describe).toList()
                + ", target=" + config.target.describe() + ", keyTemplate=" + config.keyTemplate
                + ", retention=" + config.retention + "]";
    }

    private String sourceDatabase() {
        return config.source == null ? null : config.source.database();
    }

    private static String localHost() {
        String env = System.getenv("HOSTNAME");
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            return env != null && !env.isBlank() ? env : "unknown";
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
        private ChangePolicy onChange = ChangePolicy.warn();
        private Pruner.SafetyRetention safetyRetention = Pruner.SafetyRetention.DEFAULT;
        private io.github.neo4jbackup.core.operation.ShrinkGuard shrinkGuard =
                io.github.neo4jbackup.core.operation.ShrinkGuard.NONE;

        private Builder() {
        }

        /**
         * What to do when the source reports that the database changed during its export
         * (default {@link ChangePolicy#warn()}): keep it marked, fail, or export again.
         *
         * @param value the policy
         * @return this builder
         */
        public Builder onChange(ChangePolicy value) {
            this.onChange = Objects.requireNonNull(value, "onChange");
            return this;
        }

        private Builder copy() {
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
            b.onChange = onChange;
            b.shrinkGuard = shrinkGuard;
            b.safetyRetention = safetyRetention;
            return b;
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
            LabelLimits.checkLabelName(name);
            LabelLimits.checkSize("label", name, value);
            labels.put(name, value);
            return this;
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
            LabelLimits.checkSize("metadata", name, value);
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
         * How retention treats safety backups (taken before restores): by default the 3 newest of
         * each database are kept apart from the rules and older ones are deleted.
         *
         * @param keep          how many safety backups of a database to keep
         * @param includeSafety {@code true} to let the rules treat them like any other backup instead
         * @return this builder
         * @throws InvalidInputException when {@code keep} is negative
         */
        public Builder safetyRetention(int keep, boolean includeSafety) {
            this.safetyRetention = new Pruner.SafetyRetention(keep, includeSafety);
            return this;
        }

        /**
         * Guards against backing up a wiped or truncated graph: a new backup that fails the guard
         * is still committed, but its manifest is marked suspect with the reasons and retention is
         * not applied in that run (see {@link io.github.neo4jbackup.core.operation.ShrinkGuard}).
         *
         * @param value the guard ({@link io.github.neo4jbackup.core.operation.ShrinkGuard#NONE} by default)
         * @return this builder
         */
        public Builder shrinkGuard(io.github.neo4jbackup.core.operation.ShrinkGuard value) {
            this.shrinkGuard = Objects.requireNonNull(value, "shrinkGuard");
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
            LabelLimits.checkTotal(labels, metadata);
            RepositoryLock.Timing.of(lockRefreshInterval, lockStaleAfter); // validates the pair
            return new BackupPipeline(this);
        }
    }
}
