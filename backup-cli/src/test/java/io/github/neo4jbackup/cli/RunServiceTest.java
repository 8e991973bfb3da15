package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code neo4j-backup run} as a child JVM against real Neo4j servers (in this JVM, over Bolt):
 * schedule timing, waiting for a late database, no overlap, graceful SIGTERM, /health and /metrics.
 */
class RunServiceTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Nodes of the slow graph: an export of several seconds, so runs overlap and SIGTERM lands mid-backup. */
    static final int SLOW_NODES = Integer.getInteger("runServiceTest.slowNodes", 60_000);

    static int smallPort;
    static PortNeo4j small;
    static int slowPort;
    static PortNeo4j slow;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        smallPort = PortNeo4j.freePort();
        small = PortNeo4j.start(smallPort);
        small.cypher("UNWIND range(1, 40) AS i CREATE (:Item {n: i})-[:NEXT]->(:Item {n: -i})");
        slowPort = PortNeo4j.freePort();
        slow = PortNeo4j.start(slowPort);
        slow.cypher("UNWIND range(1, " + SLOW_NODES + ") AS i CREATE (:Blob {n: i, text: reduce(s = '', x IN range(1, 40)"
                + " | s + toString(i * x))})");
    }

    @AfterAll
    static void stop() {
        if (small != null) {
            small.close();
        }
        if (slow != null) {
            slow.close();
        }
    }

    static Map<String, String> env(int port) {
        Map<String, String> env = new HashMap<>();
        env.put("NEO4J_URI", PortNeo4j.uri(port));
        return env;
    }

    static List<Manifest> manifests(Path repo) {
        return BackupPipeline.builder().target(LocalStorageTarget.of(repo)).build().list();
    }

    static boolean outcome(JsonNode e, String outcome) {
        return e.path("event").asText().equals("run.finished") && e.path("outcome").asText().equals(outcome);
    }

    static Instant ts(JsonNode e) {
        return Instant.parse(e.get("ts").asText());
    }

    static List<Path> lockFiles(Path repo) throws IOException {
        Path locks = repo.resolve("locks");
        if (!Files.isDirectory(locks)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(locks)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void everyFiveSecondsWithRunOnStartBacksUpOnTimeAndStopsOnSigterm() throws Exception {
        Path repo = dir.resolve("repo");
        try (ServiceProcess service = ServiceProcess.start(env(smallPort), "--engine", "driver", "--to", repo.toString(),
                "--every", "5s", "--run-on-start", "--http-port", "0", "--http-bind", "127.0.0.1")) {
            JsonNode started = service.await("service.started", 1, Duration.ofSeconds(30));
            JsonNode first = service.await("a successful run", e -> outcome(e, "success"), 1, Duration.ofSeconds(30));
            JsonNode third = service.await("a successful run", e -> outcome(e, "success"), 3, Duration.ofSeconds(30));
            List<JsonNode> starts = service.events("run.started");
            // run on start: at once; then on the 5 s grid counted from the start of the service. A slot is
            // missed only when the run before it was still going, and then it is logged as skipped.
            assertThat(Duration.between(ts(started), ts(starts.get(0)))).isLessThan(Duration.ofSeconds(3));
            long previousSlot = 0;
            long missedSlots = 0;
            for (int i = 1; i < 3; i++) {
                long offsetMs = Duration.between(ts(started), ts(starts.get(i))).toMillis();
                long slot = Math.round(offsetMs / 5000.0);
                assertThat(slot).as("run %d starts on a later slot", i + 1).isGreaterThan(previousSlot);
                assertThat(Math.abs(offsetMs - slot * 5000)).as("run %d starts %d ms after the service", i + 1, offsetMs)
                        .isLessThan(1500);
                missedSlots += slot - previousSlot - 1;
                previousSlot = slot;
            }
            Instant thirdStart = ts(starts.get(2));
            assertThat(service.events("run.skipped").stream().filter(e -> ts(e).isBefore(thirdStart)).count())
                    .isEqualTo(missedSlots);
            assertThat(first.get("nodes").asLong()).isEqualTo(80);
            assertThat(first.get("durationMs").asLong()).isPositive();

            HttpResponse<String> health = service.get("/health");
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            JsonNode h = MAPPER.readTree(health.body());
            assertThat(h.get("status").asText()).isEqualTo("ok");
            assertThat(h.get("lastSuccessId").asText()).isNotBlank();
            assertThat(h.get("nextRunAt").asText()).isNotBlank();
            assertThat(service.get("/nope").statusCode()).isEqualTo(404);

            service.sigterm();
            assertThat(service.exitCode(Duration.ofSeconds(30))).as(service.toString()).isZero();
            assertThat(service.events("service.stopped")).as(service.toString()).hasSize(1);
            int runs = service.events("run.finished").size();
            assertThat(service.events("run.finished")).allMatch(e -> outcome(e, "success"));
            List<Manifest> manifests = manifests(repo);
            assertThat(manifests).hasSize(runs);
            assertThat(manifests).extracting(Manifest::id)
                    .containsAll(service.events("run.finished").stream().map(e -> e.get("id").asText()).toList());
            assertThat(lockFiles(repo)).isEmpty();
        }
    }

    @Test
    void waitsForANeo4jThatStartsLaterThenBacksUp() throws Exception {
        Path repo = dir.resolve("repo");
        int port = PortNeo4j.freePort();
        try (ServiceProcess service = ServiceProcess.start(env(port), "--engine", "driver", "--to", repo.toString(),
                "--schedule", "@daily", "--run-on-start", "--wait-timeout", "2m")) {
            service.await("neo4j.waiting", 3, Duration.ofSeconds(30));
            Instant databaseStarted;
            try (PortNeo4j late = PortNeo4j.start(port)) {
                databaseStarted = Instant.now();
                late.cypher("CREATE (:Late {n: 1})");
                JsonNode done = service.await("a successful run", e -> outcome(e, "success"), 1, Duration.ofSeconds(60));
                assertThat(done.get("nodes").asLong()).isEqualTo(1);
                assertThat(ts(done)).isAfter(databaseStarted);
                JsonNode ready = service.await("neo4j.ready", 1, Duration.ofSeconds(5));
                assertThat(ready.get("attempts").asInt()).isGreaterThan(3);
                List<JsonNode> waits = service.events("neo4j.waiting");
                assertThat(waits).allSatisfy(w -> {
                    assertThat(w.get("uri").asText()).isEqualTo(PortNeo4j.uri(port));
                    assertThat(w.get("reason").asText()).isNotBlank();
                });
                // backoff: the pauses grow
                assertThat(waits.get(2).get("retryInMs").asLong()).isGreaterThan(waits.get(0).get("retryInMs").asLong());
                assertThat(service.events("run.finished")).hasSize(1);
                service.sigterm();
                assertThat(service.exitCode(Duration.ofSeconds(30))).as(service.toString()).isZero();
            }
            assertThat(manifests(repo)).hasSize(1);
        }
    }

    @Test
    void aRunLongerThanTheIntervalSkipsTheNextAndSigtermLetsTheRunningBackupFinish() throws Exception {
        Path repo = dir.resolve("repo");
        try (ServiceProcess service = ServiceProcess.start(env(slowPort), "--engine", "driver", "--to", repo.toString(),
                "--every", "1s", "--run-on-start", "--shutdown-grace", "2m", "--http-port", "0")) {
            JsonNode first = service.await("a successful run", e -> outcome(e, "success"), 1, Duration.ofSeconds(90));
            assertThat(first.get("durationMs").asLong()).as("the slow graph must take longer than the interval")
                    .isGreaterThan(1500);
            assertThat(service.events("run.skipped")).isNotEmpty();
            JsonNode health = MAPPER.readTree(service.get("/health").body());
            assertThat(health.get("skippedRuns").asLong()).isEqualTo(service.events("run.skipped").size());

            // SIGTERM while the second run exports: it finishes within the grace period, then the process exits 0
            service.await("run.started", 2, Duration.ofSeconds(10));
            Thread.sleep(500);
            service.sigterm();
            assertThat(service.exitCode(Duration.ofSeconds(120))).as(service.toString()).isZero();
            assertThat(service.events("run.finished")).hasSize(2).allMatch(e -> outcome(e, "success"));
            assertThat(service.events("service.stopped").get(0).get("inProgressRun").asText()).isEqualTo("finished");
            assertThat(manifests(repo)).hasSize(2);
            assertThat(lockFiles(repo)).isEmpty();
        }
    }

    @Test
    void sigtermMidBackupPastTheGraceCancelsCleanlyAndExitsZero() throws Exception {
        Path repo = dir.resolve("repo");
        // one complete backup first, so "the repository verifies" has something to verify
        CliRun seed = CliRun.inProcess(env(smallPort), "backup", "--engine", "driver", "--to", repo.toString());
        assertThat(seed.exitCode()).as(seed.toString()).isZero();
        try (ServiceProcess service = ServiceProcess.start(env(slowPort), "--engine", "driver", "--to", repo.toString(),
                "--schedule", "@daily", "--run-on-start", "--shutdown-grace", "1s")) {
            service.await("run.started", 1, Duration.ofSeconds(30));
            Thread.sleep(1000);
            service.sigterm();
            assertThat(service.exitCode(Duration.ofSeconds(90))).as(service.toString()).isZero();
            JsonNode finished = service.await("run.finished", 1, Duration.ofSeconds(1));
            assertThat(finished.get("outcome").asText()).as(service.toString()).isEqualTo("cancelled");
            assertThat(service.events("service.stopped").get(0).get("inProgressRun").asText()).isEqualTo("cancelled");
        }
        assertThat(manifests(repo)).hasSize(1);
        assertThat(lockFiles(repo)).isEmpty();
        try (Stream<Path> files = Files.walk(repo)) {
            // nothing that looks complete: only the seed backup's data object and manifest
            assertThat(files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/locks/")).toList())
                    .hasSize(2);
        }
        CliRun verify = CliRun.inProcess(env(smallPort), "verify", "--from", repo.toString(), "--latest", "--deep");
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
    }

    @Test
    void healthTurns503WhenARunFailsAndBackTo200AfterTheNextSuccessMetricsMatchTheManifests() throws Exception {
        PrometheusText.assumeAvailable();
        Path repo = dir.resolve("repo");
        int port = PortNeo4j.freePort();
        PortNeo4j db = PortNeo4j.start(port);
        Map<String, String> env = env(port);
        try (WebhookReceiver hook = new WebhookReceiver();
             ServiceProcess service = ServiceProcess.start(env, "--engine", "driver", "--to", repo.toString(),
                "--every", "3s", "--run-on-start", "--wait-timeout", "1s", "--http-port", "0",
                "--notify-url", hook.url(), "--label", "tier=nightly")) {
            db.cypher("UNWIND range(1, 7) AS i CREATE (:P {n: i})-[:R]->(:Q)");
            service.await("a successful run", e -> outcome(e, "success"), 1, Duration.ofSeconds(30));
            assertThat(service.get("/health").statusCode()).isEqualTo(200);

            db.close();
            // a run that had connected before the server went away fails on the connection instead of the wait,
            // once the driver has given up retrying (its transaction retry window is 30 s)
            JsonNode failed = service.await("a failed run", e -> outcome(e, "failure"), 1, Duration.ofSeconds(75));
            assertThat(failed.get("message").asText())
                    .containsAnyOf("did not answer within --wait-timeout", "Cannot reach Neo4j at bolt://127.0.0.1:" + port);
            HttpResponse<String> down = service.get("/health");
            assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
            assertThat(MAPPER.readTree(down.body()).get("reason").asText()).contains("the last run failed");

            db = PortNeo4j.start(port);
            db.cypher("UNWIND range(1, 5) AS i CREATE (:P {n: i})-[:R]->(:Q)");
            int successes = service.events("run.finished").stream().filter(e -> outcome(e, "success")).toList().size();
            service.await("a successful run", e -> outcome(e, "success"), successes + 1, Duration.ofSeconds(30));
            HttpResponse<String> up = service.get("/health");
            assertThat(up.statusCode()).as(up.body()).isEqualTo(200);

            // the metrics, parsed by Prometheus' own parser, agree with the newest manifest
            List<PrometheusText.Sample> samples = PrometheusText.parse(service.get("/metrics").body());
            Manifest newest = manifests(repo).stream().max(Comparator.comparing(Manifest::finishedAt)).orElseThrow();
            assertThat(PrometheusText.value(samples, "neo4j_backup_last_success_seconds", "database", "neo4j"))
                    .isEqualTo(newest.finishedAt().toEpochMilli() / 1000.0);
            assertThat(PrometheusText.value(samples, "neo4j_backup_stored_size_bytes", "database", "neo4j"))
                    .isEqualTo(newest.object().storedSize());
            assertThat(PrometheusText.value(samples, "neo4j_backup_raw_size_bytes", "database", "neo4j"))
                    .isEqualTo(newest.object().rawSize());
            assertThat(PrometheusText.value(samples, "neo4j_backup_last_nodes", "database", "neo4j"))
                    .isEqualTo(newest.counts().nodes());
            assertThat(PrometheusText.value(samples, "neo4j_backup_last_relationships", "database", "neo4j"))
                    .isEqualTo(newest.counts().relationships());
            long ok = service.events("run.finished").stream().filter(e -> outcome(e, "success")).count();
            long bad = service.events("run.finished").stream().filter(e -> outcome(e, "failure")).count();
            double okMetric = PrometheusText.value(samples, "neo4j_backup_runs_total", "outcome", "success");
            assertThat(okMetric).isBetween((double) ok, (double) ok + 1); // a run may end between the two reads
            assertThat(PrometheusText.value(samples, "neo4j_backup_runs_total", "outcome", "failure"))
                    .isGreaterThanOrEqualTo(bad).isPositive();
            assertThat(okMetric).isEqualTo(manifests(repo).size());
            assertThat(PrometheusText.value(samples, "neo4j_backup_newest_age_seconds")).isBetween(0.0, 10.0);
            // a run that waits for the restarting server may outlast the interval: every skip is counted
            assertThat(PrometheusText.value(samples, "neo4j_backup_skipped_total"))
                    .isEqualTo(service.events("run.skipped").size());

            service.sigterm();
            assertThat(service.exitCode(Duration.ofSeconds(30))).as(service.toString()).isZero();

            // one JSON notification per failed run, with the documented fields, and the webhook address nowhere
            long failures = service.events("run.finished").stream().filter(e -> outcome(e, "failure")).count();
            hook.await((int) failures, Duration.ofSeconds(5));
            assertThat(hook.bodies).hasSize((int) failures);
            for (String b : hook.bodies) {
                JsonNode n = MAPPER.readTree(b);
                assertThat(n.get("event").asText()).isEqualTo("backup.failed");
                assertThat(n.get("status").asText()).isEqualTo("failure");
                assertThat(n.get("database").asText()).isEqualTo("neo4j");
                assertThat(n.get("id").asText()).startsWith("neo4j-");
                assertThat(n.get("error").asText()).isNotBlank();
                assertThat(n.get("message").asText()).contains("FAILED");
                assertThat(n.has("source") && n.has("timestamp")).isTrue();
                assertThat(b).doesNotContain(WebhookReceiver.TOKEN);
            }
            assertThat(service.stdout() + service.stderr()).doesNotContain(WebhookReceiver.TOKEN);
        } finally {
            db.close();
        }
    }
}
