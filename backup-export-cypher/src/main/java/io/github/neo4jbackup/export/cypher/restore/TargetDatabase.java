package io.github.neo4jbackup.export.cypher.restore;

import io.github.neo4jbackup.export.cypher.CypherLanguage;
import io.github.neo4jbackup.core.RestoreFailedException;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.export.cypher.CypherNames;
import io.github.neo4jbackup.export.cypher.schema.ConstraintDefinition;
import io.github.neo4jbackup.export.cypher.schema.DatabaseSchema;
import io.github.neo4jbackup.export.cypher.schema.IndexDefinition;
import io.github.neo4jbackup.export.cypher.schema.SchemaReader;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.exceptions.Neo4jException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Facts about, and the wiping of, the database a restore writes into. Every method takes a driver
 * owned by the caller.
 */
public final class TargetDatabase {

    private TargetDatabase() {
    }

    /**
     * What a database holds, as far as a restore cares.
     *
     * @param nodes         number of nodes
     * @param relationships number of relationships
     * @param indexes       number of indexes that are neither LOOKUP indexes nor owned by constraints
     * @param constraints   number of constraints
     */
    public record Contents(long nodes, long relationships, int indexes, int constraints) {

        /**
         * Whether the database counts as empty: no nodes, relationships, constraints or indexes other
         * than LOOKUP indexes.
         *
         * @return {@code true} if empty
         */
        public boolean isEmpty() {
            return nodes == 0 && relationships == 0 && indexes == 0 && constraints == 0;
        }

        /**
         * For messages: {@code "12 nodes, 30 relationships, 3 indexes/constraints"}.
         *
         * @return the description
         */
        public String describe() {
            return nodes + " nodes, " + relationships + " relationships, " + (indexes + constraints)
                    + " indexes/constraints";
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    private static Session read(Driver driver, String database) {
        return driver.session(SessionConfig.builder().withDatabase(database).withDefaultAccessMode(AccessMode.READ).build());
    }

    /**
     * Whether the database is empty apart from LOOKUP indexes (what a new database looks like).
     * Driver exceptions are not wrapped.
     *
     * @param driver   the driver
     * @param database the database
     * @return {@code true} if empty
     * @throws io.github.neo4jbackup.core.SourceFailedException when the schema has an index or constraint
     *                                                          kind this version does not know
     */
    public static boolean isEmpty(Driver driver, String database) {
        return describeContents(driver, database).isEmpty();
    }

    /**
     * Counts what the database holds (node and relationship totals come from the count store, so
     * this is cheap for any size). Driver exceptions are not wrapped.
     *
     * @param driver   the driver
     * @param database the database
     * @return the contents
     * @throws io.github.neo4jbackup.core.SourceFailedException when the schema has an index or constraint
     *                                                          kind this version does not know
     */
    public static Contents describeContents(Driver driver, String database) {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(database, "database");
        try (Session session = read(driver, database)) {
            DatabaseSchema schema = SchemaReader.read(session, database);
            long[] totals = session.executeRead(TargetDatabase::totals);
            return new Contents(totals[0], totals[1], schema.userIndexes().size(), schema.constraints().size());
        }
    }

    private static long[] totals(TransactionContext tx) {
        long nodes = tx.run(CypherLanguage.PREFIX + "MATCH (n) RETURN count(n) AS c").single().get("c").asLong();
        long relationships = tx.run(CypherLanguage.PREFIX + "MATCH ()-[r]->() RETURN count(r) AS c").single().get("c").asLong();
        return new long[] {nodes, relationships};
    }

    /**
     * Entity counts: totals, nodes per label and relationships per type, all from the count store in
     * one read transaction ({@code CALL db.labels()} then {@code MATCH (n:`L`) RETURN count(n)} per
     * label; likewise for relationship types). Labels and types without entities are left out, so two
     * databases with the same data have equal counts even if one has unused tokens. Driver exceptions
     * are not wrapped.
     *
     * @param driver   the driver
     * @param database the database
     * @return the counts
     */
    public static GraphCounts counts(Driver driver, String database) {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(database, "database");
        try (Session session = read(driver, database)) {
            return session.executeRead(tx -> {
                long[] totals = totals(tx);
                Map<String, Long> labels = new LinkedHashMap<>();
                List<String> labelNames = tx.run(CypherLanguage.PREFIX + "CALL db.labels() YIELD label RETURN label").list(r -> r.get(0).asString());
                for (String label : labelNames) {
                    long c = tx.run(CypherLanguage.PREFIX + "MATCH (n:" + CypherNames.quote(label) + ") RETURN count(n) AS c").single()
                            .get("c").asLong();
                    if (c > 0) {
                        labels.put(label, c);
                    }
                }
                Map<String, Long> types = new LinkedHashMap<>();
                List<String> typeNames = tx.run(CypherLanguage.PREFIX + "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType")
                        .list(r -> r.get(0).asString());
                for (String type : typeNames) {
                    long c = tx.run(CypherLanguage.PREFIX + "MATCH ()-[r:" + CypherNames.quote(type) + "]->() RETURN count(r) AS c").single()
                            .get("c").asLong();
                    if (c > 0) {
                        types.put(type, c);
                    }
                }
                return new GraphCounts(totals[0], totals[1], labels, types);
            });
        }
    }

    /**
     * Deletes everything from the database: drops all constraints and all indexes except LOOKUP
     * indexes, then deletes relationships and then nodes in batches ({@code CALL { ... } IN
     * TRANSACTIONS OF batchSize ROWS} in auto-commit transactions, so no transaction grows with the
     * database).
     *
     * @param driver    the driver
     * @param database  the database
     * @param batchSize entities deleted per transaction (for example 10 000)
     * @return what the database held before
     * @throws RestoreFailedException when a step fails; the database may then be partly wiped and
     *                                wiping again continues where it stopped
     */
    public static Contents wipe(Driver driver, String database, int batchSize) {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(database, "database");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        try {
            Contents before = describeContents(driver, database);
            try (Session session = driver.session(SessionConfig.builder().withDatabase(database)
                    .withDefaultAccessMode(AccessMode.WRITE).build())) {
                DatabaseSchema schema = SchemaReader.read(session, database);
                for (ConstraintDefinition c : schema.constraints()) {
                    session.run(CypherLanguage.pin(c.dropCypher())).consume();
                }
                for (IndexDefinition i : schema.userIndexes()) {
                    session.run(CypherLanguage.pin(i.dropCypher())).consume();
                }
                session.run(CypherLanguage.PREFIX + "MATCH ()-[r]->() CALL { WITH r DELETE r } IN TRANSACTIONS OF " + batchSize + " ROWS")
                        .consume();
                session.run(CypherLanguage.PREFIX + "MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF " + batchSize + " ROWS")
                        .consume();
            }
            return before;
        } catch (Neo4jException e) {
            throw new RestoreFailedException("Could not wipe database '" + database + "': " + e.getMessage()
                    + ". It may be partly wiped; wipe it again, or drop and re-create the database.", e);
        } catch (io.github.neo4jbackup.core.SourceFailedException e) {
            // an index or constraint kind this version does not know
            throw new RestoreFailedException("Could not wipe database '" + database + "': " + e.getMessage(), e);
        }
    }
}
