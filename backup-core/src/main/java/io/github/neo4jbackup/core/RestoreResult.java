package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.RestoreSink;

import java.time.Duration;
import java.util.Optional;

/**
 * The outcome of a restore whose data was verified end to end.
 *
 * @param manifest    the restored backup's manifest
 * @param rawBytes    decoded bytes handed to the sink
 * @param duration    how long the restore took
 * @param sinkResult  what the sink reported
 * @param countsMatch whether the counts after restore equal the manifest's, or {@code null} when either is unknown
 * @param safetyBackupId the id of the safety backup taken before the restore, or {@code null}
 */
public record RestoreResult(Manifest manifest, long rawBytes, Duration duration, RestoreSink.SinkResult sinkResult,
                            Boolean countsMatch, String safetyBackupId) {

    /**
     * The safety backup taken before the restore, if one was configured.
     *
     * @return its id
     */
    public Optional<String> safetyBackup() {
        return Optional.ofNullable(safetyBackupId);
    }

    /**
     * Whether counts could be compared and matched.
     *
     * @return the comparison, empty when counts are unknown on either side
     */
    public Optional<Boolean> countsMatched() {
        return Optional.ofNullable(countsMatch);
    }
}
