package io.github.neo4jbackup.export.cypher.schema;

import java.util.Locale;

/**
 * The kinds of constraint Neo4j 5 has, independent of the entity type. Together with an
 * {@link EntityType} a kind names one of the {@code type} values of {@code SHOW CONSTRAINTS}
 * ({@code UNIQUENESS}, {@code RELATIONSHIP_UNIQUENESS}, {@code NODE_KEY}, {@code RELATIONSHIP_KEY},
 * {@code NODE_PROPERTY_EXISTENCE}, {@code RELATIONSHIP_PROPERTY_EXISTENCE}, {@code NODE_PROPERTY_TYPE},
 * {@code RELATIONSHIP_PROPERTY_TYPE}).
 */
public enum ConstraintKind {
    /** Property uniqueness ({@code IS UNIQUE}); backed by a range index. */
    UNIQUENESS,
    /** Key: existence plus uniqueness ({@code IS NODE KEY} / {@code IS RELATIONSHIP KEY}); backed by a range index. */
    KEY,
    /** Property existence ({@code IS NOT NULL}). */
    EXISTENCE,
    /** Property type ({@code IS :: TYPE}). */
    PROPERTY_TYPE;

    /**
     * Whether a constraint of this kind owns an index.
     *
     * @return {@code true} for {@link #UNIQUENESS} and {@link #KEY}
     */
    public boolean indexBacked() {
        return this == UNIQUENESS || this == KEY;
    }

    /**
     * The kind of a {@code SHOW CONSTRAINTS} type value. Accepts the Neo4j 5 names and the later
     * {@code NODE_PROPERTY_UNIQUENESS} / {@code RELATIONSHIP_PROPERTY_UNIQUENESS} spellings.
     *
     * @param type the {@code type} column
     * @return the kind
     * @throws IllegalArgumentException for a type this version does not know
     */
    public static ConstraintKind parse(String type) {
        String t = type.trim().toUpperCase(Locale.ROOT);
        if (t.endsWith("PROPERTY_TYPE")) {
            return PROPERTY_TYPE;
        }
        if (t.endsWith("EXISTENCE")) {
            return EXISTENCE;
        }
        if (t.endsWith("_KEY")) {
            return KEY;
        }
        if (t.endsWith("UNIQUENESS")) {
            return UNIQUENESS;
        }
        throw new IllegalArgumentException("Unknown constraint type '" + type + "'");
    }

    /**
     * The {@code SHOW CONSTRAINTS} type value (Neo4j 5 spelling) of this kind on an entity type.
     *
     * @param entityType nodes or relationships
     * @return for example {@code NODE_KEY}
     */
    public String neo4jType(EntityType entityType) {
        boolean node = entityType == EntityType.NODE;
        return switch (this) {
            case UNIQUENESS -> node ? "UNIQUENESS" : "RELATIONSHIP_UNIQUENESS";
            case KEY -> node ? "NODE_KEY" : "RELATIONSHIP_KEY";
            case EXISTENCE -> node ? "NODE_PROPERTY_EXISTENCE" : "RELATIONSHIP_PROPERTY_EXISTENCE";
            case PROPERTY_TYPE -> node ? "NODE_PROPERTY_TYPE" : "RELATIONSHIP_PROPERTY_TYPE";
        };
    }
}
