package io.github.neo4jbackup.export.cypher.select;

/**
 * Which relationships a {@link GraphSelection} keeps, given the nodes it selected.
 * The graph format stores every node before every relationship, so when a relationship is read
 * the selection of both its ends is already known, whatever the order of the nodes.
 */
public enum RelationshipScope {

    /** No relationships. */
    NONE,

    /** Relationships whose start and end nodes are both selected (the default): a closed subgraph. */
    BOTH_ENDS,

    /**
     * Relationships with at least one selected end. The other end may be a node that is not
     * selected: it is referred to by its key only, and is not among the selected nodes.
     */
    ANY_END;

    /**
     * Whether a relationship is kept.
     *
     * @param startSelected whether its start node is selected
     * @param endSelected   whether its end node is selected
     * @return {@code true} when kept
     */
    public boolean keeps(boolean startSelected, boolean endSelected) {
        return switch (this) {
            case NONE -> false;
            case BOTH_ENDS -> startSelected && endSelected;
            case ANY_END -> startSelected || endSelected;
        };
    }
}
