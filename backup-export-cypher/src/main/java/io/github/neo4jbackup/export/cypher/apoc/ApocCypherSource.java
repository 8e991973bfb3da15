package io.github.neo4jbackup.export.cypher.apoc;

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
import io.github.neo4jbackup.export.cypher.internal.Durations;
import io.github.neo4jbackup.export.cypher.internal.StallWatchdog.StalledException;
import io.github.neo4jbackup.export.cypher.internal.StallWatchdog;
import io.github.neo4jbackup.export.cypher.restore.TargetDatabase;
import io.github.neo4jbackup.export.cypher.schema.DatabaseSchema;
import io.github.neo4jbackup.export.cypher.schema.SchemaReader;
import io.github.neo4jbackup.export.cypher.schema.SchemaWriter;
import io.github.neo4jbackup.export.cypher.script.CypherStatementSplitter;
import io.github.neo4jbackup.export.cypher.script.MalformedScriptException;
import io.github.neo4jbackup.export.cypher.script.ScriptElement;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.Neo4jException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.SessionExpiredException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
 * <p>This file is longer than most: the export call, the totals check against the database and the
 * script's appended schema and float32 passes share the one streaming loop and are kept together so
 * that what the script holds can be read in one place.
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

    /** The engine to use instead when APOC is not available. */
    static final String DRIVER_ALTERNATIVE = "the driver engine (--engine driver on the command line, engine id "
            + "\"cypher-driver\"), which needs no server plugin";

    private static final Logger LOG = LoggerFactory.getLogger(ApocCypherSource.class);
    private static final String PROCEDURE = "apoc.export.cypher.all";
    private static final String UNIQUE_IMPORT_LABEL = "UNIQUE IMPORT LABEL";
    private static final String UNIQUE_IMPORT_CONSTRAINT = "UNIQUE_IMPORT_NAME";

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
            throw new SourceFailedException("APOC's export of database '" + database + "' failed: " + e.getMessage()
                    + ". Nothing was stored; check the network between this host and the server and the server's "
                    + "health, then run the backup again (raise stallTimeout if the server legitimately needs longer "
                    + "to produce a batch).", e);
        }
    }

    private SourceDescription export(OutputStream out, ExportContext ctx, StallWatchdog watchdog) throws IOException {
        Probe probe = watchdog.call("the APOC version", this::probe);
        GraphCounts before = watchdog.call("the counts", () -> TargetDatabase.counts(driver, database));
        DatabaseSchema schema = watchdog.call("the schema", () -> SchemaReader.read(driver, database));
        StoredTypeCensus census = watchdog.call("the stored-type census", () -> StoredTypeCensus.read(driver, database));
        IdentifierRepair repair = IdentifierRepair.forNames(probe.names);
        int rowBatch = RowBudget.batchSize(batchSize, schema.indexes(), census);
        if (rowBatch < batchSize) {
            LOG.info("APOC export of database '{}': {} entities per row instead of {}, because the database holds "
                    + "float lists (vectors) that APOC writes as text", database, rowBatch, batchSize);
        }
        LOG.info("APOC {} export of database '{}' started ({} nodes, {} relationships, batch size {})",
                probe.apocVersion, database, before.nodes(), before.relationships(), rowBatch);

        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        writer.write("// neo4j-backup " + TYPE + ": database '" + database + "', Neo4j " + probe.neo4jVersion + " "
                + probe.edition + ", APOC " + probe.apocVersion + ".\n// Replay into an empty database with "
                + "cypher-shell -f, or with CypherScriptSink.\n");
        writeDdl(writer, "Constraints and LOOKUP indexes (complete DDL read by neo4j-backup)",
                SchemaWriter.statements(schema, SchemaWriter.Phase.BEFORE_DATA));

        Rewrite rewrite;
        SessionConfig config = SessionConfig.builder().withDatabase(database).withDefaultAccessMode(AccessMode.READ)
                .withFetchSize(1).build();
        try (Session session = driver.session(config)) {
            Result result = watchdog.call("the first rows of APOC's export", () -> session.run(CypherLanguage.PREFIX + "CALL " + PROCEDURE + "(null, $config) "
                    + "YIELD batches, nodes, relationships, source, cypherStatements "
                    + "RETURN batches, nodes, relationships, source, cypherStatements",
                    Map.of("config", apocConfig(rowBatch)), transactionConfig()));
            ApocRowReader rows = new ApocRowReader(result, r -> watchdog.hasNext(r, "APOC's export rows"), repair, ctx);
            rewrite = rewrite(rows, writer);
            watchdog.call("the end of APOC's export", result::consume);
        } catch (ClientException e) {
            if (isProcedureMissing(e)) {
                throw noApoc("the procedure " + PROCEDURE + " is not available: " + firstLine(e), e);
            }
            throw exportFailed(e);
        } catch (Neo4jException e) {
            throw exportFailed(e);
        }

        List<String> float32Pass = Float32Pass.statements(census);
        writeDdl(writer, "32-bit float arrays (FloatArray in the source, e.g. vectors): the data above holds them as "
                + "64-bit floats; each element is the float's shortest decimal, which narrows back to the same float",
                float32Pass);
        writeDdl(writer, "Indexes (complete DDL read by neo4j-backup), created after the data",
                SchemaWriter.statements(schema, SchemaWriter.Phase.AFTER_DATA));
        writer.write("CALL db.awaitIndexes(" + Math.max(1, awaitIndexesTimeout.toSeconds()) + ");\n");
        writer.flush();

        GraphCounts after;
        DatabaseSchema schemaAfter;
        try {
            after = watchdog.call("the counts", () -> TargetDatabase.counts(driver, database));
            schemaAfter = watchdog.call("the schema", () -> SchemaReader.read(driver, database));
        } catch (Neo4jException e) {
            throw new SourceFailedException("APOC's export of database '" + database + "' failed: reading the counts "
                    + "after APOC's stream ended failed: " + firstLine(e) + ". The server stopped or the connection "
                    + "broke. Nothing was stored; check that the server is running and reachable, then run the backup "
                    + "again.", e);
        }
        GraphCounts counts = checkTotals(rewrite, before, after);
        boolean changed = before.nodes() != after.nodes() || before.relationships() != after.relationships()
                || !before.labels().equals(after.labels()) || !before.types().equals(after.types())
                || !schema.fingerprint().equals(schemaAfter.fingerprint());
        if (changed) {
            LOG.warn("Database '{}' changed while APOC exported it (before: {} nodes, {} relationships, schema {}; "
                            + "after: {} nodes, {} relationships, schema {}): the backup is not a consistent snapshot",
                    database, before.nodes(), before.relationships(), schema.fingerprint(), after.nodes(),
                    after.relationships(), schemaAfter.fingerprint());
        }

        Map<String, String> attributes = new HashMap<>();
        attributes.put(Attributes.CONSISTENCY, "read-committed");
        attributes.put(Attributes.CHANGED_DURING_EXPORT, Boolean.toString(changed));
        attributes.put(Attributes.SCHEMA_FINGERPRINT, schema.fingerprint());
        attributes.put(APOC_VERSION, probe.apocVersion);
        try {
            String language = ServerInfo.probe(driver, database).defaultLanguage();
            if (language != null) {
                attributes.put(ServerInfo.DEFAULT_LANGUAGE_ATTRIBUTE, language);
            }
        } catch (Neo4jException e) {
            LOG.debug("Could not read the default language of database '{}': {}", database, e.getMessage());
        }
        attributes.put(LIMITATIONS, LIMITATIONS_TEXT);
        attributes.putAll(CensusAttributes.backup(census, true, -1, database, LOG));
        attributes.put(FLOAT32_PASS, Integer.toString(float32Pass.size()));
        attributes.put(ROWS, Long.toString(rewrite.rows));
        attributes.put(SCHEMA_REPLACED, Long.toString(rewrite.schemaStatementsRemoved));
        attributes.put("apoc.batchSize", Integer.toString(rowBatch));
        attributes.put("apoc.unwindBatchSize", Integer.toString(unwindBatchSize));
        attributes.put("apoc.statements", Long.toString(rewrite.statements));
        if (repair.affectedNames() > 0) {
            attributes.put(REPAIRED_NAMES, Integer.toString(repair.affectedNames()));
        }
        LOG.info("APOC export of database '{}' finished: {} nodes, {} relationships, {} rows, {} statements",
                database, counts.nodes(), counts.relationships(), rewrite.rows, rewrite.statements);
        return new SourceDescription(TYPE, probe.apocVersion, probe.neo4jVersion, probe.edition, database, counts,
                attributes);
    }

    private Map<String, Object> apocConfig(int rowBatch) {
        Map<String, Object> config = new HashMap<>();
        config.put("stream", true);
        config.put("format", "cypher-shell");
        config.put("batchSize", rowBatch);
        config.put("useOptimizations", Map.of("type", "UNWIND_BATCH", "unwindBatchSize", unwindBatchSize));
        config.put("timeoutSeconds", Math.max(1, apocTimeout.toSeconds()));
        return config;
    }

    private TransactionConfig transactionConfig() {
        return transactionTimeout == null ? TransactionConfig.empty()
                : TransactionConfig.builder().withTimeout(transactionTimeout).build();
    }

    private static void writeDdl(Writer writer, String comment, List<String> statements) throws IOException {
        if (statements.isEmpty()) {
            return;
        }
        writer.write("// " + comment + "\n");
        for (String ddl : statements) {
            writer.write(ddl);
            writer.write(";\n");
        }
    }

    /** What the rewrite of APOC's stream saw. */
    private record Rewrite(long rows, long nodes, long relationships, long statements, long schemaStatementsRemoved,
                           String apocSource) {
    }

    /**
     * Copies APOC's statements and commands, without APOC's own schema statements (except its temporary
     * UNIQUE IMPORT constraint), checking that the stream ends outside any {@code :begin} block.
     */
    private Rewrite rewrite(ApocRowReader rows, Writer writer) throws IOException {
        long statements = 0;
        long removed = 0;
        boolean inBlock = false;
        try (CypherStatementSplitter splitter = CypherStatementSplitter.of(rows)) {
            Optional<ScriptElement> next;
            while ((next = splitter.next()).isPresent()) {
                ScriptElement element = next.get();
                if (element instanceof ScriptElement.Statement statement) {
                    if (!statement.terminated()) {
                        throw new SourceFailedException("APOC's export of database '" + database + "' ended in the middle "
                                + "of a statement (line " + statement.line() + "): the stream is truncated. Nothing "
                                + "was stored; run the backup again.", null);
                    }
                    if (statement.isSchemaCommand() && !isUniqueImportSchema(statement.text())) {
                        removed++;
                        continue;
                    }
                    writer.write(statement.text());
                    writer.write(";\n");
                    statements++;
                } else {
                    ScriptElement.Command command = (ScriptElement.Command) element;
                    if (command.name().equals("begin")) {
                        inBlock = true;
                    } else if (command.name().equals("commit") || command.name().equals("rollback")) {
                        inBlock = false;
                    }
                    writer.write(":" + command.name() + (command.argument().isEmpty() ? "" : " " + command.argument())
                            + "\n");
                }
            }
        } catch (MalformedScriptException e) {
            throw new SourceFailedException("APOC's export of database '" + database + "' is not a valid script: "
                    + e.getMessage() + ". Nothing was stored.", e);
        }
        if (inBlock) {
            throw new SourceFailedException("APOC's export of database '" + database + "' ended inside a :begin block "
                    + "after " + rows.rows() + " rows: the stream is truncated. Nothing was stored; run the backup again.",
                    null);
        }
        return new Rewrite(rows.rows(), rows.nodes(), rows.relationships(), statements, removed, rows.sourceSummary());
    }

    private static boolean isUniqueImportSchema(String statement) {
        return statement.contains(UNIQUE_IMPORT_LABEL) || statement.contains(UNIQUE_IMPORT_CONSTRAINT);
    }

    private GraphCounts checkTotals(Rewrite rewrite, GraphCounts before, GraphCounts after) {
        return checkTotals(database, rewrite.rows, rewrite.nodes, rewrite.relationships, rewrite.apocSource, before,
                after);
    }

    /**
     * Compares APOC's totals (those of its last row) with the database counts taken before and after
     * the export, and picks the counts for the manifest.
     *
     * @throws SourceFailedException when APOC exported fewer or more entities than the database had
     */
    static GraphCounts checkTotals(String database, long rows, long apocNodes, long apocRelationships,
                                   String apocSource, GraphCounts before, GraphCounts after) {
        if (rows == 0) {
            if (before.nodes() == 0 && before.relationships() == 0 && after.nodes() == 0 && after.relationships() == 0) {
                return after;
            }
            throw new SourceFailedException("APOC returned no rows for database '" + database + "', which has "
                    + before.nodes() + " nodes: the export produced nothing. Nothing was stored. Check the server log; "
                    + "or use " + DRIVER_ALTERNATIVE + ".", null);
        }
        long nodes = Math.max(0, apocNodes);
        long relationships = Math.max(0, apocRelationships);
        if (nodes == before.nodes() && relationships == before.relationships()) {
            return before;
        }
        if (nodes == after.nodes() && relationships == after.relationships()) {
            return after;
        }
        boolean changed = before.nodes() != after.nodes() || before.relationships() != after.relationships();
        boolean between = nodes >= Math.min(before.nodes(), after.nodes()) && nodes <= Math.max(before.nodes(), after.nodes())
                && relationships >= Math.min(before.relationships(), after.relationships())
                && relationships <= Math.max(before.relationships(), after.relationships());
        if (changed && between) {
            return new GraphCounts(nodes, relationships, after.labels(), after.types());
        }
        throw new SourceFailedException("APOC exported " + nodes + " nodes and " + relationships + " relationships of "
                + "database '" + database + "' in " + rows + " rows, but the database had " + before.nodes() + " / "
                + before.relationships() + " before and " + after.nodes() + " / " + after.relationships()
                + " after the export" + (apocSource == null ? "" : " (APOC: " + apocSource + ")")
                + ". The stream is incomplete (APOC ends a streaming export early without an error when its producer "
                + "fails or times out) or the database changed during the export. Nothing was stored; run the backup "
                + "again while the database is quiet, or raise apocTimeout.", null);
    }

    /** Facts about the server, checked before anything is written. */
    private record Probe(String apocVersion, String neo4jVersion, String edition, List<String> names) {
    }

    private Probe probe() {
        try (Session session = driver.session(SessionConfig.builder().withDatabase(database)
                .withDefaultAccessMode(AccessMode.READ).build())) {
            String apocVersion;
            try {
                apocVersion = session.run(CypherLanguage.PREFIX + "RETURN apoc.version() AS version").single().get("version").asString();
            } catch (ClientException e) {
                String server = ServerInfo.probe(driver, database).describe();
                throw noApoc("APOC is not installed on " + server + ", or its functions are not allowed (the server "
                        + "said: " + firstLine(e) + ")", e);
            }
            int major = majorVersion(apocVersion);
            if (major < 5) {
                throw noApoc("APOC " + apocVersion + " is too old: neo4j-backup needs APOC 5.x or later, whose "
                        + PROCEDURE + " can stream", null);
            }
            checkProcedure(session);
            String neo4jVersion = null;
            String edition = null;
            for (Record r : session.run(CypherLanguage.PREFIX + "CALL dbms.components() YIELD name, versions, edition "
                    + "RETURN name, versions, edition").list()) {
                if ("Neo4j Kernel".equals(r.get("name").asString())) {
                    List<Object> versions = r.get("versions").asList();
                    neo4jVersion = versions.isEmpty() ? null : String.valueOf(versions.get(0));
                    edition = r.get("edition").asString();
                }
            }
            List<String> names = new ArrayList<>();
            session.run(CypherLanguage.PREFIX + "CALL db.labels() YIELD label RETURN label").forEachRemaining(r -> names.add(r.get(0).asString()));
            session.run(CypherLanguage.PREFIX + "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType")
                    .forEachRemaining(r -> names.add(r.get(0).asString()));
            session.run(CypherLanguage.PREFIX + "CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey")
                    .forEachRemaining(r -> names.add(r.get(0).asString()));
            return new Probe(apocVersion, neo4jVersion, edition, names);
        } catch (InvalidInputException e) {
            throw e;
        } catch (Neo4jException e) {
            throw new SourceFailedException("Could not query database '" + database + "' before the APOC export: "
                    + firstLine(e) + ". Check that the database exists and is online. Nothing was stored.", e);
        }
    }

    private void checkProcedure(Session session) {
        List<Record> procedures;
        try {
            procedures = session.run(CypherLanguage.PREFIX + "SHOW PROCEDURES YIELD name, signature WHERE name = $name RETURN signature",
                    Map.of("name", PROCEDURE)).list();
        } catch (ClientException e) {
            LOG.debug("SHOW PROCEDURES is not allowed ({}); relying on the export call to fail if {} is missing",
                    firstLine(e), PROCEDURE);
            return;
        }
        if (procedures.isEmpty()) {
            throw noApoc("APOC is installed but the procedure " + PROCEDURE + " is not available (not allowed by "
                    + "dbms.security.procedures.allowlist / unrestricted, or not part of this APOC build)", null);
        }
        String signature = procedures.get(0).get("signature").asString();
        if (!signature.contains("cypherStatements")) {
            throw noApoc("this APOC's " + PROCEDURE + " cannot stream (its result has no cypherStatements column: "
                    + signature + ")", null);
        }
    }

    static int majorVersion(String version) {
        if (version == null) {
            return -1;
        }
        int end = 0;
        while (end < version.length() && Character.isDigit(version.charAt(end))) {
            end++;
        }
        try {
            return end == 0 ? -1 : Integer.parseInt(version.substring(0, end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private InvalidInputException noApoc(String reason, Throwable cause) {
        return new InvalidInputException("Cannot back up database '" + database + "' with the APOC engine (" + TYPE
                + "): " + reason + ". Use " + DRIVER_ALTERNATIVE + " and works on every Neo4j version; or install "
                + "APOC core matching the Neo4j version and allow it (dbms.security.procedures.unrestricted=apoc.*)"
                + ". Nothing was stored.", cause);
    }

    private SourceFailedException exportFailed(Neo4jException e) {
        String advice = e instanceof ServiceUnavailableException || e instanceof SessionExpiredException
                ? "the server stopped or the connection broke; check that the server is running and reachable, then "
                + "run the backup again"
                : "check the server log, or raise transactionTimeout / apocTimeout";
        return new SourceFailedException("APOC's export of database '" + database + "' failed: " + firstLine(e)
                + ". Nothing was stored; " + advice + ".", e);
    }

    private static boolean isProcedureMissing(ClientException e) {
        String code = e.code() == null ? "" : e.code();
        String message = e.getMessage() == null ? "" : e.getMessage();
        return code.endsWith("ProcedureNotFound")
                || (message.contains("no procedure with the name") && message.contains(PROCEDURE));
    }

    private static String firstLine(Neo4jException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        String line = (newline < 0 ? message : message.substring(0, newline)).strip();
        while (line.endsWith(".")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.length() > 300) {
            line = line.substring(0, 300) + "...";
        }
        return (e.code() == null ? "" : e.code() + ": ") + line;
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
