package io.github.neo4jbackup.export.cypher.script;

import io.github.neo4jbackup.export.cypher.CypherLanguage;
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
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.BookmarkManager;
import org.neo4j.driver.BookmarkManagerConfig;
import org.neo4j.driver.BookmarkManagers;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.Value;
import org.neo4j.driver.exceptions.Neo4jException;
import org.neo4j.driver.types.TypeSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * <p>Long list literals of numbers (embeddings, 100 rows of them per APOC {@code UNWIND}) are sent as
 * parameters instead of statement text ({@link Builder#parameterizeLists(boolean)}): the same values,
 * but the server parses kilobytes instead of megabytes per statement, which bounds its memory.
 *
 * <p>After the replay the sink reports the counts of the database and, unless switched off with
 * {@link Builder#computeFingerprint(boolean)}, its content and schema fingerprints
 * ({@link Attributes#CONTENT_FINGERPRINT}, {@link Attributes#SCHEMA_FINGERPRINT}) so they can be
 * compared with the manifest, and checks the stored-type census against the manifest's
 * ({@code census.*} attributes; an unannounced change of stored type fails the restore). The driver belongs to the caller and is never closed. Immutable and
 * thread-safe; each restore uses its own sessions.
 *
 * <p>This file is longer than most: the replay's statement loop, its {@code :begin}/{@code :param}
 * commands, the literal-list parameters and the count check after the replay share one state
 * (the open transaction and what was written so far) and are kept together.
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

    /** Sink result attribute: the longest statement text sent to the server, in characters. */
    public static final String MAX_STATEMENT_CHARS = "restore.maxStatementChars";

    /** Sink result attribute: how long the replay took (ISO-8601 duration). */
    public static final String DURATION = "restore.duration";

    private static final Logger LOG = LoggerFactory.getLogger(CypherScriptSink.class);
    private static final int EXCERPT_CHARS = 80;
    private static final int SERVER_MESSAGE_CHARS = 300;
    private static final Pattern ARROW = Pattern.compile(
            "(?s)(`(?:[^`]|``)+`|[\\p{L}_][\\p{L}\\p{N}_]*)\\s*=>\\s*(.+)");
    private static final Set<String> IGNORED_COMMANDS = Set.of("help", "history", "sysinfo");

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
        Replay replay = new Replay(CypherStatementSplitter.of(script, maxStatementChars));
        replay.run();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Map<String, String> attributes = new TreeMap<>();
        attributes.put(STATEMENTS, Long.toString(replay.statements));
        attributes.put(TRANSACTIONS, Long.toString(replay.transactions));
        attributes.put(DURATION, took.toString());
        attributes.put(LISTS_PARAMETERIZED, Long.toString(replay.listsParameterized));
        attributes.put(MAX_STATEMENT_CHARS, Long.toString(replay.maxStatementChars));
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
                what, database, replay.statements, replay.transactions, counts.nodes(), counts.relationships(), took);
        return new SinkResult(counts, attributes);
    }

    /** The state of one replay. */
    private final class Replay {
        private final CypherStatementSplitter splitter;
        private final BookmarkManager bookmarks = BookmarkManagers.defaultManager(BookmarkManagerConfig.builder().build());
        private final TransactionConfig txConfig;
        private final Map<String, Object> parameters = new LinkedHashMap<>();
        private Session session;
        private Transaction tx;
        private boolean inBlock;
        private long blockLine;
        private boolean pendingCommit;
        private long statements;
        private long transactions;
        private long listsParameterized;
        private long maxStatementChars;

        Replay(CypherStatementSplitter splitter) {
            this.splitter = splitter;
            this.txConfig = transactionTimeout == null ? TransactionConfig.empty()
                    : TransactionConfig.builder().withTimeout(transactionTimeout).build();
        }

        private SessionConfig sessionConfig() {
            return SessionConfig.builder().withDatabase(database).withDefaultAccessMode(AccessMode.WRITE)
                    .withBookmarkManager(bookmarks).build();
        }

        void run() throws IOException {
            try (Session s = driver.session(sessionConfig())) {
                session = s;
                try {
                    loop();
                } finally {
                    rollbackQuietly();
                }
            }
        }

        private void loop() throws IOException {
            while (true) {
                Optional<ScriptElement> next = read();
                if (pendingCommit) {
                    commit();
                }
                if (next.isEmpty()) {
                    break;
                }
                ScriptElement element = next.get();
                if (element instanceof ScriptElement.Statement statement) {
                    statement(statement);
                } else {
                    command((ScriptElement.Command) element);
                }
            }
            if (inBlock) {
                rollbackQuietly();
                throw new RestoreFailedException("The script ends inside the :begin block opened on line " + blockLine
                        + " (no :commit follows): the backup is truncated. That block was rolled back." + partial(),
                        null);
            }
        }

        private Optional<ScriptElement> read() throws IOException {
            try {
                return splitter.next();
            } catch (IntegrityException e) {
                rollbackQuietly();
                LOG.error("Reading the backup failed its integrity check near line {}; the open transaction was rolled "
                        + "back.{}", splitter.currentLine(), partial());
                throw e;
            } catch (MalformedScriptException e) {
                rollbackQuietly();
                throw new RestoreFailedException("The script cannot be replayed: " + e.getMessage() + "."
                        + partial(), e);
            } catch (CharacterCodingException e) {
                rollbackQuietly();
                throw new RestoreFailedException("The script is not valid UTF-8 near line " + splitter.currentLine()
                        + " (" + e + "): it is corrupt or not a Cypher script." + partial(), e);
            } catch (IOException e) {
                rollbackQuietly();
                throw new IOException("Reading the script failed near line " + splitter.currentLine() + ": "
                        + e.getMessage() + "." + partial(), e);
            }
        }

        private void statement(ScriptElement.Statement s) {
            if (!s.terminated()) {
                rollbackQuietly();
                throw new RestoreFailedException("The statement on line " + s.line() + " has no terminating ';': the "
                        + "script is truncated, so it was not run (" + s.excerpt(EXCERPT_CHARS) + ")." + partial(), null);
            }
            statements++;
            try {
                if (s.isSchemaCommand()) {
                    if (tx != null) {
                        rollbackQuietly();
                        throw new RestoreFailedException("Statement " + statements + " (line " + s.line()
                                + ") changes the schema inside the :begin block of line " + blockLine
                                + " after that block wrote data; Neo4j cannot mix schema and data writes in one "
                                + "transaction. Move it out of the block (" + s.excerpt(EXCERPT_CHARS) + "). "
                                + "The block was rolled back." + partial(), null);
                    }
                    try (Session schema = driver.session(sessionConfig())) {
                        schema.run(CypherLanguage.pin(s.text()), parameters, txConfig).consume();
                    }
                } else {
                    String text = s.text();
                    Map<String, Object> params = parameters;
                    if (parameterizeLists) {
                        LiteralLists.Rewritten rewritten = LiteralLists.rewrite(text);
                        if (!rewritten.parameters().isEmpty()) {
                            text = rewritten.text();
                            params = new java.util.HashMap<>(parameters);
                            params.putAll(rewritten.parameters());
                            listsParameterized += rewritten.parameters().size();
                        }
                    }
                    maxStatementChars = Math.max(maxStatementChars, text.length());
                    if (inBlock) {
                        if (tx == null) {
                            tx = session.beginTransaction(txConfig);
                        }
                        tx.run(CypherLanguage.pin(text), params).consume();
                    } else {
                        session.run(CypherLanguage.pin(text), params, txConfig).consume();
                    }
                }
            } catch (Neo4jException e) {
                boolean hadBlock = tx != null;
                rollbackQuietly();
                throw new RestoreFailedException("Statement " + statements + " (line " + s.line() + ") failed: "
                        + serverMessage(e) + ". Statement: " + s.excerpt(EXCERPT_CHARS)
                        + (hadBlock ? " (its :begin block of line " + blockLine + " was rolled back)" : "") + "."
                        + partial(), e);
            }
        }

        private void command(ScriptElement.Command c) {
            switch (c.name()) {
                case "begin" -> {
                    requireNoArgument(c);
                    if (inBlock) {
                        throw commandFailure(c, "a transaction is already open since the :begin on line " + blockLine);
                    }
                    inBlock = true;
                    blockLine = c.line();
                }
                case "commit" -> {
                    requireNoArgument(c);
                    if (!inBlock) {
                        throw commandFailure(c, "there is no open transaction (no :begin before it)");
                    }
                    inBlock = false;
                    pendingCommit = tx != null; // carried out once the next element was read successfully
                }
                case "rollback" -> {
                    requireNoArgument(c);
                    if (!inBlock) {
                        throw commandFailure(c, "there is no open transaction (no :begin before it)");
                    }
                    inBlock = false;
                    if (tx != null) {
                        try {
                            tx.rollback();
                        } catch (Neo4jException e) {
                            throw commandFailure(c, "rolling back failed: " + serverMessage(e));
                        } finally {
                            closeTx();
                        }
                    }
                }
                case "param", "params" -> param(c);
                case "use" -> {
                    String target = unquote(c.argument());
                    if (!target.equalsIgnoreCase(database)) {
                        throw commandFailure(c, "the script switches to database '" + target + "', but this sink restores "
                                + "into '" + database + "' only; remove the :use line or restore into that database");
                    }
                }
                default -> {
                    if (IGNORED_COMMANDS.contains(c.name())) {
                        LOG.debug("Ignoring {} on line {}", c.display(), c.line());
                    } else {
                        throw commandFailure(c, "this command is not supported in a restore; supported are :begin, "
                                + ":commit, :rollback, :param, :params and :use " + database);
                    }
                }
            }
        }

        private void param(ScriptElement.Command c) {
            String argument = c.argument();
            if (argument.isEmpty() || argument.equalsIgnoreCase("list")) {
                return;
            }
            if (argument.equalsIgnoreCase("clear")) {
                parameters.clear();
                return;
            }
            if (argument.startsWith("{")) {
                Value map = evaluate(argument, c);
                if (!map.hasType(TypeSystem.getDefault().MAP())) {
                    throw commandFailure(c, "the argument is not a map");
                }
                parameters.putAll(map.asMap(Function.identity()));
                return;
            }
            Matcher m = ARROW.matcher(argument);
            if (!m.matches()) {
                throw commandFailure(c, "use ':param name => expression' or ':param {name: expression}'");
            }
            parameters.put(unquote(m.group(1)), evaluate(m.group(2), c));
        }

        private Value evaluate(String expression, ScriptElement.Command c) {
            String query = CypherLanguage.PREFIX + "RETURN " + expression + " AS v";
            try {
                Result result = tx != null ? tx.run(query, parameters) : session.run(query, parameters, txConfig);
                return result.single().get("v");
            } catch (Neo4jException e) {
                rollbackQuietly();
                throw commandFailure(c, "evaluating the value failed: " + serverMessage(e));
            }
        }

        private void requireNoArgument(ScriptElement.Command c) {
            if (!c.argument().isEmpty()) {
                throw commandFailure(c, "it takes no argument");
            }
        }

        private RestoreFailedException commandFailure(ScriptElement.Command c, String reason) {
            boolean hadBlock = tx != null;
            rollbackQuietly();
            return new RestoreFailedException("The command " + c.display() + " on line " + c.line() + " failed: " + reason
                    + (hadBlock ? " (the open :begin block of line " + blockLine + " was rolled back)" : "") + "."
                    + partial(), null);
        }

        private void commit() {
            pendingCommit = false;
            if (tx == null) {
                return;
            }
            try {
                tx.commit();
                transactions++;
            } catch (Neo4jException e) {
                throw new RestoreFailedException("Committing the :begin block of line " + blockLine + " failed: "
                        + serverMessage(e) + "; that block was not applied." + partial(), e);
            } finally {
                closeTx();
            }
        }

        private void rollbackQuietly() {
            pendingCommit = false;
            if (tx == null) {
                return;
            }
            try {
                tx.rollback();
            } catch (RuntimeException e) {
                LOG.debug("Rollback after a failure failed too: {}", e.toString());
            } finally {
                closeTx();
            }
        }

        private void closeTx() {
            Transaction t = tx;
            tx = null;
            try {
                t.close();
            } catch (RuntimeException e) {
                LOG.debug("Closing a transaction failed: {}", e.toString());
            }
        }

        private String partial() {
            return " The database '" + database + "' holds a partial restore (" + statements + " statements run, "
                    + transactions + " transactions committed): restore again with wipe enabled or into an empty "
                    + "database.";
        }
    }

    private static String unquote(String name) {
        String n = name.strip();
        if (n.length() >= 2 && n.startsWith("`") && n.endsWith("`")) {
            return n.substring(1, n.length() - 1).replace("``", "`");
        }
        return n;
    }

    private static String serverMessage(Neo4jException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline);
        }
        message = message.strip();
        if (message.length() > SERVER_MESSAGE_CHARS) {
            message = message.substring(0, SERVER_MESSAGE_CHARS) + "...";
        }
        while (message.endsWith(".")) {
            message = message.substring(0, message.length() - 1);
        }
        return (e.code() == null ? "" : e.code() + ": ") + message;
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
         * Whether long list literals of numbers (embeddings in APOC scripts) are sent as parameters
         * instead of statement text (default {@code true}). The stored values are the same (each
         * number is parsed as Cypher parses it); the server parses kilobytes instead of megabytes
         * per statement, which bounds its memory and makes the replay faster. {@code false} sends
         * every statement exactly as written.
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
