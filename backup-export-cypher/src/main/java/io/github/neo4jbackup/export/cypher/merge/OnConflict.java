package io.github.neo4jbackup.export.cypher.merge;

/**
 * What a {@link MergeRestore} does with a conflict: a selected node whose merge key exists in the
 * target database with other labels or properties than in the backup.
 */
public enum OnConflict {
    /** Write nothing at all when there is a conflict; the result lists the conflicts (the default). */
    REFUSE,
    /** Leave the target's node as it is; its relationships from the backup are still added. */
    KEEP,
    /**
     * Set the node's labels and properties exactly to the backup's: properties and labels the
     * backup's node lacks are removed. Its relationships are not removed.
     */
    OVERWRITE
}
