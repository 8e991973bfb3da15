package io.github.neo4jbackup.export.cypher.merge;

import java.util.List;
import java.util.Objects;

/**
 * One selected node whose merge key exists in the target with different content.
 *
 * @param key                 the merge key's value, as text
 * @param backupLabels        the node's labels in the backup, sorted
 * @param targetLabels        the labels of the target's node, sorted
 * @param differentProperties the property keys whose value or stored type differs, or which only one
 *                            side has, sorted
 */
public record MergeConflict(String key, List<String> backupLabels, List<String> targetLabels,
                            List<String> differentProperties) {

    /**
     * Creates a conflict.
     *
     * @param key                 key value
     * @param backupLabels        labels in the backup (copied)
     * @param targetLabels        labels in the target (copied)
     * @param differentProperties differing property keys (copied)
     */
    public MergeConflict {
        Objects.requireNonNull(key, "key");
        backupLabels = List.copyOf(backupLabels);
        targetLabels = List.copyOf(targetLabels);
        differentProperties = List.copyOf(differentProperties);
    }

    /**
     * Whether the labels differ.
     *
     * @return {@code true} when they do
     */
    public boolean labelsDiffer() {
        return !backupLabels.equals(targetLabels);
    }

    @Override
    public String toString() {
        return key + " " + backupLabels + (labelsDiffer() ? " (target labels " + targetLabels + ")" : "")
                + (differentProperties.isEmpty() ? "" : " properties " + differentProperties);
    }
}
