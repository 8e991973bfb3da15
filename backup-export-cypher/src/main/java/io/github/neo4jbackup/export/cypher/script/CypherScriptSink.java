package io.github.neo4jbackup.export.cypher.script;

import io.github.neo4jbackup.core.DatabaseName;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.RestoreFailedException;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.export.cypher.census.CensusAttributes;
import io.github.neo4jbackup.export.cypher.census.StoredTypeCensus;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprint;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprinter;
import io.github.neo4jbackup.export.cypher.internal.Durations;
import io.github.neo4jbackup.export.cypher.restore.RestoreGuard;
import io.github.neo4jbackup.export.cypher.restore.TargetDatabase;
import org.neo4j.driver.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Restores a Cypher script backup by replaying it over the driver, statement by statement, with the
 * semantics of {@code cypher-shell -f}: for backups of the APOC engine ({@value #APOC_TYPE}) and for
 * plain Cypher scripts ({@value #SCRIPT_TYPE}).
 *
 * <pre>{@code
 * RestoreSink sink = CypherScriptSink.builder(driver).database("neo4j").wipe(false).build();
 * pipeline.restore(backupId, sink);
 * }</pre>
 *
 * <p>Replay rules:
 * <ul>
 *   <li>The target database must be empty (no nodes, no indexes or constraints apart from the LOOKUP
 *       indexes) unless {@link Builder#wipe(boolean)} is set, in which case it is emptied first.</li>
 *   <li>Statements between {@code :begin} and {@code :commit} run in one explicit transaction;
 *       {@code :rollback} rolls it back. Statements outside such blocks run in auto-commit
 *       transactions (so {@code CALL {...} IN TRANSACTIONS} works there).</li>
 *   <li>Schema commands ({@code CREATE}/{@code DROP} of indexes and constraints) always run in their
 *       own auto-commit transaction, also inside a {@code :begin} block (Neo4j does not allow schema
 *       and data writes in one transaction; APOC's {@code cypher-shell} format wraps its schema in a
 *       block of its own). A later {@code :rollback} therefore does not undo them. A schema command
 *       after data writes in the same block is refused, as Neo4j and cypher-shell would refuse it.</li>
 *   <li>{@code :param name => expression} and {@code :param {name: expression, ...}} evaluate the
 *       expression on the server ({@code RETURN expression}) and pass the value to every later
 *       statement; {@code :param clear} forgets them; {@code :params} (listing) is ignored.</li>
 *   <li>{@code :use db} is accepted only when it names the sink's database (the sink never switches
 *       databases); {@code :help}, {@code :history} and {@code :sysinfo} are ignored; any other command
 *       fails the restore.</li>
 *   <li>The script must be complete: a last statement without {@code ;}, an unclosed string or a
 *       {@code :begin} without {@code :commit} at the end means a truncated backup and fails the
 *       restore (the open block is rolled back).</li>
 *   <li>A {@code :commit} is carried out only once the element after it has been read, so the last
 *       block of a backup whose checksum turns out wrong at the end of the stream (the pipeline's
 *       verifying stream throws {@link IntegrityException} there) is rolled back, and the exception
 *       propagates: the restore never reports success. Blocks committed before stay; the database then
 *       holds a partial restore, which every failure message says.</li>
 * </ul>
 *
 * <p>Statement text is what the server spends its time on (it parses every character). So the
 * literal rows of an {@code UNWIND [...] AS row} statement (the shape of every data statement of an
 * APOC export) are sent as one parameter instead of text when every value in them is a literal whose
 * value is computed exactly as Cypher computes it (see {@code UnwindRows}): the server then parses a
 * few hundred characters per statement, and all statements of one shape have the same text, so their
 * plan comes from the plan cache. Other statements keep their text, except that long list literals of
 * numbers (embeddings) are sent as parameters. {@link Builder#parameterizeLists(boolean)} switches
 * both off. The script is read, split and rewritten ahead on a thread of its own (a few statements
 * ahead, bounded) while the server runs the statement before; statements still run one at a time, in
 * script order, with the transactions the script asks for.
 *
 * <p>After the replay the sink reports the counts of the database and, unless switched off with
 * {@link Builder#computeFingerprint(boolean)}, its content and schema fingerprints
 * ({@link Attributes#CONTENT_FINGERPRINT}, {@link Attributes#SCHEMA_FINGERPRINT}) so they can be
 * compared with the manifest, and checks the stored-type census against the manifest's
 * ({@code census.*} attributes; an unannounced change of stored type fails the restore). The driver belongs to the caller and is never closed. Immutable and
 * thread-safe; each restore uses its own sessions.
 */
public final class CypherScriptSink implements RestoreSink {

    /** Engine id of backups made by the APOC Cypher export ({@code ApocCypherSource}). */
    public static final String APOC_TYPE = "cypher-apoc";

    /** Engine id of plain Cypher script backups (cypher-shell syntax). */
    public static final String SCRIPT_TYPE = "cypher-script";

    /** Sink result attribute: the number of statements run. */
    public static final String STATEMENTS = "restore.statements";

    /** Sink result attribute: the number of explicit ({@code :begin}/{@code :commit}) transactions committed. */
    public static final String TRANSACTIONS = "restore.transactions";

    /**
     * Sink result attribute: how many list literals of numbers (embeddings) were sent as parameters
     * instead of statement text (see {@link Builder#parameterizeLists(boolean)}).
     */
    public static final String LISTS_PARAMETERIZED = "restore.listsParameterized";

    /**
     * Sink result attribute: how many {@code UNWIND [...] AS row} statements had their row list sent
     * as one parameter instead of statement text (see {@link Builder#parameterizeLists(boolean)}).
     */
    public static final String ROWS_PARAMETERIZED = "restore.rowsParameterized";

    /** Sink result attribute: the longest statement text sent to the server, in characters. */
    public static final String MAX_STATEMENT_CHARS = "restore.maxStatementChars";

    /** Sink result attribute: how long the replay took (ISO-8601 duration). */
    public static final String DURATION = "restore.duration";

    private static final Logger LOG = LoggerFactory.getLogger(CypherScriptSink.class);

    private final Driver driver;
    private final String database;
    private final boolean wipe;
    private final boolean computeFingerprint;
    private final boolean parameterizeLists;
    private final Duration transactionTimeout;
    private final int wipeBatchSize;
    private final int maxStatementChars;

    private CypherScriptSink(Builder b) {
        this.driver = b.driver;
        this.database = b.database;
        this.wipe = b.wipe;
        this.computeFingerprint = b.computeFingerprint;
        this.parameterizeLists = b.parameterizeLists;
        this.transactionTimeout = b.transactionTimeout;
        this.wipeBatchSize = b.wipeBatchSize;
        this.maxStatementChars = b.maxStatementChars;
    }

    /**
     * A builder for a sink writing through {@code driver}.
     *
     * @param driver the driver; owned by the caller, never closed here
     * @return the builder
     */
    public static Builder builder(Driver driver) {
        return new Builder(driver);
    }

    /**
     * A builder holding this sink's configuration, to make a variant.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(driver);
        b.database = database;
        b.wipe = wipe;
        b.computeFingerprint = computeFingerprint;
        b.parameterizeLists = parameterizeLists;
        b.transactionTimeout = transactionTimeout;
        b.wipeBatchSize = wipeBatchSize;
        b.maxStatementChars = maxStatementChars;
        return b;
    }

    /**
     * The database restored into.
     *
     * @return the database name
     */
    public String database() {
        return database;
    }

    /**
     * Accepts {@value #APOC_TYPE} and {@value #SCRIPT_TYPE} backups.
     *
     * @param sourceType the engine id recorded in the manifest
     * @return whether this sink restores it
     */
    @Override
    public boolean accepts(String sourceType) {
        return APOC_TYPE.equals(sourceType) || SCRIPT_TYPE.equals(sourceType);
    }

    /**
     * Restores a backup stream (UTF-8 Cypher script).
     *
     * @param data     the decoded backup stream
     * @param manifest the backup's manifest
     * @return the counts after the restore and, if enabled, the fingerprints
     * @throws IOException              when reading the stream fails
     * @throws IntegrityException       when the stream turns out corrupt (propagated unchanged)
     * @throws InvalidInputException    when the database is not empty and wipe is off
     * @throws RestoreFailedException   when a statement fails, the script is malformed or truncated, or the
     *                                  replay did not create the nodes and relationships the manifest lists
     */
    @Override
    public SinkResult restore(InputStream data, Manifest manifest) throws IOException {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(manifest, "manifest");
        SinkResult result = replay(utf8(data), "backup " + manifest.id(), manifest);
        GraphCounts listed = manifest.counts();
        GraphCounts restored = result.counts();
        if (listed.known() && restored.known() && (listed.nodes() != restored.nodes()
                || listed.relationships() != restored.relationships())) {
            // e.g. an APOC export taken while the database was written: a relationship statement whose end node
            // is not in the script matches nothing and creates nothing, without an error
            throw new RestoreFailedException("Restore of backup " + manifest.id() + " into database '" + database
                    + "' could not create everything the backup lists: the replay left " + restored.nodes()
                    + " nodes and " + restored.relationships() + " relationships, the manifest records "
                    + listed.nodes() + " and " + listed.relationships() + " (an APOC export taken while the "
                    + "database was written can hold relationships whose end nodes it does not hold). The database "
                    + "holds this incomplete restore; do not use it as a copy of the backup: wipe it and restore "
                    + "another backup (back up with the driver engine, or quiesce the writers, for self-consistent "
                    + "online backups).", null, listed, restored);
        }
        String expected = manifest.source().attributes().get(Attributes.SCHEMA_FINGERPRINT);
        String actual = result.attributes().get(Attributes.SCHEMA_FINGERPRINT);
        if (expected != null && actual != null && !expected.equals(actual)) {
            LOG.warn("Restore of backup {} into '{}': the schema fingerprint {} differs from the backup's {}",
                    manifest.id(), database, actual, expected);
        }
        return result;
    }

    /**
     * Replays a Cypher script that did not come through a backup pipeline (for example a file written
     * by {@code apoc.export.cypher.*} with {@code format: 'cypher-shell'}).
     *
     * @param script the script; read to the end, not closed
     * @return the counts after the restore and, if enabled, the fingerprints
     * @throws IOException            when reading the script fails
     * @throws InvalidInputException  when the database is not empty and wipe is off
     * @throws RestoreFailedException when a statement fails or the script is malformed or truncated
     */
    public SinkResult restore(Reader script) throws IOException {
        return replay(Objects.requireNonNull(script, "script"), "script", null);
    }

    private static Reader utf8(InputStream in) {
        return new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
    }

    private SinkResult replay(Reader script, String what, Manifest manifest) throws IOException {
        RestoreGuard.requireEmptyOrWipe(driver, database, wipe, wipeBatchSize);
        long start = System.nanoTime();
        LOG.info("Replaying {} into database '{}'", what, database);
        ScriptReplay replay = new ScriptReplay(driver, database, transactionTimeout, parameterizeLists,
                CypherStatementSplitter.of(script, maxStatementChars));
        replay.run();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Map<String, String> attributes = new TreeMap<>();
        attributes.put(STATEMENTS, Long.toString(replay.statements()));
        attributes.put(TRANSACTIONS, Long.toString(replay.transactions()));
        attributes.put(DURATION, took.toString());
        attributes.put(LISTS_PARAMETERIZED, Long.toString(replay.listsParameterized()));
        attributes.put(MAX_STATEMENT_CHARS, Long.toString(replay.maxStatementChars()));
        attributes.put(ROWS_PARAMETERIZED, Long.toString(replay.rowsParameterized()));
        GraphCounts counts = TargetDatabase.counts(driver, database);
        if (computeFingerprint) {
            // the version the manifest's fingerprint has, so the two compare; the current one when it has none
            int version = manifest == null || !manifest.source().attributes().containsKey(Attributes.CONTENT_FINGERPRINT)
                    ? GraphFingerprinter.CURRENT_VERSION : GraphFingerprint.contentVersion(manifest.source().attributes());
            if (version >= 1 && version <= GraphFingerprinter.CURRENT_VERSION) {
                attributes.putAll(GraphFingerprint.compute(driver, database,
                        GraphFingerprint.Options.builder().contentVersion(version).build()).attributes());
            } else {
                attributes.put("fingerprint.skipped", "the backup's content fingerprint has version " + version
                        + ", which this neo4j-backup does not compute");
            }
        }
        attributes.putAll(CensusAttributes.checkRestore(what, database, manifest,
                StoredTypeCensus.read(driver, database), java.util.Set.of(), java.util.List.of(), LOG));
        LOG.info("Replayed {} into database '{}': {} statements, {} transactions, {} nodes, {} relationships in {}",
                what, database, replay.statements(), replay.transactions(), counts.nodes(), counts.relationships(), took);
        return new SinkResult(counts, attributes);
    }

    @Override
    public String toString() {
        return "CypherScriptSink[database=" + database + ", wipe=" + wipe + ", fingerprint=" + computeFingerprint + "]";
    }

    /** Builds a {@link CypherScriptSink}. Not thread-safe. */
    public static final class Builder {
        private final Driver driver;
        private String database = "neo4j";
        private boolean wipe;
        private boolean computeFingerprint = true;
        private boolean parameterizeLists = true;
        private Duration transactionTimeout;
        private int wipeBatchSize = 10_000;
        private int maxStatementChars = CypherStatementSplitter.DEFAULT_MAX_STATEMENT_CHARS;

        private Builder(Driver driver) {
            this.driver = Objects.requireNonNull(driver, "driver");
        }

        /**
         * The database to restore into (default {@code neo4j}).
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
         * Whether to empty a non-empty target database (data, indexes and constraints) before the restore
         * (default {@code false}: a non-empty database is refused and left untouched).
         *
         * @param value the setting
         * @return this builder
         */
        public Builder wipe(boolean value) {
            this.wipe = value;
            return this;
        }

        /**
         * Whether literal {@code UNWIND} rows and long list literals of numbers (embeddings in APOC
         * scripts) are sent as parameters instead of statement text (default {@code true}). The stored
         * values are the same (each value is computed as Cypher computes it, and anything that cannot
         * be computed exactly stays text); the server parses kilobytes instead of megabytes per
         * statement, which bounds its memory and makes the replay several times faster. {@code false}
         * sends every statement exactly as written.
         *
         * @param value the setting
         * @return this builder
         */
        public Builder parameterizeLists(boolean value) {
            this.parameterizeLists = value;
            return this;
        }

        /**
         * Whether to compute the content and schema fingerprints of the database after the restore
         * (default {@code true}; costs one full read of the database).
         *
         * @param value the setting
         * @return this builder
         */
        public Builder computeFingerprint(boolean value) {
            this.computeFingerprint = value;
            return this;
        }

        /**
         * The timeout of each transaction (each {@code :begin} block and each auto-commit statement);
         * default: the server's setting.
         *
         * @param value the timeout, or {@code null} for the server's default
         * @return this builder
         * @throws InvalidInputException when the timeout is not positive
         */
        public Builder transactionTimeout(Duration value) {
            this.transactionTimeout = Durations.positiveOrNull("transactionTimeout", value);
            return this;
        }

        /**
         * How many nodes one transaction deletes when wiping (default 10,000).
         *
         * @param value the batch size
         * @return this builder
         * @throws InvalidInputException when not positive
         */
        public Builder wipeBatchSize(int value) {
            if (value < 1) {
                throw new InvalidInputException("wipeBatchSize must be positive, was " + value);
            }
            this.wipeBatchSize = value;
            return this;
        }

        /**
         * The longest statement accepted, in characters (default
         * {@value CypherStatementSplitter#DEFAULT_MAX_STATEMENT_CHARS}); protects the heap from a script
         * whose {@code ;} is missing.
         *
         * @param value the limit
         * @return this builder
         * @throws InvalidInputException when not positive
         */
        public Builder maxStatementChars(int value) {
            if (value < 1) {
                throw new InvalidInputException("maxStatementChars must be positive, was " + value);
            }
            this.maxStatementChars = value;
            return this;
        }

        /**
         * Builds the sink.
         *
         * @return the sink
         */
        public CypherScriptSink build() {
            return new CypherScriptSink(this);
        }
    }
}
