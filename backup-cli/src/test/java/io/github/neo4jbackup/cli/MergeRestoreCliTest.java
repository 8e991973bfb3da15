package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprint;
import io.github.neo4jbackup.export.cypher.merge.GraphitiGroups;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code restore --graphiti-group}: one Graphiti group merged back into a live database through the CLI. */
class MergeRestoreCliTest {

    static final String GROUP = "tenant-a";

    static Neo4jTestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = Neo4jTestServer.start(false);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static CliRun run(String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("NEO4J_URI", server.boltUri().toString());
        env.put("NEO4J_USER", "neo4j");
        return CliRun.inProcess(env, args);
    }

    static String content() throws IOException {
        return GraphFingerprint.compute(server.driver(), "neo4j").content().hex();
    }

    @Test
    void aDeletedGroupIsMergedBackAndConflictsStopTheMergeUntilAPolicyIsGiven() throws IOException {
        server.clear();
        GraphitiGroups.create(server.driver());
        String original = content();
        String other = GraphitiGroups.fingerprint(server.driver(), "tenant-c");
        String repo = dir.resolve("repo").toString();
        CliRun backup = run("backup", "--engine", "driver", "--to", repo);
        assertThat(backup.exitCode()).as(backup.toString()).isZero();

        long episodes;
        try (Session s = server.driver().session()) {
            episodes = s.run("MATCH (n:Episodic {group_id: $g}) RETURN count(n) AS c", Map.of("g", GROUP))
                    .single().get("c").asLong();
        }
        assertThat(episodes).isPositive();

        GraphitiGroups.deleteGroup(server.driver(), GROUP);
        String deleted = content();

        CliRun episodesOnly = run("restore", "--from", repo, "--latest", "--label", "Episodic", "--where",
                "group_id=" + GROUP, "--merge-on", "uuid", "--dry-run", "--json");
        assertThat(episodesOnly.exitCode()).as(episodesOnly.toString()).isZero();
        assertThat(episodesOnly.json().at("/nodes/selected").asLong()).isEqualTo(episodes);
        assertThat(episodesOnly.json().at("/nodes/created").asLong()).isEqualTo(episodes);
        assertThat(episodesOnly.json().get("selection").asText()).contains("Episodic", "group_id");

        CliRun dry = run("restore", "--from", repo, "--latest", "--graphiti-group", GROUP, "--dry-run", "--json");
        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        JsonNode plan = dry.json();
        assertThat(plan.get("outcome").asText()).isEqualTo("dry_run");
        assertThat(plan.at("/nodes/created").asLong()).isEqualTo(GraphitiGroups.nodesPerGroup());
        assertThat(plan.at("/relationships/created").asLong()).isEqualTo(GraphitiGroups.relationshipsPerGroup());
        assertThat(content()).isEqualTo(deleted);

        CliRun unconfirmed = run("restore", "--from", repo, "--latest", "--graphiti-group", GROUP);
        assertThat(unconfirmed.exitCode()).as(unconfirmed.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(unconfirmed.err()).contains("--yes");

        CliRun merged = run("restore", "--from", repo, "--latest", "--graphiti-group", GROUP, "--yes", "--json");
        assertThat(merged.exitCode()).as(merged.toString()).isZero();
        assertThat(merged.json().get("outcome").asText()).isEqualTo("applied");
        assertThat(merged.json().at("/nodes/created").asLong()).isEqualTo(GraphitiGroups.nodesPerGroup());
        assertThat(content()).isEqualTo(original);

        CliRun again = run("restore", "--from", repo, "--latest", "--graphiti-group", GROUP, "--yes", "--json");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.json().at("/nodes/created").asLong()).isZero();
        assertThat(again.json().at("/nodes/unchanged").asLong()).isEqualTo(GraphitiGroups.nodesPerGroup());
        assertThat(again.json().at("/relationships/created").asLong()).isZero();

        try (Session s = server.driver().session()) {
            s.run("MATCH (n:Episodic {uuid: $u}) SET n.content = 'rewritten by a bad job'",
                    Map.of("u", GROUP + "-ep-1")).consume();
        }
        String modified = content();
        CliRun conflict = run("restore", "--from", repo, "--latest", "--graphiti-group", GROUP, "--yes");
        assertThat(conflict.exitCode()).as(conflict.toString()).isEqualTo(ExitCodes.VERIFICATION);
        assertThat(conflict.err()).contains("1 conflicts", GROUP + "-ep-1 [Episodic] properties [content]");
        assertThat(content()).isEqualTo(modified);

        CliRun bad = run("restore", "--from", repo, "--latest", "--graphiti-group", GROUP, "--yes",
                "--on-conflict", "merge");
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);

        CliRun overwrite = run("restore", "--from", repo, "--latest", "--graphiti-group", GROUP, "--yes",
                "--on-conflict", "overwrite", "--json");
        assertThat(overwrite.exitCode()).as(overwrite.toString()).isZero();
        assertThat(overwrite.json().at("/nodes/overwritten").asLong()).isEqualTo(1);
        assertThat(content()).isEqualTo(original);
        assertThat(GraphitiGroups.fingerprint(server.driver(), "tenant-c")).isEqualTo(other);
    }

    @Test
    void anEncryptedBackupNeedsItsIdentity() throws IOException {
        server.clear();
        GraphitiGroups.create(server.driver());
        String original = content();
        String repo = dir.resolve("encrypted").toString();
        Path identity = dir.resolve("key.txt");
        Files.writeString(identity, "# test key\n" + CliCommandsTest.TEST_IDENTITY + "\n");
        CliRun backup = run("backup", "--engine", "driver", "--to", repo, "--age-recipient",
                CliCommandsTest.TEST_RECIPIENT);
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        GraphitiGroups.deleteGroup(server.driver(), GROUP);

        CliRun withoutKey = run("restore", "--from", repo, "--latest", "--graphiti-group", GROUP, "--yes");
        assertThat(withoutKey.exitCode()).as(withoutKey.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(withoutKey.err()).contains("--age-identity");

        CliRun merged = run("restore", "--from", repo, "--latest", "--graphiti-group", GROUP, "--yes",
                "--age-identity", identity.toString());
        assertThat(merged.exitCode()).as(merged.toString()).isZero();
        assertThat(content()).isEqualTo(original);
        assertThat(merged.toString()).doesNotContain(CliCommandsTest.TEST_IDENTITY);
    }

    @Test
    void backupsOfOtherEnginesAndMissingSelectionsAreUsageErrors() throws IOException {
        Path script = dir.resolve("export.cypher");
        Files.writeString(script, ":begin\nCREATE (:Entity {uuid: 'x', group_id: 'tenant-a'});\n:commit\n");
        Path repo = dir.resolve("scripts");
        String id = BackupPipeline.builder().target(LocalStorageTarget.of(repo)).build()
                .importFile(script, "neo4j", Instant.parse("2024-01-01T00:00:00Z")).manifest().id();

        CliRun refused = run("restore", "--from", repo.toString(), "--id", id, "--graphiti-group", GROUP, "--yes");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err()).contains("--restore-into", "--engine driver");

        CliRun noSelection = run("restore", "--from", repo.toString(), "--id", id, "--merge-on", "uuid", "--yes");
        assertThat(noSelection.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noSelection.err()).contains("--graphiti-group");

        CliRun noKey = run("restore", "--from", repo.toString(), "--id", id, "--label", "Entity", "--yes");
        assertThat(noKey.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noKey.err()).contains("needs --merge-on KEY");

        CliRun anyEnd = run("restore", "--from", repo.toString(), "--id", id, "--graphiti-group", GROUP,
                "--relationships", "any-end", "--yes");
        assertThat(anyEnd.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(anyEnd.err()).contains("both ends");

        CliRun withWipe = run("restore", "--from", repo.toString(), "--id", id, "--graphiti-group", GROUP, "--wipe",
                "--yes");
        assertThat(withWipe.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(withWipe.err()).contains("cannot be combined with --wipe");
    }
}
