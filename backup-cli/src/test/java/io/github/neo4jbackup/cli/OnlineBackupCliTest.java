package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.export.cypher.driver.GraphFileWriter;
import io.github.neo4jbackup.export.cypher.driver.GraphFormat;
import io.github.neo4jbackup.export.cypher.driver.GraphRecord;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Session;
import org.neo4j.driver.Values;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Online backups on the command line: quiesce commands, the change policy, restores that cannot create everything. */
class OnlineBackupCliTest {

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

    @BeforeEach
    void smallGraph() {
        server.clear();
        try (Session session = server.driver().session()) {
            session.run("CREATE (a:Person {name: 'Ada'})-[:KNOWS {since: 1840}]->(b:Person {name: 'Charles'})").consume();
        }
    }

    static CliRun run(String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("NEO4J_URI", server.boltUri().toString());
        env.put("NEO4J_USER", "neo4j");
        return CliRun.inProcess(env, args);
    }

    /** A shell command line appending a word (and the hook's environment) to the log. */
    static String append(Path log, String word) {
        return "sh -c 'echo \"" + word + " $NEO4J_BACKUP_DATABASE $NEO4J_BACKUP_SUCCEEDED\" >> \"$0\"' " + log;
    }

    static List<String> lines(Path log) throws IOException {
        return Files.readAllLines(log).stream().map(String::strip).toList();
    }

    @Test
    void preAndPostCommandsRunAroundTheExportInOrder() throws IOException {
        Path log = dir.resolve("hooks.log");
        String repo = dir.resolve("repo").toString();
        CliRun backup = run("backup", "--engine", "driver", "--to", repo, "--pre-command", append(log, "pause"),
                "--post-command", append(log, "resume"), "--on-change", "retry", "--on-change-retries", "2", "--json");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        assertThat(lines(log)).containsExactly("pause neo4j", "resume neo4j true");
        JsonNode attributes = backup.json().get("manifest").get("source").get("attributes");
        assertThat(attributes.get("hook").asText()).isEqualTo("quiesce");
        assertThat(attributes.get("consistency.exportAttempts").asText()).isEqualTo("1");
        assertThat(attributes.get("consistency.changedDuringExport").asText()).isEqualTo("false");
        assertThat(attributes.has("downtime.ms")).isFalse();
    }

    @Test
    void postCommandRunsWhenTheExportFails() throws IOException {
        Path log = dir.resolve("hooks.log");
        CliRun backup = run("backup", "--engine", "driver", "--database", "nosuchdb", "--to", dir.resolve("r").toString(),
                "--pre-command", append(log, "pause"), "--post-command", append(log, "resume"), "--json");
        assertThat(backup.exitCode()).as(backup.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(lines(log)).containsExactly("pause nosuchdb", "resume nosuchdb false");
    }

    @Test
    void aFailingPreCommandBacksUpNothingKeepsItsStderrAndStillRunsThePostCommand() throws IOException {
        Path log = dir.resolve("hooks.log");
        String repo = dir.resolve("repo").toString();
        CliRun backup = run("backup", "--engine", "driver", "--to", repo,
                "--pre-command", "sh -c 'echo the worker did not pause >&2; exit 5'",
                "--post-command", append(log, "resume"), "--json");
        assertThat(backup.exitCode()).as(backup.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(backup.err()).contains("exited with code 5").contains("the worker did not pause");
        assertThat(lines(log)).containsExactly("resume neo4j false");
        assertThat(run("list", "--from", repo, "--json").json().get("count").asInt()).isZero();
    }

    @Test
    void onlineFlagsAreCheckedAsUsage() {
        String repo = dir.toString();
        List<String[]> bad = List.of(
                new String[] {"backup", "--engine", "admin", "--to", repo, "--pre-command", "true"},
                new String[] {"backup", "--engine", "driver", "--to", repo, "--on-change", "sometimes"},
                new String[] {"backup", "--engine", "driver", "--to", repo, "--on-change", "retry", "--on-change-retries", "0"},
                new String[] {"backup", "--engine", "driver", "--to", repo, "--on-change", "retry",
                        "--on-change-exhausted", "retry"},
                new String[] {"backup", "--engine", "driver", "--to", repo, "--pre-command", "sh -c 'unterminated"});
        for (String[] args : bad) {
            CliRun r = run(args);
            assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isEqualTo(ExitCodes.USAGE);
        }
    }

    /** A driver-format backup, as an export without the closure wrote it: a relationship to a node it does not hold. */
    static final class DanglingSource implements BackupSource {
        @Override
        public String type() {
            return GraphFormat.ENGINE;
        }

        @Override
        public String database() {
            return "neo4j";
        }

        @Override
        public String extension() {
            return GraphFormat.EXTENSION;
        }

        @Override
        public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
            GraphFileWriter w = new GraphFileWriter(out);
            w.header(new GraphRecord.Header(GraphFormat.VERSION, "neo4j", "5.26.0", "community", "2026-01-01T00:00:00Z"));
            w.node(1, List.of("Item"), Map.of("i", Values.value(1)));
            w.node(2, List.of("Item"), Map.of("i", Values.value(2)));
            w.relationship(1, 2, "NEXT", Map.of());
            w.relationship(1, 77, "NEXT", Map.of());
            w.finish(null, null);
            return new SourceDescription(GraphFormat.ENGINE, "1", "5.26.0", "community", "neo4j",
                    new GraphCounts(2, 2, Map.of("Item", 2L), Map.of("NEXT", 2L)), Map.of());
        }
    }

    @Test
    void aRestoreThatCannotCreateEverythingExitsNonZeroWithTheNumbers() {
        Path repo = dir.resolve("dangling");
        BackupPipeline.builder().source(new DanglingSource()).target(LocalStorageTarget.of(repo)).build().backup();
        server.clear();
        CliRun restore = run("restore", "--from", repo.toString(), "--latest", "--yes", "--json");
        assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(ExitCodes.FAILED);
        JsonNode json = restore.json();
        assertThat(json.get("type").asText()).isEqualTo("RestoreFailedException");
        assertThat(json.get("error").asText()).contains("1 of 2 relationships");
        assertThat(json.get("expected").get("nodes").asLong()).isEqualTo(2);
        assertThat(json.get("expected").get("relationships").asLong()).isEqualTo(2);
        assertThat(json.get("restored").get("nodes").asLong()).isEqualTo(2);
        assertThat(json.get("restored").get("relationships").asLong()).isEqualTo(1);
        assertThat(restore.err()).contains("could not create everything the backup holds");
    }
}
