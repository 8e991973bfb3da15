package io.github.neo4jbackup.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Records the figures of a reliability test run (faults injected, crashes, corruptions tried and
 * detected, inputs tried, data lost) as one line per suite in {@code target/reliability/figures.tsv}
 * of the module under test, so {@code docs/reliability.md} can quote the numbers of the last run.
 * A suite calls {@link #record(String, Map)} once at its end.
 */
public final class ReliabilityFigures {

    private static final Path FILE = Path.of("target", "reliability", "figures.tsv");

    private ReliabilityFigures() {
    }

    /**
     * Appends the figures of one suite.
     *
     * @param suite   a short name of the suite, e.g. {@code corruption/zstd+age}
     * @param figures ordered name/value pairs, e.g. {@code flips.tried=4096}
     */
    public static void record(String suite, Map<String, ?> figures) {
        Map<String, Object> copy = new LinkedHashMap<>(figures);
        record(suite, copy.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" ")));
    }

    /**
     * Appends the figures of one suite, already formatted.
     *
     * @param suite     a short name of the suite
     * @param keyValues space-separated {@code name=value} pairs
     */
    public static synchronized void record(String suite, String keyValues) {
        String line = Instant.now() + "\t" + suite + "\t" + keyValues + "\n";
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, line, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.print("[reliability] " + line);
    }
}
