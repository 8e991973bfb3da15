package io.github.neo4jbackup.core;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of verifying one backup.
 *
 * @param id          the backup id
 * @param level       the level checked
 * @param ok          {@code true} when nothing is wrong
 * @param problems    what is wrong, one sentence each (empty when ok)
 * @param storedBytes stored bytes read (0 at {@link VerifyLevel#MANIFEST})
 * @param rawBytes    decoded bytes read (0 at {@link VerifyLevel#MANIFEST})
 * @param duration    how long the check took
 */
public record VerifyReport(String id, VerifyLevel level, boolean ok, List<String> problems, long storedBytes,
                           long rawBytes, Duration duration) {
    /**
     * Creates a report.
     *
     * @param id          id
     * @param level       level
     * @param ok          whether it passed
     * @param problems    problems (copied)
     * @param storedBytes stored bytes read
     * @param rawBytes    raw bytes read
     * @param duration    duration
     */
    public VerifyReport {
        problems = List.copyOf(problems);
    }
}
