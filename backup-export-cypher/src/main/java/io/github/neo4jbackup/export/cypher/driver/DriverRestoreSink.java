package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.export.cypher.CypherLanguage;
import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.DatabaseName;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.RestoreFailedException;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.export.cypher.CypherNames;
import io.github.neo4jbackup.export.cypher.census.CensusAttributes;
import io.github.neo4jbackup.export.cypher.census.StoredTypeCensus;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprint;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprinter;
import io.github.neo4jbackup.export.cypher.internal.Durations;
import io.github.neo4jbackup.export.cypher.restore.RestoreGuard;
import io.github.neo4jbackup.export.cypher.restore.RestorePhases;
import io.github.neo4jbackup.export.cypher.restore.TargetDatabase;
import io.github.neo4jbackup.export.cypher.schema.SchemaWriter;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.Value;
import org.neo4j.driver.Values;
import org.neo4j.driver.exceptions.Neo4jException;
import org.neo4j.driver.summary.ResultSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Restores a backup of the driver-only engine ({@value GraphFormat#ENGINE}) into a database over
 * Bolt, fast: parameterised {@code UNWIND $rows} batches, no literals in query text.
 *
 * <pre>{@code
 * RestoreSink sink = DriverRestoreSink.builder(driver).database("neo4j").wipe(true).build();
 * pipeline.restore(backupId, sink);
 * }</pre>
 *
 * <p>Order of work: the target must be empty (or is wiped when {@link Builder#wipe(boolean)} is
 * set); the backup's constraints are created before the data (so uniqueness holds while loading),
 * with a temporary index on label {@value GraphFormat#IMPORT_LABEL} and property
 * {@value GraphFormat#IMPORT_KEY}; nodes are created in batches grouped by label set (labels cannot
 * be parameters, so there is one cached query text per label combination, names quoted), each
 * carrying the temporary label and its backup-local key; relationships find their end nodes
 * through the temporary index; then the temporary label and property are removed in batches and
 * the temporary index is dropped; the other indexes are created and awaited; finally the counts
 * and, unless disabled, the content and schema fingerprints are read for comparison with the
 * manifest.
 *
 * <p>Across versions: before the target is inspected or wiped, the schema statements (the start of
 * the stream) are checked against the target server's version; options a Neo4j 5.26 target
 * expresses differently are translated, and a schema it cannot hold refuses the restore with both
 * versions named, nothing changed. After the load the schema is compared by substance, so a
 * restore onto a newer server reports it as equivalent together with what the target chose
 * (result attributes {@code restore.schema}, {@code restore.schema.targetChoices},
 * {@code restore.note}); see {@code docs/compatibility.md}.
 *
 * <p>Stored types: values the backup marked as 32-bit float arrays ({@code list<float32>}) are
 * written through {@code db.create.setNodeVectorProperty} / {@code setRelationshipVectorProperty} in
 * the same batches, so they are stored as {@code FloatArray} again, bit for bit; a target without
 * those procedures, or a vector with NaN or an infinity, gets them as 64-bit lists with a warning
 * naming label set and key. After the load the census of the restored database is compared with
 * the manifest's (see {@code docs/manifest.md}).
 *
 * <p>Everything streams: one line is parsed at a time and at most one batch is held. The last
 * batch is written only after the whole stream was read, its trailer checked and its end reached
 * (where the pipeline's verifying stream checks the checksum). Committed batches cannot be rolled
 * back: when the stream turns out to be damaged or truncated, or the server fails, the restore
 * throws and its message says that the database holds a partial restore that must be wiped and
 * restored again; it never reports success.
 *
 * <p>The driver belongs to the caller and is never closed. Instances are immutable.
 */
public final class DriverRestoreSink implements RestoreSink {

    private static final Logger LOG = LoggerFactory.getLogger(DriverRestoreSink.class);
    private static final int MAX_BATCH_CHARS = 16 * 1024 * 1024;
    private static final int QUERY_CACHE_SIZE = 1024;
    private static final int WIPE_BATCH = 10_000;

    private static final String LABEL = CypherNames.quote(GraphFormat.IMPORT_LABEL);
    private static final String KEY = CypherNames.quote(GraphFormat.IMPORT_KEY);

    private final Driver driver;
    private final String database;
    private final int batchSize;
    private final boolean wipe;
    private final boolean computeFingerprint;
    private final Duration transactionTimeout;
    private final Duration indexTimeout;

    private DriverRestoreSink(Builder b) {
        this.driver = b.driver;
        this.database = b.database;
        this.batchSize = b.batchSize;
        this.wipe = b.wipe;
        this.computeFingerprint = b.computeFingerprint;
        this.transactionTimeout = b.transactionTimeout;
        this.indexTimeout = b.indexTimeout;
    }

    /**
     * A builder for a sink writing through the given driver.
     *
     * @param driver the driver; owned by the caller, never closed by this library
     * @return the builder
     */
    public static Builder builder(Driver driver) {
        return new Builder(driver);
    }

    /**
     * A builder holding this sink's configuration.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(driver);
        b.database = database;
        b.batchSize = batchSize;
        b.wipe = wipe;
        b.computeFingerprint = computeFingerprint;
        b.transactionTimeout = transactionTimeout;
        b.indexTimeout = indexTimeout;
        return b;
    }

    /**
     * Accepts backups of the driver-only engine.
     *
     * @param sourceType the engine id from the manifest
     * @return {@code true} for {@value GraphFormat#ENGINE}
     */
    @Override
    public boolean accepts(String sourceType) {
        return GraphFormat.ENGINE.equals(sourceType);
    }

    /**
     * The target database.
     *
     * @return the database name
     */
    public String database() {
        return database;
    }

    /**
     * Rows per write transaction.
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Whether a non-empty target is wiped first.
     *
     * @return {@code true} to wipe
     */
    public boolean wipe() {
        return wipe;
    }

    /**
     * Whether the fingerprints are computed after the restore.
     *
     * @return {@code true} to compute them
     */
    public boolean computeFingerprint() {
        return computeFingerprint;
    }

    /**
     * Restores the backup stream into the database.
     *
     * @param data     the decoded stream in the graph format
     * @param manifest the backup's manifest, or {@code null} when restoring a bare stream
     * @return counts after the restore and attributes: {@code restore.nodesCreated},
     *         {@code restore.relationshipsCreated}, {@code restore.duration}, and the
     *         {@link Attributes#CONTENT_FINGERPRINT} and {@link Attributes#SCHEMA_FINGERPRINT} of
     *         the restored database (unless disabled; the content fingerprint in the version the
     *         manifest records), {@code restore.float32Values}, and the stored-type check
     *         ({@link CensusAttributes#CENSUS}, {@link CensusAttributes#MATCHES},
     *         {@link CensusAttributes#DIFFERENCES}, {@link CensusAttributes#WARNINGS})
     * @throws RestoreFailedException when stored types changed that the restore should have kept
     * @throws IOException         when the stream is not a valid backup or the server fails
     * @throws IntegrityException  when the verifying stream reports damage (the message says
     *                             whether the database holds a partial restore)
     * @throws BackupException     when the target is not empty and wiping is not enabled
     */
    @Override
    public SinkResult restore(InputStream data, Manifest manifest) throws IOException {
        Objects.requireNonNull(data, "data");
        String what = manifest == null ? "the backup" : "backup " + manifest.id();
        long started = System.nanoTime();
        RestorePhases phases = new RestorePhases();
        phases.start("prepare");
        GraphFileReader reader = new GraphFileReader(data);
        GraphRecord.Header header = reader.header();
        if (!header.database().equals(database)) {
            LOG.info("Restoring {} of database '{}' into database '{}'", what, header.database(), database);
        }
        SchemaPlan schemaPlan = SchemaPlan.prepare(driver, database, what, header, reader);
        TargetDatabase.Contents wiped = RestoreGuard.requireEmptyOrWipe(driver, database, wipe, WIPE_BATCH);
        Load load = new Load(what, !wiped.isEmpty(), schemaPlan, phases);
        try {
            load.run(reader);
        } catch (IntegrityException e) {
            throw new IntegrityException(load.partial(e.getMessage()), e);
        } catch (IOException e) {
            throw new IOException(load.partial(e.getMessage()), e);
        } catch (Neo4jException e) {
            throw new IOException(load.partial("the server failed: " + e.getMessage()), e);
        } catch (RestoreFailedException e) {
            throw new RestoreFailedException(load.partial(e.getMessage()), e.getCause());
        }
        load.requireComplete();
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("restore.nodesCreated", Long.toString(load.nodesCreated));
        attributes.put("restore.relationshipsCreated", Long.toString(load.relationshipsCreated));
        attributes.put("restore.schemaStatements", Long.toString(load.schemaApplied));
        GraphCounts counts;
        phases.start("verification");
        try {
            counts = TargetDatabase.counts(driver, database);
            if (computeFingerprint) {
                int version = GraphFingerprint.contentVersion(manifest == null ? Map.of()
                        : manifest.source().attributes());
                if (manifest == null || load.trailer.contentFingerprint() == null) {
                    version = GraphFingerprinter.CURRENT_VERSION;
                }
                if (version >= 1 && version <= GraphFingerprinter.CURRENT_VERSION) {
                    GraphFingerprint fingerprint = GraphFingerprint.compute(driver, database,
                            GraphFingerprint.Options.builder().contentVersion(version).build());
                    attributes.putAll(fingerprint.attributes());
                    compare(what, "content", load.trailer.contentFingerprint(), fingerprint.content().hex());
                    schemaPlan.compare(load.trailer.schemaFingerprint(), fingerprint.schema(), attributes);
                } else {
                    attributes.put("fingerprint.skipped", "the backup's content fingerprint has version " + version
                            + ", which this neo4j-backup does not compute");
                }
            }
            attributes.put("restore.float32Values", Long.toString(load.float32.written()));
            attributes.putAll(CensusAttributes.checkRestore(what, database, manifest,
                    StoredTypeCensus.read(driver, database), load.float32.widened(), load.float32.warnings(), LOG));
        } catch (Neo4jException | IOException e) {
            throw new IOException("Restore of " + what + " into database '" + database + "' wrote all data, but "
                    + "reading the counts and fingerprints afterwards failed: " + e.getMessage() + ". Check the "
                    + "server; verify the restored database before using it.", e);
        }
        phases.stop();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        attributes.put("restore.duration", took.toString());
        attributes.putAll(phases.attributes());
        LOG.info("Restored {} into database '{}': {} nodes, {} relationships, {} schema statements in {} ({})", what,
                database, load.nodesCreated, load.relationshipsCreated, load.schemaApplied, took, phases.describe());
        return new SinkResult(counts, attributes);
    }

    private void compare(String what, String kind, String expected, String actual) {
        if (expected != null && !expected.equals(actual)) {
            LOG.warn("Restore of {} into '{}': the {} fingerprint {} differs from the backup's {}", what, database,
                    kind, actual, expected);
        }
    }

    private TransactionConfig txConfig() {
        TransactionConfig.Builder b = TransactionConfig.builder().withMetadata(Map.of("app", "neo4j-backup"));
        if (transactionTimeout != null) {
            b.withTimeout(transactionTimeout);
        }
        return b.build();
    }

    @Override
    public String toString() {
        return "DriverRestoreSink[database=" + database + ", batchSize=" + batchSize + ", wipe=" + wipe
                + ", computeFingerprint=" + computeFingerprint + "]";
    }

    /** One restore run: the state of the load. */
    private final class Load {
        private final String what;
        private final List<GraphRecord.SchemaStatement> indexes = new ArrayList<>();
        private final Map<Group<List<String>>, List<Value>> nodeGroups = new LinkedHashMap<>();
        private final Map<Group<String>, List<Value>> relationshipGroups = new LinkedHashMap<>();
        private final Map<Group<List<String>>, String> nodeQueries = lru();
        private final Map<Group<String>, String> relationshipQueries = lru();
        private int pendingRows;
        private long pendingChars;
        private boolean started;
        private boolean touched;
        private boolean dataComplete;
        long nodesCreated;
        long relationshipsCreated;
        long relationshipsSkipped;
        long schemaApplied;
        GraphRecord.Trailer trailer;
        final Float32Writes float32;

        private final boolean wiped;
        private final SchemaPlan schemaPlan;
        private final RestorePhases phases;
        private String phase;

        Load(String what, boolean wiped, SchemaPlan schemaPlan, RestorePhases phases) {
            this.phases = phases;
            this.what = what;
            this.wiped = wiped;
            this.schemaPlan = schemaPlan;
            this.float32 = new Float32Writes(what, database);
        }

        void run(GraphFileReader reader) throws IOException {
            try (Session session = driver.session(SessionConfig.builder().withDatabase(database)
                    .withDefaultAccessMode(AccessMode.WRITE).build())) {
                GraphRecord record;
                while ((record = schemaPlan.next(reader)) != null) {
                    if (record instanceof GraphRecord.SchemaStatement s) {
                        phase("schema");
                        if (s.kind() == GraphRecord.SchemaKind.INDEX) {
                            indexes.add(s);
                        } else {
                            // LOOKUP indexes and constraints before the data
                            touched = true;
                            SchemaWriter.applyStatements(driver, database, List.of(s.cypher()));
                            schemaApplied++;
                        }
                        continue;
                    }
                    start(session);
                    if (record instanceof GraphRecord.Node n) {
                        phase("nodes");
                        addNode(session, n, reader.lastLineChars());
                    } else if (record instanceof GraphRecord.Relationship r) {
                        if (!nodeGroups.isEmpty()) {
                            flush(session); // every node must exist before relationships refer to them
                        }
                        phase("relationships");
                        addRelationship(session, r, reader.lastLineChars());
                    } else if (record instanceof GraphRecord.Trailer t) {
                        trailer = t;
                    }
                }
                // The stream was read to its verified end: only now write the last batch and finish.
                start(session);
                flush(session);
                phase("cleanup");
                cleanUp(session);
                dataComplete = true;
                phase("indexes");
                SchemaWriter.applyStatements(driver, database, indexes.stream().map(GraphRecord.SchemaStatement::cypher)
                        .toList());
                schemaApplied += indexes.size();
                SchemaWriter.awaitIndexes(driver, database, indexTimeout);
            }
        }

        private void phase(String name) {
            if (!name.equals(phase)) {
                phase = name;
                phases.start(name);
            }
        }

        private void start(Session session) {
            if (started) {
                return;
            }
            phase("schema");
            started = true;
            touched = true;
            autoCommit(session, "CREATE INDEX " + CypherNames.quote(GraphFormat.IMPORT_INDEX) + " IF NOT EXISTS FOR (n:"
                    + LABEL + ") ON (n." + KEY + ")");
            session.run(CypherLanguage.PREFIX + "CALL db.awaitIndex($name, $seconds)", Map.of("name", GraphFormat.IMPORT_INDEX,
                    "seconds", Math.max(1, indexTimeout.toSeconds()))).consume();
        }

        private void addNode(Session session, GraphRecord.Node n, int chars) throws IOException {
            if (n.labels().contains(GraphFormat.IMPORT_LABEL) || n.properties().containsKey(GraphFormat.IMPORT_KEY)) {
                throw new IOException("node " + n.key() + " uses the label " + GraphFormat.IMPORT_LABEL
                        + " or the property " + GraphFormat.IMPORT_KEY + ", which the restore reserves for itself");
            }
            if (pendingRows >= batchSize || pendingChars + chars > MAX_BATCH_CHARS) {
                flush(session);
            }
            Map<String, Object> row = new HashMap<>(4);
            row.put("k", n.key());
            boolean vectors = float32.split(session, row, n.properties(), n.storedTypes(), true,
                    n.storedTypes().isEmpty() ? null : StoredTypeCensus.nodeName(n.labels()));
            nodeGroups.computeIfAbsent(new Group<>(n.labels(), vectors), l -> new ArrayList<>()).add(Values.value(row));
            pendingRows++;
            pendingChars += chars;
        }

        private void addRelationship(Session session, GraphRecord.Relationship r, int chars) {
            if (pendingRows >= batchSize || pendingChars + chars > MAX_BATCH_CHARS) {
                flush(session);
            }
            Map<String, Object> row = new HashMap<>(4);
            row.put("s", r.start());
            row.put("e", r.end());
            boolean vectors = float32.split(session, row, r.properties(), r.storedTypes(), false,
                    r.storedTypes().isEmpty() ? null : StoredTypeCensus.relationshipName(r.type()));
            relationshipGroups.computeIfAbsent(new Group<>(r.type(), vectors), t -> new ArrayList<>())
                    .add(Values.value(row));
            pendingRows++;
            pendingChars += chars;
        }

        /** Writes the pending rows in one transaction. */
        private void flush(Session session) {
            if (pendingRows == 0) {
                return;
            }
            long nodes = 0;
            long relationships = 0;
            long expectedRelationships = 0;
            try (Transaction tx = session.beginTransaction(txConfig())) {
                for (Map.Entry<Group<List<String>>, List<Value>> g : nodeGroups.entrySet()) {
                    String query = nodeQueries.computeIfAbsent(g.getKey(), DriverRestoreSink::nodeQuery);
                    ResultSummary summary = tx.run(query, Map.of("rows", g.getValue())).consume();
                    nodes += summary.counters().nodesCreated();
                }
                for (Map.Entry<Group<String>, List<Value>> g : relationshipGroups.entrySet()) {
                    String query = relationshipQueries.computeIfAbsent(g.getKey(), DriverRestoreSink::relationshipQuery);
                    ResultSummary summary = tx.run(query, Map.of("rows", g.getValue())).consume();
                    relationships += summary.counters().relationshipsCreated();
                    expectedRelationships += g.getValue().size();
                }
                tx.commit();
            }
            nodesCreated += nodes;
            relationshipsCreated += relationships;
            if (relationships < expectedRelationships) {
                long skipped = expectedRelationships - relationships;
                relationshipsSkipped += skipped;
                LOG.error("Restore of {}: {} relationships refer to nodes that are not in the backup and could not be "
                        + "created; the restore will fail", what, skipped);
            }
            nodeGroups.clear();
            relationshipGroups.clear();
            pendingRows = 0;
            pendingChars = 0;
        }

        private void cleanUp(Session session) {
            session.run(CypherLanguage.PREFIX + "MATCH (n:" + LABEL + ") CALL { WITH n REMOVE n:" + LABEL + " REMOVE n." + KEY
                    + " } IN TRANSACTIONS OF " + Math.max(batchSize, 10_000) + " ROWS", txConfig()).consume();
            autoCommit(session, "DROP INDEX " + CypherNames.quote(GraphFormat.IMPORT_INDEX) + " IF EXISTS");
        }

        private void autoCommit(Session session, String cypher) {
            session.run(CypherLanguage.pin(cypher), txConfig()).consume();
        }

        /**
         * Fails the restore when it did not create everything the backup holds: relationships whose
         * end nodes are not in the backup (a backup of an older version taken while the database
         * changed), or totals that differ from the trailer's.
         */
        void requireComplete() {
            if (relationshipsSkipped == 0 && nodesCreated == trailer.nodes()
                    && relationshipsCreated == trailer.relationships()) {
                return;
            }
            throw new RestoreFailedException("Restore of " + what + " into database '" + database + "' could not "
                    + "create everything the backup holds: it created " + nodesCreated + " of " + trailer.nodes()
                    + " nodes and " + relationshipsCreated + " of " + trailer.relationships() + " relationships"
                    + (relationshipsSkipped > 0 ? " (" + relationshipsSkipped + " relationships refer to nodes that are "
                    + "not in the backup: it was taken while the database changed, by a version without the export "
                    + "closure)" : "") + ". The database holds this incomplete restore; do not use it as a copy of the "
                    + "backup: wipe it and restore another backup, or keep it knowing what is missing.", null,
                    GraphCounts.of(trailer.nodes(), trailer.relationships()),
                    GraphCounts.of(nodesCreated, relationshipsCreated));
        }

        /** The message for a failure, saying whether the database holds a partial restore. */
        String partial(String cause) {
            String c = cause == null ? "unknown error" : cause.strip();
            while (c.endsWith(".")) {
                c = c.substring(0, c.length() - 1);
            }
            if (!touched) {
                return "Restore of " + what + " into database '" + database + "' failed before anything was written: "
                        + c + "." + (wiped ? " The database had been wiped and is empty." : "");
            }
            if (dataComplete) {
                return "Restore of " + what + " into database '" + database + "' wrote all data (" + nodesCreated
                        + " nodes, " + relationshipsCreated + " relationships), but creating or populating the "
                        + "indexes failed: " + c + ". Check SHOW INDEXES and create the missing ones, or wipe the "
                        + "database and restore again.";
            }
            return "Restore of " + what + " into database '" + database + "' failed: " + c + ". The database now "
                    + "holds a PARTIAL restore (" + nodesCreated + " nodes and " + relationshipsCreated
                    + " relationships were committed; nodes still carry the temporary label " + GraphFormat.IMPORT_LABEL
                    + "). Do not use it: wipe it and restore a good backup again (e.g. with wipe(true)).";
        }
    }

    /** A batch group: rows of one label set (or type), with or without 32-bit float vectors. */
    private record Group<K>(K key, boolean vectors) {
    }

    private static String nodeQuery(Group<List<String>> group) {
        String query = nodeQuery(group.key());
        return group.vectors() ? query + Float32Writes.nodeSuffix() : query;
    }

    private static String relationshipQuery(Group<String> group) {
        String query = relationshipQuery(group.key());
        return group.vectors() ? query + Float32Writes.relationshipSuffix() : query;
    }

    static String nodeQuery(List<String> labels) {
        StringBuilder sb = new StringBuilder(CypherLanguage.PREFIX + "UNWIND $rows AS row CREATE (n:").append(LABEL);
        for (String label : labels) {
            sb.append(':').append(CypherNames.quote(label));
        }
        return sb.append(") SET n = row.p, n.").append(KEY).append(" = row.k").toString();
    }

    static String relationshipQuery(String type) {
        return CypherLanguage.PREFIX + "UNWIND $rows AS row MATCH (a:" + LABEL + " {" + KEY + ": row.s}) MATCH (b:" + LABEL + " {" + KEY
                + ": row.e}) CREATE (a)-[r:" + CypherNames.quote(type) + "]->(b) SET r = row.p";
    }

    private static <K> Map<K, String> lru() {
        return new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, String> eldest) {
                return size() > QUERY_CACHE_SIZE;
            }
        };
    }

    /** Builds an immutable {@link DriverRestoreSink}. Not thread-safe. */
    public static final class Builder {
        private final Driver driver;
        private String database = "neo4j";
        private int batchSize = 2000;
        private boolean wipe;
        private boolean computeFingerprint = true;
        private Duration transactionTimeout;
        private Duration indexTimeout = Duration.ofHours(1);

        private Builder(Driver driver) {
            this.driver = Objects.requireNonNull(driver, "driver");
        }

        /**
         * The database to restore into (default {@code neo4j}); it must exist.
         *
         * @param value the database name
         * @return this builder
         * @throws InvalidInputException when the name is not valid
         */
        public Builder database(String value) {
            this.database = DatabaseName.validate(value);
            return this;
        }

        /**
         * Rows (nodes or relationships) per write transaction (default 2000); a batch is also
         * cut at about 16 Mi characters of backup text, so embedding-heavy graphs stay bounded.
         *
         * @param value 1 to 100,000
         * @return this builder
         * @throws InvalidInputException when out of range
         */
        public Builder batchSize(int value) {
            if (value < 1 || value > 100_000) {
                throw new InvalidInputException("batchSize must be between 1 and 100000, was " + value);
            }
            this.batchSize = value;
            return this;
        }

        /**
         * Whether to wipe a non-empty target database first (default {@code false}: a non-empty
         * database is refused and left untouched).
         *
         * @param value {@code true} to delete all data, indexes and constraints of the target first
         * @return this builder
         */
        public Builder wipe(boolean value) {
            this.wipe = value;
            return this;
        }

        /**
         * Whether to compute the content and schema fingerprints of the restored database
         * (default {@code true}; costs one more read of the whole graph).
         *
         * @param value {@code true} to compute them
         * @return this builder
         */
        public Builder computeFingerprint(boolean value) {
            this.computeFingerprint = value;
            return this;
        }

        /**
         * The timeout of each write transaction (default: the server's {@code db.transaction.timeout}).
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
         * How long to wait for indexes to come online after the data is loaded (default 1 hour).
         *
         * @param value a positive duration
         * @return this builder
         * @throws InvalidInputException when not positive
         */
        public Builder indexTimeout(Duration value) {
            this.indexTimeout = Durations.positive("indexTimeout", value);
            return this;
        }

        /**
         * Builds the sink.
         *
         * @return the sink
         */
        public DriverRestoreSink build() {
            return new DriverRestoreSink(this);
        }
    }
}
