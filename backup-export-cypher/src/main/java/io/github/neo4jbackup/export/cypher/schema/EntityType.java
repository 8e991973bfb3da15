package io.github.neo4jbackup.export.cypher.schema;

import java.util.Locale;

/** What an index or constraint applies to. */
public enum EntityType {
    /** Nodes, selected by label. */
    NODE,
    /** Relationships, selected by type. */
    RELATIONSHIP;

    /**
     * Parses the {@code entityType} column of {@code SHOW INDEXES} / {@code SHOW CONSTRAINTS}.
     *
     * @param value {@code NODE} or {@code RELATIONSHIP}
     * @return the entity type
     * @throws IllegalArgumentException for any other value
     */
    public static EntityType parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
