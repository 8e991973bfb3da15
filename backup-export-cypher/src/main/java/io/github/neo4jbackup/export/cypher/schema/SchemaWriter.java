package io.github.neo4jbackup.export.cypher.schema;

import io.github.neo4jbackup.export.cypher.CypherLanguage;
import io.github.neo4jbackup.core.RestoreFailedException;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.Values;
import org.neo4j.driver.exceptions.Neo4jException;
import org.neo4j.driver.summary.Notification;
import org.neo4j.driver.summary.ResultSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Applies a {@link DatabaseSchema} (or DDL produced by it) to a target database and waits for its
 * indexes.
 *
 * <p>Typical restore:
 * <pre>{@code
 * SchemaWriter.apply(driver, db, schema, Phase.BEFORE_DATA);   // LOOKUP indexes + constraints
 * ... load nodes and relationships ...
 * SchemaWriter.apply(driver, db, schema, Phase.AFTER_DATA);    // other indexes
 * SchemaWriter.awaitIndexes(driver, db, Duration.ofMinutes(30));
 * }</pre>
 *
 * <p>All statements are idempotent ({@code IF NOT EXISTS}); a LOOKUP index that exists under another
 * name is left as it is. Note that {@code IF NOT EXISTS} also silently skips a statement when an
 * element with the same name but a different definition exists: restore into an empty database and
 * compare fingerprints afterwards ({@link DatabaseSchema#differences(DatabaseSchema)}).
 */
public final class SchemaWriter {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaWriter.class);

    /** Which part of a schema to apply. */
    public enum Phase {
        /** LOOKUP indexes and constraints: before the data, so key lookups during the load are indexed. */
        BEFORE_DATA,
        /** All other indexes: after the data, so they are populated once. */
        AFTER_DATA,
        /** Everything, in the order LOOKUP indexes, constraints, other indexes. */
        ALL
    }

    private SchemaWriter() {
    }

    /**
     * The DDL of one phase, in order, without semicolons.
     *
     * @param schema the schema
     * @param phase  the phase
     * @return the statements
     */
    public static List<String> statements(DatabaseSchema schema, Phase phase) {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(phase, "phase");
        List<String> out = new ArrayList<>();
        if (phase != Phase.AFTER_DATA) {
            out.addAll(schema.lookupStatements());
            out.addAll(schema.constraintStatements());
        }
        if (phase != Phase.BEFORE_DATA) {
            out.addAll(schema.indexStatements());
        }
        return List.copyOf(out);
    }

    /**
     * Applies one phase of a schema.
     *
     * @param driver   the driver (owned by the caller)
     * @param database the target database
     * @param schema   the schema
     * @param phase    which part
     * @return the statements that had no effect because something with that name or an equivalent
     *         definition already existed, LOOKUP indexes left out (see {@link #applyStatements})
     * @throws RestoreFailedException when a statement fails
     */
    public static List<String> apply(Driver driver, String database, DatabaseSchema schema, Phase phase) {
        return applyStatements(driver, database, statements(schema, phase));
    }

    /**
     * Runs DDL statements one by one, each in its own auto-commit transaction. A trailing semicolon is
     * removed. A {@code CREATE LOOKUP INDEX} that fails because an equivalent index already exists is
     * ignored.
     *
     * @param driver     the driver (owned by the caller)
     * @param database   the target database
     * @param statements the statements
     * @return the statements (other than LOOKUP indexes) that had no effect because the server reported
     *         that an index or constraint with the name or an equivalent definition already existed, each
     *         followed by the server's description; empty on an empty target. Worth a warning: the
     *         existing element may differ from the backed-up one.
     * @throws RestoreFailedException when a statement fails; the statements before it have been applied
     */
    public static List<String> applyStatements(Driver driver, String database, List<String> statements) {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(statements, "statements");
        List<String> noEffect = new ArrayList<>();
        try (Session session = driver.session(SessionConfig.builder().withDatabase(database)
                .withDefaultAccessMode(AccessMode.WRITE).build())) {
            for (String statement : statements) {
                String ddl = statement.strip();
                if (ddl.endsWith(";")) {
                    ddl = ddl.substring(0, ddl.length() - 1).strip();
                }
                if (ddl.isEmpty()) {
                    continue;
                }
                try {
                    ResultSummary summary = session.run(CypherLanguage.pin(ddl)).consume();
                    if (!isLookup(ddl)) {
                        for (Notification n : summary.notifications()) {
                            if (n.code() != null && n.code().endsWith("IndexOrConstraintAlreadyExists")) {
                                noEffect.add(ddl + " -- " + n.description());
                            }
                        }
                    }
                } catch (Neo4jException e) {
                    if (isLookup(ddl) && isAlreadyExists(e)) {
                        continue;
                    }
                    throw new RestoreFailedException("Could not create schema in database '" + database + "' with "
                            + ddl + ": " + e.getMessage() + ". The statements before it were applied; drop the schema "
                            + "(or wipe the database) before retrying.", e);
                }
            }
        }
        return List.copyOf(noEffect);
    }

    /**
     * Runs DDL statements in as few transactions as the server allows: LOOKUP index statements one by
     * one as {@link #applyStatements} does (an equivalent LOOKUP index under another name is not an
     * error), all others together in one schema transaction. When that transaction fails, nothing of
     * it was applied and the statements are run one by one, so that the failure names its statement.
     *
     * @param driver     the driver (owned by the caller)
     * @param database   the target database
     * @param statements the statements (e.g. the constraints of a backup, before its data)
     * @return as {@link #applyStatements}: the statements that had no effect
     * @throws RestoreFailedException when a statement fails; the statements before it have been applied
     */
    public static List<String> applyTogether(Driver driver, String database, List<String> statements) {
        return applyTogether(driver, database, statements, TransactionConfig.empty());
    }

    /**
     * As {@link #applyTogether(Driver, String, List)}, with the configuration (timeout, metadata) of the
     * schema transaction.
     *
     * @param driver     the driver (owned by the caller)
     * @param database   the target database
     * @param statements the statements (e.g. the indexes of a backup, after its data)
     * @param config     the configuration of the transaction that applies them together
     * @return the statements that had no effect
     * @throws RestoreFailedException when a statement fails; the statements before it have been applied
     */
    public static List<String> applyTogether(Driver driver, String database, List<String> statements,
                                             TransactionConfig config) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(statements, "statements");
        List<String> lookups = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (String statement : statements) {
            String ddl = strip(statement);
            if (!ddl.isEmpty()) {
                (isLookup(ddl) ? lookups : others).add(ddl);
            }
        }
        List<String> noEffect = new ArrayList<>(applyStatements(driver, database, lookups));
        if (others.size() < 2) {
            noEffect.addAll(applyStatements(driver, database, others));
            return List.copyOf(noEffect);
        }
        List<String> together = new ArrayList<>();
        try (Session session = driver.session(SessionConfig.builder().withDatabase(database)
                .withDefaultAccessMode(AccessMode.WRITE).build());
             Transaction tx = session.beginTransaction(config)) {
            for (String ddl : others) {
                for (Notification n : tx.run(CypherLanguage.pin(ddl)).consume().notifications()) {
                    if (n.code() != null && n.code().endsWith("IndexOrConstraintAlreadyExists")) {
                        together.add(ddl + " -- " + n.description());
                    }
                }
            }
            tx.commit();
            noEffect.addAll(together);
            return List.copyOf(noEffect);
        } catch (Neo4jException e) {
            // rolled back: one by one, for a message naming the statement that fails
            LOG.info("Applying {} schema statements to database '{}' in one transaction failed ({}); applying them "
                    + "one by one", others.size(), database, e.getMessage());
            noEffect.addAll(applyStatements(driver, database, others));
            return List.copyOf(noEffect);
        }
    }

    private static String strip(String statement) {
        String ddl = statement.strip();
        return ddl.endsWith(";") ? ddl.substring(0, ddl.length() - 1).strip() : ddl;
    }

    private static boolean isLookup(String ddl) {
        return ddl.toUpperCase(Locale.ROOT).startsWith("CREATE LOOKUP INDEX");
    }

    private static boolean isAlreadyExists(Neo4jException e) {
        String code = e.code() == null ? "" : e.code();
        return code.endsWith("EquivalentSchemaRuleAlreadyExists") || code.endsWith("IndexAlreadyExists")
                || code.endsWith("IndexWithNameAlreadyExists")
                || (e.getMessage() != null && e.getMessage().contains("already exists"));
    }

    /**
     * Waits until every index of the database is online ({@code CALL db.awaitIndexes(seconds)}).
     *
     * @param driver   the driver (owned by the caller)
     * @param database the database
     * @param timeout  how long to wait at most (rounded up to whole seconds)
     * @throws RestoreFailedException when an index failed or is still populating at the timeout; the
     *                                message lists the indexes that are not online and their failures
     */
    public static void awaitIndexes(Driver driver, String database, Duration timeout) {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(timeout, "timeout");
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        try (Session session = driver.session(SessionConfig.forDatabase(database))) {
            try {
                session.run(CypherLanguage.PREFIX + "CALL db.awaitIndexes($seconds)", Values.parameters("seconds", seconds)).consume();
            } catch (Neo4jException e) {
                StringBuilder notOnline = new StringBuilder();
                try {
                    session.run(CypherLanguage.PREFIX + "SHOW INDEXES YIELD name, state, populationPercent, failureMessage WHERE state <> 'ONLINE' "
                            + "RETURN name, state, populationPercent, failureMessage").list().forEach(r -> {
                                notOnline.append(notOnline.length() == 0 ? "" : "; ").append(r.get("name").asString())
                                        .append(' ').append(r.get("state").asString());
                                if (!r.get("populationPercent").isNull()) {
                                    notOnline.append(" (").append(r.get("populationPercent").asObject()).append("%)");
                                }
                                String failure = r.get("failureMessage").isNull() ? "" : r.get("failureMessage").asString();
                                if (!failure.isBlank()) {
                                    notOnline.append(": ").append(failure);
                                }
                            });
                } catch (Neo4jException ignored) {
                    // the original failure is reported below
                }
                throw new RestoreFailedException("Indexes of database '" + database + "' did not come online within "
                        + seconds + " s: " + e.getMessage()
                        + (notOnline.length() == 0 ? "" : " Not online: " + notOnline + ".")
                        + " Wait longer, or drop and re-create failed indexes (SHOW INDEXES shows their state).", e);
            }
        }
    }
}
