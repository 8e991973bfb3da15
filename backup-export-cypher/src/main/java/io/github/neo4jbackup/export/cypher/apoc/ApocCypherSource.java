package io.github.neo4jbackup.export.cypher.apoc;

import io.github.neo4jbackup.core.DatabaseName;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.export.cypher.census.StoredTypeCensus;
import io.github.neo4jbackup.export.cypher.internal.Durations;
import io.github.neo4jbackup.export.cypher.internal.StallWatchdog.StalledException;
import io.github.neo4jbackup.export.cypher.internal.StallWatchdog;
import io.github.neo4jbackup.export.cypher.restore.TargetDatabase;
import io.github.neo4jbackup.export.cypher.schema.DatabaseSchema;
import io.github.neo4jbackup.export.cypher.schema.SchemaReader;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.Neo4jException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Backs up a database with APOC's streaming Cypher export ({@code apoc.export.cypher.all} with
 * {@code stream: true, format: 'cypher-shell'} and {@code UNWIND_BATCH} optimizations) into a
 * self-contained script that {@code cypher-shell -f} or
 * {@link io.github.neo4jbackup.export.cypher.script.CypherScriptSink} replays into an empty database.
 * Engine id {@value #TYPE}, file extension {@value #EXTENSION}.
 *
 * <pre>{@code
 * BackupSource source = ApocCypherSource.builder(driver).database("neo4j").build();
 * BackupPipeline.builder().source(source).transform(Compression.zstd(3)).target(target).build().backup();
 * }</pre>
 *
 * <p><b>Streaming.</b> APOC returns one row per batch of {@link Builder#batchSize(int)} entities; the
 * source reads <em>every</em> row (fetch size 1) and writes each row's statements as it arrives, so
 * memory is bounded by one batch, not by the database. APOC 5.26 reports running totals of the
 * exported nodes and relationships on each row; the totals of the last row are compared with the
 * database's counts (count store) taken before and after the export, so a stream that ends early
 * (APOC's producer failing or timing out ends the stream without an error) fails the backup instead
 * of storing a truncated script.
 *
 * <p><b>Schema (design choice).</b> APOC's own schema statements are incomplete: it does not export
 * vector indexes, loses the names of range, text and point indexes, drops the options of fulltext
 * indexes (analyzer, eventual consistency) and writes no {@code IF NOT EXISTS}. This source therefore
 * <em>removes</em> every schema statement APOC emits, except those of APOC's temporary
 * {@code UNIQUE IMPORT LABEL} / {@code UNIQUE IMPORT ID} constraint ({@code UNIQUE_IMPORT_NAME}),
 * which the data statements rely on and which APOC drops again at the end. In their place it writes
 * the complete, idempotent DDL of the schema read with
 * {@link io.github.neo4jbackup.export.cypher.schema.SchemaReader}: LOOKUP indexes and constraints
 * (with names and options) before the data, every other index (with names and full options) after the
 * data, followed by {@code CALL db.awaitIndexes(..)}. The restored schema fingerprint therefore equals
 * the source's ({@link Attributes#SCHEMA_FINGERPRINT}).
 *
 * <p><b>Names with backticks.</b> APOC 5.26 writes a label, type or property key containing a backtick
 * without escaping it ({@code `a`b`} instead of {@code `a``b`}), which makes the script invalid. The
 * source repairs that quoting for the names the database has (see {@code apoc.repairedNames}).
 *
 * <p><b>Consistency.</b> A logical export is not a snapshot: Neo4j reads at read-committed, so an
 * export taken while the application writes can be internally inconsistent. The manifest records
 * {@link Attributes#CONSISTENCY} {@code = read-committed}; when the counts or the schema differ between
 * before and after the export, {@link Attributes#CHANGED_DURING_EXPORT} is {@code true} and a warning
 * is logged. Unlike the driver engine's, APOC's script is not made self-consistent: written during
 * the export, it can hold a relationship statement whose end node it does not hold, which a replay
 * silently skips; the restore of such a backup therefore fails with the numbers
 * ({@link io.github.neo4jbackup.core.RestoreFailedException}) instead of reporting success. Quiesce
 * the writers, or use the driver engine, for online backups (see {@code docs/consistency.md}).
 *
 * <p><b>Stored types.</b> The source takes the stored-type census ({@code db.schema.nodeTypeProperties()},
 * {@code relTypeProperties()}) and records it in the manifest. APOC writes a 32-bit float array
 * ({@code FloatArray}, e.g. a vector set with {@code db.create.setNodeVectorProperty}) as the floats'
 * shortest decimals, which a replay stores as 64-bit floats; for every label set / relationship type
 * whose key holds only {@code FloatArray} values, the script therefore ends its data with a statement
 * that re-sets them through the vector-property procedure in transactions of 500 rows, which narrows each
 * element back to the original 32-bit float, bit for bit. Known limitations (recorded as
 * {@value #LIMITATIONS} and, per label set and key, in {@code census.warnings}): byte arrays
 * ({@code byte[]}) are written as lists of integers and come back as {@code long[]}; keys that hold
 * both 32-bit and 64-bit float arrays come back as 64-bit; narrow integer and float types come back
 * widened. A restore compares the census and fails when a type changed that should not have.
 *
 * <p><b>Faults.</b> A server that stops or a connection that breaks fails the export with a
 * {@link SourceFailedException} whose message names the database and what to do; nothing is
 * stored. The driver has no read timeout, so a connection that <em>stalls</em> is ended by the export
 * itself after {@link Builder#stallTimeout(Duration)} without an answer (default 5 minutes). For
 * this the export runs on a daemon worker thread ({@code neo4j-backup-export}) supervised by the
 * calling thread; interrupting the calling thread still cancels it.
 *
 * <p>Requires APOC core 5.x on the server with {@code apoc.export.cypher.all} allowed; a missing or
 * too old APOC fails fast with an {@link InvalidInputException} that names the driver-only engine.
 * The driver belongs to the caller and is never closed. Immutable and thread-safe.
 *
 * <p>This class holds the configuration and the export's phases; what the script holds, in order,
 * is in {@code ApocScript}, the server checks in {@code ApocProbe}, the totals check in
 * {@code ApocTotals} and the wording of failures in {@code ApocFailures}.
 */
public final class ApocCypherSource implements BackupSource {

    /** The engine id recorded in manifests. */
    public static final String TYPE = "cypher-apoc";

    /** The file extension of the raw script. */
    public static final String EXTENSION = "cypher";

    /** Manifest attribute: the APOC version that wrote the script. */
    public static final String APOC_VERSION = "apoc.version";

    /** Manifest attribute: what APOC's encoding does not preserve. */
    public static final String LIMITATIONS = "apoc.limitations";

    /** Manifest attribute: how many result rows (batches) APOC returned. */
    public static final String ROWS = "apoc.rows";

    /** Manifest attribute: how many names had their backtick quoting repaired (only when there were any). */
    public static final String REPAIRED_NAMES = "apoc.repairedNames";

    /** Manifest attribute: how many of APOC's own schema statements were replaced by complete DDL. */
    public static final String SCHEMA_REPLACED = "apoc.schemaStatementsReplaced";

    /** Manifest attribute: how many post-data statements restore 32-bit float arrays in their stored type. */
    public static final String FLOAT32_PASS = "apoc.float32Statements";

    /** The text of {@value #LIMITATIONS}. */
    public static final String LIMITATIONS_TEXT = "byte arrays are restored as integer lists (long[]); "
            + "32-bit float arrays are written as 64-bit floats and narrowed back to 32-bit after the data "
            + "(exact), except under keys that also hold 64-bit float arrays (those stay 64-bit)";

    /** The APOC procedure that streams the export. */
    static final String PROCEDURE = "apoc.export.cypher.all";

    private static final Logger LOG = LoggerFactory.getLogger(ApocCypherSource.class);

    private final Driver driver;
    private final String database;
    private final int batchSize;
    private final int unwindBatchSize;
    private final Duration transactionTimeout;
    private final Duration apocTimeout;
    private final Duration awaitIndexesTimeout;
    private final Duration stallTimeout;

    private ApocCypherSource(Builder b) {
        this.driver = b.driver;
        this.database = b.database;
        this.batchSize = b.batchSize;
        this.unwindBatchSize = b.unwindBatchSize;
        this.transactionTimeout = b.transactionTimeout;
        this.apocTimeout = b.apocTimeout;
        this.awaitIndexesTimeout = b.awaitIndexesTimeout;
        this.stallTimeout = b.stallTimeout;
    }

    /**
     * A builder for a source reading through {@code driver}.
     *
     * @param driver the driver; owned by the caller, never closed here
     * @return the builder
     */
    public static Builder builder(Driver driver) {
        return new Builder(driver);
    }

    /**
     * A builder holding this source's configuration, to make a variant.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(driver);
        b.database = database;
        b.batchSize = batchSize;
        b.unwindBatchSize = unwindBatchSize;
        b.transactionTimeout = transactionTimeout;
        b.apocTimeout = apocTimeout;
        b.awaitIndexesTimeout = awaitIndexesTimeout;
        b.stallTimeout = stallTimeout;
        return b;
    }

    /**
     * {@value #TYPE}.
     *
     * @return the engine id
     */
    @Override
    public String type() {
        return TYPE;
    }

    /**
     * The database backed up.
     *
     * @return the database name
     */
    @Override
    public String database() {
        return database;
    }

    /**
     * {@value #EXTENSION}.
     *
     * @return the extension
     */
    @Override
    public String extension() {
        return EXTENSION;
    }

    /**
     * Exports the database as a cypher-shell script into {@code out}.
     *
     * @param out     where to write (UTF-8); not closed
     * @param context progress (nodes and relationships exported) and cancellation
     * @return versions, counts, fingerprint and attributes for the manifest
     * @throws InvalidInputException when APOC is missing, too old or its export procedure is not allowed
     * @throws SourceFailedException when the export fails or ends early (counts do not match), or the
     *                               server did not answer within {@link Builder#stallTimeout(Duration)}
     * @throws IOException           when writing fails or the backup is cancelled
     */
    @Override
    public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
        Objects.requireNonNull(out, "out");
        ExportContext ctx = context == null ? ExportContext.NONE : context;
        try {
            return StallWatchdog.run(stallTimeout, out, (o, watchdog) -> export(o, ctx, watchdog));
        } catch (StalledException e) {
            throw ApocFailures.stalled(database, e);
        }
    }

    private SourceDescription export(OutputStream out, ExportContext ctx, StallWatchdog watchdog) throws IOException {
        ApocProbe probe = watchdog.call("the APOC version", () -> ApocProbe.read(driver, database));
        GraphCounts before = watchdog.call("the counts", () -> TargetDatabase.counts(driver, database));
        DatabaseSchema schema = watchdog.call("the schema", () -> SchemaReader.read(driver, database));
        StoredTypeCensus census = watchdog.call("the stored-type census", () -> StoredTypeCensus.read(driver, database));
        IdentifierRepair repair = IdentifierRepair.forNames(probe.names());
        int rowBatch = RowBudget.batchSize(batchSize, schema.indexes(), census);
        if (rowBatch < batchSize) {
            LOG.info("APOC export of database '{}': {} entities per row instead of {}, because the database holds "
                    + "float lists (vectors) that APOC writes as text", database, rowBatch, batchSize);
        }
        LOG.info("APOC {} export of database '{}' started ({} nodes, {} relationships, batch size {})",
                probe.apocVersion(), database, before.nodes(), before.relationships(), rowBatch);

        ApocScript script = new ApocScript(out, database);
        script.beforeData(probe, schema);
        ApocScript.Copy copy;
        SessionConfig config = SessionConfig.builder().withDatabase(database).withDefaultAccessMode(AccessMode.READ)
                .withFetchSize(1).build();
        try (Session session = driver.session(config)) {
            Result result = watchdog.call("the first rows of APOC's export", () -> session.run(ApocQuery.TEXT,
                    Map.of("config", ApocQuery.config(rowBatch, unwindBatchSize, apocTimeout)),
                    ApocQuery.transaction(transactionTimeout)));
            ApocRowReader rows = new ApocRowReader(result, r -> watchdog.hasNext(r, "APOC's export rows"), repair, ctx);
            copy = script.copy(rows);
            watchdog.call("the end of APOC's export", result::consume);
        } catch (ClientException e) {
            if (ApocFailures.isProcedureMissing(e)) {
                throw ApocFailures.noApoc(database, "the procedure " + PROCEDURE + " is not available: "
                        + ApocFailures.firstLine(e), e);
            }
            throw ApocFailures.exportFailed(database, e);
        } catch (Neo4jException e) {
            throw ApocFailures.exportFailed(database, e);
        }
        List<String> float32Pass = Float32Pass.statements(census);
        script.afterData(float32Pass, schema, awaitIndexesTimeout);

        GraphCounts after;
        DatabaseSchema schemaAfter;
        try {
            after = watchdog.call("the counts", () -> TargetDatabase.counts(driver, database));
            schemaAfter = watchdog.call("the schema", () -> SchemaReader.read(driver, database));
        } catch (Neo4jException e) {
            throw ApocFailures.afterStreamFailed(database, e);
        }
        GraphCounts counts = ApocTotals.check(database, copy, before, after);
        boolean changed = ApocTotals.changed(database, before, after, schema, schemaAfter);

        Map<String, String> attributes = ApocAttributes.of(driver, database, probe, schema, changed, census,
                float32Pass.size(), copy, rowBatch, unwindBatchSize, repair);
        LOG.info("APOC export of database '{}' finished: {} nodes, {} relationships, {} rows, {} statements",
                database, counts.nodes(), counts.relationships(), copy.rows(), copy.statements());
        return new SourceDescription(TYPE, probe.apocVersion(), probe.neo4jVersion(), probe.edition(), database, counts,
                attributes);
    }

    @Override
    public String toString() {
        return "ApocCypherSource[database=" + database + ", batchSize=" + batchSize + ", unwindBatchSize="
                + unwindBatchSize + "]";
    }

    /** Builds an {@link ApocCypherSource}. Not thread-safe. */
    public static final class Builder {
        private final Driver driver;
        private String database = "neo4j";
        private int batchSize = 10_000;
        private int unwindBatchSize = 100;
        private Duration transactionTimeout;
        private Duration apocTimeout = Duration.ofMinutes(10);
        private Duration awaitIndexesTimeout = Duration.ofHours(1);
        private Duration stallTimeout = Duration.ofMinutes(5);

        private Builder(Driver driver) {
            this.driver = Objects.requireNonNull(driver, "driver");
        }

        /**
         * The database to back up (default {@code neo4j}).
         *
         * @param value the database name
         * @return this builder
         * @throws InvalidInputException when the name is invalid
         */
        public Builder database(String value) {
            this.database = DatabaseName.validate(value);
            return this;
        }

        /**
         * APOC's {@code batchSize}: entities per result row and per {@code :begin}/{@code :commit} block
         * of the script (default 10,000). Memory on both sides grows with it.
         *
         * @param value the batch size
         * @return this builder
         * @throws InvalidInputException when not positive
         */
        public Builder batchSize(int value) {
            if (value < 1) {
                throw new InvalidInputException("batchSize must be positive, was " + value);
            }
            this.batchSize = value;
            return this;
        }

        /**
         * APOC's {@code unwindBatchSize}: rows per {@code UNWIND} statement (default 100).
         *
         * @param value the batch size
         * @return this builder
         * @throws InvalidInputException when not positive
         */
        public Builder unwindBatchSize(int value) {
            if (value < 1) {
                throw new InvalidInputException("unwindBatchSize must be positive, was " + value);
            }
            this.unwindBatchSize = value;
            return this;
        }

        /**
         * The timeout of the export query's transaction; default: the server's setting.
         *
         * @param value the timeout, or {@code null} for the server's default
         * @return this builder
         * @throws InvalidInputException when not positive
         */
        public Builder transactionTimeout(Duration value) {
            this.transactionTimeout = Durations.positiveOrNull("transactionTimeout", value);
            return this;
        }

        /**
         * APOC's {@code timeoutSeconds}: how long APOC's producer and the streaming result wait for each
         * other (default 10 minutes; APOC's own default is 100 s). A slow consumer (a slow upload)
         * beyond it ends APOC's stream early, which the count check then reports.
         *
         * @param value the timeout
         * @return this builder
         * @throws InvalidInputException when not positive
         */
        public Builder apocTimeout(Duration value) {
            this.apocTimeout = Durations.positive("apocTimeout", value);
            return this;
        }

        /**
         * How long the script's final {@code CALL db.awaitIndexes(..)} waits for the indexes to come
         * online during a restore (default 1 hour).
         *
         * @param value the timeout
         * @return this builder
         * @throws InvalidInputException when not positive
         */
        public Builder awaitIndexesTimeout(Duration value) {
            this.awaitIndexesTimeout = Durations.positive("awaitIndexesTimeout", value);
            return this;
        }

        /**
         * How long the export waits for one answer of the server (the next row of APOC's stream,
         * the reply to a query) before it gives up (default 5 minutes; it must exceed the time APOC
         * needs to produce one batch). The driver has no read timeout: without this, a connection
         * that stalls (a network that stops delivering packets without closing the connection, a
         * frozen server) would block the backup, and the repository lock, forever. When the time
         * passes, the export terminates the connection and fails with a
         * {@link SourceFailedException} naming the stall; nothing is stored. Time spent writing the
         * output is not counted.
         *
         * @param value a positive duration
         * @return this builder
         * @throws InvalidInputException when not positive
         */
        public Builder stallTimeout(Duration value) {
            this.stallTimeout = Durations.positive("stallTimeout", value);
            return this;
        }

        /**
         * Builds the source.
         *
         * @return the source
         */
        public ApocCypherSource build() {
            return new ApocCypherSource(this);
        }
    }
}
