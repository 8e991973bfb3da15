package io.github.neo4jbackup.core.operation;

import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.RestoreOptions;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.repository.Repository;
import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.RestoreSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Verifies backups at three levels:
 * <ul>
 *   <li>{@link VerifyLevel#MANIFEST}: the data is present with the size (and, where the store keeps
 *       one, the hash) the manifest records — {@link Repository#check};</li>
 *   <li>{@link VerifyLevel#FULL}: additionally read back and decoded, both the stored and the
 *       decoded bytes hashed against the manifest — {@link BackupReader};</li>
 *   <li>{@link VerifyLevel#RESTORE}: additionally restored into a scratch database with a
 *       {@link Restorer}, and the counts and fingerprints it reports compared with the manifest
 *       ({@link #compareWithManifest}).</li>
 * </ul>
 * A damaged backup is reported, not thrown. Immutable and thread-safe.
 */
public final class Verifier {

    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);

    private final Repository repository;
    private final BackupReader reader;
    private final BackupListener listener;

    /**
     * Creates the verifier.
     *
     * @param repository where the backups are
     * @param reader     reads them back
     * @param listener   told of every verification (must not throw)
     */
    public Verifier(Repository repository, BackupReader reader, BackupListener listener) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Verifies a backup at {@link VerifyLevel#MANIFEST} or {@link VerifyLevel#FULL}, and tells the listener.
     *
     * @param id    the backup id
     * @param level how thoroughly
     * @return the report
     * @throws InvalidInputException   at {@link VerifyLevel#RESTORE}, which needs a scratch sink
     * @throws io.github.neo4jbackup.core.BackupNotFoundException when there is no such backup
     */
    public VerifyReport verify(String id, VerifyLevel level) {
        if (level == VerifyLevel.RESTORE) {
            throw new InvalidInputException("Verification level RESTORE needs a scratch database: call "
                    + "verify(id, VerifyLevel.RESTORE, scratchSink) with a restore sink that writes into a database "
                    + "you can overwrite");
        }
        Manifest manifest = repository.find(id);
        VerifyReport report = check(manifest, level);
        if (report.ok()) {
            LOG.info("Backup {} verified ({}) in {}", id, level, report.duration());
        } else {
            LOG.warn("Backup {} failed verification ({}): {}", id, level, report.problems());
        }
        listener.verified(report);
        return report;
    }

    /**
     * Verifies a backup; at {@link VerifyLevel#RESTORE} restores it into {@code scratchSink} and
     * compares what the sink reports with the manifest. Tells the listener.
     *
     * @param id          the backup id
     * @param level       how thoroughly
     * @param scratchSink where a RESTORE-level check restores to (ignored at other levels)
     * @return the report
     * @throws io.github.neo4jbackup.core.BackupNotFoundException when there is no such backup
     */
    public VerifyReport verify(String id, VerifyLevel level, RestoreSink scratchSink) {
        if (level != VerifyLevel.RESTORE) {
            return verify(id, level);
        }
        Objects.requireNonNull(scratchSink, "scratchSink");
        Manifest manifest = repository.find(id);
        long start = System.nanoTime();
        VerifyReport full = check(manifest, VerifyLevel.FULL);
        List<String> problems = new ArrayList<>(full.problems());
        if (full.ok()) {
            try {
                RestoreResult restored = new Restorer(repository, reader, this, listener)
                        .restore(manifest, scratchSink, RestoreOptions.defaults().withVerifyFirst(false));
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

    /**
     * Checks a backup at {@link VerifyLevel#MANIFEST} or {@link VerifyLevel#FULL} without telling
     * the listener (used before a manifest is written and before a restore).
     *
     * @param manifest the backup
     * @param level    MANIFEST or FULL
     * @return the report
     * @throws io.github.neo4jbackup.core.StorageException when the store failed in a way that is not about
     *                                                     this backup's data
     */
    public VerifyReport check(Manifest manifest, VerifyLevel level) {
        return switch (level) {
            case MANIFEST -> checkStored(manifest);
            case FULL -> readBack(manifest);
            case RESTORE -> throw new InvalidInputException("check(manifest, RESTORE) needs a scratch database: "
                    + "use verify(id, VerifyLevel.RESTORE, scratchSink)");
        };
    }

    private VerifyReport checkStored(Manifest manifest) {
        long start = System.nanoTime();
        List<String> problems = repository.check(manifest);
        return new VerifyReport(manifest.id(), VerifyLevel.MANIFEST, problems.isEmpty(), problems, 0, 0,
                Duration.ofNanos(System.nanoTime() - start));
    }

    private VerifyReport readBack(Manifest manifest) {
        long start = System.nanoTime();
        VerifyReport quick = checkStored(manifest);
        if (!quick.ok()) {
            return new VerifyReport(manifest.id(), VerifyLevel.FULL, false, quick.problems(), 0, 0,
                    Duration.ofNanos(System.nanoTime() - start));
        }
        List<String> problems = new ArrayList<>();
        long storedBytes = 0;
        long rawBytes = 0;
        try (DecodedBackup decoded = reader.open(manifest)) {
            decoded.drain();
            storedBytes = decoded.storedBytes();
            rawBytes = decoded.rawBytes();
        } catch (IntegrityException e) {
            problems.add(e.getMessage());
        } catch (IOException e) {
            problems.add("backup " + manifest.id() + " could not be read or decoded: " + e.getMessage());
        }
        return new VerifyReport(manifest.id(), VerifyLevel.FULL, problems.isEmpty(), problems, storedBytes, rawBytes,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * What differs between a restored database, as its sink reports it, and the manifest: node
     * and relationship counts, per-label and per-type counts, content and schema fingerprints.
     *
     * @param manifest the backup
     * @param restored what the sink reported
     * @return the differences, empty when none
     */
    static List<String> compareWithManifest(Manifest manifest, RestoreSink.SinkResult restored) {
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
            String unavailable = restored.attributes().get(Attributes.COUNTS_UNAVAILABLE);
            if (unavailable == null) {
                problems.add("counts could not be compared: the restore sink does not report them");
            } else {
                LOG.info("Backup {}: counts not compared: {}", manifest.id(), unavailable);
            }
        }
        Map<String, String> recorded = manifest.source().attributes();
        String wantVersion = recorded.getOrDefault(Attributes.CONTENT_FINGERPRINT_VERSION, "1");
        String gotVersion = restored.attributes().getOrDefault(Attributes.CONTENT_FINGERPRINT_VERSION, "1");
        for (String attribute : List.of(Attributes.CONTENT_FINGERPRINT, Attributes.SCHEMA_FINGERPRINT)) {
            String want = recorded.get(attribute);
            String got = restored.attributes().get(attribute);
            if (attribute.equals(Attributes.CONTENT_FINGERPRINT) && !wantVersion.equals(gotVersion)) {
                if (want != null && got != null) {
                    LOG.info("Backup {}: content fingerprint not compared: the manifest records version {}, the "
                            + "restored database was fingerprinted with version {}", manifest.id(), wantVersion,
                            gotVersion);
                }
                continue;
            }
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
        Set<String> names = new TreeSet<>(expected.keySet());
        names.addAll(actual.keySet());
        for (String name : names) {
            long e = expected.getOrDefault(name, 0L);
            long a = actual.getOrDefault(name, 0L);
            if (e != a) {
                problems.add(what + " '" + name + "': restored " + a + ", the manifest records " + e);
            }
        }
    }
}
