package io.github.neo4jbackup.core.hook;

import io.github.neo4jbackup.core.InvalidInputException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A command run as an argument vector (never through a shell) with a timeout; its output is
 * drained on its own thread and the tail kept for error messages; it is always reaped.
 *
 * @param argv    the argument vector
 * @param timeout how long it may run
 * @param env     extra environment variables (values never printed)
 */
public record ProcessCommand(List<String> argv, Duration timeout, Map<String, String> env) {

    private static final int TAIL_BYTES = 4096;

    /**
     * Creates a command.
     *
     * @param argv    argument vector, first element the executable
     * @param timeout timeout
     * @param env     environment additions
     */
    public ProcessCommand {
        if (argv == null || argv.isEmpty() || argv.get(0).isBlank()) {
            throw new InvalidInputException("A hook command needs at least an executable, e.g. [\"docker\", \"stop\", \"neo4j\"]");
        }
        argv = List.copyOf(argv);
        env = env == null ? Map.of() : Map.copyOf(env);
    }

    /**
     * Creates a command.
     *
     * @param argv    argument vector
     * @param timeout timeout
     * @param env     environment additions
     * @return the command
     */
    public static ProcessCommand of(List<String> argv, Duration timeout, Map<String, String> env) {
        return new ProcessCommand(argv, timeout, env);
    }

    /**
     * Runs the command and waits for it.
     *
     * @param what what the command is for, for messages ("stop command")
     * @throws IOException when it cannot start, exits non-zero or times out (then it is killed)
     */
    public void run(String what) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IOException("The " + what + " " + argv.get(0) + " could not be started: " + e.getMessage()
                    + "; check that it is installed and on the PATH", e);
        }
        process.getOutputStream().close();
        Tail tail = new Tail(process.getInputStream());
        Thread drainer = new Thread(tail, "hook-output-drain");
        drainer.setDaemon(true);
        drainer.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IOException("The " + what + " " + this + " did not finish within " + timeout
                        + " and was killed" + tail.suffix());
            }
            drainer.join(2000);
            int exit = process.exitValue();
            if (exit != 0) {
                throw new IOException("The " + what + " " + this + " exited with code " + exit + tail.suffix());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for the " + what, e);
        }
    }

    @Override
    public String toString() {
        return String.join(" ", argv);
    }

    /** Keeps the last bytes of a stream. */
    private static final class Tail implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        Tail(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[4096];
            int n;
            try {
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (kept) {
                        kept.write(buffer, 0, n);
                        if (kept.size() > 2 * TAIL_BYTES) {
                            byte[] all = kept.toByteArray();
                            kept.reset();
                            kept.write(all, all.length - TAIL_BYTES, TAIL_BYTES);
                        }
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        }

        String suffix() {
            String text;
            synchronized (kept) {
                byte[] all = kept.toByteArray();
                int from = Math.max(0, all.length - TAIL_BYTES);
                text = new String(all, from, all.length - from, StandardCharsets.UTF_8).strip();
            }
            return text.isEmpty() ? "" : ":\n" + text;
        }
    }
}
