package io.github.neo4jbackup.core.spi;

import java.util.Map;
import java.util.TreeMap;

/**
 * Entity counts of a graph, as far as a source knows them. A negative total means unknown.
 *
 * @param nodes         number of nodes, or {@code -1} if unknown
 * @param relationships number of relationships, or {@code -1} if unknown
 * @param labels        nodes per label (a node with two labels counts under both)
 * @param types         relationships per type
 */
public record GraphCounts(long nodes, long relationships, Map<String, Long> labels, Map<String, Long> types) {

    /** Counts that are not known. */
    public static final GraphCounts UNKNOWN = new GraphCounts(-1, -1, Map.of(), Map.of());

    /**
     * Creates counts; the maps are copied into sorted, unmodifiable maps.
     *
     * @param nodes         node total or -1
     * @param relationships relationship total or -1
     * @param labels        per-label counts
     * @param types         per-type counts
     */
    public GraphCounts {
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
        types = types == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(types));
    }

    /**
     * Creates totals without per-label or per-type detail.
     *
     * @param nodes         node total
     * @param relationships relationship total
     * @return the counts
     */
    public static GraphCounts of(long nodes, long relationships) {
        return new GraphCounts(nodes, relationships, Map.of(), Map.of());
    }

    /**
     * Whether the totals are known.
     *
     * @return {@code true} if both totals are known
     */
    public boolean known() {
        return nodes >= 0 && relationships >= 0;
    }
}
