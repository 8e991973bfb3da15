package io.github.neo4jbackup.export.cypher.restore;

import io.github.neo4jbackup.core.spi.Attributes;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a restore's time goes: a stopwatch over named phases ({@code schema}, {@code nodes},
 * {@code relationships}, {@code indexes}, {@code verification}...). Starting a phase ends the
 * current one; a phase started twice accumulates. The result goes into the sink's attributes
 * ({@link Attributes#RESTORE_PHASES} and {@link Attributes#RESTORE_PHASE_PREFIX}) and into one log
 * line. Not thread-safe: the thread that drives the restore starts the phases.
 */
public final class RestorePhases {

    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private String current;
    private long since;

    /** A stopwatch with no phase running. */
    public RestorePhases() {
    }

    /**
     * Ends the running phase (if any) and starts {@code phase}.
     *
     * @param phase the phase's name (letters, no comma)
     */
    public void start(String phase) {
        long now = System.nanoTime();
        end(now);
        current = phase;
        since = now;
        nanos.putIfAbsent(phase, 0L);
    }

    /** Ends the running phase, if any. */
    public void stop() {
        end(System.nanoTime());
        current = null;
    }

    private void end(long now) {
        if (current != null) {
            nanos.merge(current, now - since, Long::sum);
        }
    }

    /**
     * The phases measured so far, in the order they first started (the running one up to now).
     *
     * @return name to duration
     */
    public Map<String, Duration> durations() {
        Map<String, Duration> out = new LinkedHashMap<>();
        long now = System.nanoTime();
        nanos.forEach((k, v) -> out.put(k, Duration.ofNanos(v + (k.equals(current) ? now - since : 0))));
        return out;
    }

    /**
     * The phases as result attributes.
     *
     * @return {@code restore.phases} and one {@code restore.phase.<name>} per phase
     */
    public Map<String, String> attributes() {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, Duration> d = durations();
        out.put(Attributes.RESTORE_PHASES, String.join(",", d.keySet()));
        d.forEach((k, v) -> out.put(Attributes.RESTORE_PHASE_PREFIX + k, v.toString()));
        return out;
    }

    /**
     * For a log line: {@code schema 0.12 s, nodes 3.40 s, ...}.
     *
     * @return the description
     */
    public String describe() {
        return durations().entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.2f s", e.getKey(),
                e.getValue().toNanos() / 1e9)).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return "RestorePhases[" + describe() + "]";
    }
}
