package io.github.neo4jbackup.export.cypher.schema;

import io.github.neo4jbackup.export.cypher.CypherNames;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One constraint. Uniqueness and key constraints own a range index that Neo4j creates with the
 * constraint; its configuration is kept in {@link #indexConfig()}.
 *
 * @param name          the constraint name (the owned index has the same name)
 * @param kind          the kind
 * @param entityType    nodes or relationships
 * @param labelsOrTypes the one label or relationship type
 * @param properties    property keys in declared order (exactly one for existence and type constraints)
 * @param propertyType  for {@link ConstraintKind#PROPERTY_TYPE}: the Cypher type as Neo4j reports it
 *                      ({@code INTEGER}, {@code LIST<STRING NOT NULL>}, {@code STRING | INTEGER}); otherwise null
 * @param indexProvider the owned index's provider, or null; informational only
 * @param indexConfig   the owned index's configuration, usually empty
 */
public record ConstraintDefinition(String name, ConstraintKind kind, EntityType entityType, List<String> labelsOrTypes,
                                   List<String> properties, String propertyType, String indexProvider,
                                   Map<String, Object> indexConfig) implements SchemaDefinition {

    private static final Pattern PROPERTY_TYPE = Pattern.compile("[A-Za-z0-9_ <>|,]+");

    /**
     * Creates a definition, validating its shape.
     *
     * @param name          name
     * @param kind          kind
     * @param entityType    entity type
     * @param labelsOrTypes the label or type (copied)
     * @param properties    properties (copied)
     * @param propertyType  property type or null
     * @param indexProvider provider or null
     * @param indexConfig   configuration (copied, normalized); null means empty
     * @throws IllegalArgumentException when the shape does not fit the kind
     */
    public ConstraintDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(entityType, "entityType");
        labelsOrTypes = Ddl.names(labelsOrTypes, "labelsOrTypes");
        properties = Ddl.names(properties, "properties");
        indexConfig = Ddl.normalizeMap(indexConfig);
        if (labelsOrTypes.size() != 1) {
            throw new IllegalArgumentException("Constraint '" + name + "' must have exactly one "
                    + (entityType == EntityType.NODE ? "label" : "relationship type") + ", got " + labelsOrTypes);
        }
        if (properties.isEmpty()) {
            throw new IllegalArgumentException("Constraint '" + name + "' must have at least one property");
        }
        if ((kind == ConstraintKind.EXISTENCE || kind == ConstraintKind.PROPERTY_TYPE) && properties.size() != 1) {
            throw new IllegalArgumentException(kind + " constraint '" + name + "' must have exactly one property, got "
                    + properties);
        }
        if (kind == ConstraintKind.PROPERTY_TYPE) {
            if (propertyType == null || !PROPERTY_TYPE.matcher(propertyType).matches()) {
                throw new IllegalArgumentException("Property type constraint '" + name
                        + "' has an invalid or missing property type: " + propertyType);
            }
        } else {
            propertyType = null;
        }
    }

    /**
     * The {@code SHOW CONSTRAINTS} type of this constraint (Neo4j 5 spelling), e.g. {@code NODE_KEY}.
     *
     * @return the type
     */
    public String neo4jType() {
        return kind.neo4jType(entityType);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Forms: {@code CREATE CONSTRAINT `name` IF NOT EXISTS FOR (n:`L`) REQUIRE (n.`a`, n.`b`) IS UNIQUE},
     * {@code ... IS NODE KEY}, {@code ... FOR ()-[r:`T`]-() REQUIRE (r.`a`) IS UNIQUE}, {@code ... IS
     * RELATIONSHIP KEY}, {@code ... REQUIRE n.`p` IS NOT NULL}, {@code ... REQUIRE n.`p` IS :: INTEGER};
     * the owned index's configuration follows as {@code OPTIONS {indexConfig: {...}}} when it is not
     * empty (the deprecated, ignored {@code indexProvider} option is not written).
     */
    @Override
    public String toCypher() {
        StringBuilder sb = new StringBuilder(128);
        sb.append("CREATE CONSTRAINT ").append(CypherNames.quote(name)).append(" IF NOT EXISTS FOR ");
        Ddl.appendPattern(sb, entityType, labelsOrTypes);
        sb.append(" REQUIRE ");
        switch (kind) {
            case UNIQUENESS, KEY -> {
                sb.append('(');
                Ddl.appendProperties(sb, entityType, properties);
                sb.append(')');
                sb.append(kind == ConstraintKind.UNIQUENESS ? " IS UNIQUE"
                        : entityType == EntityType.NODE ? " IS NODE KEY" : " IS RELATIONSHIP KEY");
            }
            case EXISTENCE -> {
                Ddl.appendProperties(sb, entityType, properties);
                sb.append(" IS NOT NULL");
            }
            case PROPERTY_TYPE -> {
                Ddl.appendProperties(sb, entityType, properties);
                sb.append(" IS :: ").append(propertyType);
            }
        }
        if (kind.indexBacked()) {
            Ddl.appendOptions(sb, indexConfig);
        }
        return sb.toString();
    }

    @Override
    public String dropCypher() {
        return "DROP CONSTRAINT " + CypherNames.quote(name) + " IF EXISTS";
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code CONSTRAINT|kind|entityType|'name'|['label']|['properties']|propertyType|{config}};
     * the index provider is not part of it.
     */
    @Override
    public String canonicalForm() {
        StringBuilder sb = new StringBuilder(128);
        sb.append("CONSTRAINT|").append(kind).append('|').append(entityType).append('|');
        CypherNames.appendString(sb, name);
        sb.append('|');
        Ddl.appendCanonicalNames(sb, labelsOrTypes);
        sb.append('|');
        Ddl.appendCanonicalNames(sb, properties);
        sb.append('|').append(propertyType == null ? "" : propertyType.replaceAll("\\s+", " ").trim()).append('|');
        Ddl.appendCanonical(sb, indexConfig);
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
        if (propertyType != null) {
            m.put("propertyType", propertyType);
        }
        if (indexProvider != null) {
            m.put("indexProvider", indexProvider);
        }
        m.put("indexConfig", indexConfig);
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Rebuilds a definition from {@link #toMap()}.
     *
     * @param map the map
     * @return the definition
     * @throws IllegalArgumentException when the map is not a valid constraint definition
     */
    @SuppressWarnings("unchecked")
    public static ConstraintDefinition fromMap(Map<String, ?> map) {
        try {
            return new ConstraintDefinition((String) map.get("name"), ConstraintKind.valueOf((String) map.get("kind")),
                    EntityType.parse((String) map.get("entityType")), (List<String>) map.get("labelsOrTypes"),
                    (List<String>) map.get("properties"), (String) map.get("propertyType"),
                    (String) map.get("indexProvider"), (Map<String, Object>) map.get("indexConfig"));
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("Not a valid constraint definition: " + map, e);
        }
    }
}
