package io.github.neo4jbackup.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Neo4j 5.26 Community installation made of the jars the backup-export-admin build collects
 * (its {@code target/neo4j-home/lib}), laid out like a distribution: {@code conf/neo4j.conf}
 * (loopback Bolt on a free port, no HTTP, no auth, small memory), {@code bin/neo4j-admin}, and
 * service scripts {@code bin/neo4j-start} (starts the server in the background, writes
 * {@code run/neo4j.pid} as {@code bin/neo4j start} does, returns once it logged {@code Started.})
 * and {@code bin/neo4j-stop} (SIGTERM, returns once the process is gone).
 */
final class TestNeo4jHome {

    final Path home;
    final int port;

    private TestNeo4jHome(Path home, int port) {
        this.home = home;
        this.port = port;
    }

    static Path lib() {
        return AdminRestoreWindowTest.lib();
    }

    static boolean available() {
        return Files.isDirectory(lib());
    }

    static TestNeo4jHome create(Path home) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        for (String d : List.of("bin", "conf", "data", "logs", "run", "plugins", "import")) {
            Files.createDirectories(home.resolve(d));
        }
        Files.createSymbolicLink(home.resolve("lib"), lib());
        Files.writeString(home.resolve("conf/neo4j.conf"), String.join("\n",
                "server.default_listen_address=127.0.0.1",
                "server.bolt.listen_address=127.0.0.1:" + port,
                "server.bolt.advertised_address=127.0.0.1:" + port,
                "server.http.enabled=false", "server.https.enabled=false", "dbms.security.auth_enabled=false",
                "server.memory.heap.max_size=512m", "server.memory.pagecache.size=64m",
                "dbms.usage_report.enabled=false",
                "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
                "internal.dbms.bolt.netty_server_shutdown_timeout=1s", ""), StandardCharsets.UTF_8);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        script(home, "bin/neo4j-admin", "#!/bin/sh",
                "NEO4J_HOME=\"$(cd \"$(dirname \"$0\")/..\" && pwd)\"", "export NEO4J_HOME",
                "exec \"" + java + "\" -Xmx512m -cp \"$NEO4J_HOME/lib/*\" org.neo4j.server.startup.Neo4jAdminCommand \"$@\"");
        String preamble = String.join("\n", "#!/bin/sh",
                "H=\"$(cd \"$(dirname \"$0\")/..\" && pwd)\"",
                "PIDFILE=\"$H/run/neo4j.pid\"",
                "alive() { [ -r \"/proc/$1/stat\" ] && [ \"$(awk '{print $3}' \"/proc/$1/stat\" 2>/dev/null)\" != Z ]; }");
        script(home, "bin/neo4j-start", preamble,
                "if [ -f \"$PIDFILE\" ] && alive \"$(cat \"$PIDFILE\")\"; then echo 'Neo4j is already running'; exit 0; fi",
                "rm -f \"$H/logs/console.log\"",
                "NEO4J_HOME=\"$H\" NEO4J_CONF=\"$H/conf\" nohup \"" + java + "\" -Xms256m -Xmx512m"
                        + " -cp \"$H/plugins/*:$H/conf/*:$H/lib/*\" org.neo4j.server.CommunityEntryPoint"
                        + " --home-dir=\"$H\" --config-dir=\"$H/conf\" --console-mode"
                        + " < /dev/null > \"$H/logs/console.log\" 2>&1 &",
                "echo $! > \"$PIDFILE\"",
                "i=0",
                "while [ $i -lt 1800 ]; do",
                "  if grep -q 'Started.' \"$H/logs/console.log\" 2>/dev/null; then echo 'Neo4j started'; exit 0; fi",
                "  if ! alive \"$(cat \"$PIDFILE\")\"; then echo 'Neo4j exited:'; tail -20 \"$H/logs/console.log\"; exit 1; fi",
                "  sleep 0.1; i=$((i+1))",
                "done",
                "echo 'Neo4j did not start within 180 s'; exit 1");
        script(home, "bin/neo4j-stop", preamble,
                "if [ ! -f \"$PIDFILE\" ]; then echo 'Neo4j is not running'; exit 0; fi",
                "PID=\"$(cat \"$PIDFILE\")\"",
                "kill -TERM \"$PID\" 2>/dev/null",
                "i=0",
                "while alive \"$PID\"; do",
                "  i=$((i+1))",
                "  if [ $i -gt 900 ]; then kill -KILL \"$PID\"; echo 'Neo4j did not stop within 90 s: killed'; fi",
                "  sleep 0.1",
                "done",
                "rm -f \"$PIDFILE\"",
                "echo 'Neo4j stopped'");
        return new TestNeo4jHome(home, port);
    }

    private static void script(Path home, String name, String... lines) throws IOException {
        Path file = home.resolve(name);
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        assertThat(file.toFile().setExecutable(true)).isTrue();
    }

    String boltUri() {
        return "bolt://127.0.0.1:" + port;
    }

    String startCommand() {
        return home.resolve("bin/neo4j-start").toString();
    }

    String stopCommand() {
        return home.resolve("bin/neo4j-stop").toString();
    }

    /** Runs bin/neo4j-admin with these arguments and requires exit 0. */
    void admin(String... args) throws IOException, InterruptedException {
        run(home.resolve("bin/neo4j-admin").toString(), args);
    }

    void start() throws IOException, InterruptedException {
        run(startCommand());
    }

    void stop() throws IOException, InterruptedException {
        run(stopCommand());
    }

    /** The pid of the running server, if any. */
    Optional<Long> serverPid() {
        Path pidFile = home.resolve("run/neo4j.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void run(String executable, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(executable));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", argv) + ":\n" + out).isZero();
    }
}
