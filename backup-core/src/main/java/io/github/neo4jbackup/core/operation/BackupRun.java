package io.github.neo4jbackup.core.operation;

import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.ChangePolicy;
import io.github.neo4jbackup.core.DatabaseName;
import io.github.neo4jbackup.core.HookFailedException;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.KeyTemplate;
import io.github.neo4jbackup.core.PruneResult;
import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.internal.CountingOutputStream;
import io.github.neo4jbackup.core.internal.ToolVersion;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.manifest.StoredObject;
import io.github.neo4jbackup.core.manifest.TransformerSpec;
import io.github.neo4jbackup.core.repository.BackupWriter;
import io.github.neo4jbackup.core.repository.Repository;
import io.github.neo4jbackup.core.spi.BackupHook;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.core.spi.Transformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * One backup, step by step ({@link #run()}):
 * <ol>
 *   <li>name it ({@code <database>-<timestamp>}), choose the encoding chain and place it in the
 *       repository ({@link Repository#newBackup});</li>
 *   <li>take the database's lock ({@link Repository#lock});</li>
 *   <li>let the source prepare, run the hook's {@code beforeBackup};</li>
 *   <li>export: the source writes into the transformer chain, counted and hashed on both sides
 *       (hashed once without transformers: both sides are the same bytes), into the repository's
 *       pending write; commit and check it ({@link #exportData});</li>
 *   <li>run the hook's {@code afterBackup};</li>
 *   <li>build the manifest; optionally read the data back ({@link VerifyLevel#FULL});</li>
 *   <li>commit the manifest, last; from now on the backup exists;</li>
 *   <li>apply retention under the same lock ({@link Pruner}); release the lock.</li>
 * </ol>
 * Any failure before step 7 leaves nothing behind (the {@link BackupWriter} removes it), releases
 * the lock and throws a {@link BackupException}. The listener hears started / progress /
 * committed or failed. Immutable and thread-safe; each call of {@link #run()} is one backup.
 */
public final class BackupRun {

    private static final Logger LOG = LoggerFactory.getLogger(BackupRun.class);
    private static final long PROGRESS_INTERVAL_NANOS = 250_000_000L;

    /**
     * What a backup is made of, as the pipeline was configured.
     *
     * @param source            the source, or {@code null} when none was configured (a run then fails)
     * @param transformers      the encoding chain, in order
     * @param recompress        whether compressing transformers also apply to compressed output
     * @param hook              run around the export, or {@code null}
     * @param labels            labels recorded in the manifest
     * @param metadata          metadata recorded in the manifest
     * @param verifyAfterBackup how the data is checked before the manifest is written
     * @param host              the host name recorded in the manifest
     * @param onChange          what to do when the source saw the database change during its export
     */
    public record Settings(BackupSource source, List<Transformer> transformers, boolean recompress,
                           BackupHook hook, Map<String, String> labels, Map<String, String> metadata,
                           VerifyLevel verifyAfterBackup, String host, ChangePolicy onChange) {

        /**
         * Creates the settings.
         *
         * @param source            source
         * @param transformers      chain (copied)
         * @param recompress        recompress
         * @param hook              hook
         * @param labels            labels (copied, sorted)
         * @param metadata          metadata (copied, sorted)
         * @param verifyAfterBackup check level
         * @param host              host
         * @param onChange          change policy
         */
        public Settings {
            transformers = List.copyOf(transformers);
            labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
            metadata = java.util.Collections.unmodifiableMap(new TreeMap<>(metadata));
            Objects.requireNonNull(verifyAfterBackup, "verifyAfterBackup");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(onChange, "onChange");
        }
    }

    private final Settings settings;
    private final BackupSource source;
    private final Repository repository;
    private final Verifier verifier;
    private final Pruner pruner;
    private final BackupListener listener;
    private final Clock clock;
    private final ShrinkGuard shrinkGuard;

    /**
     * Creates the operation.
     *
     * @param settings   what to back up and how
     * @param repository where to
     * @param verifier   reads the data back when {@link Settings#verifyAfterBackup()} is FULL
     * @param pruner     applies retention after a successful backup, or {@code null} for none
     * @param listener   told of progress and outcome (must not throw)
     * @param clock      the clock
     */
    public BackupRun(Settings settings, Repository repository, Verifier verifier, Pruner pruner,
                     BackupListener listener, Clock clock) {
        this(settings, repository, verifier, pruner, listener, clock, ShrinkGuard.NONE);
    }

    /**
     * Creates the operation with a guard against backing up a wiped or truncated graph: a backup
     * that fails it is committed with a suspect manifest, and retention is not applied.
     *
     * @param settings    what to back up and how
     * @param repository  where to
     * @param verifier    reads the data back when {@link Settings#verifyAfterBackup()} is FULL
     * @param pruner      applies retention after a successful backup, or {@code null} for none
     * @param listener    told of progress and outcome (must not throw)
     * @param clock       the clock
     * @param shrinkGuard the guard
     */
    public BackupRun(Settings settings, Repository repository, Verifier verifier, Pruner pruner,
                     BackupListener listener, Clock clock, ShrinkGuard shrinkGuard) {
        this.shrinkGuard = Objects.requireNonNull(shrinkGuard, "shrinkGuard");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.source = settings.source();
        this.repository = Objects.requireNonNull(repository, "repository");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.pruner = pruner;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Runs one backup.
     *
     * @return the result
     * @throws InvalidInputException                         when no source is configured
     * @throws io.github.neo4jbackup.core.LockHeldException when another run holds the lock
     * @throws SourceFailedException                         when the source failed
     * @throws io.github.neo4jbackup.core.StorageException  when the store failed
     * @throws IntegrityException                            when the stored data did not check
     * @throws HookFailedException                           when the backup is stored but the hook
     *                                                       could not bring the database back
     */
    public BackupResult run() {
        return run(null);
    }

    /**
     * Runs one backup; with {@code safetyFor} set it is the safety backup taken before restoring
     * that backup, and its manifest says so ({@link Manifest#isSafety()}).
     *
     * @param safetyFor the id of the backup about to be restored, or {@code null} for an ordinary backup
     * @return the result
     */
    public BackupResult run(String safetyFor) {
        if (source == null) {
            throw new InvalidInputException("No source configured: call source(..) on the builder to back up");
        }
        String database = DatabaseName.validate(source.database());
        Instant started = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String id = database + "-" + KeyTemplate.TIMESTAMP.format(started);
        Map<String, String> pipelineAttributes = new TreeMap<>();
        List<Transformer> chain = encodingChain(pipelineAttributes);
        Repository.NewBackup placement = new Repository.NewBackup(id, database, started, source.type(),
                extension(chain), settings.labels());
        Attempt attempt = new Attempt(repository.newBackup(placement));
        try (Repository.Lock lock = repository.lock(database, "backup " + id)) {
            listener.backupStarted(id, database, attempt.writer.key());
            LOG.info("Backup {} of database '{}' started: {} -> {} {}", id, database, source.type(),
                    repository.describe(), attempt.writer.key());
            try (attempt) {
                Map<String, String> prepared = prepareSource(id);
                HookRunner.Outcome hookOutcome = new HookRunner.Outcome();
                Written written = HookRunner.around(settings.hook(), database, hookOutcome,
                        () -> exportWithChangePolicy(id, placement, attempt, lock, chain));
                BackupWriter writer = attempt.writer;
                pipelineAttributes.putAll(hookOutcome.attributes);
                Manifest manifest = guarded(manifest(id, database, started, chain, written, prepared,
                        pipelineAttributes));
                if (safetyFor != null) {
                    manifest = manifest.asSafetyFor(safetyFor);
                }
                if (settings.verifyAfterBackup() == VerifyLevel.FULL) {
                    VerifyReport report = verifier.check(manifest, VerifyLevel.FULL);
                    if (!report.ok()) {
                        writer.close();
                        throw new IntegrityException("Backup " + id + " failed read-back verification and was removed: "
                                + String.join("; ", report.problems()));
                    }
                }
                writer.commitManifest(manifest);
                LOG.info("Backup {} committed: {} raw bytes, {} stored bytes in {} ({})", id,
                        written.object.rawSize(), written.object.storedSize(), manifest.duration(), writer.key());
                BackupResult result = manifest.isSuspect()
                        ? new BackupResult(manifest, manifest.manifestKey(), null, null) // no retention after a suspect backup
                        : applyRetention(id, database, manifest, lock);
                listener.backupCommitted(result);
                if (hookOutcome.afterFailure != null) {
                    throw hookFailed(id, database, result, hookOutcome.afterFailure);
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

    /** The manifest, marked suspect when the shrink guard fails (compared under the lock, before the commit). */
    private Manifest guarded(Manifest manifest) {
        if (!shrinkGuard.active()) {
            return manifest;
        }
        Manifest baseline = ShrinkGuard.baseline(repository.list(manifest.database())).orElse(null);
        List<String> reasons = shrinkGuard.check(manifest.counts(), baseline);
        if (reasons.isEmpty()) {
            return manifest;
        }
        LOG.warn("Backup {} is SUSPECT, it is stored but retention is not applied: {}", manifest.id(),
                String.join("; ", reasons));
        return manifest.withSuspect(reasons);
    }

    /** The configured chain without compressing transformers the source's output does not need. */
    private List<Transformer> encodingChain(Map<String, String> pipelineAttributes) {
        List<Transformer> chain = new ArrayList<>();
        for (Transformer t : settings.transformers()) {
            if (t.compresses() && source.compressedOutput() && !settings.recompress()) {
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
        return chain;
    }

    private String extension(List<Transformer> chain) {
        StringBuilder ext = new StringBuilder(source.extension());
        for (Transformer t : chain) {
            ext.append('.').append(t.extension());
        }
        return ext.toString();
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

    /** The data of a backup once committed and checked, and what the source said about it. */
    private record Written(StoredObject object, SourceDescription description) {
    }

    /** The writer of the current export attempt; closing it removes whatever was not committed. */
    private static final class Attempt implements AutoCloseable {
        private BackupWriter writer;

        Attempt(BackupWriter writer) {
            this.writer = writer;
        }

        @Override
        public void close() {
            writer.close();
        }
    }

    /**
     * Runs the export applying the {@link ChangePolicy}: an export that saw the database change is
     * discarded (its pending data aborted, never committed) and run again with a fresh writer while
     * the policy asks for a retry, or discarded with a failure. Hooks run once around all attempts.
     */
    private Written exportWithChangePolicy(String id, Repository.NewBackup placement, Attempt attempt,
                                           Repository.Lock lock, List<Transformer> chain) {
        ChangePolicy policy = settings.onChange();
        for (int number = 1; ; number++) {
            if (number > 1) {
                attempt.writer = repository.newBackup(placement);
            }
            int current = number;
            ChangePolicy.Action[] verdict = {null};
            Written written = exportData(id, attempt.writer, lock, chain, description -> {
                if (!ChangePolicy.changed(description)) {
                    return true;
                }
                verdict[0] = policy.after(current);
                return verdict[0] == ChangePolicy.Action.WARN;
            });
            if (written != null) {
                Map<String, String> attributes = new TreeMap<>(written.description.attributes());
                attributes.put(ChangePolicy.ATTEMPTS_ATTRIBUTE, Integer.toString(number));
                SourceDescription d = written.description;
                return new Written(written.object, new SourceDescription(d.engine(), d.engineVersion(),
                        d.neo4jVersion(), d.neo4jEdition(), d.database(), d.counts(), attributes));
            }
            if (verdict[0] == ChangePolicy.Action.FAIL) {
                throw new SourceFailedException("Backup " + id + ": database '" + source.database() + "' changed "
                        + "during the export" + (number > 1 ? " in each of " + number + " attempts" : "") + " and the "
                        + "change policy is '" + policy + "'. Nothing was stored. Quiesce the writers (e.g. with a "
                        + "pre/post command hook), run the backup when the database is quiet, or accept such backups "
                        + "with the 'warn' policy.", null);
            }
            LOG.warn("Backup {}: database '{}' changed during export attempt {}; exporting again (policy: {})", id,
                    source.database(), number, policy);
        }
    }

    /**
     * The export, as one step: the source writes through the encoding chain into the repository,
     * raw and stored bytes counted and hashed; then the data is committed and checked. A failure
     * removes what was written at once (before the hook brings the database back). When {@code keep}
     * rejects what the source reported, the pending data is aborted and {@code null} returned.
     */
    private Written exportData(String id, BackupWriter writer, Repository.Lock lock, List<Transformer> chain,
                               Predicate<SourceDescription> keep) {
        boolean committed = false;
        try {
            AtomicLong records = new AtomicLong();
            ProgressReporter progress = new ProgressReporter(id, records, lock);
            OutputStream stored = writer.open(progress::stored);
            CountingOutputStream raw;
            SourceDescription description;
            OutputStream encoded = null;
            try {
                encoded = stored;
                for (int i = chain.size() - 1; i >= 0; i--) {
                    encoded = chain.get(i).encode(encoded);
                }
                // without transformers the raw bytes are the stored bytes, which the writer hashes already
                raw = new CountingOutputStream(encoded, true, progress::raw, !chain.isEmpty());
                description = runSource(id, raw, records, writer);
                raw.close();
            } catch (IOException e) {
                if (writer.storageFailure() != null) {
                    throw repository.storageFailure("write " + writer.key(), writer.storageFailure());
                }
                throw new SourceFailedException("Backup " + id + ": encoding the stream failed: " + e.getMessage(), e);
            } finally {
                DecodedBackup.closeQuietly(encoded);
            }
            if (writer.storageFailure() != null) {
                throw repository.storageFailure("write " + writer.key(), writer.storageFailure());
            }
            if (!keep.test(description)) {
                return null; // the finally block closes the writer, which aborts the pending data
            }
            BackupWriter.Committed data = writer.commitData();
            committed = true;
            String rawSha256 = chain.isEmpty() ? data.sha256() : raw.sha256();
            return new Written(new StoredObject(data.key(), raw.count(), data.size(), rawSha256, data.sha256()),
                    description);
        } finally {
            if (!committed) {
                writer.close();
            }
        }
    }

    private SourceDescription runSource(String id, OutputStream raw, AtomicLong records, BackupWriter writer)
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
            if (writer.storageFailure() != null && !(e instanceof SourceFailedException sf && sf.exitCode().isPresent())) {
                throw repository.storageFailure("write the backup of " + source.database(), writer.storageFailure());
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            if (writer.storageFailure() != null) {
                throw repository.storageFailure("write the backup of " + source.database(), writer.storageFailure());
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

    private Manifest manifest(String id, String database, Instant started, List<Transformer> chain, Written written,
                              Map<String, String> prepared, Map<String, String> pipelineAttributes) {
        Map<String, String> attributes = new TreeMap<>(prepared);
        attributes.putAll(written.description.attributes());
        attributes.putAll(pipelineAttributes);
        SourceDescription d = written.description;
        return new Manifest(Manifest.FORMAT_VERSION, id, database, started, clock.instant(),
                new Manifest.SourceInfo(source.type(), d.engineVersion(), d.neo4jVersion(), d.neo4jEdition(), attributes),
                ToolVersion.get(), settings.host(), chain.stream().map(TransformerSpec::of).toList(),
                written.object, d.counts(), settings.labels(), settings.metadata());
    }

    /** Retention after a committed backup: a failure is reported in the result, the backup stands. */
    private BackupResult applyRetention(String id, String database, Manifest manifest, Repository.Lock lock) {
        PruneResult prune = null;
        String pruneFailure = null;
        if (pruner != null) {
            try {
                prune = pruner.pruneDatabase(database, false, lock);
                listener.pruned(prune);
            } catch (BackupException e) {
                pruneFailure = e.getMessage();
                LOG.warn("Backup {} succeeded but retention failed: {}", id, e.getMessage());
                listener.pruneFailed(e);
            }
        }
        return new BackupResult(manifest, manifest.manifestKey(), prune, pruneFailure);
    }

    private HookFailedException hookFailed(String id, String database, BackupResult result, IOException cause) {
        HookFailedException failure = new HookFailedException("Backup " + id + " is stored and verified, "
                + "but the " + settings.hook().name() + " hook that brings database '" + database + "' back failed: "
                + cause.getMessage() + (settings.hook().takesDatabaseOffline()
                ? ". The database may still be stopped: check it now."
                : ". What the hook paused (e.g. the writers) may still be paused: check it now."), result, cause);
        LOG.error(failure.getMessage());
        listener.backupFailed(id, failure);
        return failure;
    }

    /** Reports progress at most every 250 ms and refreshes the lock. */
    private final class ProgressReporter {
        private final String id;
        private final AtomicLong records;
        private final Repository.Lock lock;
        private long rawBytes;
        private long storedBytes;
        private long lastReport = System.nanoTime();

        ProgressReporter(String id, AtomicLong records, Repository.Lock lock) {
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

    /** An output stream whose close() only flushes, so sources cannot close the chain early. */
    private static final class NonClosingOutputStream extends FilterOutputStream {
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
}
