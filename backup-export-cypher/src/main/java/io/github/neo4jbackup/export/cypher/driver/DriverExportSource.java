package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.export.cypher.CypherLanguage;
import io.github.neo4jbackup.export.cypher.ServerInfo;
import io.github.neo4jbackup.core.DatabaseName;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.export.cypher.census.CensusAttributes;
import io.github.neo4jbackup.export.cypher.census.StoredTypeCensus;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprint;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprinter;
import io.github.neo4jbackup.export.cypher.internal.Durations;
import io.github.neo4jbackup.export.cypher.internal.StallWatchdog.StalledException;
import io.github.neo4jbackup.export.cypher.internal.StallWatchdog;
import io.github.neo4jbackup.export.cypher.restore.TargetDatabase;
import io.github.neo4jbackup.export.cypher.schema.ConstraintDefinition;
import io.github.neo4jbackup.export.cypher.schema.DatabaseSchema;
import io.github.neo4jbackup.export.cypher.schema.IndexDefinition;
import io.github.neo4jbackup.export.cypher.schema.SchemaReader;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.Value;
import org.neo4j.driver.exceptions.Neo4jException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.SessionExpiredException;
import org.neo4j.driver.exceptions.TransactionTerminatedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The driver-only logical backup engine ({@value GraphFormat#ENGINE}): exports one database over
 * Bolt into the {@link GraphFormat graph format} without any server plugin. Restore with
 * {@link DriverRestoreSink}.
 *
 * <pre>{@code
 * BackupSource source = DriverExportSource.builder(driver).database("neo4j").build();
 * BackupPipeline.builder().source(source).transform(Compression.zstd()).target(target).build().backup();
 * }</pre>
 *
 * <p>What an export does, in order: reads the server version, edition and the database's default
 * Cypher language ({@link io.github.neo4jbackup.export.cypher.ServerInfo}; recorded in the manifest),
 * the node and relationship counts per label and type from the count
 * store, the schema (every index and constraint as DDL), then streams all nodes, runs the
 * {@linkplain ExportClosure closure pass} and streams all relationships in <em>one read
 * transaction</em>, writing each record as it arrives (memory stays
 * bounded: the driver fetches {@link Builder#fetchSize(int) fetchSize} records at a time), and
 * computes the content fingerprint on the way (its node table lives in a temporary memory-mapped
 * file in {@code java.io.tmpdir}, 32 bytes per node id, not on the heap). Then it reads the counts
 * again. The description records the exported counts, the count-store counts before and after
 * ({@code consistency.countsBefore}, {@code consistency.countsAfter}), the schema and content
 * fingerprints, the server version and edition, and {@link Attributes#CONSISTENCY}
 * {@code single-read-transaction}. Neo4j reads at
 * read-committed isolation, so a single transaction is not a snapshot. The backup is still
 * <em>self-consistent</em>: every relationship in it has both end nodes in it (nodes created during
 * the export that relationships refer to are added by the closure pass; a relationship to a node
 * created after that is left out and counted), and its counts and content fingerprint describe
 * exactly what it holds (see {@code docs/consistency.md}). When the counts before, during and
 * after differ, or the closure pass had work to do, the database changed during the export; the
 * backup records {@link Attributes#CHANGED_DURING_EXPORT} and logs a warning, or fails with
 * {@link SourceFailedException} when {@link Builder#failOnConcurrentChange(boolean)} is set (the
 * pipeline's {@code ChangePolicy} can also retry it).
 *
 * <p>Faults: a server that stops, a connection that breaks or a transaction the server
 * terminates fails the export with an {@link IOException} naming the database, the phase and what
 * to do (the pipeline reports it as {@link SourceFailedException}; nothing is stored). The driver
 * has no read timeout, so a connection that <em>stalls</em> is ended by the export itself after
 * {@link Builder#stallTimeout(Duration)} without an answer (default 5 minutes). For
 * this the export runs on a daemon worker thread ({@code neo4j-backup-export}) supervised by the
 * calling thread; interrupting the calling thread still cancels it.
 *
 * <p>Limits: the read transaction lives as long as the export, so the server's
 * {@code db.transaction.timeout} (or {@link Builder#transactionTimeout(Duration)}) must allow it;
 * a read transaction holds no growing state on the server. Node keys in the backup are the
 * internal ids ({@code id(n)}) at export time; they are only used to connect relationships and are
 * not kept by a restore.
 *
 * <p>Stored types: the driver has no 32-bit float or integer types, so the export also reads the
 * stored-type census ({@link StoredTypeCensus}, {@code db.schema.nodeTypeProperties()} /
 * {@code relTypeProperties()}) in its transaction and records it in the manifest
 * ({@value CensusAttributes#CENSUS}). 32-bit float arrays ({@code FloatArray}, e.g. written by
 * {@code db.create.setNodeVectorProperty}) are written as {@code list<float32>} and restored in
 * that type; the narrow types a logical restore cannot write ({@code IntegerArray},
 * {@code ShortArray}, {@code Float}, {@code Integer}, ...) are named in a warning
 * ({@value CensusAttributes#WARNINGS}) and come back widened, with the same values.
 *
 * <p>Value types newer than the driver (Neo4j 2025.10's {@code VECTOR}, 2026.08's {@code UUID})
 * reach it as placeholder maps; a property holding one fails the export, naming the label or type
 * and the key, instead of being written as data. Every query is pinned to Cypher 5.
 *
 * <p>The driver belongs to the caller and is never closed. Instances are immutable and can run
 * one export at a time each (or several: they share nothing but the driver).
 *
 * <p>This file is longer than most: the export's phases, the advice of its failure messages and
 * its builder are kept together so that the one transaction's life can be read in one place.
 */
public final class DriverExportSource implements BackupSource {

    private static final Logger LOG = LoggerFactory.getLogger(DriverExportSource.class);
    private static final int PROGRESS_EVERY = 1000;
    private static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(5);

    static final String NODES_QUERY = CypherLanguage.PREFIX + "MATCH (n) RETURN id(n) AS k, labels(n) AS l, properties(n) AS p";
    static final String RELATIONSHIPS_QUERY = CypherLanguage.PREFIX + "MATCH ()-[r]->() "
            + "RETURN id(startNode(r)) AS s, id(endNode(r)) AS e, type(r) AS y, properties(r) AS p";

    private final Driver driver;
    private final String database;
    private final int fetchSize;
    private final Duration transactionTimeout;
    private final boolean failOnConcurrentChange;
    private final Duration stallTimeout;
    private final Runnable beforeStreaming;
    private final Runnable beforeRelationships;
    private final Runnable afterClosure;

    private DriverExportSource(Builder b) {
        this.driver = b.driver;
        this.database = b.database;
        this.fetchSize = b.fetchSize;
        this.transactionTimeout = b.transactionTimeout;
        this.failOnConcurrentChange = b.failOnConcurrentChange;
        this.stallTimeout = b.stallTimeout;
        this.beforeStreaming = b.beforeStreaming;
        this.beforeRelationships = b.beforeRelationships;
        this.afterClosure = b.afterClosure;
    }

    /**
     * A builder for a source reading through the given driver.
     *
     * @param driver the driver; owned by the caller, never closed by this library
     * @return the builder
     */
    public static Builder builder(Driver driver) {
        return new Builder(driver);
    }

    /**
     * A builder holding this source's configuration.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(driver);
        b.database = database;
        b.fetchSize = fetchSize;
        b.transactionTimeout = transactionTimeout;
        b.failOnConcurrentChange = failOnConcurrentChange;
        b.stallTimeout = stallTimeout;
        b.beforeStreaming = beforeStreaming;
        b.beforeRelationships = beforeRelationships;
        b.afterClosure = afterClosure;
        return b;
    }

    /** {@inheritDoc} Always {@value GraphFormat#ENGINE}. */
    @Override
    public String type() {
        return GraphFormat.ENGINE;
    }

    /** {@inheritDoc} */
    @Override
    public String database() {
        return database;
    }

    /** {@inheritDoc} Always {@value GraphFormat#EXTENSION}. */
    @Override
    public String extension() {
        return GraphFormat.EXTENSION;
    }

    /**
     * The number of records the driver fetches at a time.
     *
     * @return the fetch size
     */
    public int fetchSize() {
        return fetchSize;
    }

    /**
     * The timeout of the export's transactions, if one is set.
     *
     * @return the timeout
     */
    public java.util.Optional<Duration> transactionTimeout() {
        return java.util.Optional.ofNullable(transactionTimeout);
    }

    /**
     * How long the export waits for one answer of the server before it closes the connection and
     * fails.
     *
     * @return the stall timeout
     */
    public Duration stallTimeout() {
        return stallTimeout;
    }

    /**
     * Whether a change during the export fails it (otherwise it is recorded with a warning).
     *
     * @return {@code true} to fail
     */
    public boolean failOnConcurrentChange() {
        return failOnConcurrentChange;
    }

    /**
     * Exports the database into {@code out} (flushed, not closed).
     *
     * @param out     where to write
     * @param context progress and cancellation
     * @return the description: server version and edition, the exported counts, consistency
     *         attributes and the content and schema fingerprints
     * @throws IOException           when the server or the connection fails (the message names the
     *                               database and what to do), or writing fails
     * @throws SourceFailedException when the database changed during the export and
     *                               {@link Builder#failOnConcurrentChange(boolean)} is set, or the
     *                               schema holds a kind of index or constraint this version does not know
     */
    @Override
    public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
        Objects.requireNonNull(out, "out");
        ExportContext ctx = context == null ? ExportContext.NONE : context;
        try {
            return StallWatchdog.run(stallTimeout, out, (o, watchdog) -> export(o, ctx, watchdog));
        } catch (StalledException e) {
            throw new IOException("Exporting database '" + database + "' failed: " + e.getMessage() + ". Check the "
                    + "network between this host and the server and the server's health, then run the backup again; "
                    + "raise stallTimeout(..) if the server legitimately needs longer to answer. Nothing was stored "
                    + "for this backup.", e);
        }
    }

    private SourceDescription export(OutputStream out, ExportContext ctx, StallWatchdog watchdog) throws IOException {
        long started = System.nanoTime();
        Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        TransactionConfig txConfig = transactionConfig();
        Progress progress = new Progress(ctx);

        ServerInfo server;
        GraphCounts before;
        try {
            server = watchdog.call("the server version", this::serverInfo);
            before = watchdog.call("the counts", () -> TargetDatabase.counts(driver, database));
        } catch (Neo4jException e) {
            throw failure("reading the counts", progress, e);
        }
        if (beforeStreaming != null) {
            beforeStreaming.run();
        }

        GraphFileWriter writer = new GraphFileWriter(out);
        InlineFingerprint fingerprint = new InlineFingerprint();
        ExportClosure closure = new ExportClosure(database);
        String schemaFingerprint;
        StoredTypeCensus census;
        long float32Values = 0;
        long schemaStatements = 0;
        SessionConfig sessionConfig = SessionConfig.builder().withDatabase(database)
                .withDefaultAccessMode(AccessMode.READ).withFetchSize(fetchSize).build();
        try (fingerprint;
             Session session = driver.session(sessionConfig);
             Transaction tx = watchdog.call("the start of the read transaction",
                     () -> session.beginTransaction(txConfig))) {
            DatabaseSchema schema = watchdog.call("the schema", () -> SchemaReader.read(tx, database));
            schemaFingerprint = schema.fingerprint();
            census = watchdog.call("the stored-type census", () -> StoredTypeCensus.read(tx));
            writer.header(new GraphRecord.Header(GraphFormat.VERSION, database, server.version(), server.edition(),
                    createdAt.toString()));
            for (GraphRecord.SchemaStatement statement : statements(schema)) {
                writer.schema(statement);
                schemaStatements++;
            }
            Function<Value, String> asString = Value::asString;
            Function<Value, Value> identity = v -> v;
            // keys with both FloatArray and DoubleArray values: decided per value on the server
            List<String> mixedNodeKeys = census.mixedFloatArrayKeys(true);
            List<String> mixedRelationshipKeys = census.mixedFloatArrayKeys(false);
            long[] float32Count = {0};
            StoredTypeCensus nodeCensus = census;
            // closure nodes (read by id) carry no per-value evidence: the census decides for them
            ExportClosure.NodeWriter nodeWriter = (key, l, p) -> {
                List<String> labels = l.asList(asString);
                Map<String, Value> properties = p.asMap(identity);
                UnreadableValues.checkNode(properties, labels);
                Map<String, String> storedTypes = nodeCensus.nodeStoredTypes(labels, properties);
                writer.node(key, labels, properties, storedTypes);
                fingerprint.node(key, labels, properties, storedTypes);
                float32Count[0] += float32(storedTypes);
                progress.record();
            };
            Result nodes = watchdog.call("the nodes", () -> mixedNodeKeys.isEmpty() ? tx.run(NODES_QUERY)
                    : tx.run(NODES_QUERY + ", " + StoredTypeCensus.float32EvidenceExpression("n", "mixed") + " AS f",
                    Map.of("mixed", mixedNodeKeys)));
            while (watchdog.hasNext(nodes, "the nodes")) {
                Record r = nodes.next();
                long key = r.get(0).asLong();
                if (!closure.exported(key)) {
                    continue;
                }
                if (mixedNodeKeys.isEmpty()) {
                    nodeWriter.node(key, r.get(1), r.get(2));
                    continue;
                }
                List<String> labels = r.get(1).asList(asString);
                Map<String, Value> properties = r.get(2).asMap(identity);
                UnreadableValues.checkNode(properties, labels);
                Map<String, String> storedTypes = census.nodeStoredTypes(labels, properties);
                writer.node(key, labels, properties, StoredTypeCensus.withEvidence(storedTypes, r.get(3), properties));
                fingerprint.node(key, labels, properties, storedTypes);
                float32Count[0] += float32(storedTypes);
                progress.record();
            }
            if (beforeRelationships != null) {
                beforeRelationships.run();
            }
            closure.close(tx, watchdog, nodeWriter);
            if (afterClosure != null) {
                afterClosure.run();
            }
            Result relationships = watchdog.call("the relationships", () -> mixedRelationshipKeys.isEmpty()
                    ? tx.run(RELATIONSHIPS_QUERY)
                    : tx.run(RELATIONSHIPS_QUERY + ", "
                    + StoredTypeCensus.float32EvidenceExpression("r", "mixed") + " AS f",
                    Map.of("mixed", mixedRelationshipKeys)));
            while (watchdog.hasNext(relationships, "the relationships")) {
                Record r = relationships.next();
                long start = r.get(0).asLong();
                long end = r.get(1).asLong();
                if (!closure.keep(start, end)) {
                    continue;
                }
                String type = r.get(2).asString();
                Map<String, Value> properties = r.get(3).asMap(identity);
                UnreadableValues.checkRelationship(properties, type);
                Map<String, String> storedTypes = census.relationshipStoredTypes(type, properties);
                writer.relationship(start, end, type, properties, mixedRelationshipKeys.isEmpty() ? storedTypes
                        : StoredTypeCensus.withEvidence(storedTypes, r.get(4), properties));
                fingerprint.relationship(start, end, type, properties, storedTypes);
                float32Count[0] += float32(storedTypes);
                progress.record();
            }
            float32Values = float32Count[0];
            watchdog.call("the end of the read transaction", () -> {
                tx.commit();
                return null;
            });
            fingerprint.finish();
        } catch (Neo4jException e) {
            throw failure(writer.nodes() == 0 && writer.relationships() == 0 ? "reading the schema and the nodes"
                    : "streaming the graph", progress.with(writer), e);
        } catch (IllegalArgumentException e) {
            throw new IOException("Database '" + database + "' holds a value the backup format cannot represent: "
                    + e.getMessage(), e);
        }
        progress.flush();

        GraphCounts after;
        try {
            after = watchdog.call("the counts", () -> TargetDatabase.counts(driver, database));
        } catch (Neo4jException e) {
            throw failure("reading the counts after the export", progress.with(writer), e);
        }
        GraphCounts exported = new GraphCounts(writer.nodes(), writer.relationships(), writer.labelCounts(),
                writer.typeCounts());
        boolean changed = !before.equals(after) || !exported.equals(after) || fingerprint.danglingRelationship
                || closure.sawChange();
        Map<String, String> attributes = new TreeMap<>(closure.attributes());
        attributes.put(Attributes.CONSISTENCY, "single-read-transaction");
        attributes.put(Attributes.CHANGED_DURING_EXPORT, Boolean.toString(changed));
        attributes.put("format", GraphFormat.NAME + "/" + GraphFormat.VERSION);
        attributes.put("consistency.countsBefore", describe(before));
        attributes.put("consistency.countsAfter", describe(after));
        if (changed) {
            String message = "Database '" + database + "' changed during the export (counts before: "
                    + describe(before) + "; exported: " + describe(exported) + "; after: " + describe(after)
                    + "; " + closure.describe() + "). Neo4j reads at read-committed isolation, so the backup is "
                    + "self-consistent (every relationship's end nodes are in it) but not a point-in-time copy";
            if (failOnConcurrentChange) {
                throw new SourceFailedException(message + ". Run the backup again when the application does not "
                        + "write, or allow such backups with failOnConcurrentChange(false).", null);
            }
            LOG.warn("{}; the export is marked {}=true (the change policy decides whether it is kept).", message,
                    Attributes.CHANGED_DURING_EXPORT);
        }
        String content = fingerprint.hex;
        writer.finish(content, schemaFingerprint);
        if (content != null) {
            attributes.put(Attributes.CONTENT_FINGERPRINT, content);
        }
        attributes.put(Attributes.SCHEMA_FINGERPRINT, schemaFingerprint);
        attributes.put(GraphFingerprint.CONTENT_VERSION, Integer.toString(GraphFingerprinter.CURRENT_VERSION));
        attributes.putAll(CensusAttributes.backup(census, true, float32Values, database, LOG));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        attributes.put("export.duration", took.toString());
        LOG.info("Exported database '{}': {} nodes, {} relationships, {} schema statements in {}", database,
                writer.nodes(), writer.relationships(), schemaStatements, took);
        if (server.defaultLanguage() != null) {
            attributes.put(ServerInfo.DEFAULT_LANGUAGE_ATTRIBUTE, server.defaultLanguage());
        }
        return new SourceDescription(GraphFormat.ENGINE, GraphFormat.NAME + "/" + GraphFormat.VERSION,
                server.version(), server.edition(), database, exported, attributes);
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

    static String describe(GraphCounts counts) {
        return counts.nodes() + " nodes " + counts.labels() + ", " + counts.relationships() + " relationships "
                + counts.types();
    }

    private TransactionConfig transactionConfig() {
        TransactionConfig.Builder b = TransactionConfig.builder().withMetadata(Map.of("app", "neo4j-backup"));
        if (transactionTimeout != null) {
            b.withTimeout(transactionTimeout);
        }
        return b.build();
    }

    /** Version, edition and default language; nulls when the server does not tell. */
    private ServerInfo serverInfo() {
        return ServerInfo.probe(driver, database);
    }

    private IOException failure(String phase, Progress progress, Neo4jException e) {
        String advice;
        if (e instanceof ServiceUnavailableException || e instanceof SessionExpiredException) {
            advice = "The server stopped or the connection broke. Check that the server is running and reachable, "
                    + "then run the backup again";
        } else if (e instanceof TransactionTerminatedException
                || (e.code() != null && e.code().startsWith("Neo.ClientError.Transaction."))) {
            advice = "The read transaction was terminated (by a transaction timeout, a memory limit or an "
                    + "administrator). Raise the transaction timeout (transactionTimeout(..) or db.transaction.timeout)"
                    + " or db.memory.transaction.max, then run the backup again";
        } else if (e instanceof org.neo4j.driver.exceptions.FatalDiscoveryException
                || "Neo.ClientError.Database.DatabaseNotFound".equals(e.code())) {
            advice = "Database '" + database + "' does not exist on this server: check the database name "
                    + "('SHOW DATABASES' lists them)";
        } else if (e instanceof org.neo4j.driver.exceptions.SecurityException
                || (e.code() != null && e.code().startsWith("Neo.ClientError.Security."))) {
            advice = "Neo4j refused the credentials or the permissions of the driver's user: check the user and "
                    + "password the driver was created with (the password is not shown) and that the user may read "
                    + "database '" + database + "'";
        } else {
            advice = "Run the backup again; if it keeps failing, check the server log";
        }
        String detail = String.valueOf(e.getMessage()).strip();
        while (detail.endsWith(".")) {
            detail = detail.substring(0, detail.length() - 1);
        }
        return new IOException("Exporting database '" + database + "' failed while " + phase + " (after "
                + progress.nodes + " nodes and " + progress.relationships + " relationships were written): "
                + detail + ". " + advice + ". Nothing was stored for this backup.", e);
    }

    @Override
    public String toString() {
        return "DriverExportSource[database=" + database + ", fetchSize=" + fetchSize + ", transactionTimeout="
                + transactionTimeout + ", stallTimeout=" + stallTimeout + ", failOnConcurrentChange="
                + failOnConcurrentChange + "]";
    }

    /**
     * The content fingerprint computed while streaming. The closure keeps every relationship's end
     * nodes in the backup, so only a failing temporary file leaves the backup without a content
     * fingerprint (with a warning) instead of failing it.
     */
    private final class InlineFingerprint implements AutoCloseable {
        private GraphFingerprinter fingerprinter = GraphFingerprinter.open();
        String hex;
        boolean danglingRelationship;

        void node(long key, List<String> labels, Map<String, Value> properties, Map<String, String> storedTypes) {
            if (fingerprinter != null) {
                try {
                    fingerprinter.node(key, labels, properties, storedTypes);
                } catch (UncheckedIOException | IllegalStateException e) {
                    give(e);
                }
            }
        }

        void relationship(long start, long end, String type, Map<String, Value> properties,
                          Map<String, String> storedTypes) {
            if (fingerprinter != null) {
                try {
                    fingerprinter.relationship(start, end, type, properties, storedTypes);
                } catch (IllegalStateException e) {
                    danglingRelationship = true;
                    give(e);
                } catch (UncheckedIOException e) {
                    give(e);
                }
            }
        }

        void finish() {
            if (fingerprinter != null) {
                hex = fingerprinter.finish().hex();
            }
        }

        private void give(RuntimeException e) {
            LOG.warn("The backup of database '{}' gets no content fingerprint: {}", database, e.getMessage());
            close();
        }

        @Override
        public void close() {
            if (fingerprinter != null) {
                fingerprinter.close();
                fingerprinter = null;
            }
        }
    }

    /** Progress reporting and cancellation, checked every {@value #PROGRESS_EVERY} records. */
    private final class Progress {
        private final ExportContext context;
        private int unreported;
        long nodes;
        long relationships;

        Progress(ExportContext context) {
            this.context = context;
        }

        Progress with(GraphFileWriter writer) {
            nodes = writer.nodes();
            relationships = writer.relationships();
            return this;
        }

        void record() throws IOException {
            if (++unreported == PROGRESS_EVERY) {
                flush();
                if (context.cancelled()) {
                    throw new IOException("The backup of database '" + database + "' was cancelled");
                }
            }
        }

        void flush() {
            if (unreported > 0) {
                context.recordsExported(unreported);
                unreported = 0;
            }
        }
    }

    /** Builds an immutable {@link DriverExportSource}. Not thread-safe. */
    public static final class Builder {
        private final Driver driver;
        private String database = "neo4j";
        private int fetchSize = 1000;
        private Duration transactionTimeout;
        private boolean failOnConcurrentChange;
        private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
        private Runnable beforeStreaming;
        private Runnable beforeRelationships;
        private Runnable afterClosure;

        private Builder(Driver driver) {
            this.driver = Objects.requireNonNull(driver, "driver");
        }

        /**
         * The database to export (default {@code neo4j}).
         *
         * @param value the database name
         * @return this builder
         * @throws InvalidInputException when the name is not a valid database name
         */
        public Builder database(String value) {
            this.database = DatabaseName.validate(value);
            return this;
        }

        /**
         * How many records the driver fetches at a time (default 1000): the client-side memory
         * bound of the export.
         *
         * @param value 1 to 1,000,000
         * @return this builder
         * @throws InvalidInputException when out of range
         */
        public Builder fetchSize(int value) {
            if (value < 1 || value > 1_000_000) {
                throw new InvalidInputException("fetchSize must be between 1 and 1000000, was " + value);
            }
            this.fetchSize = value;
            return this;
        }

        /**
         * The timeout of the export's read transactions (default: the server's
         * {@code db.transaction.timeout}). The streaming transaction lives for the whole export.
         *
         * @param value a positive duration, or {@code null} for the server default
         * @return this builder
         * @throws InvalidInputException when not positive
         */
        public Builder transactionTimeout(Duration value) {
            this.transactionTimeout = Durations.positiveOrNull("transactionTimeout", value);
            return this;
        }

        /**
         * Whether to fail when the database changed during the export (default {@code false}: keep
         * the backup, mark it {@link Attributes#CHANGED_DURING_EXPORT} and log a warning).
         *
         * @param value {@code true} to fail with {@link SourceFailedException}
         * @return this builder
         */
        public Builder failOnConcurrentChange(boolean value) {
            this.failOnConcurrentChange = value;
            return this;
        }

        /**
         * How long the export waits for one answer of the server (the next batch of records, the
         * reply to a query) before it gives up (default 5 minutes). The driver has no read timeout:
         * without this, a connection that stalls (a network that stops delivering packets without
         * closing the connection, a frozen server) would block the backup, and the repository
         * lock, forever. When the time passes, the export terminates the connection and fails with
         * a message naming the stall; nothing is stored. Time spent writing the output is not
         * counted.
         *
         * @param value a positive duration
         * @return this builder
         * @throws InvalidInputException when not positive
         */
        public Builder stallTimeout(Duration value) {
            this.stallTimeout = Durations.positive("stallTimeout", value);
            return this;
        }

        /** Test hook: runs after the first count and the schema read, before streaming. */
        Builder beforeStreaming(Runnable value) {
            this.beforeStreaming = value;
            return this;
        }

        /** Test hook: runs inside the export, after the nodes were streamed, before the closure pass. */
        Builder beforeRelationships(Runnable value) {
            this.beforeRelationships = value;
            return this;
        }

        /** Test hook: runs inside the export, after the closure pass, before the relationships are streamed. */
        Builder afterClosure(Runnable value) {
            this.afterClosure = value;
            return this;
        }

        /**
         * Builds the source.
         *
         * @return the source
         */
        public DriverExportSource build() {
            return new DriverExportSource(this);
        }
    }
}
