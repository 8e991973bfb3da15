package io.github.neo4jbackup.core.manifest;

import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.ObjectKey;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The record of one backup: the only source of truth for what exists and how to read it.
 * Written last, after the data object is committed and verified. See {@code docs/manifest.md}.
 *
 * @param formatVersion the manifest format version ({@link #FORMAT_VERSION} when written by this library)
 * @param id            the backup id, unique within the repository
 * @param database      the database backed up
 * @param createdAt     when the backup started (UTC)
 * @param finishedAt    when the data object was committed and verified (UTC)
 * @param source        the engine and what it reported
 * @param toolVersion   version of neo4j-backup that wrote the backup
 * @param host          the host that ran the backup
 * @param transformers  the transformer chain, in encoding order
 * @param object        the data object
 * @param counts        entity counts where the source knew them
 * @param labels        user labels (environment, tier); also usable in key templates
 * @param metadata      free-form user metadata
 * @param copiedFrom    where this backup was copied from, or {@code null} when it was written here
 * @param suspect       why the backup is suspect (a guard such as the shrink guard failed), empty when it is not
 * @param safetyFor     for a safety backup (taken of the current database just before a restore
 *                      replaced it), the id of the backup that restore restored; {@code null} for
 *                      every other backup
 */
public record Manifest(int formatVersion, String id, String database, Instant createdAt, Instant finishedAt,
                       SourceInfo source, String toolVersion, String host, List<TransformerSpec> transformers,
                       StoredObject object, GraphCounts counts, Map<String, String> labels,
                       Map<String, String> metadata, CopiedFrom copiedFrom, List<String> suspect,
                       String safetyFor) {

    /** The manifest format version this library writes. */
    public static final int FORMAT_VERSION = 1;

    /** Suffix of a manifest's key: the data object's key plus this. */
    public static final String KEY_SUFFIX = ".manifest.json";

    /**
     * Creates a manifest.
     *
     * @param formatVersion format version
     * @param id            id
     * @param database      database
     * @param createdAt     start time
     * @param finishedAt    commit time
     * @param source        source info
     * @param toolVersion   tool version
     * @param host          host name
     * @param transformers  chain (copied)
     * @param object        data object
     * @param counts        counts
     * @param labels        labels (copied)
     * @param metadata      metadata (copied)
     * @param copiedFrom    origin of a copy, or {@code null}
     * @param suspect       reasons the backup is suspect (copied; {@code null} means none)
     * @param safetyFor     the id of the backup whose restore this safety backup protected, or {@code null}
     */
    public Manifest {
        suspect = suspect == null ? List.of() : List.copyOf(suspect);
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(object, "object");
        transformers = List.copyOf(transformers);
        counts = counts == null ? GraphCounts.UNKNOWN : counts;
        labels = labels == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(labels));
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(metadata));
        toolVersion = toolVersion == null ? "unknown" : toolVersion;
        host = host == null ? "unknown" : host;
    }

    /**
     * Creates the manifest of a backup written where it is stored (not a copy).
     *
     * @param formatVersion format version
     * @param id            id
     * @param database      database
     * @param createdAt     start time
     * @param finishedAt    commit time
     * @param source        source info
     * @param toolVersion   tool version
     * @param host          host name
     * @param transformers  chain (copied)
     * @param object        data object
     * @param counts        counts
     * @param labels        labels (copied)
     * @param metadata      metadata (copied)
     */
    public Manifest(int formatVersion, String id, String database, Instant createdAt, Instant finishedAt,
                    SourceInfo source, String toolVersion, String host, List<TransformerSpec> transformers,
                    StoredObject object, GraphCounts counts, Map<String, String> labels,
                    Map<String, String> metadata) {
        this(formatVersion, id, database, createdAt, finishedAt, source, toolVersion, host, transformers, object,
                counts, labels, metadata, null, List.of(), null);
    }

    /**
     * Whether a guard marked this backup as suspect: it was committed (it may be the truth) but
     * {@code restore --latest}, staleness checks and the next backups' comparisons skip it unless
     * asked to include it.
     *
     * @return {@code true} when {@link #suspect()} is not empty
     */
    public boolean isSuspect() {
        return !suspect.isEmpty();
    }

    /**
     * This manifest marked as suspect for the given reasons (added to those it has).
     *
     * @param reasons why
     * @return the marked manifest
     */
    public Manifest withSuspect(List<String> reasons) {
        List<String> all = new java.util.ArrayList<>(suspect);
        all.addAll(reasons);
        return new Manifest(formatVersion, id, database, createdAt, finishedAt, source, toolVersion, host,
                transformers, object, counts, labels, metadata, copiedFrom, all, safetyFor);
    }

    /**
     * Whether this is a safety backup: taken of the current database just before a restore replaced
     * it. {@code restore --latest}, staleness checks and the retention rules leave safety backups
     * aside unless told to include them; they have their own keep count.
     *
     * @return {@code true} when {@link #safetyFor()} is set
     */
    public boolean isSafety() {
        return safetyFor != null;
    }

    /**
     * This manifest as the safety backup taken before restoring another backup.
     *
     * @param restoredId the id of the backup being restored
     * @return the marked manifest
     */
    public Manifest asSafetyFor(String restoredId) {
        Objects.requireNonNull(restoredId, "restoredId");
        return new Manifest(formatVersion, id, database, createdAt, finishedAt, source, toolVersion, host,
                transformers, object, counts, labels, metadata, copiedFrom, suspect, restoredId);
    }

    /**
     * This manifest as the copy of the backup in another repository records it: the same backup
     * (id, times, source, chain, sizes and hashes), stored under another key, with its origin.
     *
     * @param key  the data key in the other repository
     * @param from where it was copied from
     * @return the manifest of the copy
     */
    public Manifest asCopy(ObjectKey key, CopiedFrom from) {
        Objects.requireNonNull(from, "from");
        StoredObject o = new StoredObject(key, object.rawSize(), object.storedSize(), object.rawSha256(),
                object.storedSha256());
        return new Manifest(formatVersion, id, database, createdAt, finishedAt, source, toolVersion, host,
                transformers, o, counts, labels, metadata, from, suspect, safetyFor);
    }

    /**
     * The key of this manifest: the data object's key plus {@link #KEY_SUFFIX}.
     *
     * @return the manifest key
     */
    public ObjectKey manifestKey() {
        return object.key().withSuffix(KEY_SUFFIX);
    }

    /**
     * How long the backup took from start to commit.
     *
     * @return the duration
     */
    public Duration duration() {
        return Duration.between(createdAt, finishedAt);
    }

    /**
     * Where a copied backup came from.
     *
     * @param repository the repository it was copied from, as that repository describes itself
     *                   (e.g. {@code s3://bucket/prefix}; never credentials)
     * @param key        its data key there
     * @param copiedAt   when the copy was committed
     */
    public record CopiedFrom(String repository, String key, Instant copiedAt) {
        /**
         * Creates the record.
         *
         * @param repository source repository
         * @param key        data key there
         * @param copiedAt   copy time
         */
        public CopiedFrom {
            Objects.requireNonNull(repository, "repository");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(copiedAt, "copiedAt");
        }
    }

    /**
     * The engine and versions that produced a backup.
     *
     * @param type          the source type id ({@code cypher-apoc}, {@code cypher-driver}, {@code neo4j-admin})
     * @param engineVersion engine version, or {@code null}
     * @param neo4jVersion  Neo4j server version, or {@code null}
     * @param neo4jEdition  Neo4j edition, or {@code null}
     * @param attributes    further facts the source reported
     */
    public record SourceInfo(String type, String engineVersion, String neo4jVersion, String neo4jEdition,
                             Map<String, String> attributes) {
        /**
         * Creates the record.
         *
         * @param type          type
         * @param engineVersion engine version
         * @param neo4jVersion  Neo4j version
         * @param neo4jEdition  Neo4j edition
         * @param attributes    attributes (copied)
         */
        public SourceInfo {
            Objects.requireNonNull(type, "type");
            attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(attributes));
        }
    }
}
