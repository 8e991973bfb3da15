package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.neo4jbackup.core.manifest.Manifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code backup --notify-url ... --metrics-file ...} in-process against a real Neo4j. */
class BackupNotifyTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static int port;
    static PortNeo4j db;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        port = PortNeo4j.freePort();
        db = PortNeo4j.start(port);
        db.cypher("UNWIND range(1, 12) AS i CREATE (:A {n: i})-[:B]->(:C)");
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void aFailedBackupSendsOneJsonNotificationWithoutSecretsAndKeepsItsExitCode() throws Exception {
        try (WebhookReceiver hook = new WebhookReceiver()) {
            CliRun failed = CliRun.inProcess(Map.of("NEO4J_URI", "bolt://127.0.0.1:1", "NOTIFY_URL", hook.url()),
                    "backup", "--engine", "driver", "--to", dir.resolve("repo").toString());
            assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(ExitCodes.FAILED);
            hook.await(1, Duration.ofSeconds(5));
            Thread.sleep(300); // a second message would arrive now
            assertThat(hook.bodies).hasSize(1);
            JsonNode body = MAPPER.readTree(hook.bodies.get(0));
            assertThat(body.get("event").asText()).isEqualTo("backup.failed");
            assertThat(body.get("status").asText()).isEqualTo("failure");
            assertThat(body.get("source").asText()).isEqualTo("neo4j-backup");
            assertThat(body.get("database").asText()).isEqualTo("neo4j");
            assertThat(body.get("id").asText()).startsWith("neo4j-");
            assertThat(body.get("timestamp").asText()).isNotBlank();
            assertThat(body.get("error").asText()).isEqualTo("SourceFailedException");
            assertThat(body.get("message").asText()).contains("Cannot reach Neo4j at bolt://127.0.0.1:1");
            assertThat(hook.bodies.get(0) + failed.out() + failed.err()).doesNotContain(WebhookReceiver.TOKEN);

            // a receiver that is down is logged and never changes the exit code of a good backup
            CliRun ok = CliRun.inProcess(Map.of("NEO4J_URI", PortNeo4j.uri(port)), "backup", "--engine", "driver",
                    "--to", dir.resolve("repo").toString(), "--notify-url", "http://127.0.0.1:1/hooks/" + WebhookReceiver.TOKEN,
                    "--notify-on", "always");
            assertThat(ok.exitCode()).as(ok.toString()).isZero();
            assertThat(ok.err()).doesNotContain(WebhookReceiver.TOKEN);
        }
    }

    @Test
    void successesAreNotifiedWhenAskedInTheChosenFormat() throws Exception {
        try (WebhookReceiver hook = new WebhookReceiver()) {
            CliRun ok = CliRun.inProcess(Map.of("NEO4J_URI", PortNeo4j.uri(port)), "backup", "--engine", "driver",
                    "--to", dir.resolve("repo").toString(), "--notify-url", hook.url(), "--notify-on", "always",
                    "--notify-format", "slack");
            assertThat(ok.exitCode()).as(ok.toString()).isZero();
            hook.await(1, Duration.ofSeconds(5));
            assertThat(hook.bodies).hasSize(1);
            assertThat(MAPPER.readTree(hook.bodies.get(0)).get("text").asText()).contains("succeeded");

            CliRun bad = CliRun.inProcess(Map.of("NEO4J_URI", PortNeo4j.uri(port)), "backup", "--engine", "driver",
                    "--to", dir.resolve("repo").toString(), "--notify-url", hook.url(), "--notify-format", "fax");
            assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(bad.err()).contains("use json, slack, discord or teams");
        }
    }

    @Test
    void metricsFileIsWrittenInPrometheusFormatAndMatchesTheManifest() throws Exception {
        PrometheusText.assumeAvailable();
        Path repo = dir.resolve("repo");
        Path prom = dir.resolve("textfile").resolve("neo4j_backup.prom");
        CliRun ok = CliRun.inProcess(Map.of("NEO4J_URI", PortNeo4j.uri(port), "METRICS_FILE", prom.toString()),
                "backup", "--engine", "driver", "--to", repo.toString());
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        List<PrometheusText.Sample> samples = PrometheusText.parse(Files.readString(prom));
        Manifest m = RunServiceTest.manifests(repo).get(0);
        assertThat(PrometheusText.value(samples, "neo4j_backup_last_success_seconds", "database", "neo4j"))
                .isEqualTo(m.finishedAt().toEpochMilli() / 1000.0);
        assertThat(PrometheusText.value(samples, "neo4j_backup_stored_size_bytes", "database", "neo4j"))
                .isEqualTo(m.object().storedSize());
        assertThat(PrometheusText.value(samples, "neo4j_backup_last_nodes", "database", "neo4j")).isEqualTo(24)
                .isEqualTo(m.counts().nodes());
        try (var files = Files.list(prom.getParent())) {
            assertThat(files.toList()).containsExactly(prom); // no temporary file left
        }

        // a failed backup rewrites the file: its failure is counted
        CliRun failed = CliRun.inProcess(Map.of("NEO4J_URI", PortNeo4j.uri(port)), "backup", "--engine", "driver",
                "--to", repo.toString(), "--database", "nosuchdb", "--metrics-file", prom.toString());
        assertThat(failed.exitCode()).isNotZero();
        assertThat(Files.readString(prom)).startsWith("#");
    }
}
