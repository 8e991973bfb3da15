package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.lock.LockInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link BackupPipeline#backup()} would do now, computed without writing anything (a dry
 * run): the id and data object key the backup would get, the transformers it would apply, whether
 * a live run holds the database's lock, and what retention would delete now.
 *
 * <p>The id and key are those of a backup started at {@link #plannedAt()}; a real run started
 * later gets a later timestamp. The retention plan is computed from the backups stored now, so it
 * does not count the new backup.
 */
public final class BackupPlan {

    private final String id;
    private final String database;
    private final String sourceType;
    private final String repository;
    private final Instant plannedAt;
    private final ObjectKey dataKey;
    private final List<String> transformers;
    private final List<String> skippedTransformers;
    private final LockInfo lockHolder;
    private final PruneResult retention;

    /**
     * Creates a plan.
     *
     * @param id                  the backup id
     * @param database            the database
     * @param sourceType          the source's type (e.g. {@code driver-export})
     * @param repository          the repository's description
     * @param plannedAt           when the plan was computed
     * @param dataKey             the data object key
     * @param transformers        the transformers applied, in encoding order (their descriptions)
     * @param skippedTransformers compressors skipped because the source's output is compressed
     * @param lockHolder          the live holder of the database's lock, or {@code null} when it is free
     * @param retention           what retention would do (a dry run), or {@code null} without a policy
     */
    public BackupPlan(String id, String database, String sourceType, String repository, Instant plannedAt,
                      ObjectKey dataKey, List<String> transformers, List<String> skippedTransformers,
                      LockInfo lockHolder, PruneResult retention) {
        this.id = Objects.requireNonNull(id, "id");
        this.database = Objects.requireNonNull(database, "database");
        this.sourceType = Objects.requireNonNull(sourceType, "sourceType");
        this.repository = Objects.requireNonNull(repository, "repository");
        this.plannedAt = Objects.requireNonNull(plannedAt, "plannedAt");
        this.dataKey = Objects.requireNonNull(dataKey, "dataKey");
        this.transformers = List.copyOf(transformers);
        this.skippedTransformers = List.copyOf(skippedTransformers);
        this.lockHolder = lockHolder;
        this.retention = retention;
    }

    /** @return the id the backup would get */
    public String id() {
        return id;
    }

    /** @return the database */
    public String database() {
        return database;
    }

    /** @return the source's type */
    public String sourceType() {
        return sourceType;
    }

    /** @return the repository's description */
    public String repository() {
        return repository;
    }

    /** @return when the plan was computed (the timestamp in the id and key) */
    public Instant plannedAt() {
        return plannedAt;
    }

    /** @return the data object key the backup would get */
    public ObjectKey dataKey() {
        return dataKey;
    }

    /** @return the transformers applied, in encoding order */
    public List<String> transformers() {
        return transformers;
    }

    /** @return compressors that would be skipped because the source's output is already compressed */
    public List<String> skippedTransformers() {
        return skippedTransformers;
    }

    /** @return the live holder of the database's lock; empty when a backup could take it */
    public Optional<LockInfo> lockHolder() {
        return Optional.ofNullable(lockHolder);
    }

    /** @return what retention would delete now (a dry run), empty without a retention policy */
    public Optional<PruneResult> retention() {
        return Optional.ofNullable(retention);
    }

    @Override
    public String toString() {
        return "BackupPlan[" + id + " -> " + repository + " " + dataKey.value() + ", transformers=" + transformers
                + ", lock=" + (lockHolder == null ? "free" : "held by " + lockHolder.owner()) + "]";
    }
}
