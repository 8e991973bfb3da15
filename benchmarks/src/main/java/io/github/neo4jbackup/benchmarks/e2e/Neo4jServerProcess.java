package io.github.neo4jbackup.benchmarks.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Neo4j 5.26 Community server run as a separate process from jars resolved out of Maven Central
 * (no distribution archive is needed): a home directory whose {@code lib/} and {@code plugins/}
 * (APOC) link to folders the build filled, a generated {@code conf/neo4j.conf} (loopback Bolt on a
 * free port, no HTTP, auth disabled, APOC procedures allowed) and a generated
 * {@code bin/neo4j-admin} launcher running the entry point a distribution's script runs. The server
 * is started with {@code CommunityEntryPoint --console-mode} and stopped with SIGTERM, so
 * {@code neo4j-admin database dump/load} can work on its store in between.
 */
public final class Neo4jServerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(3);

    private final Path home;
    private final int boltPort;
    private final String heap;
    private Process server;

    private Neo4jServerProcess(Path home, int boltPort, String heap) {
        this.home = home;
        this.boltPort = boltPort;
        this.heap = heap;
    }

    /**
     * Creates a home directory (which must not exist yet).
     *
     * @param home      the home directory to create
     * @param programs  the folder the build filled: {@code lib/} (Neo4j) and {@code plugins/} (APOC)
     * @param heap      the server's maximum heap, e.g. {@code 2g}
     * @param pageCache the page cache size, e.g. {@code 1g}
     * @return the home; the server is not started
     * @throws IOException when the home cannot be written
     */
    public static Neo4jServerProcess create(Path home, Path programs, String heap, String pageCache) throws IOException {
        requireJars(programs.resolve("lib"), "neo4j-server-");
        requireJars(programs.resolve("plugins"), "apoc-core-");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        for (String dir : List.of("bin", "conf", "data", "logs", "run", "import")) {
            Files.createDirectories(home.resolve(dir));
        }
        Files.createSymbolicLink(home.resolve("lib"), programs.resolve("lib").toAbsolutePath());
        Files.createSymbolicLink(home.resolve("plugins"), programs.resolve("plugins").toAbsolutePath());
        Files.writeString(home.resolve("conf/neo4j.conf"), String.join("\n",
                "server.default_listen_address=127.0.0.1",
                "server.bolt.listen_address=127.0.0.1:" + port,
                "server.bolt.advertised_address=127.0.0.1:" + port,
                "server.http.enabled=false",
                "server.https.enabled=false",
                "dbms.security.auth_enabled=false",
                "dbms.security.procedures.unrestricted=apoc.*",
                "server.memory.heap.initial_size=" + heap,
                "server.memory.heap.max_size=" + heap,
                "server.memory.pagecache.size=" + pageCache,
                "dbms.usage_report.enabled=false",
                "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
                "internal.dbms.bolt.netty_server_shutdown_timeout=1s",
                ""), StandardCharsets.UTF_8);
        Path launcher = home.resolve("bin/neo4j-admin");
        Files.writeString(launcher, String.join("\n",
                "#!/bin/sh",
                "# What a Neo4j distribution's bin/neo4j-admin runs, for a home built from Maven Central jars.",
                "NEO4J_HOME=\"$(cd \"$(dirname \"$0\")/..\" && pwd)\"",
                "export NEO4J_HOME",
                "exec \"" + ChildProcess.java() + "\" -cp \"$NEO4J_HOME/lib/*\" org.neo4j.server.startup.Neo4jAdminCommand \"$@\"",
                ""), StandardCharsets.UTF_8);
        if (!launcher.toFile().setExecutable(true)) {
            throw new IOException("cannot make " + launcher + " executable");
        }
        return new Neo4jServerProcess(home, port, heap);
    }

    private static void requireJars(Path dir, String prefix) throws IOException {
        boolean found = false;
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                found = files.anyMatch(p -> p.getFileName().toString().startsWith(prefix));
            }
        }
        if (!found) {
            throw new IOException("No " + prefix + "*.jar in " + dir + ": build the benchmarks module first "
                    + "(mvn -pl benchmarks -am package -DskipTests copies the Neo4j, APOC and cypher-shell jars "
                    + "into benchmarks/target/e2e), or point -De2e.programs at such a folder");
        }
    }

    /** @return the home directory */
    public Path home() {
        return home;
    }

    /** @return {@code bolt://127.0.0.1:<port>} */
    public String boltUri() {
        return "bolt://127.0.0.1:" + boltPort;
    }

    /** @return the store directory of database {@code neo4j} */
    public Path storeDirectory() {
        return home.resolve("data/databases/neo4j");
    }

    private Path consoleLog() {
        return home.resolve("logs/console.log");
    }

    /**
     * Starts the server and waits until it logged {@code Started.}.
     *
     * @throws IOException when it exits or does not start in time
     * @throws InterruptedException when interrupted while waiting
     */
    public void start() throws IOException, InterruptedException {
        if (running()) {
            throw new IllegalStateException("already running");
        }
        Files.deleteIfExists(consoleLog());
        String classpath = home.resolve("plugins") + "/*:" + home.resolve("conf") + "/*:" + home.resolve("lib") + "/*";
        List<String> command = new ArrayList<>(List.of(ChildProcess.java().toString(), "-Xms" + heap, "-Xmx" + heap,
                "-XX:+UseG1GC", "-cp", classpath, "org.neo4j.server.CommunityEntryPoint", "--home-dir=" + home,
                "--config-dir=" + home.resolve("conf"), "--console-mode"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(consoleLog().toFile());
        pb.environment().put("NEO4J_HOME", home.toString());
        pb.environment().put("NEO4J_CONF", home.resolve("conf").toString());
        server = pb.start();
        server.getOutputStream().close();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String log = Files.exists(consoleLog()) ? Files.readString(consoleLog()) : "";
            if (log.contains("Started.")) {
                return;
            }
            if (!server.isAlive()) {
                throw new IOException("Neo4j in " + home + " exited with code " + server.exitValue() + ":\n"
                        + ChildProcess.tail(log, 4000));
            }
            Thread.sleep(100);
        }
        stop();
        throw new IOException("Neo4j in " + home + " did not start within " + START_TIMEOUT);
    }

    /**
     * Stops the server as a service manager would (SIGTERM) and waits for it to exit.
     *
     * @throws InterruptedException when interrupted while waiting
     */
    public void stop() throws InterruptedException {
        if (server == null) {
            return;
        }
        server.destroy();
        if (!server.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
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
     * The arguments that run this home's {@code bin/neo4j-admin} with {@code args}.
     *
     * @param args the neo4j-admin arguments
     * @return the command
     */
    public List<String> adminCommand(String... args) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/neo4j-admin").toString());
        command.addAll(List.of(args));
        return command;
    }

    /**
     * The size on disk of database {@code neo4j}'s store (files under its store directory).
     *
     * @return bytes
     * @throws IOException when the store cannot be listed
     */
    public long storeBytes() throws IOException {
        try (Stream<Path> files = Files.walk(storeDirectory())) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
