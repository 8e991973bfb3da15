package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.internal.RepositoryLock;
import io.github.neo4jbackup.core.internal.SafeListener;
import io.github.neo4jbackup.core.lock.UnlockResult;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.operation.BackupReader;
import io.github.neo4jbackup.core.operation.BackupPlanner;
import io.github.neo4jbackup.core.operation.BackupRun;
import io.github.neo4jbackup.core.operation.Copier;
import io.github.neo4jbackup.core.operation.Importer;
import io.github.neo4jbackup.core.operation.Pruner;
import io.github.neo4jbackup.core.operation.Restorer;
import io.github.neo4jbackup.core.operation.Verifier;
import io.github.neo4jbackup.core.repository.ObjectPerBackupRepository;
import io.github.neo4jbackup.core.repository.Repository;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.Transformer;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
    private final BackupPlanner planner;
    private final BackupReader reader;

    private BackupPipeline(Builder b) {
        this.config = b.copy();
        if (config.host == null) {
            config.host = localHost();
        }
        BackupListener listener = new SafeListener(List.copyOf(config.listeners));
        this.repository = new ObjectPerBackupRepository(config.target, config.keyTemplate, config.clock,
                config.lockRefreshInterval, config.lockStaleAfter, config.host, listener::lockTakenOver);
        this.reader = new BackupReader(repository, config.decoders, config.transformers);
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
        this.planner = new BackupPlanner(settings, repository, config.keyTemplate, pruner, config.clock);
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
     * What {@link #backup()} would do now, writing nothing: the id and data key it would get, the
     * transformers, whether a live run holds the lock (read, not taken) and what retention would
     * delete. Does not contact the source. See {@link BackupPlanner}.
     *
     * @return the plan
     * @throws InvalidInputException when no source is configured
     * @throws StorageException      when the repository could not be read
     */
    public BackupPlan plan() {
        return planner.plan();
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
     * Opens a backup for reading, for operations that consume a backup other than through a
     * {@link RestoreSink} (a selective restore reads the backup twice: once to check and classify,
     * once to write). The stream is decoded through the transformer chain the manifest names (the
     * pipeline's decoders supply keys) and checked against the manifest's sizes and checksums while
     * it is read: reading it to the end and calling {@link io.github.neo4jbackup.core.operation.DecodedBackup#drain()}
     * completes both checks, which throw {@link IntegrityException} on damage. See {@link BackupReader}.
     *
     * @param backup the backup's manifest, from {@link #find(String)}, {@link #latest()} or {@link #list()}
     * @return the opened backup; the caller closes it
     * @throws InvalidInputException when a transformer the manifest names is not available (e.g. no key)
     * @throws IntegrityException    when the data object is missing
     * @throws IOException           when the store or a decoder failed to start
     */
    public io.github.neo4jbackup.core.operation.DecodedBackup open(Manifest backup) throws IOException {
        return reader.open(Objects.requireNonNull(backup, "backup"));
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

    /**
     * Builds an immutable {@link BackupPipeline}; its setters are documented in the
     * {@link PipelineSettings settings} it inherits. Not thread-safe.
     */
    public static final class Builder extends PipelineSettings {

        private Builder() {
        }

        @Override
        Builder self() {
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
