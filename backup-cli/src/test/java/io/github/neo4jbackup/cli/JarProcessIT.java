package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.storage.s3.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the shaded jar ({@code target/neo4j-backup.jar}) as a separate process, the way cron or a
 * container runs it, against a real Neo4j over Bolt and a real S3 server. Runs after {@code package}.
 */
class JarProcessIT {

    static Neo4jTestServer server;
    static S3ProxyServer s3;
    static Path jar;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        // set only by the surefire execution that runs after package; a -Dtest filter in the test phase skips this
        String path = System.getProperty("neo4jBackup.jar");
        Assumptions.assumeTrue(path != null, "runs after package (mvn verify), against the fresh shaded jar");
        jar = Path.of(path);
        assertThat(jar).as("the shaded jar").isRegularFile();
        server = Neo4jTestServer.start(false);
        s3 = S3ProxyServer.shared();
        try (Session session = server.driver().session()) {
            session.run("UNWIND range(1, 50) AS i CREATE (:Item {n: i})-[:NEXT]->(:Item {n: -i})").consume();
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("NEO4J_URI", server.boltUri().toString());
        env.put("NEO4J_USER", "neo4j");
        env.put("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
        env.put("AWS_REGION", "us-east-1");
        return env;
    }

    static CliRun jar(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return jarWithEnv(jar, env, args);
    }

    /** Runs the given shaded jar with exactly this environment (for Neo4j and AWS), waiting up to 120 s. */
    static CliRun jarWithEnv(Path jar, Map<String, String> env, String... args) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("NEO4J_") || k.startsWith("AWS_")
                || k.equals("BACKUP_RETENTION_DAYS"));
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("neo4j-backup " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new CliRun(p.exitValue(), out.join(), err.join());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void helpVersionAndBadFlags() throws Exception {
        CliRun help = jar(env(), "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("backup", "restore", "Exit codes");
        CliRun version = jar(env(), "--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("neo4j-backup ");

        CliRun bad = jar(env(), "backup", "--engine", "driver", "--to", dir.toString(), "--no-such-flag", "--json");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("--no-such-flag");
        assertThat(bad.json().get("exitCode").asInt()).isEqualTo(2);
    }

    @Test
    void backupListVerifyRestorePruneOnS3AsAProcess() throws Exception {
        String bucket = s3.newBucket("jar");
        String target = "s3://" + bucket + "/nightly";
        String endpoint = s3.endpoint().toString();

        CliRun backup = jar(env(), "backup", "--engine", "driver", "--to", target, "--s3-endpoint", endpoint,
                "--s3-path-style", "--label", "tier=nightly", "--json");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        JsonNode b = backup.json();
        assertThat(b.get("counts").get("nodes").asLong()).isEqualTo(100);
        assertThat(backup.err()).doesNotContain("Exception");

        CliRun list = jar(env(), "list", "--from", target, "--s3-endpoint", endpoint, "--s3-path-style",
                "--max-age", "26h", "--json");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.json().get("staleness").get("newestId").asText()).isEqualTo(b.get("id").asText());

        CliRun verify = jar(env(), "verify", "--from", target, "--s3-endpoint", endpoint, "--s3-path-style",
                "--latest", "--deep", "--json");
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.json().get("ok").asBoolean()).isTrue();

        // no terminal, no --yes: refused
        CliRun refused = jar(env(), "restore", "--from", target, "--s3-endpoint", endpoint, "--s3-path-style",
                "--latest", "--wipe");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err()).contains("--yes");

        CliRun restore = jar(env(), "restore", "--from", target, "--s3-endpoint", endpoint, "--s3-path-style",
                "--latest", "--wipe", "--yes", "--json");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.json().get("countsMatch").asBoolean()).isTrue();

        // the restore's safety backup is kept apart from the keep rules (--keep-safety, default 3) ...
        CliRun prune = jar(env(), "prune", "--from", target, "--s3-endpoint", endpoint, "--s3-path-style",
                "--keep-last", "1", "--json");
        assertThat(prune.exitCode()).as(prune.toString()).isZero();
        assertThat(prune.json().get("deleted")).isEmpty();
        // ... unless the rules are told to count it
        CliRun pruneAll = jar(env(), "prune", "--from", target, "--s3-endpoint", endpoint, "--s3-path-style",
                "--keep-last", "1", "--include-safety", "--json");
        assertThat(pruneAll.exitCode()).as(pruneAll.toString()).isZero();
        assertThat(pruneAll.json().get("deleted")).hasSize(1);
    }

    @Test
    void failuresAsAProcess() throws Exception {
        Map<String, String> env = env();
        env.put("NEO4J_URI", "bolt://127.0.0.1:1");
        CliRun unreachable = jar(env, "backup", "--engine", "driver", "--to", dir.toString());
        assertThat(unreachable.exitCode()).as(unreachable.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(unreachable.err()).contains("Cannot reach Neo4j at bolt://127.0.0.1:1");

        CliRun bucket = jar(env(), "list", "--from", "s3://missing-bucket-jar/x", "--s3-endpoint",
                s3.endpoint().toString(), "--s3-path-style");
        assertThat(bucket.exitCode()).as(bucket.toString()).isIn(ExitCodes.USAGE, ExitCodes.FAILED);
        assertThat(bucket.err()).contains("missing-bucket-jar");

        Files.createDirectories(dir.resolve("empty"));
        CliRun stale = jar(env(), "list", "--from", dir.resolve("empty").toString(), "--max-age", "26h");
        assertThat(stale.exitCode()).isEqualTo(ExitCodes.VERIFICATION);
    }
}
