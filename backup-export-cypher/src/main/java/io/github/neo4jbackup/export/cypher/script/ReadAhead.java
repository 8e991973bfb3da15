package io.github.neo4jbackup.export.cypher.script;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Reads and prepares the script's elements on a thread of its own ({@value #THREAD_NAME}) while the
 * replay runs the previous statements on the server: splitting, UTF-8 decoding and the rewriting of
 * literal rows and lists into parameters overlap with the server's work.
 *
 * <p>At most {@value #CAPACITY} prepared elements, and together at most {@value #BUDGET_KCHARS} K
 * characters of statement text (a larger statement waits alone), wait in the queue, so the replay
 * holds a bounded amount of script beyond the statement it runs and the one being prepared. A failure of the
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

    /** How much statement text (in units of 1,024 characters) may wait. */
    static final int BUDGET_KCHARS = 4096;

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
    private record Item(Prepared prepared, Exception failure, long line, int kchars) {
    }

    private final CypherStatementSplitter splitter;
    private final boolean parameterize;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Semaphore budget = new Semaphore(BUDGET_KCHARS);
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
        budget.release(item.kchars());
        if (item.failure() != null) {
            // hand the failure over again if asked once more, and stop reading
            queue.offer(new Item(null, item.failure(), item.line(), 0));
            if (item.failure() instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) item.failure();
        }
        if (item.prepared() == null) {
            queue.offer(new Item(null, null, item.line(), 0));
        }
        return Optional.ofNullable(item.prepared());
    }

    private void run() {
        try {
            while (!stopped) {
                Optional<ScriptElement> next = splitter.next();
                if (next.isEmpty()) {
                    put(new Item(null, null, splitter.currentLine(), 0));
                    return;
                }
                Prepared prepared = prepare(next.get());
                int kchars = prepared.text() == null ? 0
                        : (int) Math.min(BUDGET_KCHARS, Math.max(1, prepared.text().length() / 1024));
                if (!acquire(kchars)) {
                    return;
                }
                put(new Item(prepared, null, next.get().line(), kchars));
            }
        } catch (IOException | RuntimeException e) {
            if (!stopped) {
                put(new Item(null, e, splitter.currentLine(), 0));
            }
        } catch (InterruptedException e) {
            // close() stopped the reader
        }
    }

    private boolean acquire(int kchars) throws InterruptedException {
        while (!stopped) {
            if (budget.tryAcquire(kchars, 100, TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        return false;
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
