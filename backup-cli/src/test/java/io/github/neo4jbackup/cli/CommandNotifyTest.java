package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code verify}, {@code restore} and {@code prune} with {@code --notify-url}, in-process against a real Neo4j. */
class CommandNotifyTest {

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

    private Map<String, String> neo4j() {
        return Map.of("NEO4J_URI", PortNeo4j.uri(port));
    }

    /** Takes a backup into repo and returns its id. */
    private String backup(Path repo) {
        CliRun backup = CliRun.inProcess(neo4j(), "backup", "--engine", "driver", "--to", repo.toString(), "--json");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        return backup.json().get("id").asText();
    }

    /** Takes a backup into repo, flips one byte of its data, and returns its id. */
    private String damagedBackup(Path repo) throws Exception {
        CliRun backup = CliRun.inProcess(neo4j(), "backup", "--engine", "driver", "--to", repo.toString(), "--json");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        Path data = repo.resolve(backup.json().get("dataKey").asText());
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(data, bytes);
        return backup.json().get("id").asText();
    }

    /** The bodies received once deliveries settled; a second message would have arrived by then. */
    private static JsonNode only(WebhookReceiver hook) throws Exception {
        hook.await(1, Duration.ofSeconds(5));
        Thread.sleep(300);
        assertThat(hook.bodies).hasSize(1);
        return MAPPER.readTree(hook.bodies.get(0));
    }

    private static void noSecret(WebhookReceiver hook, CliRun run) {
        assertThat(String.join("\n", hook.bodies) + run.out() + run.err()).doesNotContain(WebhookReceiver.TOKEN);
    }

    @Test
    void verifyOfADamagedBackupSendsOneFailureMessage() throws Exception {
        Path repo = dir.resolve("repo");
        String id = damagedBackup(repo);
        try (WebhookReceiver hook = new WebhookReceiver()) {
            CliRun verify = CliRun.inProcess(Map.of("NOTIFY_URL", hook.url()), "verify", "--from", repo.toString(),
                    "--latest", "--deep");
            assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(ExitCodes.VERIFICATION);
            JsonNode body = only(hook);
            assertThat(body.get("event").asText()).isEqualTo("verify.failed");
            assertThat(body.get("status").asText()).isEqualTo("failure");
            assertThat(body.get("source").asText()).isEqualTo("neo4j-backup");
            assertThat(body.get("timestamp").asText()).isNotBlank();
            assertThat(body.get("id").asText()).isEqualTo(id);
            assertThat(body.get("level").asText()).isEqualTo("full");
            assertThat(body.get("problems")).isNotEmpty();
            assertThat(body.get("message").asText()).contains(id).contains("FAILED");
            noSecret(hook, verify);
        }

        // a backup that cannot be found is a failed verification too: one message
        try (WebhookReceiver hook = new WebhookReceiver()) {
            CliRun missing = CliRun.inProcess(Map.of(), "verify", "--from", repo.toString(), "--id", "no-such-backup",
                    "--notify-url", hook.url(), "--notify-format", "slack");
            assertThat(missing.exitCode()).as(missing.toString()).isNotZero();
            JsonNode body = only(hook);
            assertThat(body.get("text").asText()).contains("no-such-backup").contains("FAILED");
            noSecret(hook, missing);
        }

        // a receiver that is down never changes the exit code
        CliRun unreachable = CliRun.inProcess(Map.of(), "verify", "--from", repo.toString(), "--latest", "--deep",
                "--notify-url", "http://127.0.0.1:1/hooks/" + WebhookReceiver.TOKEN);
        assertThat(unreachable.exitCode()).as(unreachable.toString()).isEqualTo(ExitCodes.VERIFICATION);
        assertThat(unreachable.out() + unreachable.err()).doesNotContain(WebhookReceiver.TOKEN);
    }

    @Test
    void verifySuccessIsSentOnlyWhenAsked() throws Exception {
        Path repo = dir.resolve("repo");
        String id = backup(repo);
        try (WebhookReceiver hook = new WebhookReceiver()) {
            CliRun quiet = CliRun.inProcess(Map.of("NOTIFY_URL", hook.url()), "verify", "--from", repo.toString(),
                    "--latest", "--deep");
            assertThat(quiet.exitCode()).as(quiet.toString()).isZero();
            CliRun always = CliRun.inProcess(Map.of("NOTIFY_URL", hook.url()), "verify", "--from", repo.toString(),
                    "--id", id, "--notify-on", "always", "--notify-format", "teams");
            assertThat(always.exitCode()).as(always.toString()).isZero();
            JsonNode body = only(hook);
            assertThat(body.get("@type").asText()).isEqualTo("MessageCard");
            assertThat(body.get("title").asText()).endsWith("verify.succeeded");
            assertThat(body.get("text").asText()).contains(id).contains("passed");
            noSecret(hook, always);
        }
    }

    @Test
    void refusedRestoresSendOneFailureMessageEach() throws Exception {
        Path repo = dir.resolve("repo");
        String id = damagedBackup(repo);
        try (WebhookReceiver hook = new WebhookReceiver()) {
            // a damaged backup: the verification that precedes the restore fails, the restore is refused
            Map<String, String> env = Map.of("NEO4J_URI", PortNeo4j.uri(port), "NOTIFY_URL", hook.url());
            CliRun damaged = CliRun.inProcess(env, "restore", "--from", repo.toString(), "--latest", "--wipe", "--yes",
                    "--no-safety-backup");
            assertThat(damaged.exitCode()).as(damaged.toString()).isEqualTo(ExitCodes.VERIFICATION);
            JsonNode body = only(hook);
            assertThat(body.get("event").asText()).isEqualTo("restore.failed");
            assertThat(body.get("status").asText()).isEqualTo("failure");
            assertThat(body.get("id").asText()).isEqualTo(id);
            assertThat(body.get("error").asText()).isEqualTo("IntegrityException");
            assertThat(body.get("message").asText()).contains("Refusing to restore backup " + id);
            noSecret(hook, damaged);
        }
        try (WebhookReceiver hook = new WebhookReceiver()) {
            // no terminal to confirm on and no --yes: refused before anything is written
            Map<String, String> env = Map.of("NEO4J_URI", PortNeo4j.uri(port));
            CliRun unconfirmed = CliRun.inProcess(env, "restore", "--from", repo.toString(), "--id", id, "--wipe",
                    "--no-safety-backup", "--notify-url", hook.url(), "--notify-format", "discord");
            assertThat(unconfirmed.exitCode()).as(unconfirmed.toString()).isEqualTo(ExitCodes.USAGE);
            JsonNode body = only(hook);
            assertThat(body.get("content").asText()).contains("Restore of backup " + id + " FAILED")
                    .contains("confirmation");
            noSecret(hook, unconfirmed);
        }
    }

    @Test
    void pruneSuccessIsSentWithNotifyOnAlwaysAndFailuresByDefault() throws Exception {
        Path repo = dir.resolve("repo");
        backup(repo);
        Thread.sleep(1100); // backup ids are per second
        backup(repo);
        try (WebhookReceiver hook = new WebhookReceiver()) {
            CliRun prune = CliRun.inProcess(Map.of("NOTIFY_URL", hook.url(), "NOTIFY_ON", "always"), "prune", "--from",
                    repo.toString(), "--keep-last", "1");
            assertThat(prune.exitCode()).as(prune.toString()).isZero();
            JsonNode body = only(hook);
            assertThat(body.get("event").asText()).isEqualTo("prune.succeeded");
            assertThat(body.get("status").asText()).isEqualTo("success");
            assertThat(body.get("kept").asInt()).isEqualTo(1);
            assertThat(body.get("deleted").asInt()).isEqualTo(1);
            noSecret(hook, prune);
        }
        try (WebhookReceiver hook = new WebhookReceiver()) {
            // the default is failures only: a good prune is quiet, a bad one is told once
            CliRun quiet = CliRun.inProcess(Map.of(), "prune", "--from", repo.toString(), "--keep-last", "1",
                    "--notify-url", hook.url());
            assertThat(quiet.exitCode()).as(quiet.toString()).isZero();
            CliRun bad = CliRun.inProcess(Map.of(), "prune", "--from", repo.toString(), "--notify-url", hook.url());
            assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(ExitCodes.USAGE);
            JsonNode body = only(hook);
            assertThat(body.get("event").asText()).isEqualTo("prune.failed");
            assertThat(body.get("error").asText()).isEqualTo("InvalidInputException");
            assertThat(body.get("message").asText()).contains("keep option");
            noSecret(hook, bad);
        }
    }
}
