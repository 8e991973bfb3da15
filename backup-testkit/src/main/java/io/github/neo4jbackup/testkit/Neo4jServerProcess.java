package io.github.neo4jbackup.testkit;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Neo4j Community server run as a separate process from the jars of {@code org.neo4j:neo4j} that a
 * build copied into a folder (no distribution archive needed), for Neo4j 5.x and the calendar
 * versions (2025.x, 2026.x) alike.
 *
 * <p>The home directory gets a {@code lib} link to the jar folder, a generated
 * {@code conf/neo4j.conf} (loopback Bolt on a free port, no HTTP, auth disabled, small memory, plus
 * any {@link Builder#setting(String, String) settings}), a {@code plugins} folder (empty, or a
 * {@link Builder#plugins(Path) link} to one holding plugin jars such as APOC) and a generated
 * {@code bin/neo4j-admin} launcher that runs {@code org.neo4j.server.startup.Neo4jAdminCommand} on
 * the same JVM with the same flags, so product code sees the layout of a real installation. The
 * server's main class is {@code CommunityEntryPoint} up to 5.x and {@code Neo4jCommunity} for
 * calendar versions, which also need Java 21+ and the module flags below;
 * {@link #javaHomeFor(String)} finds such a JDK ({@link JavaHomes}).
 *
 * <pre>{@code
 * Path lib = Path.of(System.getProperty("neo4j.2026.lib"));
 * Path java = Neo4jServerProcess.javaHomeOrSkip(lib);        // JUnit assumption when no Java 21+
 * try (Neo4jServerProcess server = Neo4jServerProcess.builder(lib, tempDir.resolve("home"))
 *         .javaHome(java).setting("db.query.default_language", "CYPHER_25").build()) {
 *     server.start();
 *     ... GraphDatabase.driver(server.boltUri(), AuthTokens.none()) ...
 * }
 * }</pre>
 */
public final class Neo4jServerProcess implements AutoCloseable {

    /** The Java version calendar-versioned Neo4j servers need. */
    public static final int CALENDAR_VERSION_JAVA = 21;

    private static final Pattern SERVER_JAR = Pattern.compile("neo4j-server-(\\d+\\.\\d+(?:\\.\\d+)?)\\.jar");
    /** What Neo4j's own launcher passes to a calendar-version JVM. */
    private static final List<String> CALENDAR_JVM_FLAGS = List.of(
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--enable-native-access=ALL-UNNAMED",
            "--add-modules=jdk.incubator.vector",
            "--sun-misc-unsafe-memory-access=allow");

    private final Path home;
    private final Path javaHome;
    private final String version;
    private final int boltPort;
    private final String heap;
    private final List<String> extraJvmFlags;
    private final Duration startTimeout;
    private final Duration stopTimeout;
    private Process server;

    private Neo4jServerProcess(Builder builder, Path javaHome, String version, int boltPort) {
        this.home = builder.home;
        this.javaHome = javaHome;
        this.version = version;
        this.boltPort = boltPort;
        this.heap = builder.heap;
        this.extraJvmFlags = List.copyOf(builder.jvmFlags);
        this.startTimeout = builder.startTimeout;
        this.stopTimeout = builder.stopTimeout;
    }

    /**
     * A builder for a server from the jars in {@code lib}, living in {@code home} (created; it must not
     * exist yet or be empty).
     *
     * @param lib  the folder holding the runtime jars of {@code org.neo4j:neo4j}
     * @param home the home directory
     * @return the builder
     */
    public static Builder builder(Path lib, Path home) {
        return new Builder(lib, home);
    }

    /**
     * The Neo4j version of the jars in a folder, from its {@code neo4j-server-<version>.jar}.
     *
     * @param lib the folder
     * @return e.g. {@code 5.26.30} or {@code 2026.08.1}
     * @throws IllegalStateException when the folder has no such jar (with advice on how to get it)
     */
    public static String versionOf(Path lib) {
        if (Files.isDirectory(lib)) {
            try (Stream<Path> files = Files.list(lib)) {
                Optional<String> v = files.map(p -> SERVER_JAR.matcher(p.getFileName().toString()))
                        .filter(Matcher::matches).map(m -> m.group(1)).findFirst();
                if (v.isPresent()) {
                    return v.get();
                }
            } catch (IOException e) {
                // reported below
            }
        }
        throw new IllegalStateException("No neo4j-server-*.jar in " + lib + ". Run the tests through Maven: the build "
                + "copies the Neo4j jars there from Maven Central before the tests.");
    }

    /**
     * Whether a version is a calendar version (2025.01 and later).
     *
     * @param version e.g. {@code 2026.08.1}
     * @return {@code true} when the major part is 2025 or more
     */
    public static boolean isCalendarVersion(String version) {
        int dot = version.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? version : version.substring(0, dot)) >= 2025;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The JDK to run a server of this version with: the current one for 5.x, a Java 21+ one
     * ({@link JavaHomes#find(int)}) for calendar versions.
     *
     * @param version the Neo4j version
     * @return the home, or empty when no suitable JDK exists on this machine
     */
    public static Optional<Path> javaHomeFor(String version) {
        return isCalendarVersion(version) ? JavaHomes.find(CALENDAR_VERSION_JAVA) : Optional.of(JavaHomes.current());
    }

    /**
     * The JDK for the jars in {@code lib}, or a JUnit assumption failure (the test is skipped, with
     * the reason printed to standard error so a build log shows it) when this machine has none.
     *
     * @param lib the folder holding the jars
     * @return the Java home
     */
    public static Path javaHomeOrSkip(Path lib) {
        String version = versionOf(lib);
        Optional<Path> java = javaHomeFor(version);
        if (java.isEmpty()) {
            String notice = "SKIPPED: the Neo4j " + version + " tests need Java " + CALENDAR_VERSION_JAVA + "+ for the "
                    + "server: " + JavaHomes.lookupDescription(CALENDAR_VERSION_JAVA) + ".";
            System.err.println(notice);
            Assumptions.abort(notice);
        }
        return java.get();
    }

    /** @return the Neo4j version of the jars */
    public String version() {
        return version;
    }

    /** @return the home directory */
    public Path home() {
        return home;
    }

    /** @return the JDK the server and its neo4j-admin run on */
    public Path javaHome() {
        return javaHome;
    }

    /** @return {@code bolt://127.0.0.1:<port>} */
    public String boltUri() {
        return "bolt://127.0.0.1:" + boltPort;
    }

    /** @return the generated {@code bin/neo4j-admin} launcher */
    public Path adminLauncher() {
        return home.resolve("bin/neo4j-admin");
    }

    /** @return the store directory of database {@code neo4j} */
    public Path storeDirectory() {
        return home.resolve("data/databases/neo4j");
    }

    /**
     * The size on disk of database {@code neo4j}'s store: the files under {@link #storeDirectory()}.
     *
     * @return bytes
     * @throws IOException when the store cannot be listed
     */
    public long storeBytes() throws IOException {
        try (Stream<Path> files = Files.walk(storeDirectory())) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** @return the server's console output of the current or last run */
    public Path consoleLog() {
        return home.resolve("logs/console.log");
    }

    /**
     * Starts the server and waits until it logged {@code Started.}.
     *
     * @throws IOException          when it exits or does not start in time (with the log's tail)
     * @throws InterruptedException when interrupted while waiting
     */
    public void start() throws IOException, InterruptedException {
        if (running()) {
            throw new IllegalStateException("already running");
        }
        Files.deleteIfExists(consoleLog());
        String classpath = home.resolve("plugins") + "/*:" + home.resolve("conf") + "/*:" + home.resolve("lib") + "/*";
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin/java").toString());
        command.add("-Xms" + heap);
        command.add("-Xmx" + heap);
        command.addAll(jvmFlags());
        command.addAll(extraJvmFlags);
        command.addAll(List.of("-cp", classpath, mainClass(), "--home-dir=" + home,
                "--config-dir=" + home.resolve("conf"), "--console-mode"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(consoleLog().toFile());
        pb.environment().put("NEO4J_HOME", home.toString());
        pb.environment().put("NEO4J_CONF", home.resolve("conf").toString());
        server = pb.start();
        server.getOutputStream().close();
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            String log = Files.exists(consoleLog()) ? Files.readString(consoleLog()) : "";
            if (log.contains("Started.")) {
                return;
            }
            if (!server.isAlive()) {
                int code = server.exitValue();
                server = null;
                throw new IOException("Neo4j " + version + " in " + home + " exited with code " + code + ":\n"
                        + tail(log));
            }
            Thread.sleep(100);
        }
        stop();
        throw new IOException("Neo4j " + version + " in " + home + " did not start within " + startTimeout);
    }

    /**
     * Stops the server as a service manager would (SIGTERM) and waits for it to exit, at most the
     * {@link Builder#timeouts(Duration, Duration) stop timeout} before it is killed; does nothing
     * when it does not run.
     *
     * @throws InterruptedException when interrupted while waiting
     */
    public void stop() throws InterruptedException {
        if (server == null) {
            return;
        }
        server.destroy();
        if (!server.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            server.destroyForcibly();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        server = null;
    }

    /** @return whether the server process is alive */
    public boolean running() {
        return server != null && server.isAlive();
    }

    /**
     * The CPU time the running server process has used since it started (all its threads), as the
     * operating system reports it; empty when the server does not run or the platform does not say.
     * The difference of two readings is the server's CPU time between them: divided by the machine's
     * cores, a lower bound on their wall time that no client can go below.
     *
     * @return the CPU time so far, or empty
     */
    public Optional<Duration> cpuTime() {
        Process p = server;
        if (p == null || !p.isAlive()) {
            return Optional.empty();
        }
        return p.toHandle().info().totalCpuDuration();
    }

    /**
     * The argument vector that runs this home's {@code bin/neo4j-admin} with {@code args}, for a
     * caller that runs the process itself.
     *
     * @param args the neo4j-admin arguments
     * @return the launcher followed by the arguments
     */
    public List<String> adminCommand(String... args) {
        List<String> command = new ArrayList<>();
        command.add(adminLauncher().toString());
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Runs this home's {@code bin/neo4j-admin} with the arguments and waits for it.
     *
     * @param timeout how long to wait
     * @param args    the arguments
     * @return the exit code and the combined output
     * @throws IOException          when it cannot be started or does not end in time
     * @throws InterruptedException when interrupted
     */
    public AdminRun admin(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = adminCommand(args);
        Path out = Files.createTempFile(home.resolve("logs"), "admin-", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException("neo4j-admin " + String.join(" ", args) + " did not end within " + timeout);
        }
        return new AdminRun(p.exitValue(), Files.readString(out));
    }

    /**
     * The outcome of {@link #admin(Duration, String...)}.
     *
     * @param exitCode the exit code
     * @param output   standard output and error
     */
    public record AdminRun(int exitCode, String output) {
    }

    private boolean calendar() {
        return isCalendarVersion(version);
    }

    private String mainClass() {
        return calendar() ? "org.neo4j.server.Neo4jCommunity" : "org.neo4j.server.CommunityEntryPoint";
    }

    private List<String> jvmFlags() {
        return calendar() ? CALENDAR_JVM_FLAGS : List.of();
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }

    /**
     * Stops the server and removes the home's {@code lib} link and, when {@link Builder#plugins(Path)
     * linked}, its {@code plugins} link (the folders themselves are left alone), so the home can be
     * deleted like any directory.
     */
    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String link : List.of("lib", "plugins")) {
            try {
                if (Files.isSymbolicLink(home.resolve(link))) {
                    Files.delete(home.resolve(link));
                }
            } catch (IOException e) {
                // the caller's clean-up reports what it cannot delete
            }
        }
    }

    @Override
    public String toString() {
        return "Neo4jServerProcess[" + version + ", " + home + ", " + boltUri() + "]";
    }

    /** Builds a {@link Neo4jServerProcess}: creates its home. Not thread-safe. */
    public static final class Builder {
        private final Path lib;
        private final Path home;
        private Path javaHome;
        private String heap = "768m";
        private String pageCache = "128m";
        private final Map<String, String> settings = new LinkedHashMap<>();
        private Path plugins;
        private final List<String> jvmFlags = new ArrayList<>();
        private String adminHeap = "512m";
        private Duration startTimeout = Duration.ofMinutes(4);
        private Duration stopTimeout = Duration.ofMinutes(2);

        private Builder(Path lib, Path home) {
            this.lib = Objects.requireNonNull(lib, "lib");
            this.home = Objects.requireNonNull(home, "home");
        }

        /**
         * The JDK to run on (default: {@link #javaHomeFor(String)}, failing when none is found).
         *
         * @param value a Java home
         * @return this builder
         */
        public Builder javaHome(Path value) {
            this.javaHome = value;
            return this;
        }

        /**
         * The server heap (default {@code 768m}).
         *
         * @param value e.g. {@code 1g}
         * @return this builder
         */
        public Builder heap(String value) {
            this.heap = Objects.requireNonNull(value, "heap");
            return this;
        }

        /**
         * The page cache (default {@code 128m}).
         *
         * @param value e.g. {@code 256m}
         * @return this builder
         */
        public Builder pageCache(String value) {
            this.pageCache = Objects.requireNonNull(value, "pageCache");
            return this;
        }

        /**
         * A further {@code neo4j.conf} setting, e.g. {@code db.query.default_language=CYPHER_25}.
         *
         * @param name  the setting
         * @param value its value
         * @return this builder
         */
        public Builder setting(String name, String value) {
            settings.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * A folder of plugin jars (e.g. APOC) that the home's {@code plugins} links to (default: an
         * empty {@code plugins} folder in the home). The server's class path includes it.
         *
         * @param folder the folder holding the plugin jars
         * @return this builder
         */
        public Builder plugins(Path folder) {
            this.plugins = Objects.requireNonNull(folder, "plugins");
            return this;
        }

        /**
         * A further flag for the server's JVM, after the heap and the flags its version needs, e.g.
         * {@code -XX:+UseG1GC}. The {@code bin/neo4j-admin} launcher does not get it.
         *
         * @param flag the flag
         * @return this builder
         */
        public Builder jvmFlag(String flag) {
            jvmFlags.add(Objects.requireNonNull(flag, "flag"));
            return this;
        }

        /**
         * The maximum heap of the {@code bin/neo4j-admin} launcher's JVM (default {@code 512m}).
         *
         * @param value e.g. {@code 1g}, or {@code null} for the JVM's default maximum heap (no {@code -Xmx})
         * @return this builder
         */
        public Builder adminHeap(String value) {
            this.adminHeap = value;
            return this;
        }

        /**
         * How long {@link Neo4jServerProcess#start()} waits for the server to log {@code Started.}
         * (default 4 minutes), and how long {@link Neo4jServerProcess#stop()} waits for it to exit
         * before it kills it (default 2 minutes; a large store takes longer to check-point on shutdown).
         *
         * @param start the start timeout
         * @param stop  the stop timeout
         * @return this builder
         */
        public Builder timeouts(Duration start, Duration stop) {
            this.startTimeout = Objects.requireNonNull(start, "start");
            this.stopTimeout = Objects.requireNonNull(stop, "stop");
            return this;
        }

        /**
         * Creates the home (the server is not started).
         *
         * @return the server
         * @throws IOException when the home cannot be written
         */
        public Neo4jServerProcess build() throws IOException {
            String version = versionOf(lib);
            Path java = javaHome != null ? javaHome : javaHomeFor(version).orElseThrow(() -> new IllegalStateException(
                    "Neo4j " + version + ": " + JavaHomes.lookupDescription(CALENDAR_VERSION_JAVA)));
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            for (String dir : List.of("bin", "conf", "data", "logs", "run", "import")) {
                Files.createDirectories(home.resolve(dir));
            }
            Files.createSymbolicLink(home.resolve("lib"), lib.toAbsolutePath());
            if (plugins != null) {
                Files.createSymbolicLink(home.resolve("plugins"), plugins.toAbsolutePath());
            } else {
                Files.createDirectories(home.resolve("plugins"));
            }
            List<String> conf = new ArrayList<>(List.of(
                    "server.default_listen_address=127.0.0.1",
                    "server.bolt.listen_address=127.0.0.1:" + port,
                    "server.bolt.advertised_address=127.0.0.1:" + port,
                    "server.http.enabled=false",
                    "server.https.enabled=false",
                    "dbms.security.auth_enabled=false",
                    "server.memory.heap.initial_size=" + heap,
                    "server.memory.heap.max_size=" + heap,
                    "server.memory.pagecache.size=" + pageCache,
                    "dbms.usage_report.enabled=false",
                    "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
                    "internal.dbms.bolt.netty_server_shutdown_timeout=1s"));
            settings.forEach((k, v) -> conf.add(k + "=" + v));
            conf.add("");
            Files.writeString(home.resolve("conf/neo4j.conf"), String.join("\n", conf), StandardCharsets.UTF_8);
            Neo4jServerProcess server = new Neo4jServerProcess(this, java, version, port);
            List<String> exec = new ArrayList<>(List.of("exec", "\"" + java.resolve("bin/java") + "\""));
            if (adminHeap != null) {
                exec.add("-Xmx" + adminHeap);
            }
            exec.addAll(server.jvmFlags());
            exec.addAll(List.of("-cp", "\"$NEO4J_HOME/lib/*\"", "org.neo4j.server.startup.Neo4jAdminCommand",
                    "\"$@\""));
            Path launcher = server.adminLauncher();
            Files.writeString(launcher, String.join("\n",
                    "#!/bin/sh",
                    "# What a Neo4j distribution's bin/neo4j-admin runs, for a home built from Maven Central jars.",
                    "NEO4J_HOME=\"$(cd \"$(dirname \"$0\")/..\" && pwd)\"",
                    "NEO4J_CONF=\"$NEO4J_HOME/conf\"",
                    "export NEO4J_HOME NEO4J_CONF",
                    String.join(" ", exec),
                    ""), StandardCharsets.UTF_8);
            if (!launcher.toFile().setExecutable(true)) {
                throw new IOException("cannot make " + launcher + " executable");
            }
            return server;
        }
    }
}
