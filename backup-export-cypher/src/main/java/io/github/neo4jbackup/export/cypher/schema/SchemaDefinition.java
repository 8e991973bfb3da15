package io.github.neo4jbackup.export.cypher.schema;

import java.util.List;
import java.util.Map;

/** An index or a constraint: something with a name that idempotent DDL creates. */
public sealed interface SchemaDefinition permits IndexDefinition, ConstraintDefinition {

    /**
     * The name, as Neo4j reports it.
     *
     * @return the name
     */
    String name();

    /**
     * Whether it applies to nodes or relationships.
     *
     * @return the entity type
     */
    EntityType entityType();

    /**
     * The labels (nodes) or relationship types it applies to, in declared order; empty for LOOKUP indexes.
     *
     * @return the labels or types
     */
    List<String> labelsOrTypes();

    /**
     * The property keys, in declared order; empty for LOOKUP indexes.
     *
     * @return the properties
     */
    List<String> properties();

    /**
     * The {@code indexConfig} option (sorted by key), empty when there is none.
     *
     * @return the index configuration
     */
    Map<String, Object> indexConfig();

    /**
     * Idempotent DDL that creates it ({@code CREATE ... IF NOT EXISTS ... OPTIONS {...}}), without a
     * trailing semicolon. Valid over the driver and in {@code cypher-shell} (append {@code ;} there).
     *
     * @return the statement
     */
    String toCypher();

    /**
     * Idempotent DDL that drops it ({@code DROP INDEX `name` IF EXISTS}), without a semicolon.
     *
     * @return the statement
     */
    String dropCypher();

    /**
     * The normalized one-line text this definition contributes to {@link DatabaseSchema#fingerprint()}.
     *
     * @return the canonical form
     */
    String canonicalForm();

    /**
     * A plain map of this definition (strings, booleans, longs, doubles, lists and maps only), for
     * storing it in a JSON or similar structured format; the inverse is the type's {@code fromMap}.
     *
     * @return the map
     */
    Map<String, Object> toMap();
}
