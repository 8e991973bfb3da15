package io.github.neo4jbackup.export.cypher.merge;

import io.github.neo4jbackup.export.cypher.CypherNames;
import io.github.neo4jbackup.export.cypher.schema.ConstraintDefinition;
import io.github.neo4jbackup.export.cypher.schema.ConstraintKind;
import io.github.neo4jbackup.export.cypher.schema.DatabaseSchema;
import io.github.neo4jbackup.export.cypher.schema.EntityType;
import io.github.neo4jbackup.export.cypher.schema.IndexDefinition;
import io.github.neo4jbackup.export.cypher.schema.IndexKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which labels of the target have the merge key covered by a uniqueness (or node key) constraint or
 * at least by a range or text index, and the label each selected label set is looked up by (its
 * <em>anchor</em>: a label with a constraint, else one with an index). Not thread-safe.
 */
final class KeyCoverage {

    private final String key;
    private final Set<String> unique = new HashSet<>();
    private final Set<String> indexed = new HashSet<>();
    private final Map<List<String>, String> anchors = new HashMap<>();
    private final Map<String, Long> labelCounts = new HashMap<>();
    private final Set<List<String>> uncovered = new TreeSet<>(KeyCoverage::compare);
    private final Set<List<String>> indexOnly = new TreeSet<>(KeyCoverage::compare);

    KeyCoverage(DatabaseSchema schema, String key) {
        this.key = key;
        for (ConstraintDefinition c : schema.constraints()) {
            if (c.entityType() == EntityType.NODE && c.properties().equals(List.of(key))
                    && (c.kind() == ConstraintKind.UNIQUENESS || c.kind() == ConstraintKind.KEY)) {
                unique.addAll(c.labelsOrTypes());
            }
        }
        for (IndexDefinition i : schema.indexes()) {
            if (i.entityType() == EntityType.NODE && i.properties().equals(List.of(key))
                    && (i.kind() == IndexKind.RANGE || i.kind() == IndexKind.TEXT)) {
                indexed.addAll(i.labelsOrTypes());
            }
        }
    }

    /**
     * The anchor label of a selected node's labels (sorted), or {@code null} when none of its labels
     * has the key covered; counts the labels for the constraint suggestions.
     */
    String anchor(List<String> sortedLabels) {
        for (String l : sortedLabels) {
            labelCounts.merge(l, 1L, Long::sum);
        }
        return anchors.computeIfAbsent(sortedLabels, this::choose);
    }

    private String choose(List<String> labels) {
        for (String l : labels) {
            if (unique.contains(l)) {
                return l;
            }
        }
        for (String l : labels) {
            if (indexed.contains(l)) {
                indexOnly.add(labels);
                return l;
            }
        }
        uncovered.add(labels);
        return null;
    }

    /** Label sets of selected nodes none of whose labels has a constraint or index on the key. */
    Set<List<String>> uncovered() {
        return uncovered;
    }

    /** Label sets covered by an index only (no uniqueness constraint). */
    Set<List<String>> indexOnly() {
        return indexOnly;
    }

    /**
     * One {@code CREATE CONSTRAINT} per label that should carry the uniqueness constraint: for each
     * label set without one, its label most selected nodes carry.
     */
    List<String> suggestions() {
        Set<String> labels = new TreeSet<>();
        for (Set<List<String>> sets : List.of(uncovered, indexOnly)) {
            for (List<String> set : sets) {
                String best = null;
                for (String l : set) {
                    if (best == null || labelCounts.getOrDefault(l, 0L) > labelCounts.getOrDefault(best, 0L)) {
                        best = l;
                    }
                }
                if (best != null) {
                    labels.add(best);
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (String l : labels) {
            out.add(constraint(l, key));
        }
        return out;
    }

    /** The statement creating a uniqueness constraint on {@code label.key}. */
    static String constraint(String label, String key) {
        String name = (label + "_" + key).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return "CREATE CONSTRAINT " + CypherNames.quoteIfNeeded(name) + " IF NOT EXISTS FOR (n:"
                + CypherNames.quoteIfNeeded(label) + ") REQUIRE n." + CypherNames.quoteIfNeeded(key) + " IS UNIQUE";
    }

    /** Counts of selected nodes per label (sorted), for messages. */
    Map<String, Long> labelCounts() {
        return new TreeMap<>(labelCounts);
    }

    private static int compare(List<String> a, List<String> b) {
        return String.join("\u0000", a).compareTo(String.join("\u0000", b));
    }
}
