package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.neo4jbackup.core.internal.RepositoryLock;
import io.github.neo4jbackup.core.lock.ProcessIdentity;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code neo4j-backup unlock} in-process on a local repository: stale locks go, live ones only with --force. */
class UnlockCommandTest {

    @TempDir
    Path dir;

    @Test
    void unlockRemovesTheLockOfADeadProcessKeepsALiveOneAndRemovesItWithForce() throws Exception {
        Path repo = dir.resolve("repo");
        LocalStorageTarget target = LocalStorageTarget.of(repo);
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String host = ProcessIdentity.localHostName();
        Instant now = Instant.now();
        String dead = "{\"format\":2,\"owner\":\"cron@" + host + " (pid " + gone.pid() + ")\",\"operation\":\"backup "
                + "nightly\",\"token\":\"t\",\"host\":\"" + host + "\",\"pid\":" + gone.pid() + ",\"acquiredAt\":\""
                + now.minusSeconds(300) + "\",\"heartbeatAt\":\"" + now + "\",\"expiresAt\":\""
                + now.plus(Duration.ofMinutes(5)) + "\"}";
        try (PendingObject p = target.create(ObjectKey.of("locks/neo4j.lock"), Map.of(), WriteMode.CREATE_NEW)) {
            p.stream().write(dead.getBytes(StandardCharsets.UTF_8));
            p.commit();
        }
        try (RepositoryLock live = RepositoryLock.acquire(target, ObjectKey.of("locks/other.lock"), Clock.systemUTC(),
                Duration.ofMinutes(10), "ops@" + host + " (pid " + ProcessHandle.current().pid() + ")",
                "prune by a live run")) {
            CliRun one = CliRun.inProcess(Map.of(), "unlock", "--from", repo.toString(), "--database", "neo4j");
            assertThat(one.exitCode()).as(one.toString()).isZero();
            assertThat(one.err()).contains("Removed the lock locks/neo4j.lock of cron@" + host + " (pid " + gone.pid()
                    + ")").contains("5 min ago").contains("no longer running");
            assertThat(Files.exists(repo.resolve("locks/neo4j.lock"))).isFalse();

            CliRun kept = CliRun.inProcess(Map.of(), "unlock", "--from", repo.toString(), "--json");
            assertThat(kept.exitCode()).as(kept.toString()).isEqualTo(ExitCodes.LOCKED);
            JsonNode json = kept.json();
            assertThat(json.get("removed")).isEmpty();
            assertThat(json.get("kept")).hasSize(1);
            assertThat(json.get("kept").get(0).get("operation").asText()).isEqualTo("prune by a live run");
            assertThat(json.get("kept").get(0).get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
            assertThat(json.get("kept").get(0).get("state").asText()).isEqualTo("ACTIVE");
            assertThat(kept.err()).contains("Kept the lock locks/other.lock").contains("--force");
            assertThat(Files.exists(repo.resolve("locks/other.lock"))).isTrue();

            CliRun forced = CliRun.inProcess(Map.of(), "unlock", "--from", repo.toString(), "--force", "--json");
            assertThat(forced.exitCode()).as(forced.toString()).isZero();
            assertThat(forced.json().get("removed").get(0).get("forced").asBoolean()).isTrue();
            assertThat(forced.err()).contains("Warning: removed the LIVE lock locks/other.lock");
            assertThat(Files.exists(repo.resolve("locks/other.lock"))).isFalse();
        }
        CliRun none = CliRun.inProcess(Map.of(), "unlock", "--from", repo.toString());
        assertThat(none.exitCode()).isZero();
        assertThat(none.err()).contains("No locks");

        CliRun bad = CliRun.inProcess(Map.of(), "unlock", "--from", repo.toString(), "--database", "a/b");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(ExitCodes.USAGE);
    }
}
