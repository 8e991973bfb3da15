package io.github.neo4jbackup.benchmarks.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one measured program as a child process: an argument vector (never a shell line), stdout
 * and stderr kept in files next to each other, a time limit after which the process tree is
 * killed, and the wall time from start to exit. Java children get a fixed {@code -Xmx} and a GC
 * log ({@code -Xlog:gc,gc+heap+exit}) from which {@link GcLog} reads their peak heap use.
 */
final class ChildProcess {

    private ChildProcess() {
    }

    /** What one run produced. */
    record Outcome(String name, int exitCode, boolean timedOut, boolean outOfMemory, double seconds,
                   Path stdout, Path stderr, GcLog.Heap heap) {

        boolean ok() {
            return exitCode == 0 && !timedOut && !outOfMemory;
        }

        String stdoutText() throws IOException {
            return Files.readString(stdout, StandardCharsets.UTF_8);
        }

        String stderrTail() {
            try {
                return tail(Files.readString(stderr, StandardCharsets.UTF_8), 2000);
            } catch (IOException e) {
                return "(stderr unreadable: " + e.getMessage() + ")";
            }
        }

        /** A short description of a failure, for the results table. */
        String failure() {
            if (outOfMemory) {
                return "OutOfMemoryError (exit " + exitCode + ")";
            }
            if (timedOut) {
                return "killed after " + Report.minutes(seconds);
            }
            String tail = stderrTail().strip();
            int nl = tail.lastIndexOf('\n');
            String last = nl >= 0 ? tail.substring(nl + 1) : tail;
            return "exit " + exitCode + (last.isEmpty() ? "" : ": " + last.replace('|', '/'));
        }
    }

    /** @return the java launcher of the running JVM */
    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /**
     * The start of a Java command line with a fixed maximum heap and a GC log in {@code dir}.
     *
     * @param dir  where the GC log goes
     * @param name the run's name (file names)
     * @param xmx  the maximum heap, e.g. {@code 256m}
     * @return java, -Xmx, -Xlog and the heap dump settings; append -jar/-cp and the arguments
     */
    static List<String> javaCommand(Path dir, String name, String xmx) {
        List<String> command = new ArrayList<>();
        command.add(java().toString());
        command.add("-Xmx" + xmx);
        command.add("-XX:+UseG1GC");
        command.add("-Xlog:gc,gc+heap+exit:file=" + gcLog(dir, name) + "::filecount=0");
        return command;
    }

    static Path gcLog(Path dir, String name) {
        return dir.resolve(name + ".gc.log");
    }

    /**
     * Runs a command and waits for it, at most {@code limit}.
     *
     * @param dir     where stdout ({@code name.out}), stderr ({@code name.err}) and the GC log go
     * @param name    the run's name
     * @param command the argument vector
     * @param env     extra environment variables
     * @param limit   the time limit; the process tree is killed when it is reached
     * @return the outcome
     * @throws IOException when the process cannot be started
     * @throws InterruptedException when interrupted while waiting
     */
    static Outcome run(Path dir, String name, List<String> command, Map<String, String> env, Duration limit)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Path gc = gcLog(dir, name);
        Files.deleteIfExists(gc);
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        p.getOutputStream().close();
        boolean finished = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(60, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int exit = finished ? p.exitValue() : -1;
        boolean oom = contains(err, "OutOfMemoryError") || contains(out, "OutOfMemoryError");
        GcLog.Heap heap = Files.exists(gc) ? GcLog.parse(gc) : null;
        return new Outcome(name, exit, !finished, oom, seconds, out, err, heap);
    }

    private static boolean contains(Path file, String text) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        // scan in chunks: a replay's output can be large
        byte[] needle = text.getBytes(StandardCharsets.US_ASCII);
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            byte[] carry = new byte[0];
            int n;
            while ((n = in.read(buf)) > 0) {
                byte[] chunk = new byte[carry.length + n];
                System.arraycopy(carry, 0, chunk, 0, carry.length);
                System.arraycopy(buf, 0, chunk, carry.length, n);
                if (indexOf(chunk, needle) >= 0) {
                    return true;
                }
                int keep = Math.min(needle.length - 1, chunk.length);
                carry = java.util.Arrays.copyOfRange(chunk, chunk.length - keep, chunk.length);
            }
        }
        return false;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static String tail(String text, int max) {
        return text.length() > max ? text.substring(text.length() - max) : text;
    }
}
