package io.github.neo4jbackup.core.operation;

import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.HookFailedException;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.RestoreFailedException;
import io.github.neo4jbackup.core.RestoreOptions;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.repository.Repository;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.RestoreSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Restores a backup into a {@link RestoreSink}, step by step:
 * <ol>
 *   <li>the sink must accept the engine that made the backup;</li>
 *   <li>unless turned off, the whole backup is read back and checked first ({@link Verifier}),
 *       and a damaged backup is refused before the database sees a byte;</li>
 *   <li>an optional safety backup of the current database is taken;</li>
 *   <li>the backup is streamed, decoded and hashed as it goes ({@link BackupReader}), into the sink;
 *       a failure is reported as damage when the data was at fault, as a sink failure otherwise;</li>
 *   <li>the counts the sink reports are compared with the manifest ({@link #compareCounts}).</li>
 * </ol>
 * Immutable and thread-safe.
 */
public final class Restorer {

    private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);

    private final Repository repository;
    private final BackupReader reader;
    private final Verifier verifier;
    private final BackupListener listener;

    /**
     * Creates the restorer.
     *
     * @param repository where the backups are
     * @param reader     reads them back
     * @param verifier   checks a backup before it is restored
     * @param listener   told of verifications and restores (must not throw)
     */
    public Restorer(Repository repository, BackupReader reader, Verifier verifier, BackupListener listener) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Restores a backup by id and tells the listener how it went.
     *
     * @param id      the backup id
     * @param sink    where to restore
     * @param options restore options
     * @return the result
     * @throws io.github.neo4jbackup.core.BackupNotFoundException when there is no such backup
     * @throws IntegrityException      when the backup is damaged; the restore is refused
     * @throws RestoreFailedException  when the sink failed
     */
    public RestoreResult restore(String id, RestoreSink sink, RestoreOptions options) {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(options, "options");
        Manifest manifest = repository.find(id);
        try {
            RestoreResult result = restore(manifest, sink, options);
            requireCountsMatch(result);
            listener.restoreCompleted(result);
            return result;
        } catch (BackupException e) {
            LOG.error("Restore of backup {} failed: {}", id, e.getMessage());
            listener.restoreFailed(id, e);
            throw e;
        }
    }

    /**
     * Restores a backup whose manifest is at hand, without telling the listener the outcome (a
     * verification by restore reports it as a verification instead).
     *
     * @param manifest the backup
     * @param sink     where to restore
     * @param options  restore options
     * @return the result
     * @throws IntegrityException     when the backup is damaged
     * @throws RestoreFailedException when the sink or the safety backup failed
     */
    public RestoreResult restore(Manifest manifest, RestoreSink sink, RestoreOptions options) {
        if (!sink.accepts(manifest.source().type())) {
            throw new InvalidInputException("Backup " + manifest.id() + " was made by engine '"
                    + manifest.source().type() + "', which the chosen restore sink (" + sink.getClass().getName()
                    + ") cannot restore; use the sink of that engine");
        }
        long start = System.nanoTime();
        Map<String, Duration> phases = new LinkedHashMap<>();
        if (options.verifyFirst()) {
            verifyFirst(manifest);
            phases.put("verify", Duration.ofNanos(System.nanoTime() - start));
        }
        long safetyStart = System.nanoTime();
        String safetyId = options.safetyBackup() == null ? null : safetyBackup(manifest, options);
        if (safetyId != null) {
            phases.put("safetyBackup", Duration.ofNanos(System.nanoTime() - safetyStart));
        }
        RestoreSink.SinkResult sinkResult;
        long rawBytes;
        try (DecodedBackup decoded = reader.open(manifest)) {
            try {
                sinkResult = sink.restore(decoded.raw(), manifest);
            } catch (IOException | RuntimeException e) {
                throw sinkFailure(manifest, decoded, e);
            }
            decoded.drain();
            rawBytes = decoded.rawBytes();
        } catch (IOException e) {
            throw new IntegrityException("Backup " + manifest.id() + " could not be read or decoded: "
                    + e.getMessage(), e);
        }
        if (sinkResult == null) {
            sinkResult = RestoreSink.SinkResult.empty();
        }
        Boolean countsMatch = compareCounts(manifest, sinkResult);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        phases.putAll(RestoreResult.sinkPhases(sinkResult));
        LOG.info("Backup {} restored: {} bytes in {}{}", manifest.id(), rawBytes, took, phases.isEmpty() ? ""
                : " (" + String.join(", ", phases.entrySet().stream().map(e -> e.getKey() + " "
                + e.getValue().toMillis() + " ms").toList()) + ")");
        return new RestoreResult(manifest, rawBytes, took, sinkResult, countsMatch, safetyId, phases);
    }

    private void verifyFirst(Manifest manifest) {
        VerifyReport report = verifier.check(manifest, VerifyLevel.FULL);
        listener.verified(report);
        if (!report.ok()) {
            throw new IntegrityException("Refusing to restore backup " + manifest.id() + ": "
                    + stripPeriod(String.join("; ", report.problems())) + ". Nothing was written to the database.");
        }
    }

    private static String safetyBackup(Manifest manifest, RestoreOptions options) {
        try {
            String safetyId = options.safetyBackup().safetyBackup(manifest.id()).id();
            LOG.info("Safety backup {} of the current database taken before restoring {}", safetyId, manifest.id());
            return safetyId;
        } catch (HookFailedException e) {
            String safetyId = e.result().id();
            LOG.warn("Safety backup {} is stored, but its hook failed: {}", safetyId, e.getMessage());
            return safetyId;
        } catch (BackupException e) {
            throw new RestoreFailedException("Refusing to restore backup " + manifest.id()
                    + ": the safety backup of the current database failed (" + e.getMessage()
                    + "). Nothing was changed. Fix the safety backup, or restore without one if you accept losing "
                    + "the current data.", e);
        }
    }

    /** What to throw when the sink failed: damage when the data was at fault, a sink failure otherwise. */
    private static BackupException sinkFailure(Manifest manifest, DecodedBackup decoded, Exception e) {
        IntegrityException integrity = findIntegrity(e);
        if (integrity == e) {
            return integrity;
        }
        if (integrity != null) {
            return new IntegrityException(stripPeriod(integrity.getMessage()) + ". The restore sink reported: "
                    + e.getMessage(), e);
        }
        IOException damaged = decoded.decodeFailure();
        if (damaged != null) {
            // The decoders (decompression, decryption) refused the data: the backup is damaged,
            // whatever the sink made of it.
            return new IntegrityException("Backup " + manifest.id() + " could not be decoded: "
                    + stripPeriod(String.valueOf(damaged.getMessage()))
                    + (damaged == e ? "" : ". The restore sink reported: " + stripPeriod(String.valueOf(
                            e.getMessage())))
                    + ". The sink stopped before the end of the data; check the database before using it, "
                    + "and restore another backup into an empty database.", e);
        }
        if (e instanceof BackupException be) {
            return be;
        }
        return new RestoreFailedException("Restore of backup " + manifest.id() + " failed in the sink: "
                + stripPeriod(String.valueOf(e.getMessage())) + ". Check the database before using it; "
                + "if it holds part of the backup, restore again into an empty database.", e);
    }

    /**
     * Whether the node and relationship counts the sink reports match the manifest; {@code null}
     * when either side does not know them. A difference is logged.
     */
    private static Boolean compareCounts(Manifest manifest, RestoreSink.SinkResult sinkResult) {
        if (!manifest.counts().known() || !sinkResult.counts().known()) {
            return null;
        }
        boolean match = manifest.counts().nodes() == sinkResult.counts().nodes()
                && manifest.counts().relationships() == sinkResult.counts().relationships();
        if (!match) {
            LOG.warn("Restore of backup {}: the database has {} nodes / {} relationships, the manifest records "
                    + "{} / {}", manifest.id(), sinkResult.counts().nodes(), sinkResult.counts().relationships(),
                    manifest.counts().nodes(), manifest.counts().relationships());
        }
        return match;
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

    /** A restore that did not create what the manifest lists is a failure, never a warning. */
    private static void requireCountsMatch(RestoreResult result) {
        if (result.countsMatched().orElse(true)) {
            return;
        }
        Manifest manifest = result.manifest();
        GraphCounts restored = result.sinkResult().counts();
        throw new RestoreFailedException("Restore of backup " + manifest.id() + " did not create what the manifest "
                + "lists: the database holds " + restored.nodes() + " nodes and " + restored.relationships()
                + " relationships, the manifest records " + manifest.counts().nodes() + " nodes and "
                + manifest.counts().relationships() + " relationships. Do not use the restored database as a copy of "
                + "this backup: check it, then wipe it and restore another backup.", null, manifest.counts(), restored);
    }
}
