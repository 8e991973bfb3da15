package io.github.neo4jbackup.core.operation;

import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.CopyResult;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.KeyTemplate;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.repository.BackupWriter;
import io.github.neo4jbackup.core.repository.Repository;
import io.github.neo4jbackup.core.repository.StoredStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Copies backups from one repository into another, as they are stored: the bytes are not decoded,
 * so an encrypted backup stays encrypted and no key is needed. For one backup:
 * <ol>
 *   <li>place it in the destination with the destination's own key template (same id, database,
 *       start time, engine, extension and labels);</li>
 *   <li>take the destination's lock of the database (the source is only read, never locked);</li>
 *   <li>look for the id in the destination: the same stored bytes (size and SHA-256) there means
 *       nothing to do ({@link CopyResult.Outcome#ALREADY_PRESENT}, after checking that its data is
 *       present and complete); different bytes under the same id are refused, nothing is
 *       overwritten;</li>
 *   <li>stream the stored bytes from the source ({@link Repository#open}, hashed against the source
 *       manifest as they are read) into the destination's commit protocol
 *       ({@link Repository#newBackup}): data, check of what the store reports;</li>
 *   <li>read the copy back from the destination and check size and SHA-256 against the manifest
 *       (when enabled, the default);</li>
 *   <li>write the destination's manifest last: the source manifest with the new data key and
 *       {@link Manifest.CopiedFrom} (where it came from and when).</li>
 * </ol>
 * Any failure before the last step removes what was written to the destination. Immutable and
 * thread-safe.
 */
public final class Copier {

    private static final Logger LOG = LoggerFactory.getLogger(Copier.class);
    private static final int BUFFER = 64 * 1024;

    private final Repository from;
    private final Repository to;
    private final Clock clock;
    private final boolean readBack;

    /**
     * Creates the operation.
     *
     * @param from     the repository to copy from (only read)
     * @param to       the repository to copy into
     * @param clock    the clock recorded in the copy's manifest
     * @param readBack whether to read each copy back from the destination before its manifest is written
     */
    public Copier(Repository from, Repository to, Clock clock, boolean readBack) {
        this.from = Objects.requireNonNull(from, "from");
        this.to = Objects.requireNonNull(to, "to");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.readBack = readBack;
    }

    /**
     * Copies one backup.
     *
     * @param backup its manifest in the source repository
     * @param dryRun {@code true} to only say what would be done (the destination is still read and
     *               its lock taken briefly, so that a conflict is reported)
     * @return what was done
     * @throws InvalidInputException when the destination holds the same id with other bytes, or the
     *                               destination's key template cannot place the backup; nothing was written
     * @throws IntegrityException    when the source data does not match its manifest, or the copy read
     *                               back differently; nothing stays in the destination
     * @throws io.github.neo4jbackup.core.LockHeldException when another run holds the destination's lock
     * @throws io.github.neo4jbackup.core.StorageException  when a store failed
     */
    public CopyResult copy(Manifest backup, boolean dryRun) {
        Objects.requireNonNull(backup, "backup");
        Instant started = clock.instant();
        String id = backup.id();
        BackupWriter writer = to.newBackup(new Repository.NewBackup(id, backup.database(), backup.createdAt(),
                backup.source().type(), extensionOf(backup), backup.labels()));
        try (writer; Repository.Lock lock = to.lock(backup.database(), "copy " + id)) {
            Optional<Manifest> existing = present(backup);
            if (existing.isPresent()) {
                LOG.info("Backup {} is already in {} with the same stored bytes; not copied", id, to.describe());
                return new CopyResult(CopyResult.Outcome.ALREADY_PRESENT, existing.get(), backup.object().key(),
                        to.describe(), 0, Duration.between(started, clock.instant()));
            }
            Manifest planned = backup.asCopy(writer.key(), origin(backup, started));
            if (dryRun) {
                return new CopyResult(CopyResult.Outcome.WOULD_COPY, planned, backup.object().key(), to.describe(), 0,
                        Duration.ZERO);
            }
            LOG.info("Copying backup {} ({} stored bytes) from {} {} to {} {}", id, backup.object().storedSize(),
                    from.describe(), backup.object().key(), to.describe(), writer.key());
            long copied = transfer(backup, writer, lock);
            BackupWriter.Committed data = writer.commitData();
            if (data.size() != backup.object().storedSize()
                    || !data.sha256().equalsIgnoreCase(backup.object().storedSha256())) {
                throw new IntegrityException("Copy of backup " + id + " to " + to.describe() + ": " + data.size()
                        + " bytes with SHA-256 " + data.sha256() + " were written but the manifest records "
                        + backup.object().storedSize() + " bytes with SHA-256 " + backup.object().storedSha256()
                        + "; the copy was removed");
            }
            Manifest copy = backup.asCopy(data.key(), origin(backup, clock.instant()));
            if (readBack) {
                readBack(copy);
                lock.refreshIfDue();
            }
            writer.commitManifest(copy);
            Duration took = Duration.between(started, clock.instant());
            LOG.info("Backup {} copied to {} {} ({} bytes in {})", id, to.describe(), data.key(), copied, took);
            return new CopyResult(CopyResult.Outcome.COPIED, copy, backup.object().key(), to.describe(), copied, took);
        }
    }

    /**
     * The extension of a backup's stored bytes (source extension plus transformer extensions, e.g.
     * {@code cypher.zst.age}), read from its data key: what follows the backup's timestamp in the
     * key's last segment, or else what follows the first dot of that segment.
     *
     * @param backup the backup
     * @return the extension, no leading dot
     * @throws InvalidInputException when the key has none
     */
    static String extensionOf(Manifest backup) {
        String key = backup.object().key().value();
        String name = key.substring(key.lastIndexOf('/') + 1);
        String timestamp = KeyTemplate.TIMESTAMP.format(backup.createdAt());
        int at = name.lastIndexOf(timestamp + ".");
        String ext;
        if (at >= 0) {
            ext = name.substring(at + timestamp.length() + 1);
        } else {
            String rest = name.startsWith(backup.database() + "-") ? name.substring(backup.database().length() + 1) : name;
            int dot = rest.indexOf('.');
            ext = dot < 0 ? "" : rest.substring(dot + 1);
        }
        if (ext.isEmpty()) {
            throw new InvalidInputException("Backup " + backup.id() + ": its data key " + key + " has no extension "
                    + "to carry over to the copy; copy it into a repository whose key template does not use {ext}");
        }
        return ext;
    }

    private Manifest.CopiedFrom origin(Manifest backup, Instant at) {
        return new Manifest.CopiedFrom(from.describe(), backup.object().key().value(), at);
    }

    /** The backup as the destination already holds it, if with the same bytes; refuses a conflict. */
    private Optional<Manifest> present(Manifest backup) {
        List<Manifest> same = to.list(backup.database()).stream().filter(m -> m.id().equals(backup.id())).toList();
        if (same.isEmpty()) {
            return Optional.empty();
        }
        Manifest there = same.get(0);
        if (there.object().storedSize() != backup.object().storedSize()
                || !there.object().storedSha256().equalsIgnoreCase(backup.object().storedSha256())) {
            throw new InvalidInputException("Backup " + backup.id() + " already exists in " + to.describe() + " ("
                    + there.object().key() + ") with other stored bytes (" + there.object().storedSize()
                    + " bytes, SHA-256 " + there.object().storedSha256() + ") than in " + from.describe() + " ("
                    + backup.object().storedSize() + " bytes, SHA-256 " + backup.object().storedSha256()
                    + "). Nothing was overwritten: check which one is right (verify --deep) and delete the other, "
                    + "or copy into another repository");
        }
        List<String> problems = to.check(there);
        if (!problems.isEmpty()) {
            throw new IntegrityException("Backup " + backup.id() + " already has a manifest in " + to.describe()
                    + " but its data is damaged (" + String.join("; ", problems) + "). Nothing was overwritten: "
                    + "delete the damaged copy there (prune removes it only by retention), then copy again");
        }
        return Optional.of(there);
    }

    private long transfer(Manifest backup, BackupWriter writer, Repository.Lock lock) {
        OutputStream out = writer.open(written -> lock.refreshIfDue());
        StoredStream in;
        try {
            in = from.open(backup);
        } catch (IOException e) {
            throw from.storageFailure("open " + backup.object().key(), e);
        }
        long total = 0;
        try (in) {
            byte[] buffer = new byte[BUFFER];
            int n;
            while ((n = readChunk(in, backup, buffer)) >= 0) {
                try {
                    out.write(buffer, 0, n);
                } catch (IOException e) {
                    IOException cause = writer.storageFailure() != null ? writer.storageFailure() : e;
                    throw to.storageFailure("write " + writer.key() + " (copy of " + backup.id() + ")", cause);
                }
                total += n;
            }
            out.close();
        } catch (IOException e) {
            IOException cause = writer.storageFailure() != null ? writer.storageFailure() : e;
            throw to.storageFailure("write " + writer.key() + " (copy of " + backup.id() + ")", cause);
        }
        return total;
    }

    private int readChunk(StoredStream in, Manifest backup, byte[] buffer) {
        try {
            return in.read(buffer);
        } catch (IntegrityException e) {
            throw new IntegrityException("Backup " + backup.id() + " in " + from.describe() + " does not match its "
                    + "manifest (" + e.getMessage() + "); nothing was copied to " + to.describe()
                    + ". Run verify --deep on the source", e);
        } catch (BackupException e) {
            throw e;
        } catch (IOException e) {
            IOException cause = in.storageFailure() != null ? in.storageFailure() : e;
            throw from.storageFailure("read " + backup.object().key() + " (copy of " + backup.id() + ")", cause);
        }
    }

    private void readBack(Manifest copy) {
        try (StoredStream check = to.open(copy)) {
            check.drain();
        } catch (IntegrityException e) {
            throw new IntegrityException("Copy of backup " + copy.id() + " to " + to.describe()
                    + " did not read back as written (" + e.getMessage() + "); it was removed", e);
        } catch (IOException e) {
            throw to.storageFailure("read back " + copy.object().key() + " (copy of " + copy.id() + ")", e);
        }
    }
}
