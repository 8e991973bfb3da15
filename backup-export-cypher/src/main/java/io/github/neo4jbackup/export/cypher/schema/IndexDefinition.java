package io.github.neo4jbackup.export.cypher.schema;

import io.github.neo4jbackup.export.cypher.CypherNames;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One index that is not owned by a constraint (indexes behind uniqueness and key constraints are
 * part of their {@link ConstraintDefinition}).
 *
 * @param name          the index name
 * @param kind          the index kind
 * @param entityType    nodes or relationships
 * @param labelsOrTypes labels or relationship types in declared order (several only for FULLTEXT; none for LOOKUP)
 * @param properties    property keys in declared order (none for LOOKUP)
 * @param indexProvider the provider Neo4j reported (e.g. {@code range-1.0}), or {@code null}; informational only,
 *                      see {@link #toCypher()}
 * @param indexConfig   the {@code indexConfig} option, sorted by key; values are strings, booleans, longs,
 *                      doubles or lists of these
 */
public record IndexDefinition(String name, IndexKind kind, EntityType entityType, List<String> labelsOrTypes,
                              List<String> properties, String indexProvider, Map<String, Object> indexConfig)
        implements SchemaDefinition {

    /** Index configuration entries whose value is the Neo4j 5.26 default, dropped from fingerprints. */
    private static final Map<IndexKind, Map<String, Object>> DEFAULT_CONFIG = Map.of(
            IndexKind.VECTOR, Map.of(
                    "vector.hnsw.m", 16L,
                    "vector.hnsw.ef_construction", 100L,
                    "vector.quantization.enabled", true),
            IndexKind.FULLTEXT, Map.of(
                    "fulltext.analyzer", "standard-no-stop-words",
                    "fulltext.eventually_consistent", false),
            IndexKind.POINT, Map.of(
                    "spatial.cartesian.min", List.of(-1000000.0, -1000000.0),
                    "spatial.cartesian.max", List.of(1000000.0, 1000000.0),
                    "spatial.cartesian-3d.min", List.of(-1000000.0, -1000000.0, -1000000.0),
                    "spatial.cartesian-3d.max", List.of(1000000.0, 1000000.0, 1000000.0),
                    "spatial.wgs-84.min", List.of(-180.0, -90.0),
                    "spatial.wgs-84.max", List.of(180.0, 90.0),
                    "spatial.wgs-84-3d.min", List.of(-180.0, -90.0, -1000000.0),
                    "spatial.wgs-84-3d.max", List.of(180.0, 90.0, 1000000.0)));

    /**
     * Creates a definition, validating its shape and normalizing the configuration values.
     *
     * @param name          name
     * @param kind          kind
     * @param entityType    entity type
     * @param labelsOrTypes labels or types (copied)
     * @param properties    properties (copied)
     * @param indexProvider provider or null
     * @param indexConfig   configuration (copied, sorted, normalized); null means empty
     * @throws IllegalArgumentException when the shape does not fit the kind
     */
    public IndexDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(entityType, "entityType");
        labelsOrTypes = labelsOrTypes == null ? List.of() : Ddl.names(labelsOrTypes, "labelsOrTypes");
        properties = properties == null ? List.of() : Ddl.names(properties, "properties");
        indexConfig = Ddl.normalizeMap(indexConfig);
        if (kind == IndexKind.LOOKUP) {
            if (!labelsOrTypes.isEmpty() || !properties.isEmpty()) {
                throw new IllegalArgumentException("LOOKUP index '" + name + "' must have no labels, types or properties");
            }
        } else {
            if (labelsOrTypes.isEmpty() || properties.isEmpty()) {
                throw new IllegalArgumentException(kind + " index '" + name + "' needs at least one "
                        + (entityType == EntityType.NODE ? "label" : "relationship type") + " and one property");
            }
            if (labelsOrTypes.size() > 1 && kind != IndexKind.FULLTEXT) {
                throw new IllegalArgumentException(kind + " index '" + name + "' can have only one "
                        + (entityType == EntityType.NODE ? "label" : "relationship type") + ", got " + labelsOrTypes);
            }
        }
    }

    /**
     * A LOOKUP index (the token lookup index over all labels or all relationship types).
     *
     * @param name       its name
     * @param entityType {@code NODE} for {@code labels(n)}, {@code RELATIONSHIP} for {@code type(r)}
     * @return the definition
     */
    public static IndexDefinition lookup(String name, EntityType entityType) {
        return new IndexDefinition(name, IndexKind.LOOKUP, entityType, List.of(), List.of(), "token-lookup-1.0", Map.of());
    }

    /**
     * Whether this is a LOOKUP index.
     *
     * @return {@code true} for {@link IndexKind#LOOKUP}
     */
    public boolean isLookup() {
        return kind == IndexKind.LOOKUP;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Forms: {@code CREATE RANGE INDEX `name` IF NOT EXISTS FOR (n:`L`) ON (n.`p`, n.`q`)},
     * {@code ... FOR ()-[r:`T`]-() ON (r.`p`)}, {@code CREATE FULLTEXT INDEX `name` IF NOT EXISTS FOR
     * (n:`A`|`B`) ON EACH [n.`x`, n.`y`]}, {@code CREATE LOOKUP INDEX `name` IF NOT EXISTS FOR (n) ON EACH
     * labels(n)} / {@code FOR ()-[r]-() ON EACH type(r)}; followed by {@code OPTIONS {indexConfig: {...}}}
     * with every configuration entry when there are any. The index provider is not written: Neo4j 5.26
     * deprecates the {@code indexProvider} option and ignores it, choosing the current provider itself.
     *
     * <p>{@code IF NOT EXISTS} makes the statement a no-op when an index with the same name <em>or an
     * equivalent index under another name</em> exists (as the two default LOOKUP indexes usually do).
     */
    @Override
    public String toCypher() {
        StringBuilder sb = new StringBuilder(128);
        sb.append("CREATE ").append(kind.name()).append(" INDEX ").append(CypherNames.quote(name))
                .append(" IF NOT EXISTS FOR ");
        if (kind == IndexKind.LOOKUP) {
            sb.append(entityType == EntityType.NODE ? "(n) ON EACH labels(n)" : "()-[r]-() ON EACH type(r)");
            return sb.toString();
        }
        Ddl.appendPattern(sb, entityType, labelsOrTypes);
        if (kind == IndexKind.FULLTEXT) {
            sb.append(" ON EACH [");
            Ddl.appendProperties(sb, entityType, properties);
            sb.append(']');
        } else {
            sb.append(" ON (");
            Ddl.appendProperties(sb, entityType, properties);
            sb.append(')');
        }
        Ddl.appendOptions(sb, indexConfig);
        return sb.toString();
    }

    @Override
    public String dropCypher() {
        return "DROP INDEX " + CypherNames.quote(name) + " IF EXISTS";
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code INDEX|kind|entityType|'name'|['labels']|['properties']|{config}} where the config
     * leaves out entries whose value is the Neo4j 5.26 default for the kind (vector HNSW parameters
     * and quantization, the fulltext analyzer and consistency mode, the spatial bounds), numbers are
     * plain decimals ({@code 16}, {@code -180}, {@code 0.5}) and strings are quoted. The index provider
     * is not part of it.
     */
    @Override
    public String canonicalForm() {
        StringBuilder sb = new StringBuilder(128);
        sb.append("INDEX|").append(kind).append('|').append(entityType).append('|');
        CypherNames.appendString(sb, name);
        sb.append('|');
        Ddl.appendCanonicalNames(sb, labelsOrTypes);
        sb.append('|');
        Ddl.appendCanonicalNames(sb, properties);
        sb.append('|');
        Map<String, Object> defaults = DEFAULT_CONFIG.getOrDefault(kind, Map.of());
        Map<String, Object> relevant = new java.util.TreeMap<>();
        indexConfig.forEach((k, v) -> {
            Object d = defaults.get(k);
            if (d == null || !Ddl.sameCanonical(d, v)) {
                relevant.put(k, v);
            }
        });
        Ddl.appendCanonical(sb, relevant);
        return sb.toString();
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("kind", kind.name());
        m.put("entityType", entityType.name());
        m.put("labelsOrTypes", labelsOrTypes);
        m.put("properties", properties);
        if (indexProvider != null) {
            m.put("indexProvider", indexProvider);
        }
        m.put("indexConfig", indexConfig);
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Rebuilds a definition from {@link #toMap()} (numbers may come back as any {@link Number}).
     *
     * @param map the map
     * @return the definition
     * @throws IllegalArgumentException when the map is not a valid index definition
     */
    @SuppressWarnings("unchecked")
    public static IndexDefinition fromMap(Map<String, ?> map) {
        try {
            return new IndexDefinition((String) map.get("name"), IndexKind.valueOf((String) map.get("kind")),
                    EntityType.parse((String) map.get("entityType")), (List<String>) map.get("labelsOrTypes"),
                    (List<String>) map.get("properties"), (String) map.get("indexProvider"),
                    (Map<String, Object>) map.get("indexConfig"));
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("Not a valid index definition: " + map, e);
        }
    }
}
