package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.storage.s3.S3ProxyServer;
import io.github.neo4jbackup.testkit.FaultyTcpProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Session;
import org.neo4j.driver.Values;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar as a process, stopped and killed mid-backup the way a container runtime or an
 * operator does it: SIGTERM stops cleanly (non-zero exit, no lock, nothing stored, the next backup
 * succeeds), a second backup meanwhile exits 4 naming the holder's host and PID, and after SIGKILL
 * an immediate retry takes the dead run's lock over and succeeds. The backup reads from a real
 * Neo4j through a TCP proxy that the test stalls once data flows, so the run is caught mid-export
 * every time (no race with a fast export). Runs after {@code package}.
 */
class JarStopAndLockIT {

    static Neo4jTestServer server;
    static Path jar;

    @TempDir
    Path dir;

    private FaultyTcpProxy proxy;
    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void start() {
        String path = System.getProperty("neo4jBackup.jar");
        Assumptions.assumeTrue(path != null, "runs after package (mvn verify), against the fresh shaded jar");
        jar = Path.of(path);
        server = Neo4jTestServer.start(false);
        String text = "x".repeat(2000);
        try (Session session = server.driver().session()) {
            session.run("UNWIND range(1, 20000) AS i CREATE (:Big {i: i, s: $s})", Values.parameters("s", text))
                    .consume();
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void cleanUp() {
        processes.forEach(Process::destroyForcibly);
        if (proxy != null) {
            proxy.close();
        }
    }

    private Map<String, String> env(int port) {
        return Map.of("NEO4J_URI", "bolt://127.0.0.1:" + port, "NEO4J_USER", "neo4j");
    }

    private Process startJar(Map<String, String> env, String name, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("NEO4J_") || k.startsWith("AWS_"));
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(dir.resolve(name + ".out").toFile());
        pb.redirectError(dir.resolve(name + ".err").toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private String err(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".err"), StandardCharsets.UTF_8);
    }

    private CliRun finish(Process p, String name) throws Exception {
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(name + " finished").isTrue();
        return new CliRun(p.exitValue(), Files.readString(dir.resolve(name + ".out"), StandardCharsets.UTF_8),
                err(name));
    }

    /** Starts a backup through the proxy and stalls the proxy once the lock is held and data flows. */
    private Process backupCaughtMidExport(Path repo, String name) throws Exception {
        proxy = new FaultyTcpProxy(server.boltUri().getPort());
        Process p = startJar(env(proxy.port()), name, "backup", "--engine", "driver", "--to", repo.toString(),
                "--compress", "none");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(repo.resolve("locks/neo4j.lock")) && proxy.downstreamBytes() > 1_000_000)) {
            assertThat(p.isAlive()).as("the backup is still running: " + err(name)).isTrue();
            assertThat(System.nanoTime()).as("data flows within 60 s").isLessThan(deadline);
            Thread.sleep(2);
        }
        proxy.stallAll();
        Thread.sleep(300);
        assertThat(p.isAlive()).as("caught mid-export: " + err(name)).isTrue();
        return p;
    }

    private static List<String> files(Path repo) throws IOException {
        try (Stream<Path> all = Files.walk(repo)) {
            return all.filter(Files::isRegularFile).map(f -> repo.relativize(f).toString()).sorted().toList();
        }
    }

    @Test
    void sigtermStopsABackupCleanlyAndASecondBackupMeanwhileExits4NamingHostAndPid() throws Exception {
        Path repo = dir.resolve("repo");
        Process running = backupCaughtMidExport(repo, "first");

        CliRun second = JarProcessIT.jarWithEnv(jar, env(server.boltUri().getPort()), "backup", "--engine", "driver",
                "--to", repo.toString(), "--json");
        assertThat(second.exitCode()).as(second.toString()).isEqualTo(ExitCodes.LOCKED);
        String host = java.net.InetAddress.getLocalHost().getHostName(); // as the lock records it
        assertThat(second.err()).contains("held by").contains("host " + host).contains("pid " + running.pid())
                .contains(" ago");
        assertThat(second.json().get("type").asText()).isEqualTo("LockHeldException");

        running.destroy(); // SIGTERM
        CliRun stopped = finish(running, "first");
        assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(143);
        assertThat(stopped.err()).contains("Received SIGTERM").contains("Stopped by SIGTERM during 'backup'")
                .contains("No backup was stored");
        assertThat(files(repo)).as("no lock, no data object, no manifest, no temporary file left").isEmpty();

        proxy.heal();
        CliRun next = JarProcessIT.jarWithEnv(jar, env(server.boltUri().getPort()), "backup", "--engine", "driver",
                "--to", repo.toString(), "--compress", "zstd", "--json");
        assertThat(next.exitCode()).as(next.toString()).isZero();
        assertThat(next.err()).doesNotContain("Taking over");
        assertThat(next.json().get("counts").get("nodes").asLong()).isEqualTo(20000);
    }

    /** An S3 server on a fixed port over a directory: stopped and started again, it keeps its data. */
    private static S3Proxy startS3(Path data, int port) throws Exception {
        S3Proxy s3 = S3Proxy.builder().blobStore(new FilesystemNio2BlobStore(data.toString()))
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)
                .build();
        s3.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!"STARTED".equals(s3.getState())) {
            assertThat(System.nanoTime()).as("S3Proxy started").isLessThan(deadline);
            Thread.sleep(10);
        }
        return s3;
    }

    @Test
    void anS3ServerKilledMidUploadAndRestartedThenAnImmediateRetrySucceedsAndVerifies() throws Exception {
        Path data = Files.createDirectories(dir.resolve("s3-data"));
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        S3Proxy s3 = startS3(data, port);
        try (S3Client client = S3ProxyServer.newClient(port)) {
            client.createBucket(r -> r.bucket("nightly"));
        }
        FaultyTcpProxy front = new FaultyTcpProxy(port); // counts the uploaded bytes; forwards to the real server
        try {
            Map<String, String> env = new java.util.HashMap<>(env(server.boltUri().getPort()));
            env.put("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
            env.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
            env.put("AWS_REGION", "us-east-1");
            String[] backup = {"backup", "--engine", "driver", "--to", "s3://nightly/neo4j", "--s3-endpoint",
                    "http://127.0.0.1:" + front.port(), "--s3-path-style", "--compress", "none"};
            Process first = startJar(env, "s3-first", backup);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (front.upstreamBytes() < 12_000_000) {
                assertThat(first.isAlive()).as("still uploading: " + err("s3-first")).isTrue();
                assertThat(System.nanoTime()).as("12 MB uploaded within 60 s").isLessThan(deadline);
                Thread.sleep(5);
            }
            s3.stop(); // the S3 server dies mid-upload
            front.cutAll();
            CliRun failed = finish(first, "s3-first");
            assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(ExitCodes.FAILED);
            s3 = startS3(data, port); // and comes back
            try (S3Client client = S3ProxyServer.newClient(port)) {
                assertThat(client.listObjectsV2(r -> r.bucket("nightly")).contents())
                        .as("nothing that looks like a backup").noneMatch(o -> o.key().endsWith(".manifest.json"))
                        .as("the lock could not be released while the server was down")
                        .anyMatch(o -> o.key().equals("neo4j/locks/neo4j.lock"));
            }

            String[] retryArgs = java.util.stream.Stream.concat(java.util.Arrays.stream(backup),
                    java.util.stream.Stream.of("--json")).toArray(String[]::new);
            CliRun retry = JarProcessIT.jarWithEnv(jar, env, retryArgs);
            assertThat(retry.exitCode()).as(retry.toString()).isZero();
            assertThat(retry.err()).contains("Taking over the repository lock locks/neo4j.lock")
                    .contains("pid " + first.pid()).contains("no longer running");
            CliRun verify = JarProcessIT.jarWithEnv(jar, env, "verify", "--from", "s3://nightly/neo4j", "--s3-endpoint",
                    "http://127.0.0.1:" + port, "--s3-path-style", "--latest", "--deep", "--json");
            assertThat(verify.exitCode()).as(verify.toString()).isZero();
            assertThat(verify.json().get("ok").asBoolean()).isTrue();
        } finally {
            front.close();
            s3.stop();
        }
    }

    @Test
    void afterSigkillAnImmediateRetryTakesTheDeadRunsLockOverAndSucceeds() throws Exception {
        Path repo = dir.resolve("killed");
        Process running = backupCaughtMidExport(repo, "killed");
        running.destroyForcibly(); // SIGKILL
        assertThat(running.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(running.exitValue()).isEqualTo(137);
        assertThat(repo.resolve("locks/neo4j.lock")).as("the killed run left its lock").exists();
        proxy.heal();

        CliRun retry = JarProcessIT.jarWithEnv(jar, env(server.boltUri().getPort()), "backup", "--engine", "driver",
                "--to", repo.toString(), "--json");
        assertThat(retry.exitCode()).as(retry.toString()).isZero();
        assertThat(retry.err()).contains("WARN").contains("Taking over the repository lock locks/neo4j.lock")
                .contains("pid " + running.pid()).contains("its process on this host is no longer running");
        CliRun verify = JarProcessIT.jarWithEnv(jar, Map.of(), "verify", "--from", repo.toString(), "--latest",
                "--deep", "--json");
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(repo.resolve("locks/neo4j.lock")).doesNotExist();
    }
}
