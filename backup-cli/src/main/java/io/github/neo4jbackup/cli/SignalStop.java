package io.github.neo4jbackup.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * A clean stop on {@code SIGTERM} and {@code SIGINT} (a container stop, a Kubernetes eviction,
 * Ctrl-C): the running command's thread is interrupted, so the operation aborts what it was
 * writing and releases the repository lock; the process then exits with {@code 128 + signal}
 * (143 for SIGTERM, 130 for SIGINT) and a message saying what was stopped. A command that does
 * not stop within the grace period ({@code -Dneo4jBackup.stopGraceSeconds}, default 30), or a second
 * signal, ends the process at once; a lock left behind that way is taken over by the next run on
 * this host.
 *
 * <p>Installed only by {@link Main#main(String[])}; in-process runs ({@link Main#run}) keep the
 * JVM's own signal handling. Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}) because
 * a shutdown hook can neither tell the signals apart nor let the command finish its clean-up
 * before the JVM exits; where it is unavailable the JVM's default handling stays.
 */
final class SignalStop {

    private static final Duration GRACE = Duration.ofSeconds(Long.getLong("neo4jBackup.stopGraceSeconds", 30));
    private static volatile String received;
    private static volatile int exitCode;

    private SignalStop() {
    }

    /**
     * Handles SIGTERM and SIGINT by interrupting {@code worker}.
     *
     * @param worker the thread running the command
     * @param err    where to say what happens
     */
    static void install(Thread worker, PrintStream err) {
        for (String name : List.of("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> stop(s.getName(), s.getNumber(), worker, err));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // the signal is reserved here (e.g. -Xrs): the JVM's default handling stays
            }
        }
    }

    private static synchronized void stop(String name, int number, Thread worker, PrintStream err) {
        int code = 128 + number;
        if (received != null) {
            err.println("Received SIG" + name + " again: exiting now without clean-up (a lock left behind is taken "
                    + "over by the next run on this host).");
            err.flush();
            Runtime.getRuntime().halt(code);
        }
        received = "SIG" + name;
        exitCode = code;
        err.println("Received SIG" + name + ": stopping; the running operation aborts what it was writing and "
                + "releases the repository lock.");
        err.flush();
        worker.interrupt();
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(GRACE.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            err.println("The operation did not stop within " + GRACE.toSeconds() + " s after SIG" + name
                    + ": exiting without clean-up (a lock left behind is taken over by the next run on this host).");
            err.flush();
            Runtime.getRuntime().halt(code);
        }, "neo4j-backup stop watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /**
     * The signal received, e.g. {@code SIGTERM}, or {@code null}.
     *
     * @return the signal's name
     */
    static String received() {
        return received;
    }

    /**
     * The exit code for the signal received (128 + its number).
     *
     * @return the code
     */
    static int exitCode() {
        return exitCode;
    }

    /**
     * What a stop means for a command, for its final message.
     *
     * @param command the command's name
     * @return one sentence
     */
    static String consequence(String command) {
        switch (command) {
            case "backup":
                return "No backup was stored by this run: what it had written was discarded and the repository lock"
                        + " released.";
            case "prune":
                return "Backups already deleted stay deleted, the others are kept; the repository lock was released.";
            case "restore":
                return "The target database may hold part of the backup: restore again into an empty database.";
            default:
                return "Nothing was changed by the rest of the command.";
        }
    }
}
