package io.github.neo4jbackup.export.cypher.driver;

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
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Driver;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.exceptions.Neo4jException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;

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
 * <p>This class holds the configuration and the export's phases; the read transaction and what
 * becomes of each record are in {@code ExportTransaction}, the consistency verdict in
 * {@code ExportConsistency}, the wording of failures in {@code ExportFailures}.
 */
public final class DriverExportSource implements BackupSource {

    private static final Logger LOG = LoggerFactory.getLogger(DriverExportSource.class);
    private static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(5);

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
            throw ExportFailures.stalled(database, e);
        }
    }

    private SourceDescription export(OutputStream out, ExportContext ctx, StallWatchdog watchdog) throws IOException {
        long started = System.nanoTime();
        Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        TransactionConfig txConfig = transactionConfig();
        ExportProgress progress = new ExportProgress(ctx, database);

        ServerInfo server;
        GraphCounts before;
        try {
            server = watchdog.call("the server version", () -> ServerInfo.probe(driver, database));
            before = watchdog.call("the counts", () -> TargetDatabase.counts(driver, database));
        } catch (Neo4jException e) {
            throw ExportFailures.of(database, "reading the counts", progress, e);
        }
        if (beforeStreaming != null) {
            beforeStreaming.run();
        }

        GraphFileWriter writer = new GraphFileWriter(out);
        ExportTransaction read = new ExportTransaction(database, watchdog, writer, progress);
        SessionConfig sessionConfig = SessionConfig.builder().withDatabase(database)
                .withDefaultAccessMode(AccessMode.READ).withFetchSize(fetchSize).build();
        read.run(driver, sessionConfig, txConfig, new GraphRecord.Header(GraphFormat.VERSION, database,
                server.version(), server.edition(), createdAt.toString()), beforeRelationships, afterClosure);
        progress.flush();

        GraphCounts after;
        try {
            after = watchdog.call("the counts", () -> TargetDatabase.counts(driver, database));
        } catch (Neo4jException e) {
            throw ExportFailures.of(database, "reading the counts after the export", progress.with(writer), e);
        }
        GraphCounts exported = new GraphCounts(writer.nodes(), writer.relationships(), writer.labelCounts(),
                writer.typeCounts());
        Map<String, String> attributes = ExportConsistency.attributes(database, before, exported, after,
                read.closure(), read.fingerprint().danglingRelationship(), failOnConcurrentChange);
        attributes.put("format", GraphFormat.NAME + "/" + GraphFormat.VERSION);
        String content = read.fingerprint().hex();
        writer.finish(content, read.schemaFingerprint());
        if (content != null) {
            attributes.put(Attributes.CONTENT_FINGERPRINT, content);
        }
        attributes.put(Attributes.SCHEMA_FINGERPRINT, read.schemaFingerprint());
        attributes.put(GraphFingerprint.CONTENT_VERSION, Integer.toString(GraphFingerprinter.CURRENT_VERSION));
        attributes.putAll(CensusAttributes.backup(read.census(), true, read.float32Values(), database, LOG));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        attributes.put("export.duration", took.toString());
        LOG.info("Exported database '{}': {} nodes, {} relationships, {} schema statements in {}", database,
                writer.nodes(), writer.relationships(), read.schemaStatements(), took);
        if (server.defaultLanguage() != null) {
            attributes.put(ServerInfo.DEFAULT_LANGUAGE_ATTRIBUTE, server.defaultLanguage());
        }
        return new SourceDescription(GraphFormat.ENGINE, GraphFormat.NAME + "/" + GraphFormat.VERSION,
                server.version(), server.edition(), database, exported, attributes);
    }

    private TransactionConfig transactionConfig() {
        TransactionConfig.Builder b = TransactionConfig.builder().withMetadata(Map.of("app", "neo4j-backup"));
        if (transactionTimeout != null) {
            b.withTimeout(transactionTimeout);
        }
        return b.build();
    }

    @Override
    public String toString() {
        return "DriverExportSource[database=" + database + ", fetchSize=" + fetchSize + ", transactionTimeout="
                + transactionTimeout + ", stallTimeout=" + stallTimeout + ", failOnConcurrentChange="
                + failOnConcurrentChange + "]";
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
