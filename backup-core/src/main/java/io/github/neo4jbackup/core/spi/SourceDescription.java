package io.github.neo4jbackup.core.spi;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a source tells the manifest about the backup it produced.
 *
 * @param engine        the source type id (same as {@link BackupSource#type()})
 * @param engineVersion version of the engine (the exporter, APOC, neo4j-admin), or {@code null}
 * @param neo4jVersion  the Neo4j server version, or {@code null} if unknown
 * @param neo4jEdition  the Neo4j edition ({@code community}, {@code enterprise}), or {@code null}
 * @param database      the database name
 * @param counts        entity counts, {@link GraphCounts#UNKNOWN} if unknown
 * @param attributes    further facts worth recording (store format, downtime, warnings); never secrets
 */
public record SourceDescription(String engine, String engineVersion, String neo4jVersion, String neo4jEdition,
                                String database, GraphCounts counts, Map<String, String> attributes) {

    /**
     * Creates a description.
     *
     * @param engine        engine id
     * @param engineVersion engine version or null
     * @param neo4jVersion  Neo4j version or null
     * @param neo4jEdition  Neo4j edition or null
     * @param database      database name
     * @param counts        counts
     * @param attributes    attributes (copied, sorted)
     */
    public SourceDescription {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(database, "database");
        counts = counts == null ? GraphCounts.UNKNOWN : counts;
        attributes = attributes == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new TreeMap<>(attributes));
    }

    /**
     * A minimal description: engine and database only.
     *
     * @param engine   engine id
     * @param database database name
     * @return the description
     */
    public static SourceDescription of(String engine, String database) {
        return new SourceDescription(engine, null, null, null, database, GraphCounts.UNKNOWN, Map.of());
    }

    /**
     * A copy with other counts.
     *
     * @param newCounts the counts
     * @return the copy
     */
    public SourceDescription withCounts(GraphCounts newCounts) {
        return new SourceDescription(engine, engineVersion, neo4jVersion, neo4jEdition, database, newCounts,
                attributes);
    }

    /**
     * A copy with one more attribute.
     *
     * @param name  attribute name
     * @param value attribute value
     * @return the copy
     */
    public SourceDescription withAttribute(String name, String value) {
        Map<String, String> copy = new TreeMap<>(attributes);
        copy.put(name, value);
        return new SourceDescription(engine, engineVersion, neo4jVersion, neo4jEdition, database, counts, copy);
    }
}
