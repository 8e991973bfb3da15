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
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.exceptions.Neo4jException;

import java.util.ArrayList;
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

    /** Count-store lookups per counting query: one round trip for a typical graph, bounded query text. */
    private static final int COUNTS_PER_QUERY = 64;

    /**
     * Entity counts: totals, nodes per label and relationships per type, all from the count store in
     * one read transaction. One query lists the labels and relationship types ({@code db.labels()},
     * {@code db.relationshipTypes()}); the counts ({@code MATCH (n:`L`) RETURN count(n)} per label,
     * likewise per type, plus the totals) are read as the branches of {@code UNION ALL} queries, so a
     * graph with up to 62 labels and types costs two round trips and two query plans (a server that
     * has just started compiles every distinct query text). Labels and types without entities are left
     * out, so two databases with the same data have equal counts even if one has unused tokens.
     * Driver exceptions are not wrapped.
     *
     * @param driver   the driver
     * @param database the database
     * @return the counts
     */
    public static GraphCounts counts(Driver driver, String database) {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(database, "database");
        try (Session session = read(driver, database)) {
            return session.executeRead(TargetDatabase::counts);
        }
    }

    private static GraphCounts counts(TransactionContext tx) {
        List<String> labelNames = new ArrayList<>();
        List<String> typeNames = new ArrayList<>();
        tx.run(CypherLanguage.PREFIX + "CALL db.labels() YIELD label RETURN 0 AS kind, label AS name"
                + " UNION ALL CALL db.relationshipTypes() YIELD relationshipType RETURN 1 AS kind, relationshipType AS name")
                .forEachRemaining(r -> (r.get("kind").asInt() == 0 ? labelNames : typeNames).add(r.get("name").asString()));
        // branch i counts (WITH first: a grouping key beside count() would give no row for zero):
        // -1 all nodes, -2 all relationships, 0..L-1 the labels, L..L+T-1 the types
        List<String> branches = new ArrayList<>(labelNames.size() + typeNames.size() + 2);
        branches.add("MATCH (n) WITH count(n) AS c RETURN -1 AS i, c");
        branches.add("MATCH ()-[r]->() WITH count(r) AS c RETURN -2 AS i, c");
        for (int i = 0; i < labelNames.size(); i++) {
            branches.add("MATCH (n:" + CypherNames.quote(labelNames.get(i)) + ") WITH count(n) AS c RETURN " + i + " AS i, c");
        }
        for (int j = 0; j < typeNames.size(); j++) {
            branches.add("MATCH ()-[r:" + CypherNames.quote(typeNames.get(j)) + "]->() WITH count(r) AS c RETURN "
                    + (labelNames.size() + j) + " AS i, c");
        }
        long[] counts = new long[labelNames.size() + typeNames.size()];
        long nodes = -1;
        long relationships = -1;
        for (int from = 0; from < branches.size(); from += COUNTS_PER_QUERY) {
            String query = CypherLanguage.PREFIX
                    + String.join(" UNION ALL ", branches.subList(from, Math.min(branches.size(), from + COUNTS_PER_QUERY)));
            for (Record r : tx.run(query).list()) {
                int i = r.get("i").asInt();
                long c = r.get("c").asLong();
                if (i == -1) {
                    nodes = c;
                } else if (i == -2) {
                    relationships = c;
                } else {
                    counts[i] = c;
                }
            }
        }
        if (nodes < 0 || relationships < 0) {
            throw new IllegalStateException("the count store did not answer for the node and relationship totals");
        }
        Map<String, Long> labels = new LinkedHashMap<>();
        for (int i = 0; i < labelNames.size(); i++) {
            if (counts[i] > 0) {
                labels.put(labelNames.get(i), counts[i]);
            }
        }
        Map<String, Long> types = new LinkedHashMap<>();
        for (int j = 0; j < typeNames.size(); j++) {
            long c = counts[labelNames.size() + j];
            if (c > 0) {
                types.put(typeNames.get(j), c);
            }
        }
        return new GraphCounts(nodes, relationships, labels, types);
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
