package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.storage.s3.S3ProxyServer;
import io.github.neo4jbackup.storage.s3.S3StorageTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Configuration of {@code run} by environment variables: flags win, every option has a variable
 * documented in docs/service.md, and the seed-style R2 settings alone run a service that backs up to
 * an S3-compatible server through {@code r2://}.
 */
class RunEnvironmentTest {

    static int port;
    static PortNeo4j db;
    static S3ProxyServer s3;

    @BeforeAll
    static void start() {
        port = PortNeo4j.freePort();
        db = PortNeo4j.start(port);
        db.cypher("UNWIND range(1, 9) AS i CREATE (:E {n: i})");
        s3 = S3ProxyServer.shared();
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
    }

    /** Parses a run command line (without running it) in a context with this environment. */
    static RunCommand parse(Map<String, String> env, String... args) {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        CommandLine cl = NeoBackupCommand.commandLine(CliContext.of(env, sink, sink));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        CommandLine.ParseResult parsed = cl.parseArgs(args);
        return (RunCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void flagsWinOverEnvironmentVariables() {
        Map<String, String> env = Map.of("BACKUP_COMPRESSION", "gzip", "BACKUP_ENGINE", "apoc", "BACKUP_SCHEDULE", "@daily",
                "BACKUP_KEEP_LAST", "3", "RUN_IMMEDIATE_BACKUP", "true", "HTTP_PORT", "9090", "BACKUP_TARGET", "/env/repo");
        RunCommand fromEnv = parse(env, "run");
        assertThat(fromEnv.backup.compress).isEqualTo(BackupCommand.Compress.gzip);
        assertThat(fromEnv.backup.engine).isEqualTo(BackupEngine.apoc);
        assertThat(fromEnv.backup.to).isEqualTo("/env/repo");
        assertThat(fromEnv.backup.retention.keepLast).isEqualTo(3);
        assertThat(fromEnv.schedule).isEqualTo("@daily");
        assertThat(fromEnv.runOnStart).isTrue();
        assertThat(fromEnv.httpPort).isEqualTo(9090);

        RunCommand flags = parse(env, "run", "--compress", "none", "--engine", "driver", "--to", "/flag/repo",
                "--keep-last", "5", "--schedule", "0 3 * * *", "--http-port", "8080");
        assertThat(flags.backup.compress).isEqualTo(BackupCommand.Compress.none);
        assertThat(flags.backup.engine).isEqualTo(BackupEngine.driver);
        assertThat(flags.backup.to).isEqualTo("/flag/repo");
        assertThat(flags.backup.retention.keepLast).isEqualTo(5);
        assertThat(flags.schedule).isEqualTo("0 3 * * *");
        assertThat(flags.httpPort).isEqualTo(8080);

        assertThat(parse(Map.of("R2_BUCKET_NAME", "b"), "run").backup.to).isEqualTo("r2://");
        assertThat(parse(Map.of(), "run").backup.to).isNull();
    }

    @Test
    void everyOptionOfRunHasAVariableAndTheDocumentationListsThemAll() throws Exception {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        CommandLine run = NeoBackupCommand.commandLine(CliContext.of(Map.of(), sink, sink)).getSubcommands().get("run");
        Set<String> options = run.getCommandSpec().options().stream().map(CommandLine.Model.OptionSpec::longestName)
                .collect(Collectors.toCollection(TreeSet::new));
        options.removeAll(Set.of("--help", "--version", "--json"));
        options.remove("--dry-run"); // run refuses it (exit 2): a dry run is one backup command
        Set<String> covered = new TreeSet<>(ServiceEnvironment.VARIABLES.keySet());
        covered.addAll(ServiceEnvironment.READ_BY_THE_COMMAND.keySet());
        assertThat(covered).containsAll(options);

        String doc = Files.readString(Path.of("..", "docs", "service.md"));
        for (String variable : ServiceEnvironment.VARIABLES.values()) {
            assertThat(doc).as("docs/service.md lists %s", variable).contains("`" + variable + "`");
        }
        for (String variable : ServiceEnvironment.READ_BY_THE_COMMAND.values()) {
            assertThat(doc).contains("`" + variable + "`");
        }
    }

    @Test
    void seedStyleEnvironmentAloneRunsTheServiceAgainstR2() throws Exception {
        String bucket = s3.newBucket("r2env");
        Map<String, String> env = new HashMap<>();
        env.put("NEO4J_URI", PortNeo4j.uri(port));
        env.put("NEO4J_USER", "neo4j");
        env.put("BACKUP_ENGINE", "driver");
        env.put("BACKUP_SCHEDULE", "@daily");
        env.put("RUN_IMMEDIATE_BACKUP", "true");
        env.put("BACKUP_RETENTION_DAYS", "14");
        env.put("BACKUP_COMPRESSION", "gzip");
        env.put("BACKUP_PREFIX", "nightly/neo4j");
        env.put("R2_ACCOUNT_ID", "0123456789abcdef");
        env.put("R2_BUCKET_NAME", bucket);
        env.put("R2_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
        env.put("R2_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
        env.put("S3_ENDPOINT", s3.endpoint().toString()); // stands in for https://<account>.r2.cloudflarestorage.com
        env.put("HTTP_PORT", "0");
        env.put("HTTP_BIND", "127.0.0.1");
        env.put("LOG_FORMAT", "json");
        String jarPath = System.getProperty("neo4jBackup.jar");
        try (ServiceProcess service = jarPath != null ? ServiceProcess.startJar(Path.of(jarPath), env)
                : ServiceProcess.startPlain(env)) {
            JsonNode started = service.await("service.started", 1, Duration.ofSeconds(30));
            assertThat(started.get("target").asText()).isEqualTo("r2://");
            JsonNode done = service.await("a successful run", e -> RunServiceTest.outcome(e, "success"), 1,
                    Duration.ofSeconds(60));
            assertThat(done.get("nodes").asLong()).isEqualTo(9);
            assertThat(service.get("/health").statusCode()).isEqualTo(200);
            service.sigterm();
            assertThat(service.exitCode(Duration.ofSeconds(30))).as(service.toString()).isZero();
            assertThat(service.stdout() + service.stderr()).doesNotContain(S3ProxyServer.SECRET_KEY);

            List<String> keys = s3.allKeys(bucket);
            assertThat(keys).anyMatch(k -> k.startsWith("nightly/neo4j/") && k.endsWith(".manifest.json"));
            S3StorageTarget target = S3StorageTarget.builder().client(s3.client()).bucket(bucket).prefix("nightly/neo4j/").build();
            Manifest m = BackupPipeline.builder().target(target).build().list().get(0);
            assertThat(m.id()).isEqualTo(done.get("id").asText());
            assertThat(m.transformers()).anyMatch(t -> t.toString().contains("gzip"));
        }
    }
}
