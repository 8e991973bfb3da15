package io.github.neo4jbackup.export.cypher.select;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.export.cypher.driver.GraphRecord;
import org.neo4j.driver.Value;
import org.neo4j.driver.Values;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which part of a graph to take: the nodes that have <em>all</em> the listed labels (any labels
 * when none are listed) and meet <em>every</em> property condition, and the relationships the
 * {@link RelationshipScope} keeps between them ({@link RelationshipScope#BOTH_ENDS} unless told
 * otherwise). An empty selection takes everything.
 * <pre>{@code
 * GraphSelection episodes = GraphSelection.builder()
 *         .label("Episodic")
 *         .graphitiGroup("tenant-7")
 *         .whereRange("valid_at", Bound.inclusive(Values.value(start)), Bound.exclusive(Values.value(end)))
 *         .build();
 * }</pre>
 * Immutable and thread-safe; {@link #toBuilder()} makes variants.
 */
public final class GraphSelection implements Predicate<GraphRecord.Node> {

    /** The property Graphiti keeps a node's group (tenant, user, memory partition) in. */
    public static final String GRAPHITI_GROUP_PROPERTY = "group_id";

    private static final GraphSelection ALL = builder().build();

    private final List<String> labels;
    private final List<PropertyPredicate> conditions;
    private final RelationshipScope relationships;

    private GraphSelection(Builder b) {
        this.labels = List.copyOf(b.labels);
        this.conditions = List.copyOf(b.conditions);
        this.relationships = b.relationships;
    }

    /**
     * A selection of every node and every relationship.
     *
     * @return the selection
     */
    public static GraphSelection all() {
        return ALL;
    }

    /**
     * A new builder (selecting everything until told otherwise).
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this selection, to make a variant.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.labels.addAll(labels);
        b.conditions.addAll(conditions);
        b.relationships = relationships;
        return b;
    }

    /**
     * Whether a node is selected: it has every listed label and meets every condition.
     *
     * @param node the node
     * @return {@code true} when selected
     */
    @Override
    public boolean test(GraphRecord.Node node) {
        if (!labels.isEmpty() && !node.labels().containsAll(labels)) {
            return false;
        }
        for (PropertyPredicate c : conditions) {
            if (!c.test(node.properties())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a relationship is kept, given which of its ends are selected.
     *
     * @param startSelected whether the start node is selected
     * @param endSelected   whether the end node is selected
     * @return {@code true} when kept
     */
    public boolean keeps(boolean startSelected, boolean endSelected) {
        return relationships.keeps(startSelected, endSelected);
    }

    /**
     * The labels every selected node has.
     *
     * @return the labels (empty: any)
     */
    public List<String> labels() {
        return labels;
    }

    /**
     * The property conditions, all of which a selected node meets.
     *
     * @return the conditions
     */
    public List<PropertyPredicate> conditions() {
        return conditions;
    }

    /**
     * Which relationships are kept.
     *
     * @return the scope
     */
    public RelationshipScope relationships() {
        return relationships;
    }

    /**
     * Whether this selection takes every node (no label, no condition).
     *
     * @return {@code true} when every node is selected
     */
    public boolean selectsAllNodes() {
        return labels.isEmpty() && conditions.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GraphSelection other && labels.equals(other.labels)
                && conditions.equals(other.conditions) && relationships == other.relationships;
    }

    @Override
    public int hashCode() {
        return Objects.hash(labels, conditions, relationships);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (!labels.isEmpty()) {
            parts.add("labels " + String.join(" & ", labels));
        }
        conditions.forEach(c -> parts.add(c.toString()));
        return "GraphSelection[" + (parts.isEmpty() ? "all nodes" : String.join(", ", parts)) + "; relationships "
                + relationships + "]";
    }

    /** Builds a {@link GraphSelection}; every condition added narrows the selection. */
    public static final class Builder {
        private final Set<String> labels = new LinkedHashSet<>();
        private final List<PropertyPredicate> conditions = new ArrayList<>();
        private RelationshipScope relationships = RelationshipScope.BOTH_ENDS;

        private Builder() {
        }

        /**
         * Selected nodes must have these labels (all of them, and possibly others).
         *
         * @param labels labels
         * @return this builder
         */
        public Builder label(String... labels) {
            for (String l : labels) {
                if (l == null || l.isEmpty()) {
                    throw new InvalidInputException("A label to select must not be empty");
                }
                this.labels.add(l);
            }
            return this;
        }

        /**
         * Adds a property condition.
         *
         * @param condition the condition
         * @return this builder
         */
        public Builder where(PropertyPredicate condition) {
            conditions.add(Objects.requireNonNull(condition, "condition"));
            return this;
        }

        /**
         * {@code n.key = value}.
         *
         * @param key   property
         * @param value a driver value, or a Java value the driver converts ({@code String}, {@code Long},
         *              {@code Double}, {@code ZonedDateTime}, {@code LocalDate}, …)
         * @return this builder
         */
        public Builder whereEquals(String key, Object value) {
            return where(new PropertyPredicate.Equals(key, toValue(key, value)));
        }

        /**
         * {@code n.key IN values}.
         *
         * @param key    property
         * @param values driver values or Java values
         * @return this builder
         */
        public Builder whereIn(String key, Collection<?> values) {
            List<Value> vs = new ArrayList<>();
            for (Object v : values) {
                vs.add(toValue(key, v));
            }
            return where(new PropertyPredicate.In(key, vs));
        }

        /**
         * A range on a property; {@code null} leaves that end open.
         *
         * @param key   property
         * @param lower lower bound or {@code null}
         * @param upper upper bound or {@code null}
         * @return this builder
         */
        public Builder whereRange(String key, PropertyPredicate.Bound lower, PropertyPredicate.Bound upper) {
            return where(new PropertyPredicate.Range(key, lower, upper));
        }

        /**
         * The nodes of one Graphiti group: {@code n.group_id = group}.
         *
         * @param group the group id
         * @return this builder
         */
        public Builder graphitiGroup(String group) {
            if (group == null || group.isEmpty()) {
                throw new InvalidInputException("A Graphiti group id must not be empty");
            }
            return whereEquals(GRAPHITI_GROUP_PROPERTY, group);
        }

        /**
         * Which relationships to keep (default {@link RelationshipScope#BOTH_ENDS}).
         *
         * @param scope the scope
         * @return this builder
         */
        public Builder relationships(RelationshipScope scope) {
            this.relationships = Objects.requireNonNull(scope, "scope");
            return this;
        }

        /**
         * Builds the selection.
         *
         * @return the selection
         */
        public GraphSelection build() {
            return new GraphSelection(this);
        }

        private static Value toValue(String key, Object value) {
            if (value == null) {
                throw new InvalidInputException("The value for property '" + key + "' is null; a property never "
                        + "holds null");
            }
            try {
                return value instanceof Value v ? v : Values.value(value);
            } catch (RuntimeException e) {
                throw new InvalidInputException("The value for property '" + key + "' (" + value.getClass().getName()
                        + ") is not a Neo4j property value", e);
            }
        }
    }
}
