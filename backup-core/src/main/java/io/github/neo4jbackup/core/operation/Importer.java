package io.github.neo4jbackup.core.operation;

import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.DatabaseName;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.KeyTemplate;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.internal.CountingOutputStream;
import io.github.neo4jbackup.core.internal.ToolVersion;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.manifest.StoredObject;
import io.github.neo4jbackup.core.manifest.TransformerSpec;
import io.github.neo4jbackup.core.repository.BackupWriter;
import io.github.neo4jbackup.core.repository.Repository;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.Transformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Adopts an existing file — a {@code neo4j-admin} dump or a Cypher script — as a backup, so that
 * {@code list}, {@code verify}, {@code restore} and retention treat it like any other:
 * <ol>
 *   <li>tell the format from the file's first bytes ({@link ImportFormat}); anything else is
 *       refused before anything is written;</li>
 *   <li>name it {@code <database>-<timestamp of takenAt>} and refuse an id the repository already has;</li>
 *   <li>under the database's lock, stream the file through the configured transformers into the
 *       repository's commit protocol (compression is skipped for an already compressed dump),
 *       hashing the raw and the stored bytes; the file must not change while it is read;</li>
 *   <li>with {@link VerifyLevel#FULL} after backup, read it back; then write the manifest, last:
 *       {@code createdAt} is when the file was taken, {@code finishedAt} when it was imported, the
 *       counts are unknown (the file does not say), the source attributes say it was imported and from what.</li>
 * </ol>
 * Retention is not applied: an import adds a backup, it does not replace tonight's. Immutable and thread-safe.
 */
public final class Importer {

    private static final Logger LOG = LoggerFactory.getLogger(Importer.class);
    private static final int BUFFER = 64 * 1024;

    private final BackupRun.Settings settings;
    private final Repository repository;
    private final Verifier verifier;
    private final Clock clock;

    /**
     * Creates the operation.
     *
     * @param settings   transformers, recompression, labels, metadata, check level and host (the source and hook are not used)
     * @param repository where to
     * @param verifier   reads the data back when {@link BackupRun.Settings#verifyAfterBackup()} is FULL
     * @param clock      the clock (the import time)
     */
    public Importer(BackupRun.Settings settings, Repository repository, Verifier verifier, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.repository = Objects.requireNonNull(repository, "repository");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Imports one file.
     *
     * @param file     the dump or script
     * @param database the database it holds (recorded; restores go there by default)
     * @param takenAt  when the file was taken, or {@code null} for its last-modified time
     * @return the result (no retention)
     * @throws InvalidInputException when the file is neither a dump nor a script, changed while it was
     *                               read, or its id is taken; nothing stays in the repository
     */
    public BackupResult importFile(Path file, String database, Instant takenAt) {
        Objects.requireNonNull(file, "file");
        DatabaseName.validate(database);
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(file + " is not a regular file: give the path of a neo4j-admin dump or a "
                    + "Cypher script");
        }
        ImportFormat format = ImportFormat.detect(file);
        long size;
        Instant modified;
        try {
            size = Files.size(file);
            modified = Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        Instant created = (takenAt != null ? takenAt : modified).truncatedTo(ChronoUnit.MILLIS);
        String id = database + "-" + KeyTemplate.TIMESTAMP.format(created);
        Map<String, String> attributes = new TreeMap<>(format.attributes());
        List<Transformer> chain = chain(format, attributes);
        StringBuilder extension = new StringBuilder(format.extension());
        chain.forEach(t -> extension.append('.').append(t.extension()));
        BackupWriter writer = repository.newBackup(new Repository.NewBackup(id, database, created, format.engine(),
                extension.toString(), settings.labels()));
        try (Repository.Lock lock = repository.lock(database, "import " + id); writer) {
            if (repository.list(database).stream().anyMatch(m -> m.id().equals(id))) {
                throw new InvalidInputException("The repository " + repository.describe() + " already has a backup "
                        + id + ": this file (or another taken in the same second) was imported already. Nothing was "
                        + "written; give another --taken-at if it is a different backup");
            }
            LOG.info("Importing {} ({} bytes, {}) as backup {} into {} {}", file, size, format.engine(), id,
                    repository.describe(), writer.key());
            OutputStream stored = writer.open(n -> lock.refreshIfDue());
            CountingOutputStream raw;
            OutputStream encoded = stored;
            try {
                for (int i = chain.size() - 1; i >= 0; i--) {
                    encoded = chain.get(i).encode(encoded);
                }
                raw = new CountingOutputStream(encoded, true, null);
                try (InputStream in = Files.newInputStream(file)) {
                    byte[] buffer = new byte[BUFFER];
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        raw.write(buffer, 0, n);
                    }
                }
                raw.close();
            } catch (IOException e) {
                if (writer.storageFailure() != null) {
                    throw repository.storageFailure("write " + writer.key(), writer.storageFailure());
                }
                throw new InvalidInputException("Import of " + file + " failed while reading or encoding it: "
                        + e.getMessage() + "; nothing was written", e);
            } finally {
                DecodedBackup.closeQuietly(encoded);
            }
            if (writer.storageFailure() != null) {
                throw repository.storageFailure("write " + writer.key(), writer.storageFailure());
            }
            checkUnchanged(file, size, modified, raw.count());
            BackupWriter.Committed data = writer.commitData();
            attributes.put("import.file", String.valueOf(file.getFileName()));
            attributes.put("import.fileModifiedAt", modified.toString());
            attributes.put("import.importedAt", clock.instant().toString());
            Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, id, database, created, clock.instant(),
                    new Manifest.SourceInfo(format.engine(), null, null, null, attributes), ToolVersion.get(),
                    settings.host(), chain.stream().map(TransformerSpec::of).toList(),
                    new StoredObject(data.key(), raw.count(), data.size(), raw.sha256(), data.sha256()),
                    GraphCounts.UNKNOWN, settings.labels(), settings.metadata());
            if (settings.verifyAfterBackup() == VerifyLevel.FULL) {
                VerifyReport report = verifier.check(manifest, VerifyLevel.FULL);
                if (!report.ok()) {
                    throw new IntegrityException("Import " + id + " failed read-back verification and was removed: "
                            + String.join("; ", report.problems()));
                }
            }
            writer.commitManifest(manifest);
            LOG.info("Imported {} as backup {}: {} raw bytes, {} stored bytes ({})", file, id, raw.count(), data.size(),
                    data.key());
            return new BackupResult(manifest, manifest.manifestKey(), null, null);
        }
    }

    private List<Transformer> chain(ImportFormat format, Map<String, String> attributes) {
        List<Transformer> chain = new ArrayList<>();
        for (Transformer t : settings.transformers()) {
            if (t.compresses() && format.compressed() && !settings.recompress()) {
                attributes.merge("compression.skipped", t.describe(), (a, b) -> a + ", " + b);
            } else {
                chain.add(t);
            }
        }
        if (attributes.containsKey("compression.skipped")) {
            attributes.put("compression.skipped.reason", "the " + format.engine() + " file is already compressed");
        }
        return chain;
    }

    private static void checkUnchanged(Path file, long size, Instant modified, long read) {
        try {
            if (read != size || Files.size(file) != size || !Files.getLastModifiedTime(file).toInstant().equals(modified)) {
                throw new InvalidInputException(file + " changed while it was imported (" + size + " bytes before, "
                        + read + " read); nothing was written. Import a file nothing writes to");
            }
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read " + file + " again: " + e.getMessage(), e);
        }
    }
}
