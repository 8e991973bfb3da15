package io.github.neo4jbackup.core.operation;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.GraphCounts;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Notices a backup of a graph that was wiped or truncated, before retention starts deleting the
 * good backups: labels that must not be empty ({@code expectNonEmpty}), and a largest allowed
 * shrink in percent ({@code maxShrinkPercent}) compared with the previous backup of the same
 * database, for the node total, the relationship total, every label and every relationship type
 * the previous backup had. The previous backup is the newest one that is not itself suspect, so
 * that a wipe stays noticed night after night.
 *
 * <p>Pure logic over counts: a backup whose counts are unknown (an offline dump) cannot be
 * judged and is not marked. Immutable and thread-safe.
 *
 * @param expectNonEmpty   labels that must have at least one node
 * @param maxShrinkPercent the largest shrink allowed, 0 to 100, or {@code null} for no limit
 */
public record ShrinkGuard(Set<String> expectNonEmpty, Double maxShrinkPercent) {

    /** No guard. */
    public static final ShrinkGuard NONE = new ShrinkGuard(Set.of(), null);

    /**
     * Creates the guard.
     *
     * @param expectNonEmpty   labels (copied)
     * @param maxShrinkPercent percentage or {@code null}
     * @throws InvalidInputException when the percentage is not within 0 to 100
     */
    public ShrinkGuard {
        expectNonEmpty = Set.copyOf(new LinkedHashSet<>(expectNonEmpty));
        if (maxShrinkPercent != null && (maxShrinkPercent.isNaN() || maxShrinkPercent < 0 || maxShrinkPercent > 100)) {
            throw new InvalidInputException("The largest allowed shrink must be a percentage from 0 to 100, not "
                    + maxShrinkPercent);
        }
    }

    /**
     * Parses a percentage as the command line takes it: {@code 50} or {@code 50%}.
     *
     * @param text the text
     * @return the percentage
     * @throws InvalidInputException when it is not a number from 0 to 100
     */
    public static double parsePercent(String text) {
        String t = Objects.requireNonNull(text, "text").strip();
        if (t.endsWith("%")) {
            t = t.substring(0, t.length() - 1).strip();
        }
        try {
            double value = Double.parseDouble(t);
            if (!Double.isNaN(value) && value >= 0 && value <= 100 && t.matches("[0-9]+(\\.[0-9]+)?")) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new InvalidInputException("'" + text + "' is not a percentage: write a number from 0 to 100, e.g. 50 or 50%");
    }

    /**
     * Whether this guard checks anything.
     *
     * @return {@code true} when a label or a shrink limit is set
     */
    public boolean active() {
        return !expectNonEmpty.isEmpty() || maxShrinkPercent != null;
    }

    /**
     * The previous backup a new one is compared with: the newest that is not suspect.
     *
     * @param previous the database's backups, newest first
     * @return the backup, if any
     */
    public static Optional<Manifest> baseline(List<Manifest> previous) {
        return previous.stream().filter(m -> !m.isSuspect()).findFirst();
    }

    /**
     * Checks a new backup's counts.
     *
     * @param counts   what the new backup holds
     * @param baseline the previous backup to compare with, or {@code null}
     * @return why the new backup is suspect, empty when it passes (or cannot be judged)
     */
    public List<String> check(GraphCounts counts, Manifest baseline) {
        List<String> reasons = new ArrayList<>();
        if (!active() || counts == null || !counts.known()) {
            return reasons;
        }
        for (String label : expectNonEmpty) {
            if (counts.labels().getOrDefault(label, 0L) == 0) {
                reasons.add("label " + label + " has no nodes (expected some: --expect-nonempty " + label + ")");
            }
        }
        if (maxShrinkPercent != null && baseline != null && baseline.counts().known()) {
            GraphCounts before = baseline.counts();
            shrink("nodes in total", before.nodes(), counts.nodes(), baseline.id(), reasons);
            shrink("relationships in total", before.relationships(), counts.relationships(), baseline.id(), reasons);
            for (Map.Entry<String, Long> e : before.labels().entrySet()) {
                shrink("label " + e.getKey(), e.getValue(), counts.labels().getOrDefault(e.getKey(), 0L), baseline.id(),
                        reasons);
            }
            for (Map.Entry<String, Long> e : before.types().entrySet()) {
                shrink("relationship type " + e.getKey(), e.getValue(), counts.types().getOrDefault(e.getKey(), 0L),
                        baseline.id(), reasons);
            }
        }
        return reasons;
    }

    private void shrink(String what, long before, long now, String baselineId, List<String> reasons) {
        if (before <= 0 || now >= before) {
            return;
        }
        double percent = (before - now) * 100.0 / before;
        if (percent > maxShrinkPercent) {
            reasons.add(String.format(java.util.Locale.ROOT, "%s shrank by %.1f%% (%d -> %d) since backup %s, more "
                    + "than the %s%% allowed (--max-shrink)", what, percent, before, now, baselineId,
                    trim(maxShrinkPercent)));
        }
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
