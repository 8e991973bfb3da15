package io.github.neo4jbackup.export.cypher.driver;

import org.neo4j.driver.Value;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One record (line) of a backup stream in the {@link GraphFormat graph format}, in stream order:
 * one {@link Header}, any number of {@link SchemaStatement}s, {@link Node}s and
 * {@link Relationship}s, then one {@link Trailer}.
 */
public sealed interface GraphRecord {

    /**
     * The first record: what the stream is and where it came from.
     *
     * @param version      the format version
     * @param database     the database that was exported
     * @param neo4jVersion the server version, or {@code null}
     * @param neo4jEdition the server edition, or {@code null}
     * @param createdAt    when the export started (ISO-8601 instant), or {@code null}
     */
    record Header(int version, String database, String neo4jVersion, String neo4jEdition, String createdAt)
            implements GraphRecord {
        /**
         * Creates a header.
         *
         * @param version      format version
         * @param database     database name
         * @param neo4jVersion server version or null
         * @param neo4jEdition server edition or null
         * @param createdAt    start time or null
         */
        public Header {
            Objects.requireNonNull(database, "database");
        }
    }

    /** The kind of a schema statement, which decides when a restore runs it. */
    enum SchemaKind {
        /** A LOOKUP index: created before the data (a no-op where an equivalent one exists). */
        LOOKUP("lookup"),
        /** A constraint: created before the data, so its uniqueness is enforced while loading. */
        CONSTRAINT("constraint"),
        /** Any other index: created after the data (cheaper than maintaining it while loading). */
        INDEX("index");

        private final String wireName;

        SchemaKind(String wireName) {
            this.wireName = wireName;
        }

        /**
         * The name of the kind in the stream.
         *
         * @return {@code lookup}, {@code constraint} or {@code index}
         */
        public String wireName() {
            return wireName;
        }

        static SchemaKind fromWireName(String name) {
            for (SchemaKind k : values()) {
                if (k.wireName.equals(name)) {
                    return k;
                }
            }
            return null;
        }
    }

    /**
     * One index or constraint as a complete, idempotent Cypher DDL statement.
     *
     * @param kind   lookup index, constraint or other index
     * @param name   the index or constraint name
     * @param cypher the DDL statement (with {@code IF NOT EXISTS} and all options)
     */
    record SchemaStatement(SchemaKind kind, String name, String cypher) implements GraphRecord {
        /**
         * Creates a statement.
         *
         * @param kind   kind
         * @param name   name
         * @param cypher DDL
         */
        public SchemaStatement {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(cypher, "cypher");
        }
    }

    /**
     * A node.
     *
     * @param key        the backup-local node key (unique within the stream; not kept by a restore)
     * @param labels     the labels
     * @param properties the properties as driver values
     * @param storedTypes the properties stored narrower than the driver shows them: key to stored type
     *                    ({@code FloatArray}); empty for most nodes
     */
    record Node(long key, List<String> labels, Map<String, Value> properties, Map<String, String> storedTypes)
            implements GraphRecord {
        /**
         * A node whose properties are all stored as the driver shows them.
         *
         * @param key        the key
         * @param labels     the labels
         * @param properties the properties
         */
        public Node(long key, List<String> labels, Map<String, Value> properties) {
            this(key, labels, properties, Map.of());
        }

        /**
         * Creates a node record.
         *
         * @param key        key
         * @param labels     labels (kept as given)
         * @param properties properties (kept as given)
         */
        public Node {
            Objects.requireNonNull(labels, "labels");
            Objects.requireNonNull(properties, "properties");
            storedTypes = storedTypes == null || storedTypes.isEmpty() ? Map.of() : Map.copyOf(storedTypes);
        }
    }

    /**
     * A relationship between two nodes of the stream, by their keys.
     *
     * @param start      the start node's key
     * @param end        the end node's key
     * @param type       the relationship type
     * @param properties the properties as driver values
     * @param storedTypes the properties stored narrower than the driver shows them (key to stored type)
     */
    record Relationship(long start, long end, String type, Map<String, Value> properties,
                        Map<String, String> storedTypes) implements GraphRecord {
        /**
         * A relationship whose properties are all stored as the driver shows them.
         *
         * @param start      the start key
         * @param end        the end key
         * @param type       the type
         * @param properties the properties
         */
        public Relationship(long start, long end, String type, Map<String, Value> properties) {
            this(start, end, type, properties, Map.of());
        }

        /**
         * Creates a relationship record.
         *
         * @param start      start key
         * @param end        end key
         * @param type       type
         * @param properties properties (kept as given)
         */
        public Relationship {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(properties, "properties");
            storedTypes = storedTypes == null || storedTypes.isEmpty() ? Map.of() : Map.copyOf(storedTypes);
        }
    }

    /**
     * The last record: what the stream holds, so a truncated stream is detected without the manifest.
     *
     * @param nodes              number of node records
     * @param relationships      number of relationship records
     * @param schemaStatements   number of schema records
     * @param labels             nodes per label
     * @param types              relationships per type
     * @param contentFingerprint the content fingerprint computed while exporting, or {@code null}
     * @param schemaFingerprint  the schema fingerprint, or {@code null}
     */
    record Trailer(long nodes, long relationships, long schemaStatements, Map<String, Long> labels,
                   Map<String, Long> types, String contentFingerprint, String schemaFingerprint)
            implements GraphRecord {
        /**
         * Creates a trailer.
         *
         * @param nodes              node count
         * @param relationships      relationship count
         * @param schemaStatements   schema statement count
         * @param labels             per-label counts (copied, sorted)
         * @param types              per-type counts (copied, sorted)
         * @param contentFingerprint content fingerprint or null
         * @param schemaFingerprint  schema fingerprint or null
         */
        public Trailer {
            labels = Collections.unmodifiableMap(new TreeMap<>(labels == null ? Map.of() : labels));
            types = Collections.unmodifiableMap(new TreeMap<>(types == null ? Map.of() : types));
        }
    }
}
