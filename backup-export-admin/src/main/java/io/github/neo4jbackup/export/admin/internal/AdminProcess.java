package io.github.neo4jbackup.export.admin.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One external process run as an argument vector (never through a shell): its error output is
 * drained on its own thread and the tail kept; a watchdog kills it (and every descendant, since
 * neo4j-admin's launcher starts a second JVM) when it runs past its timeout; {@link #close()}
 * always reaps it, killing it first if it still runs. Not API.
 */
public final class AdminProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminProcess.class);
    private static final int TAIL_CHARS = 8192;
    private static final int OUTPUT_CHARS = 64 * 1024;
    private static final long REAP_MILLIS = 30_000;

    /** What happens to the process's standard output. */
    public enum Stdout {
        /** The caller reads it as data ({@link #stdout()}). */
        DATA,
        /** It is drained on a thread of its own; its last lines are kept ({@link #outputText()}). */
        DRAIN
    }

    private final Process process;
    private final String description;
    private final Duration timeout;
    private final long startNanos;
    private final OutputTail stderr;
    private final OutputTail stdoutTail;
    private final Thread watchdog;
    private volatile boolean timedOut;
    private volatile boolean killed;
    private boolean closed;

    private AdminProcess(Process process, String description, Duration timeout, Stdout stdoutMode) {
        this.process = process;
        this.description = description;
        this.timeout = timeout;
        this.startNanos = System.nanoTime();
        this.stderr = new OutputTail(process.getErrorStream(), description + " (stderr)", LOG, TAIL_CHARS)
                .startDraining("neo4j-admin-stderr-" + process.pid());
        this.stdoutTail = stdoutMode == Stdout.DRAIN
                ? new OutputTail(process.getInputStream(), description + " (stdout)", LOG, OUTPUT_CHARS)
                .startDraining("neo4j-admin-stdout-" + process.pid())
                : null;
        this.watchdog = new Thread(this::watch, "neo4j-admin-watchdog-" + process.pid());
        this.watchdog.setDaemon(true);
        this.watchdog.start();
    }

    /**
     * Starts a process.
     *
     * @param argv        the argument vector; the first element is the executable
     * @param environment extra environment variables (values are never logged)
     * @param directory   the working directory, or {@code null} for the current one
     * @param timeout     how long it may run before it is killed
     * @param description what it is, for logs and messages (never contains secrets)
     * @param stdoutMode  what happens to its standard output
     * @param writesStdin {@code false} to close its standard input at once (it reads end-of-file)
     * @return the running process
     * @throws IOException when it cannot be started (the message says why)
     */
    public static AdminProcess start(List<String> argv, Map<String, String> environment, Path directory,
                                     Duration timeout, String description, Stdout stdoutMode, boolean writesStdin)
            throws IOException {
        Objects.requireNonNull(argv, "argv");
        Objects.requireNonNull(timeout, "timeout");
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().putAll(environment);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        LOG.debug("Starting {} (extra environment: {})", argv, environment.keySet());
        Process process = builder.start();
        AdminProcess running = new AdminProcess(process, description, timeout, stdoutMode);
        if (!writesStdin) {
            closeQuietly(process.getOutputStream());
        }
        return running;
    }

    private void watch() {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                LOG.warn("{} did not finish within {}; killing it and its child processes", description, timeout);
                kill();
            }
        } catch (InterruptedException e) {
            // closed: stop watching
        }
    }

    /**
     * The process's standard output, when started with {@link Stdout#DATA}.
     *
     * @return the stream
     */
    public InputStream stdout() {
        if (stdoutTail != null) {
            throw new IllegalStateException("standard output is drained, not data");
        }
        return process.getInputStream();
    }

    /**
     * The process's standard input (closing it signals end-of-file).
     *
     * @return the stream
     */
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    /**
     * The process id.
     *
     * @return the pid
     */
    public long pid() {
        return process.pid();
    }

    /**
     * Waits until the process has exited (bounded by its timeout: the watchdog kills it then) and
     * its output streams have been drained.
     *
     * @return the exit code
     * @throws IOException when it did not exit even after being killed, or the wait was interrupted
     */
    public int waitFor() throws IOException {
        long deadline = startNanos + timeout.toNanos() + TimeUnit.MILLISECONDS.toNanos(REAP_MILLIS);
        try {
            long left = deadline - System.nanoTime();
            if (!process.waitFor(Math.max(left, 0), TimeUnit.NANOSECONDS)) {
                kill();
                if (!process.waitFor(REAP_MILLIS, TimeUnit.MILLISECONDS)) {
                    throw new IOException(description + " did not exit even after it was killed (pid "
                            + process.pid() + "); check the host for a stuck process");
                }
            }
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
            throw new IOException(description + " was interrupted and killed", e);
        }
        stderr.awaitEnd(5_000);
        if (stdoutTail != null) {
            stdoutTail.awaitEnd(5_000);
        }
        return process.exitValue();
    }

    /**
     * Kills the process and all its descendants at once (no graceful shutdown: a half-done dump or
     * load must not be completed).
     */
    public void kill() {
        killed = true;
        List<ProcessHandle> descendants = process.descendants().toList();
        // ProcessHandle, not Process: Process.destroyForcibly() also closes standard input, which blocks
        // while another thread is blocked writing to it; the signal alone is what is needed here.
        process.toHandle().destroyForcibly();
        for (ProcessHandle child : descendants) {
            child.destroyForcibly();
        }
    }

    /**
     * Whether the watchdog killed the process because it ran past its timeout.
     *
     * @return {@code true} after a timeout
     */
    public boolean timedOut() {
        return timedOut;
    }

    /**
     * Whether the process was killed (timeout, abort or close while running).
     *
     * @return {@code true} once killed
     */
    public boolean killed() {
        return killed;
    }

    /**
     * The timeout the process runs under.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * How long the process has been running (or ran).
     *
     * @return the elapsed time since start
     */
    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /**
     * The last lines of the error output, without progress lines.
     *
     * @return the tail, possibly empty
     */
    public String errorTail() {
        return stderr.text();
    }

    /**
     * The drained standard output (its last 64 KiB), when started with {@link Stdout#DRAIN}.
     *
     * @return the text, possibly empty
     */
    public String outputText() {
        return stdoutTail == null ? "" : stdoutTail.text();
    }

    /**
     * The error output's tail, followed by the drained standard output's when there is one: what a
     * message about a failure should show.
     *
     * @return the diagnostics, possibly empty
     */
    public String diagnostics() {
        String err = errorTail();
        String out = outputText();
        if (out.isEmpty()) {
            return err;
        }
        if (err.isEmpty()) {
            return tail(out, TAIL_CHARS);
        }
        return err + "\n" + tail(out, TAIL_CHARS / 2);
    }

    /**
     * The description the process was started with.
     *
     * @return the description
     */
    public String description() {
        return description;
    }

    /**
     * Describes an exit code for messages: {@code exit code 1}, or {@code killed by signal 9
     * (exit code 137)} for the codes the JDK reports for processes ended by a signal.
     *
     * @param exitCode the exit code
     * @return the description
     */
    public static String describeExit(int exitCode) {
        if (exitCode > 128 && exitCode < 128 + 65) {
            return "was killed by signal " + (exitCode - 128) + " (exit code " + exitCode + ")";
        }
        return "exited with code " + exitCode;
    }

    private static String tail(String text, int max) {
        return text.length() <= max ? text : "…" + text.substring(text.length() - max);
    }

    /** Kills the process if it still runs, reaps it and stops the helper threads. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (process.isAlive()) {
                kill();
            }
            if (!process.waitFor(REAP_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.error("{} (pid {}) did not exit after it was killed; check the host for a stuck process",
                        description, process.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            watchdog.interrupt();
            closeQuietly(process.getOutputStream());
            stderr.awaitEnd(2_000);
            if (stdoutTail != null) {
                stdoutTail.awaitEnd(2_000);
            } else {
                closeQuietly(process.getInputStream());
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.trace("ignored on close: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "AdminProcess[" + description + ", pid " + process.pid() + "]";
    }
}
