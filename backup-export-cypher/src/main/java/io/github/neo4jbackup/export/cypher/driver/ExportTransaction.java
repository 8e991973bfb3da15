package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.export.cypher.CypherLanguage;
import io.github.neo4jbackup.export.cypher.census.StoredTypeCensus;
import io.github.neo4jbackup.export.cypher.internal.StallWatchdog;
import io.github.neo4jbackup.export.cypher.schema.ConstraintDefinition;
import io.github.neo4jbackup.export.cypher.schema.DatabaseSchema;
import io.github.neo4jbackup.export.cypher.schema.IndexDefinition;
import io.github.neo4jbackup.export.cypher.schema.SchemaReader;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.Value;
import org.neo4j.driver.exceptions.Neo4jException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The one read transaction of a driver export and what becomes of each record it reads. In the
 * transaction: the schema and the stored-type census are read, the header and the schema statements
 * (in restore order) are written, then the node scan ({@value #NODES_QUERY}), the nodes the
 * {@linkplain ExportClosure closure pass} reads by id and the relationship scan
 * ({@value #RELATIONSHIPS_QUERY}) stream into the backup. Each record is decoded, checked for values
 * the driver could not read ({@link UnreadableValues}), given its stored types from the census, and
 * handed to the format writer, the {@link InlineFingerprint content fingerprint} and the progress.
 * Keys that hold both 32-bit and 64-bit float arrays are decided per value on the server: the scans
 * then return a column of evidence ({@link StoredTypeCensus#float32EvidenceExpression}) that goes
 * into the written record. Driver failures become worded {@link IOException}s ({@link ExportFailures}).
 */
final class ExportTransaction {

    static final String NODES_QUERY = CypherLanguage.PREFIX + "MATCH (n) RETURN id(n) AS k, labels(n) AS l, properties(n) AS p";
    static final String RELATIONSHIPS_QUERY = CypherLanguage.PREFIX + "MATCH ()-[r]->() "
            + "RETURN id(startNode(r)) AS s, id(endNode(r)) AS e, type(r) AS y, properties(r) AS p";

    private static final Function<Value, String> AS_STRING = Value::asString;
    private static final Function<Value, Value> IDENTITY = v -> v;

    private final String database;
    private final StallWatchdog watchdog;
    private final GraphFileWriter writer;
    private final ExportProgress progress;
    private final InlineFingerprint fingerprint;
    private final ExportClosure closure;
    private StoredTypeCensus census;
    private String schemaFingerprint;
    private long schemaStatements;
    private long float32Values;

    /** Opens the content fingerprint's temporary file; {@link #run} closes it. */
    ExportTransaction(String database, StallWatchdog watchdog, GraphFileWriter writer, ExportProgress progress) {
        this.database = database;
        this.watchdog = watchdog;
        this.writer = writer;
        this.progress = progress;
        this.fingerprint = new InlineFingerprint(database);
        this.closure = new ExportClosure(database);
    }

    /**
     * Runs the transaction and commits it.
     *
     * @param driver              the caller's driver
     * @param sessionConfig       the read session's configuration
     * @param txConfig            the transaction's configuration
     * @param header              the header record of the backup
     * @param beforeRelationships test hook after the node scan, or {@code null}
     * @param afterClosure        test hook after the closure pass, or {@code null}
     * @throws IOException when the server, the connection or the writing fails, or a value cannot be
     *                     represented
     */
    void run(Driver driver, SessionConfig sessionConfig, TransactionConfig txConfig, GraphRecord.Header header,
             Runnable beforeRelationships, Runnable afterClosure) throws IOException {
        try (fingerprint;
             Session session = driver.session(sessionConfig);
             Transaction transaction = watchdog.call("the start of the read transaction",
                     () -> session.beginTransaction(txConfig))) {
            DatabaseSchema schema = watchdog.call("the schema", () -> SchemaReader.read(transaction, database));
            schemaFingerprint = schema.fingerprint();
            census = watchdog.call("the stored-type census", () -> StoredTypeCensus.read(transaction));
            writer.header(header);
            for (GraphRecord.SchemaStatement statement : statements(schema)) {
                writer.schema(statement);
                schemaStatements++;
            }
            nodes(transaction);
            run(beforeRelationships);
            // closure nodes (read by id) carry no per-value evidence: the census decides for them
            closure.close(transaction, watchdog, (key, labels, properties) -> node(key, labels, properties, null));
            run(afterClosure);
            relationships(transaction);
            watchdog.call("the end of the read transaction", () -> {
                transaction.commit();
                return null;
            });
            fingerprint.finish();
        } catch (Neo4jException e) {
            throw ExportFailures.of(database, writer.nodes() == 0 && writer.relationships() == 0
                    ? "reading the schema and the nodes" : "streaming the graph", progress.with(writer), e);
        } catch (IllegalArgumentException e) {
            throw ExportFailures.unrepresentable(database, e);
        }
    }

    /** The content fingerprint (finished after a successful {@link #run}). */
    InlineFingerprint fingerprint() {
        return fingerprint;
    }

    /** The closure, with what it added and dropped. */
    ExportClosure closure() {
        return closure;
    }

    /** The stored-type census read in the transaction. */
    StoredTypeCensus census() {
        return census;
    }

    /** The fingerprint of the schema read in the transaction. */
    String schemaFingerprint() {
        return schemaFingerprint;
    }

    /** How many schema statements were written. */
    long schemaStatements() {
        return schemaStatements;
    }

    /** How many property values written are 32-bit float arrays. */
    long float32Values() {
        return float32Values;
    }

    /** The schema as statements in restore order: LOOKUP indexes, constraints, other indexes. */
    static List<GraphRecord.SchemaStatement> statements(DatabaseSchema schema) {
        List<GraphRecord.SchemaStatement> statements = new ArrayList<>();
        for (IndexDefinition i : schema.lookupIndexes()) {
            statements.add(new GraphRecord.SchemaStatement(GraphRecord.SchemaKind.LOOKUP, i.name(), i.toCypher()));
        }
        for (ConstraintDefinition c : schema.constraints()) {
            statements.add(new GraphRecord.SchemaStatement(GraphRecord.SchemaKind.CONSTRAINT, c.name(), c.toCypher()));
        }
        for (IndexDefinition i : schema.userIndexes()) {
            statements.add(new GraphRecord.SchemaStatement(GraphRecord.SchemaKind.INDEX, i.name(), i.toCypher()));
        }
        return statements;
    }

    private static void run(Runnable hook) {
        if (hook != null) {
            hook.run();
        }
    }

    /** Streams every node into the backup, each once (the closure remembers which were written). */
    private void nodes(Transaction tx) throws IOException {
        // keys with both FloatArray and DoubleArray values: decided per value on the server
        List<String> mixed = census.mixedFloatArrayKeys(true);
        Result nodes = watchdog.call("the nodes", () -> mixed.isEmpty() ? tx.run(NODES_QUERY)
                : tx.run(NODES_QUERY + ", " + StoredTypeCensus.float32EvidenceExpression("n", "mixed") + " AS f",
                Map.of("mixed", mixed)));
        while (watchdog.hasNext(nodes, "the nodes")) {
            Record r = nodes.next();
            long key = r.get(0).asLong();
            if (closure.exported(key)) {
                node(key, r.get(1), r.get(2), mixed.isEmpty() ? null : r.get(3));
            }
        }
    }

    /** Streams every relationship whose end nodes are in the backup. */
    private void relationships(Transaction tx) throws IOException {
        List<String> mixed = census.mixedFloatArrayKeys(false);
        Result relationships = watchdog.call("the relationships", () -> mixed.isEmpty()
                ? tx.run(RELATIONSHIPS_QUERY)
                : tx.run(RELATIONSHIPS_QUERY + ", "
                + StoredTypeCensus.float32EvidenceExpression("r", "mixed") + " AS f",
                Map.of("mixed", mixed)));
        while (watchdog.hasNext(relationships, "the relationships")) {
            Record r = relationships.next();
            long start = r.get(0).asLong();
            long end = r.get(1).asLong();
            if (!closure.keep(start, end)) {
                continue;
            }
            String type = r.get(2).asString();
            Map<String, Value> properties = r.get(3).asMap(IDENTITY);
            UnreadableValues.checkRelationship(properties, type);
            Map<String, String> storedTypes = census.relationshipStoredTypes(type, properties);
            writer.relationship(start, end, type, properties, mixed.isEmpty() ? storedTypes
                    : StoredTypeCensus.withEvidence(storedTypes, r.get(4), properties));
            fingerprint.relationship(start, end, type, properties, storedTypes);
            float32Values += float32(storedTypes);
            progress.record();
        }
    }

    /** Writes one node; {@code evidence} is the per-value column of the scan, or {@code null}. */
    private void node(long key, Value labelValues, Value propertyValues, Value evidence) throws IOException {
        List<String> labels = labelValues.asList(AS_STRING);
        Map<String, Value> properties = propertyValues.asMap(IDENTITY);
        UnreadableValues.checkNode(properties, labels);
        Map<String, String> storedTypes = census.nodeStoredTypes(labels, properties);
        writer.node(key, labels, properties, evidence == null ? storedTypes
                : StoredTypeCensus.withEvidence(storedTypes, evidence, properties));
        fingerprint.node(key, labels, properties, storedTypes);
        float32Values += float32(storedTypes);
        progress.record();
    }

    private static long float32(Map<String, String> storedTypes) {
        long n = 0;
        for (String t : storedTypes.values()) {
            if (StoredTypeCensus.FLOAT_ARRAY.equals(t)) {
                n++;
            }
        }
        return n;
    }
}
