package io.github.neo4jbackup.export.cypher.schema;

import io.github.neo4jbackup.export.cypher.CypherLanguage;
import io.github.neo4jbackup.core.SourceFailedException;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Value;
import org.neo4j.driver.exceptions.Neo4jException;
import org.neo4j.driver.QueryRunner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the schema of a database with {@code SHOW INDEXES YIELD *} and {@code SHOW CONSTRAINTS YIELD *}
 * (Neo4j 5).
 *
 * <p>Indexes owned by a constraint are not returned as indexes; their configuration is kept on the
 * {@link ConstraintDefinition}. LOOKUP indexes are returned (see {@link DatabaseSchema#lookupIndexes()}).
 */
public final class SchemaReader {

    private SchemaReader() {
    }

    /**
     * Reads the schema in its own read session.
     *
     * @param driver   the driver (owned by the caller)
     * @param database the database name
     * @return the schema
     * @throws SourceFailedException when the server cannot be queried or reports a kind of index or
     *                               constraint this version does not know
     */
    public static DatabaseSchema read(Driver driver, String database) {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(database, "database");
        try (Session session = driver.session(SessionConfig.builder().withDatabase(database)
                .withDefaultAccessMode(AccessMode.READ).build())) {
            return read(session, database);
        } catch (Neo4jException e) {
            throw new SourceFailedException("Could not read the schema of database '" + database + "': "
                    + e.getMessage() + ". Check that the database exists and that the user may run SHOW INDEXES "
                    + "and SHOW CONSTRAINTS.", e);
        }
    }

    /**
     * Reads the schema through a session or an open transaction (for example the read transaction an
     * export already runs in). Driver exceptions are not wrapped.
     *
     * @param runner   a session or transaction on the database
     * @param database the database name, for messages only
     * @return the schema
     * @throws SourceFailedException when the server reports a kind of index or constraint this version
     *                               does not know
     */
    public static DatabaseSchema read(QueryRunner runner, String database) {
        Objects.requireNonNull(runner, "runner");
        List<Record> indexRows = runner.run(CypherLanguage.PREFIX + "SHOW INDEXES YIELD *").list();
        List<Record> constraintRows = runner.run(CypherLanguage.PREFIX + "SHOW CONSTRAINTS YIELD *").list();

        Map<String, Record> ownedIndexes = new HashMap<>();
        List<IndexDefinition> indexes = new ArrayList<>();
        for (Record r : indexRows) {
            String name = r.get("name").asString();
            if (!r.get("owningConstraint").isNull()) {
                ownedIndexes.put(name, r);
                continue;
            }
            indexes.add(index(r, name, database));
        }
        List<ConstraintDefinition> constraints = new ArrayList<>();
        for (Record r : constraintRows) {
            constraints.add(constraint(r, ownedIndexes, database));
        }
        return DatabaseSchema.of(indexes, constraints);
    }

    private static IndexDefinition index(Record r, String name, String database) {
        String type = r.get("type").asString();
        IndexKind kind;
        EntityType entityType;
        try {
            kind = IndexKind.valueOf(type.toUpperCase(Locale.ROOT));
            entityType = EntityType.parse(r.get("entityType").asString());
        } catch (IllegalArgumentException e) {
            throw unsupported("index", name, type, database, e);
        }
        Map<String, Object> options = options(r);
        String provider = provider(r, options);
        try {
            return new IndexDefinition(name, kind, entityType, strings(r.get("labelsOrTypes")),
                    strings(r.get("properties")), provider, config(options));
        } catch (IllegalArgumentException e) {
            throw unsupported("index", name, type, database, e);
        }
    }

    private static ConstraintDefinition constraint(Record r, Map<String, Record> ownedIndexes, String database) {
        String name = r.get("name").asString();
        String type = r.get("type").asString();
        try {
            ConstraintKind kind = ConstraintKind.parse(type);
            EntityType entityType = EntityType.parse(r.get("entityType").asString());
            Map<String, Object> options = options(r);
            Value ownedIndex = r.get("ownedIndex");
            Record owned = ownedIndex.isNull() ? null : ownedIndexes.get(ownedIndex.asString());
            if (options.isEmpty() && owned != null) {
                options = options(owned);
            }
            String provider = options.isEmpty() ? null : provider(owned == null ? r : owned, options);
            Value propertyType = r.get("propertyType");
            return new ConstraintDefinition(name, kind, entityType, strings(r.get("labelsOrTypes")),
                    strings(r.get("properties")), propertyType.isNull() ? null : propertyType.asString(),
                    provider, kind.indexBacked() ? config(options) : Map.of());
        } catch (IllegalArgumentException e) {
            throw unsupported("constraint", name, type, database, e);
        }
    }

    private static Map<String, Object> options(Record r) {
        Value options = r.get("options");
        return options.isNull() ? Map.of() : options.asMap();
    }

    private static String provider(Record r, Map<String, Object> options) {
        Object fromOptions = options.get("indexProvider");
        if (fromOptions instanceof String s) {
            return s;
        }
        Value v = r.get("indexProvider");
        return v.isNull() ? null : v.asString();
    }

    private static Map<String, Object> config(Map<String, Object> options) {
        Object config = options.get("indexConfig");
        return config instanceof Map<?, ?> m ? Ddl.normalizeMap(m) : Map.of();
    }

    private static List<String> strings(Value v) {
        return v.isNull() ? List.of() : v.asList(Value::asString);
    }

    private static SourceFailedException unsupported(String what, String name, String type, String database,
                                                      IllegalArgumentException cause) {
        return new SourceFailedException("Database '" + database + "' has " + what + " '" + name + "' of type '" + type
                + "' that this version of neo4j-backup cannot reproduce (" + cause.getMessage()
                + "). Upgrade neo4j-backup, or drop the " + what + " before the backup and re-create it afterwards.",
                cause);
    }
}
