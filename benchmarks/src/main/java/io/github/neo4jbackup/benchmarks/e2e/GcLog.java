package io.github.neo4jbackup.benchmarks.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the peak heap use of a child JVM from its unified GC log ({@code -Xlog:gc,gc+heap+exit}).
 *
 * <p>Every collection logs {@code GC(n) Pause ... 180M->12M(256M)}: the heap in use before the
 * collection, after it, and the committed size. The largest "before" value is the most heap the
 * process ever had in use at once (the JVM collects when the heap fills, so use peaks just before a
 * collection); the largest "after" value is the largest live set, which is what decides whether the
 * process fits its {@code -Xmx}. The exit record ({@code gc+heap+exit}: {@code used NK}) covers the
 * stretch after the last collection, and a run that never collected. No agent, no JMX, no sampling
 * thread: the figures come from the JVM itself and cost nothing while the run is measured.
 */
final class GcLog {

    private static final Pattern PAUSE = Pattern.compile("GC\\(\\d+\\) Pause.*?(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
    private static final Pattern EXIT_HEAP = Pattern.compile("heap\\s+total (\\d+)K, used (\\d+)K");

    private GcLog() {
    }

    /**
     * Peak heap figures of one run.
     *
     * @param peakUsed    the most heap in use at once (bytes)
     * @param maxLive     the largest heap in use after a collection (bytes); 0 without collections
     * @param collections the number of collection pauses logged
     */
    record Heap(long peakUsed, long maxLive, int collections) {
    }

    static Heap parse(Path log) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long peak = 0;
        long live = 0;
        int pauses = 0;
        for (String line : lines) {
            Matcher m = PAUSE.matcher(line);
            if (m.find()) {
                pauses++;
                peak = Math.max(peak, bytes(m.group(1), m.group(2)));
                live = Math.max(live, bytes(m.group(3), m.group(4)));
                continue;
            }
            if (line.contains("gc,heap,exit")) {
                Matcher e = EXIT_HEAP.matcher(line);
                if (e.find()) {
                    peak = Math.max(peak, Long.parseLong(e.group(2)) * 1024);
                }
            }
        }
        return new Heap(peak, live, pauses);
    }

    private static long bytes(String value, String unit) {
        long v = Long.parseLong(value);
        return switch (unit) {
            case "K" -> v << 10;
            case "M" -> v << 20;
            default -> v << 30;
        };
    }
}
