package io.github.neo4jbackup.export.admin;

import java.util.Map;

/**
 * Gathers facts about a database while its server is running, for engines whose own work needs
 * it stopped: before a dump ({@link AdminDumpSource.Builder#onlineProbe}) and after a load and
 * restart ({@link AdminLoadSink.Builder#afterLoadProbe}). Typically it returns the content and
 * schema fingerprints of {@code backup-export-cypher}'s {@code GraphFingerprint.compute(driver, db).attributes()},
 * so that {@code verify(id, VerifyLevel.RESTORE, sink)} can compare a loaded dump with the
 * database it was taken from.
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
}
