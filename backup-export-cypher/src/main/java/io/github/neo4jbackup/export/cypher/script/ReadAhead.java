package io.github.neo4jbackup.export.cypher.script;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads and prepares the script's elements on a thread of its own ({@value #THREAD_NAME}) while the
 * replay runs the previous statements on the server: splitting, UTF-8 decoding and the rewriting of
 * literal rows and lists into parameters overlap with the server's work.
 *
 * <p>At most {@value #CAPACITY} prepared elements wait in the queue, so the replay holds at most
 * {@value #CAPACITY} + 2 statements (queued, being prepared, being run) at a time. A failure of the
 * reader (an {@link io.github.neo4jbackup.core.IntegrityException} at the end of a corrupt stream, a
 * malformed script, an I/O error) is handed over in order, in place of the element it stopped at,
 * so the replay sees it exactly where a reader on its own thread would have seen it. {@link #close()}
 * stops the thread; elements not yet taken are dropped. Not API.
 */
final class ReadAhead implements AutoCloseable {

    /** The name of the reading thread. */
    static final String THREAD_NAME = "neo4j-backup-replay-reader";

    /** How many prepared elements may wait. */
    static final int CAPACITY = 4;

    /**
     * A prepared element.
     *
     * @param element      the element as read
     * @param text         for a statement, the text to send (rows and lists moved to parameters)
     * @param parameters   the parameters the rewriting introduced (empty when none)
     * @param listsMoved   how many number lists became parameters
     * @param rowsMoved    whether the statement's {@code UNWIND} rows became a parameter
     */
    record Prepared(ScriptElement element, String text, Map<String, Object> parameters, int listsMoved,
                    boolean rowsMoved) {
    }

    /** What the queue holds: an element, the end of the script, or the reader's failure. */
    private record Item(Prepared prepared, Exception failure, long line) {
    }

    private final CypherStatementSplitter splitter;
    private final boolean parameterize;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Thread thread;
    private volatile boolean stopped;
    private volatile long line;

    ReadAhead(CypherStatementSplitter splitter, boolean parameterize) {
        this.splitter = splitter;
        this.parameterize = parameterize;
        this.thread = new Thread(this::run, THREAD_NAME);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The line the replay has reached (the line of the last element taken or of the failure). */
    long currentLine() {
        return line;
    }

    /**
     * The next prepared element, or empty at the end of the script.
     *
     * @throws IOException the reader's failure, including {@link MalformedScriptException}
     * @throws RuntimeException the reader's unchecked failure, e.g. {@link io.github.neo4jbackup.core.IntegrityException}
     */
    Optional<Prepared> next() throws IOException {
        Item item;
        try {
            item = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("The replay was interrupted while reading the script");
        }
        line = item.line();
        if (item.failure() != null) {
            // hand the failure over again if asked once more, and stop reading
            queue.offer(item);
            if (item.failure() instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) item.failure();
        }
        if (item.prepared() == null) {
            queue.offer(item);
        }
        return Optional.ofNullable(item.prepared());
    }

    private void run() {
        try {
            while (!stopped) {
                Optional<ScriptElement> next = splitter.next();
                if (next.isEmpty()) {
                    put(new Item(null, null, splitter.currentLine()));
                    return;
                }
                put(new Item(prepare(next.get()), null, next.get().line()));
            }
        } catch (IOException | RuntimeException e) {
            if (!stopped) {
                put(new Item(null, e, splitter.currentLine()));
            }
        } catch (InterruptedException e) {
            // close() stopped the reader
        }
    }

    private void put(Item item) {
        try {
            while (!stopped && !queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                // wait for the replay to take one
            }
        } catch (InterruptedException e) {
            // close() stopped the reader
        }
    }

    private Prepared prepare(ScriptElement element) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (!(element instanceof ScriptElement.Statement s) || !parameterize || !s.terminated() || s.isSchemaCommand()) {
            return new Prepared(element, element instanceof ScriptElement.Statement s ? s.text() : null, Map.of(), 0,
                    false);
        }
        UnwindRows.Rows rows = UnwindRows.rewrite(s.text());
        if (rows != null) {
            return new Prepared(element, rows.text(), rows.parameters(), rows.lists(), true);
        }
        LiteralLists.Rewritten lists = LiteralLists.rewrite(s.text());
        return new Prepared(element, lists.text(), lists.parameters(), lists.parameters().size(), false);
    }

    /** Stops the reading thread and drops what it prepared; waits a moment for it to end. */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        queue.clear();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
