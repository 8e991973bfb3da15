package io.github.neo4jbackup.export.admin;

import io.github.neo4jbackup.core.spi.GraphCounts;

import java.util.Map;

/**
 * Gathers facts about a database while its server is running, for engines whose own work needs
 * it stopped: before a dump ({@link AdminDumpSource.Builder#onlineProbe}) and after a load and
 * restart ({@link AdminLoadSink.Builder#afterLoadProbe}). Typically it returns the content and
 * schema fingerprints of {@code backup-export-cypher}'s {@code GraphFingerprint.compute(driver, db).attributes()},
 * so that {@code verify(id, VerifyLevel.RESTORE, sink)} can compare a loaded dump with the
 * database it was taken from.
 *
 * <p>A probe that also knows the entity counts overrides {@link #counts(String)} (so it is a class,
 * not a lambda): the dump source records them as the manifest's counts, the load sink reports them
 * as the restored counts, and the verifier compares the two.
 */
@FunctionalInterface
public interface OnlineProbe {

    /**
     * Returns facts about the database (never secrets).
     *
     * @param database the database
     * @return attribute names and values, e.g. {@code fingerprint.content}
     * @throws Exception when the server cannot be reached or the facts cannot be read
     */
    Map<String, String> attributes(String database) throws Exception;

    /**
     * Returns the entity counts of the database, called right after {@link #attributes(String)}.
     * The default does not know them.
     *
     * @param database the database
     * @return the counts, or {@link GraphCounts#UNKNOWN}
     * @throws Exception when the server cannot be reached or the counts cannot be read
     */
    default GraphCounts counts(String database) throws Exception {
        return GraphCounts.UNKNOWN;
    }
}
