package io.github.neo4jbackup.core.repository;

import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.ObjectKey;

import java.time.Instant;
import java.util.List;

/**
 * What a repository held when it was read once ({@link Repository#contents()}): the backups, the
 * manifests that could not be read, and the leftovers of failed runs. Immutable; it does not see
 * later changes.
 */
public interface Contents {

    /**
     * The backups of one database (or of all, with {@code null}), newest first.
     *
     * @param database the database, or {@code null} for all
     * @return the manifests
     */
    List<Manifest> manifests(String database);

    /**
     * Why manifests were skipped: one message per manifest that could not be read.
     *
     * @return the messages, empty when every manifest was readable
     */
    List<String> skipped();

    /**
     * Whether a backup's data was present, complete by the size its manifest records, when the
     * repository was read (a cheap check from the listing, not a read-back).
     *
     * @param manifest a manifest of these contents
     * @return {@code true} when complete
     */
    boolean isComplete(Manifest manifest);

    /**
     * Data that no manifest references and that a backup of the database could have written,
     * last changed before a bound: what a run that failed between data and manifest left.
     * Data of manifests that could not be read is never an orphan (it may be someone's only copy).
     *
     * @param database  the database
     * @param olderThan only leftovers last modified before this instant
     * @return their keys
     */
    List<ObjectKey> orphans(String database, Instant olderThan);
}
