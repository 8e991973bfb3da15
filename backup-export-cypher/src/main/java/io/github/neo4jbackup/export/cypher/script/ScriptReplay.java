package io.github.neo4jbackup.export.cypher.script;

import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.RestoreFailedException;
import io.github.neo4jbackup.export.cypher.CypherLanguage;
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
import java.nio.charset.CharacterCodingException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One replay of a Cypher script over the driver: the statement loop of {@link CypherScriptSink}, its
 * {@code :begin}/{@code :commit}/{@code :rollback}, {@code :param} and {@code :use} commands, and the
 * failure messages that say what the database holds afterwards. The script is read and prepared
 * ahead on another thread ({@link ReadAhead}); statements run here, one at a time, in script order.
 * Not API.
 */
final class ScriptReplay {

    private static final Logger LOG = LoggerFactory.getLogger(CypherScriptSink.class);
    private static final int EXCERPT_CHARS = 80;
    private static final int SERVER_MESSAGE_CHARS = 300;
    private static final Pattern ARROW = Pattern.compile(
            "(?s)(`(?:[^`]|``)+`|[\\p{L}_][\\p{L}\\p{N}_]*)\\s*=>\\s*(.+)");
    private static final Set<String> IGNORED_COMMANDS = Set.of("help", "history", "sysinfo");

    private final Driver driver;
    private final String database;
    private final boolean parameterize;
    private final CypherStatementSplitter splitter;
    private ReadAhead reader;
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
    private long rowsParameterized;
    private long maxStatementChars;

    ScriptReplay(Driver driver, String database, Duration transactionTimeout, boolean parameterize,
                 CypherStatementSplitter splitter) {
        this.driver = driver;
        this.database = database;
        this.parameterize = parameterize;
        this.splitter = splitter;
        this.txConfig = transactionTimeout == null ? TransactionConfig.empty()
                : TransactionConfig.builder().withTimeout(transactionTimeout).build();
    }

    long statements() {
        return statements;
    }

    long transactions() {
        return transactions;
    }

    long listsParameterized() {
        return listsParameterized;
    }

    long rowsParameterized() {
        return rowsParameterized;
    }

    long maxStatementChars() {
        return maxStatementChars;
    }

    private SessionConfig sessionConfig() {
        return SessionConfig.builder().withDatabase(database).withDefaultAccessMode(AccessMode.WRITE)
                .withBookmarkManager(bookmarks).build();
    }

    void run() throws IOException {
        try (Session s = driver.session(sessionConfig()); ReadAhead ahead = new ReadAhead(splitter, parameterize)) {
            session = s;
            reader = ahead;
            try {
                loop();
            } finally {
                rollbackQuietly();
            }
        }
    }

    private void loop() throws IOException {
        while (true) {
            Optional<ReadAhead.Prepared> next = read();
            if (pendingCommit) {
                commit();
            }
            if (next.isEmpty()) {
                break;
            }
            ScriptElement element = next.get().element();
            if (element instanceof ScriptElement.Statement statement) {
                statement(statement, next.get());
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

    private Optional<ReadAhead.Prepared> read() throws IOException {
        try {
            return reader.next();
        } catch (IntegrityException e) {
            rollbackQuietly();
            LOG.error("Reading the backup failed its integrity check near line {}; the open transaction was rolled "
                    + "back.{}", reader.currentLine(), partial());
            throw e;
        } catch (MalformedScriptException e) {
            rollbackQuietly();
            throw new RestoreFailedException("The script cannot be replayed: " + e.getMessage() + "."
                    + partial(), e);
        } catch (CharacterCodingException e) {
            rollbackQuietly();
            throw new RestoreFailedException("The script is not valid UTF-8 near line " + reader.currentLine()
                    + " (" + e + "): it is corrupt or not a Cypher script." + partial(), e);
        } catch (IOException e) {
            rollbackQuietly();
            throw new IOException("Reading the script failed near line " + reader.currentLine() + ": "
                    + e.getMessage() + "." + partial(), e);
        }
    }

    private void statement(ScriptElement.Statement s, ReadAhead.Prepared prepared) {
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
                String text = prepared.text();
                Map<String, Object> params = parameters;
                if (!prepared.parameters().isEmpty()) {
                    params = new HashMap<>(parameters);
                    params.putAll(prepared.parameters());
                    listsParameterized += prepared.listsMoved();
                    if (prepared.rowsMoved()) {
                        rowsParameterized++;
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
}
