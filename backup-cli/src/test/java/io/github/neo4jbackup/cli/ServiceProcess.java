package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code neo4j-backup run} as a child JVM (the test class path, so it runs in the test phase), with
 * {@code --log-format json}: its stdout lines are collected as JSON events the test can wait for.
 * {@link #sigterm()} sends SIGTERM, as a container runtime does.
 */
final class ServiceProcess implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final List<JsonNode> events = new ArrayList<>();
    private final StringBuilder stdoutText = new StringBuilder();
    private final StringBuilder stderr = new StringBuilder();
    private final Thread outReader;
    private final Thread errReader;

    private ServiceProcess(Process process) {
        this.process = process;
        this.outReader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (events) {
                        stdoutText.append(line).append('\n');
                        if (line.startsWith("{")) {
                            events.add(MAPPER.readTree(line));
                        }
                        events.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "service-stdout");
        this.errReader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (stderr) {
                        stderr.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "service-stderr");
        outReader.setDaemon(true);
        errReader.setDaemon(true);
        outReader.start();
        errReader.start();
    }

    /** Starts {@code neo4j-backup run ... --log-format json} with exactly this environment (plus PATH). */
    static ServiceProcess start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add("io.github.neo4jbackup.cli.Main");
        command.add("run");
        command.add("--log-format");
        command.add("json");
        command.addAll(List.of(args));
        return launch(env, command);
    }

    /** Starts {@code neo4j-backup run ARGS} from the test class path, with no option added. */
    static ServiceProcess startPlain(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add("io.github.neo4jbackup.cli.Main");
        command.add("run");
        command.addAll(List.of(args));
        return launch(env, command);
    }

    /** Starts {@code java -jar JAR run ARGS} (nothing else: configuration by environment variables). */
    static ServiceProcess startJar(Path jar, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("-jar", jar.toString(), "run"));
        command.addAll(List.of(args));
        return launch(env, command);
    }

    private static ServiceProcess launch(Map<String, String> env, List<String> javaArgs) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.addAll(javaArgs);
        ProcessBuilder pb = new ProcessBuilder(command);
        String path = pb.environment().get("PATH");
        pb.environment().clear();
        if (path != null) {
            pb.environment().put("PATH", path);
        }
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return new ServiceProcess(pb.start());
    }

    /** Waits for the n-th event (1-based) matching the predicate, or fails with the log so far. */
    JsonNode await(String what, Predicate<JsonNode> predicate, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                int seen = 0;
                for (JsonNode e : events) {
                    if (predicate.test(e) && ++seen == n) {
                        return e;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && !outReader.isAlive()) {
                    throw new AssertionError("no " + what + " (#" + n + ") within " + timeout + "\n" + this);
                }
                events.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Waits for the n-th event of this name. */
    JsonNode await(String event, int n, Duration timeout) throws InterruptedException {
        return await(event, e -> e.path("event").asText().equals(event), n, timeout);
    }

    /** The events so far with this name. */
    List<JsonNode> events(String event) {
        synchronized (events) {
            return events.stream().filter(e -> e.path("event").asText().equals(event)).toList();
        }
    }

    /** The port of the HTTP endpoint, from the service.started line. */
    int httpPort() throws InterruptedException {
        return await("service.started", 1, Duration.ofSeconds(30)).get("httpPort").asInt();
    }

    /** GET a path of the HTTP endpoint. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends SIGTERM (Process.destroy() would also close our ends of its output streams). */
    void sigterm() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -TERM " + process.pid() + " failed");
        }
    }

    /** Waits for the process to exit and returns its exit code. */
    int exitCode(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the service did not exit within " + timeout + "\n" + this);
        }
        outReader.join(5000);
        errReader.join(5000);
        return process.exitValue();
    }

    String stdout() {
        synchronized (events) {
            return stdoutText.toString();
        }
    }

    String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return "--- service stdout\n" + stdout() + "--- service stderr\n" + stderr();
    }
}
