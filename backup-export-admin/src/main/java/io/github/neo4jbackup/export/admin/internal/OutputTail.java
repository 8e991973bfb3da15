package io.github.neo4jbackup.export.admin.internal;

import org.slf4j.Logger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

/**
 * Drains a process's output stream line by line (on its own thread, see {@link #startDraining})
 * and keeps the last lines for error messages. Progress lines that neo4j-admin prints by the
 * hundred ({@code Files: 3/36, data: 10.3%}, {@code ....................  40%}) are logged at trace
 * level but not kept, so the tail shows the lines that explain a failure. Not API.
 */
public final class OutputTail implements Runnable {

    /** Lines that only report progress. */
    private static final Pattern PROGRESS = Pattern.compile(
            "^(Files: \\d+/\\d+, data:\\s*[\\d.]+%|\\.+\\s*\\d+%|\\s*)$");
    private static final int MAX_LINE = 2000;

    private final InputStream in;
    private final String name;
    private final Logger log;
    private final int maxChars;
    private final Deque<String> lines = new ArrayDeque<>();
    private int chars;
    private volatile boolean done;
    private Thread thread;

    /**
     * Creates a tail.
     *
     * @param in       the stream to drain
     * @param name     what the stream is, for logs ({@code neo4j-admin database dump neo4j (stderr)})
     * @param log      where lines are logged (debug level)
     * @param maxChars how many characters of the last lines to keep
     */
    public OutputTail(InputStream in, String name, Logger log, int maxChars) {
        this.in = in;
        this.name = name;
        this.log = log;
        this.maxChars = maxChars;
    }

    /**
     * Starts draining on a daemon thread.
     *
     * @param threadName the thread's name
     * @return this tail
     */
    public OutputTail startDraining(String threadName) {
        thread = new Thread(this, threadName);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    @Override
    public void run() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        try {
            while ((n = in.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (b == '\n' || b == '\r') {
                        addLine(line);
                    } else if (line.size() < MAX_LINE) {
                        line.write(b);
                    }
                }
            }
        } catch (IOException e) {
            // the process ended or the stream was closed: nothing more to read
        } finally {
            addLine(line);
            done = true;
        }
    }

    private void addLine(ByteArrayOutputStream bytes) {
        if (bytes.size() == 0) {
            return;
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        bytes.reset();
        if (PROGRESS.matcher(text).matches()) {
            log.trace("{}: {}", name, text);
            return;
        }
        log.debug("{}: {}", name, text);
        synchronized (lines) {
            lines.addLast(text);
            chars += text.length() + 1;
            while (chars > maxChars && lines.size() > 1) {
                chars -= lines.removeFirst().length() + 1;
            }
        }
    }

    /**
     * Waits (bounded) until the stream has been read to its end.
     *
     * @param millis how long to wait at most
     */
    public void awaitEnd(long millis) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether the end of the stream was reached.
     *
     * @return {@code true} once drained
     */
    public boolean finished() {
        return done;
    }

    /**
     * The last lines kept, joined by newlines (may be empty).
     *
     * @return the tail
     */
    public String text() {
        synchronized (lines) {
            return String.join("\n", lines).strip();
        }
    }
}
