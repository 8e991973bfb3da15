package io.github.neo4jbackup.export.cypher.driver;

import org.neo4j.driver.Value;
import org.neo4j.driver.types.TypeSystem;

import java.util.List;
import java.util.Map;

/**
 * Detects property values the Bolt driver could not read. Servers newer than the driver can store
 * value types the driver does not know (Neo4j 2025.10's {@code VECTOR}, 2026.08's {@code UUID}, in
 * store formats that allow them); the server then sends a <em>placeholder</em> instead, a map
 * {@code {originalType: 'VECTOR(1024, FLOAT32)', reason: 'UNKNOWN_TYPE'}}, with the notification
 * {@code Neo.ClientNotification.Request.UnsupportedType}. A stored property is never a map, so any
 * map-valued property is such a placeholder; writing it would silently replace the data. The export
 * refuses it instead, naming the entity and the property.
 */
final class UnreadableValues {

    private static final TypeSystem TYPES = TypeSystem.getDefault();

    private UnreadableValues() {
    }

    /**
     * Fails on the first placeholder among a node's properties.
     *
     * @param properties the properties
     * @param labels     the node's labels, for the message
     * @throws UnreadableValueException when a property holds a placeholder
     */
    static void checkNode(Map<String, Value> properties, List<String> labels) {
        String key = firstPlaceholder(properties);
        if (key != null) {
            throw new UnreadableValueException("a node " + (labels.isEmpty() ? "without labels"
                    : "labelled :" + String.join(":", labels)), key, originalType(properties.get(key)));
        }
    }

    /**
     * Fails on the first placeholder among a relationship's properties.
     *
     * @param properties the properties
     * @param type       the relationship type, for the message
     * @throws UnreadableValueException when a property holds a placeholder
     */
    static void checkRelationship(Map<String, Value> properties, String type) {
        String key = firstPlaceholder(properties);
        if (key != null) {
            throw new UnreadableValueException("a relationship of type :" + type, key,
                    originalType(properties.get(key)));
        }
    }

    /** The key of the first map-valued property, or null. */
    static String firstPlaceholder(Map<String, Value> properties) {
        for (Map.Entry<String, Value> e : properties.entrySet()) {
            if (TYPES.MAP().isTypeOf(e.getValue())) {
                return e.getKey();
            }
        }
        return null;
    }

    private static String originalType(Value placeholder) {
        Value t = placeholder.get("originalType");
        return t == null || t.isNull() ? "a type unknown to this driver" : t.asString();
    }

    /** A property value that the driver returned as a placeholder. */
    static final class UnreadableValueException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnreadableValueException(String owner, String key, String originalType) {
            super("property '" + key + "' of " + owner + " holds a value of type " + originalType
                    + ", which the Neo4j Java driver this version of neo4j-backup uses cannot read (the server sent a "
                    + "placeholder instead of the value). A backup of it would not restore the value, so the backup "
                    + "is refused. Convert such properties to types Neo4j 5 has (for example toFloatList(...) for a "
                    + "VECTOR, toString(...) for a UUID) before the backup, or back up the store itself with "
                    + "neo4j-admin (--engine admin)");
        }
    }
}
