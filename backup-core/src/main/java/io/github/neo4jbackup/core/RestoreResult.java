package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.spi.RestoreSink;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * @param phases      where the time went, in the order the phases ran: {@code verify} (reading the whole
 *                    backup before restoring), {@code safetyBackup}, then the phases the sink timed
 *                    ({@link Attributes#RESTORE_PHASES}, for example {@code schema}, {@code nodes},
 *                    {@code relationships}, {@code indexes}, {@code verification}); copied, unmodifiable
 */
public record RestoreResult(Manifest manifest, long rawBytes, Duration duration, RestoreSink.SinkResult sinkResult,
                            Boolean countsMatch, String safetyBackupId, Map<String, Duration> phases) {

    /**
     * Creates a result; {@code phases} is copied, keeping its order.
     */
    public RestoreResult {
        phases = phases == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(phases));
    }

    /**
     * A result whose phases are the ones the sink reported in its attributes.
     *
     * @param manifest       the restored backup's manifest
     * @param rawBytes       decoded bytes handed to the sink
     * @param duration       how long the restore took
     * @param sinkResult     what the sink reported
     * @param countsMatch    whether the counts matched, or {@code null}
     * @param safetyBackupId the safety backup's id, or {@code null}
     */
    public RestoreResult(Manifest manifest, long rawBytes, Duration duration, RestoreSink.SinkResult sinkResult,
                         Boolean countsMatch, String safetyBackupId) {
        this(manifest, rawBytes, duration, sinkResult, countsMatch, safetyBackupId, sinkPhases(sinkResult));
    }

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

    /**
     * The phase durations a sink reported in its attributes ({@link Attributes#RESTORE_PHASES} and
     * {@link Attributes#RESTORE_PHASE_PREFIX}), in the order it lists them; malformed entries are left out.
     *
     * @param sinkResult the sink's result, or {@code null}
     * @return the phases, empty when the sink timed none
     */
    public static Map<String, Duration> sinkPhases(RestoreSink.SinkResult sinkResult) {
        Map<String, Duration> phases = new LinkedHashMap<>();
        if (sinkResult == null) {
            return phases;
        }
        String names = sinkResult.attributes().get(Attributes.RESTORE_PHASES);
        if (names == null || names.isBlank()) {
            return phases;
        }
        for (String name : names.split(",")) {
            String value = sinkResult.attributes().get(Attributes.RESTORE_PHASE_PREFIX + name.strip());
            if (value == null) {
                continue;
            }
            try {
                phases.put(name.strip(), Duration.parse(value));
            } catch (DateTimeParseException e) {
                // not a duration: leave it out
            }
        }
        return phases;
    }
}
