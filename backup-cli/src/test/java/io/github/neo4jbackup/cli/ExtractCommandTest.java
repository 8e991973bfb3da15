package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.neo4jbackup.export.cypher.GraphitiGroupsFixture;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.export.cypher.driver.ValueJson;
import io.github.neo4jbackup.storage.s3.S3ProxyServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Session;
import org.neo4j.driver.Value;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code extract} in-process: a Graphiti-shaped memory with several groups is backed up by the CLI
 * (local zstd, local age-encrypted, S3), the server is stopped, and the Graphiti recipe ("episodes of
 * a group between two instants, oldest first") gives exactly the rows a Cypher query on the source
 * gave, type-exact, as JSON lines and as CSV.
 */
class ExtractCommandTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final List<String> GROUPS = List.of("tenant-a", "tenant-b", "tenant-c");
    static final ZonedDateTime START = GraphitiGroupsFixture.FIRST_EPISODE.plusHours(3);
    static final ZonedDateTime END = GraphitiGroupsFixture.FIRST_EPISODE.plusHours(17);
    static final String PASSPHRASE_ENV = "EXTRACT_TEST_PASSPHRASE";

    @TempDir
    static Path dir;

    static S3ProxyServer s3;
    static String[] s3Flags;
    static String s3Repo;
    static String repo;
    static String encryptedRepo;
    static String adminRepo;
    static List<Map<String, Value>> expectedEpisodes;
    static long expectedGroupNodes;
    static long expectedGroupRelationships;

    static Map<String, String> env(String uri) {
        Map<String, String> env = new HashMap<>();
        if (uri != null) {
            env.put("NEO4J_URI", uri);
        }
        env.put("NEO4J_USER", "neo4j");
        env.put(PASSPHRASE_ENV, "a passphrase for the extract test");
        return env;
    }

    static CliRun run(String... args) {
        return CliRun.inProcess(env(null), args);
    }

    @BeforeAll
    static void backUpThenStopTheServer() throws IOException {
        s3 = S3ProxyServer.shared();
        System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
        s3Flags = new String[] {"--s3-endpoint", s3.endpoint().toString(), "--s3-region", "us-east-1",
                "--s3-path-style"};
        s3Repo = "s3://" + s3.newBucket("extract") + "/memory";
        repo = dir.resolve("repo").toString();
        encryptedRepo = dir.resolve("encrypted").toString();
        adminRepo = dir.resolve("admin").toString();
        try (Neo4jTestServer server = Neo4jTestServer.start(false)) {
            GraphitiGroupsFixture.create(server.driver(), GROUPS, 24, 5);
            try (Session s = server.driver().session()) {
                expectedEpisodes = s.run("MATCH (n:Episodic) WHERE n.group_id = $g AND n.valid_at >= $s "
                                + "AND n.valid_at < $e RETURN properties(n) AS p ORDER BY n.valid_at",
                        Map.of("g", "tenant-b", "s", START, "e", END)).list(r -> r.get("p").asMap(v -> v));
                expectedGroupNodes = s.run("MATCH (n {group_id: 'tenant-c'}) RETURN count(n)").single().get(0).asLong();
                expectedGroupRelationships = s.run("MATCH (a {group_id: 'tenant-c'})-[r]->(b {group_id: 'tenant-c'}) "
                        + "RETURN count(r)").single().get(0).asLong();
            }
            Map<String, String> env = env(server.boltUri().toString());
            CliRun plain = CliRun.inProcess(env, "backup", "--engine", "driver", "--to", repo, "--json");
            assertThat(plain.exitCode()).as(plain.toString()).isZero();
            CliRun encrypted = CliRun.inProcess(env, "backup", "--engine", "driver", "--to", encryptedRepo,
                    "--age-passphrase-env", PASSPHRASE_ENV, "--json");
            assertThat(encrypted.exitCode()).as(encrypted.toString()).isZero();
            List<String> args = new ArrayList<>(List.of("backup", "--engine", "driver", "--to", s3Repo, "--json"));
            args.addAll(List.of(s3Flags));
            CliRun remote = CliRun.inProcess(env, args.toArray(String[]::new));
            assertThat(remote.exitCode()).as(remote.toString()).isZero();
        }
        assertThat(expectedEpisodes).hasSizeBetween(10, 14);
    }

    static List<String> recipe(String from, String out, String... more) {
        List<String> args = new ArrayList<>(List.of("extract", "--from", from, "--latest", "--label", "Episodic",
                "--where-range", "valid_at=" + START.toOffsetDateTime() + ".." + END.toOffsetDateTime(),
                "--where", "group_id=tenant-b", "--order-by", "valid_at", "--out", out));
        args.addAll(List.of(more));
        return args;
    }

    static List<Map<String, Value>> episodes(String jsonl) throws IOException {
        List<Map<String, Value>> rows = new ArrayList<>();
        for (String line : jsonl.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            JsonNode node = MAPPER.readTree(line);
            assertThat(node.get("kind").asText()).isEqualTo("node");
            assertThat(node.get("labels").toString()).isEqualTo("[\"Episodic\"]");
            rows.add(ValueJson.parseProperties(MAPPER.writeValueAsString(node.get("properties"))));
        }
        return rows;
    }

    @Test
    void graphitiRecipeGivesExactlyTheCypherRowsWithoutAServer() throws IOException {
        Path out = dir.resolve("episodes.jsonl");
        CliRun run = run(recipe(repo, out.toString()).toArray(String[]::new));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).contains("Wrote " + expectedEpisodes.size() + " nodes and 0 relationships");
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(episodes(text)).containsExactlyElementsOf(expectedEpisodes);
        // the documented mapping: datetimes tagged with zone or offset, strings plain, lists typed
        assertThat(text).contains("\"valid_at\":{\"datetime\":\"2025-06-01T")
                .contains("[Europe/Berlin]\"}").contains("\"entity_edges\":{\"list<string>\":[\"tenant-b-edge-");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
        }

        // standard output, from S3, and from an age-encrypted backup: the same rows
        CliRun stdout = run(recipe(repo, "-").toArray(String[]::new));
        assertThat(stdout.exitCode()).as(stdout.toString()).isZero();
        assertThat(stdout.out()).isEqualTo(text);
        List<String> fromS3 = recipe(s3Repo, "-");
        fromS3.addAll(List.of(s3Flags));
        CliRun remote = run(fromS3.toArray(String[]::new));
        assertThat(remote.exitCode()).as(remote.toString()).isZero();
        assertThat(episodes(remote.out())).containsExactlyElementsOf(expectedEpisodes);
        CliRun encrypted = run(recipe(encryptedRepo, "-", "--age-passphrase-env", PASSPHRASE_ENV)
                .toArray(String[]::new));
        assertThat(encrypted.exitCode()).as(encrypted.toString()).isZero();
        assertThat(encrypted.out()).isEqualTo(text);
        CliRun noKey = run(recipe(encryptedRepo, "-").toArray(String[]::new));
        assertThat(noKey.exitCode()).as(noKey.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(noKey.out()).isEmpty();

        CliRun limited = run(recipe(repo, "-", "--limit", "3").toArray(String[]::new));
        assertThat(limited.exitCode()).as(limited.toString()).isZero();
        assertThat(episodes(limited.out())).containsExactlyElementsOf(expectedEpisodes.subList(0, 3));
    }

    @Test
    void wholeGroupWithRelationshipsAsCsv() throws IOException {
        Path out = dir.resolve("group.csv");
        CliRun run = run("extract", "--from", repo, "--latest", "--graphiti-group", "tenant-c", "--with-relationships",
                "--format", "csv", "--out", out.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertThat(lines.get(0)).isEqualTo("kind,key,labels,type,start,end,properties");
        assertThat(lines.stream().filter(l -> l.startsWith("node,"))).hasSize((int) expectedGroupNodes);
        assertThat(lines.stream().filter(l -> l.startsWith("relationship,"))).hasSize((int) expectedGroupRelationships);
        assertThat(lines).hasSize((int) (1 + expectedGroupNodes + expectedGroupRelationships));
        String entity = lines.stream().filter(l -> l.contains("tenant-c-entity-1\"\"")).findFirst().orElseThrow();
        assertThat(entity).startsWith("node,").contains("\"[\"\"Entity\"\"]\"")
                .contains("\"\"name_embedding\"\":{\"\"list<float32>\"\":[");

        CliRun sorted = run("extract", "--from", repo, "--latest", "--graphiti-group", "tenant-c",
                "--order-by", "valid_at", "--sort-buffer", "1000", "--out", "-");
        assertThat(sorted.exitCode()).as(sorted.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(sorted.err()).contains("--sort-buffer").contains("--limit");
        assertThat(sorted.out()).isEmpty();
    }

    @Test
    void damagedBackupExitsThreeAndLeavesNoFile() throws IOException {
        Path copy = dir.resolve("damaged");
        Path source = Path.of(repo);
        Path data = null;
        try (var files = Files.walk(source)) {
            for (Path p : files.toList()) {
                Path to = copy.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                    if (to.toString().endsWith(".ndjson.zst")) {
                        data = to;
                    }
                }
            }
        }
        assertThat(data).isNotNull();
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(data, bytes);
        Path out = dir.resolve("damaged.jsonl");
        CliRun run = run("extract", "--from", copy.toString(), "--latest", "--graphiti-group", "tenant-a",
                "--out", out.toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.VERIFICATION);
        assertThat(out).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
        }
    }

    @Test
    void badOptionsAndOtherEnginesAreRefused() throws IOException {
        CliRun badType = run("extract", "--from", repo, "--latest", "--where", "rank:number=3", "--out", "-");
        assertThat(badType.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badType.err()).contains("unknown type 'number'");
        CliRun badRange = run("extract", "--from", repo, "--latest", "--where-range",
                "valid_at=2025-06-01..2025-06-02T00:00Z", "--out", "-");
        assertThat(badRange.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badRange.err()).contains("different types");

        Path dump = dir.resolve("neo4j.dump");
        try (var outStream = Files.newOutputStream(dump)) {
            outStream.write("DZV1".getBytes(StandardCharsets.US_ASCII));
            outStream.write(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0, 0x58, 0x01, 0, 0, 0});
        }
        CliRun imported = run("import", "--file", dump.toString(), "--to", adminRepo, "--database", "neo4j", "--json");
        assertThat(imported.exitCode()).as(imported.toString()).isZero();
        Path out = dir.resolve("admin.jsonl");
        CliRun refused = run("extract", "--from", adminRepo, "--latest", "--out", out.toString());
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err()).contains("cannot be read without a server").contains("--engine driver")
                .contains("--engine admin");
        assertThat(out).doesNotExist();
    }
}
