package io.github.neo4jbackup.core.spi;

import io.github.neo4jbackup.core.manifest.Manifest;

import java.io.IOException;
import java.io.InputStream;

/**
 * Consumes a decoded backup stream into a database: the restore side of a {@link BackupSource}.
 *
 * <p>The stream verifies the stored checksum as it is read and throws an
 * {@link io.github.neo4jbackup.core.IntegrityException} (an unchecked exception) at the end of
 * the data when it does not match, before returning end-of-stream. Sinks that can should read to
 * the end before making their work visible (commit the last transaction, swap the database) so a
 * corrupt backup never lands.
 */
public interface RestoreSink {

    /**
     * Which source types this sink restores, for example {@code cypher-apoc}.
     *
     * @param sourceType the engine id recorded in the manifest
     * @return {@code true} if this sink can restore such a backup
     */
    boolean accepts(String sourceType);

    /**
     * Restores the backup.
     *
     * @param data     the decoded backup stream (raw bytes as the source wrote them)
     * @param manifest the backup's manifest
     * @return what was restored
     * @throws IOException when the restore failed
     */
    SinkResult restore(InputStream data, Manifest manifest) throws IOException;

    /**
     * What a sink reports after a restore.
     *
     * @param counts     the counts in the database after the restore, {@link GraphCounts#UNKNOWN} if not measured
     * @param attributes further facts (duration of phases, warnings)
     */
    record SinkResult(GraphCounts counts, java.util.Map<String, String> attributes) {
        /**
         * Creates a result.
         *
         * @param counts     counts
         * @param attributes attributes (copied)
         */
        public SinkResult {
            counts = counts == null ? GraphCounts.UNKNOWN : counts;
            attributes = attributes == null ? java.util.Map.of() : java.util.Map.copyOf(attributes);
        }

        /**
         * A result with no facts.
         *
         * @return the result
         */
        public static SinkResult empty() {
            return new SinkResult(GraphCounts.UNKNOWN, java.util.Map.of());
        }
    }
}
