package io.github.neo4jbackup.export.cypher.select;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.KeyTemplate;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.repository.ObjectPerBackupRepository;
import io.github.neo4jbackup.core.repository.Repository;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.export.cypher.GraphitiGroupsFixture;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.export.cypher.apoc.ApocCypherSource;
import io.github.neo4jbackup.export.cypher.driver.DriverExportSource;
import io.github.neo4jbackup.export.cypher.driver.GraphRecord;
import io.github.neo4jbackup.export.cypher.select.PropertyPredicate.Bound;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.Value;
import org.neo4j.driver.Values;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Backs up a Graphiti-shaped memory with several groups through the driver engine (zstd), stops the
 * server, and checks that selections read from the stored backup give exactly what Cypher queries on
 * the source gave (type-exact property values), that relationship scopes keep what they say, that a
 * damaged backup fails, and that APOC and neo4j-admin backups are refused with directions.
 */
class SelectedGraphReaderTest {

    static final List<String> GROUPS = List.of("tenant-a", "tenant-b", "tenant-c");
    static final ZonedDateTime START = GraphitiGroupsFixture.FIRST_EPISODE.plusHours(3);
    static final ZonedDateTime END = GraphitiGroupsFixture.FIRST_EPISODE.plusHours(17);

    @TempDir
    static Path dir;

    static Repository repository;
    static Manifest driverBackup;
    static Manifest apocBackup;
    static Manifest adminBackup;
    static List<Map<String, Value>> expectedEpisodes;
    static List<Map<String, Value>> expectedGroupNodes;
    static long expectedBothEnds;
    static long expectedAnyEnd;

    @BeforeAll
    static void backUpAndStopTheServer() throws IOException {
        StorageTarget target = LocalStorageTarget.of(dir.resolve("repo"));
        try (Neo4jTestServer server = Neo4jTestServer.start(true)) {
            Driver driver = server.driver();
            GraphitiGroupsFixture.create(driver, GROUPS, 24, 5);
            try (Session s = driver.session()) {
                expectedEpisodes = s.run("MATCH (n:Episodic) WHERE n.group_id = $g AND n.valid_at >= $s "
                                + "AND n.valid_at < $e RETURN properties(n) AS p ORDER BY n.valid_at",
                        Map.of("g", "tenant-b", "s", START, "e", END)).list(r -> r.get("p").asMap(v -> v));
                expectedGroupNodes = s.run("MATCH (n {group_id: $g}) RETURN properties(n) AS p ORDER BY n.uuid",
                        Map.of("g", "tenant-b")).list(r -> r.get("p").asMap(v -> v));
                expectedBothEnds = s.run("MATCH (a {group_id: $g})-[r]->(b {group_id: $g}) RETURN count(r)",
                        Map.of("g", "tenant-b")).single().get(0).asLong();
                expectedAnyEnd = s.run("MATCH (a)-[r]->(b) WHERE a.group_id = $g OR b.group_id = $g RETURN count(r)",
                        Map.of("g", "tenant-b")).single().get(0).asLong();
            }
            driverBackup = BackupPipeline.builder()
                    .source(DriverExportSource.builder(driver).build())
                    .transform(Compression.zstd()).target(target).build().backup().manifest();
            apocBackup = BackupPipeline.builder().source(ApocCypherSource.builder(driver).build())
                    .transform(Compression.zstd()).target(target).build().backup().manifest();
        }
        // A neo4j-admin dump as the import command adopts it: "DZV1" and a zstd frame.
        Path dump = dir.resolve("neo4j.dump");
        try (OutputStream out = Files.newOutputStream(dump)) {
            out.write("DZV1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            try (OutputStream z = Compression.zstd().encode(new java.io.FilterOutputStream(out) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            })) {
                z.write(new byte[1024]);
            }
        }
        adminBackup = BackupPipeline.builder().target(target).build()
                .importFile(dump, "neo4j", Instant.parse("2025-01-01T00:00:00Z")).manifest();
        assertThat(adminBackup.source().type()).isEqualTo("neo4j-admin");
        repository = new ObjectPerBackupRepository(target, KeyTemplate.of(KeyTemplate.DEFAULT), Clock.systemUTC(),
                Duration.ofMinutes(30), "test");
        assertThat(expectedEpisodes).hasSizeBetween(10, 14);
    }

    /** The server was closed before any test ran: every read below works without one. */
    static List<GraphRecord> readAll(GraphSelection selection) throws IOException {
        List<GraphRecord> records = new ArrayList<>();
        try (SelectedGraphReader reader = SelectedGraphReader.open(repository, driverBackup, List.of(), selection)) {
            for (GraphRecord r = reader.next(); r != null; r = reader.next()) {
                records.add(r);
            }
            assertThat(reader.trailer()).isNotNull();
            assertThat(reader.nodesRead()).isEqualTo(driverBackup.counts().nodes());
            assertThat(reader.relationshipsRead()).isEqualTo(driverBackup.counts().relationships());
        }
        return records;
    }

    static <T> List<T> only(List<GraphRecord> records, Class<T> type) {
        return records.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void episodeTimeRangeOfOneGroupIsExactlyWhatCypherReturns() throws IOException {
        GraphSelection selection = GraphSelection.builder().label("Episodic").graphitiGroup("tenant-b")
                .whereRange("valid_at", Bound.inclusive(Values.value(START)), Bound.exclusive(Values.value(END)))
                .build();
        List<GraphRecord> records = readAll(selection);
        List<GraphRecord.Node> nodes = new ArrayList<>(only(records, GraphRecord.Node.class));
        nodes.sort(Comparator.comparing(n -> n.properties().get("valid_at"), ValueOrder.ORDER));
        assertThat(nodes).extracting(GraphRecord.Node::properties).containsExactlyElementsOf(expectedEpisodes);
        assertThat(nodes).allSatisfy(n -> assertThat(n.labels()).containsExactly("Episodic"));
        // type-exact: a zone id survives, the list of strings is a list of strings
        assertThat(nodes).anySatisfy(n -> assertThat(n.properties().get("valid_at").asZonedDateTime().getZone()
                .getId()).isEqualTo("Europe/Berlin"));
        assertThat(only(records, GraphRecord.Relationship.class)).as("episodes do not link to episodes").isEmpty();
        assertThat(only(records, GraphRecord.SchemaStatement.class)).isNotEmpty();
    }

    @Test
    void wholeGroupWithBothEndsAndAnyEnd() throws IOException {
        GraphSelection both = GraphSelection.builder().graphitiGroup("tenant-b").build();
        List<GraphRecord> records = readAll(both);
        List<Map<String, Value>> nodes = new ArrayList<>(only(records, GraphRecord.Node.class).stream()
                .map(GraphRecord.Node::properties).toList());
        nodes.sort(Comparator.comparing(p -> p.get("uuid").asString()));
        assertThat(nodes).containsExactlyElementsOf(expectedGroupNodes);
        List<GraphRecord.Relationship> rels = only(records, GraphRecord.Relationship.class);
        assertThat(rels).hasSize((int) expectedBothEnds);
        assertThat(rels).noneMatch(r -> r.properties().get("uuid").asString().equals("cross"));

        List<GraphRecord> any = readAll(both.toBuilder().relationships(RelationshipScope.ANY_END).build());
        List<GraphRecord.Relationship> anyRels = only(any, GraphRecord.Relationship.class);
        assertThat(anyRels).hasSize((int) expectedAnyEnd).hasSize(rels.size() + 1);
        assertThat(anyRels).anyMatch(r -> r.properties().get("uuid").asString().equals("cross"));

        List<GraphRecord> none = readAll(both.toBuilder().relationships(RelationshipScope.NONE).build());
        assertThat(only(none, GraphRecord.Relationship.class)).isEmpty();
        assertThat(only(none, GraphRecord.Node.class)).hasSize(expectedGroupNodes.size());
    }

    @Test
    void float32EmbeddingsStayMarked() throws IOException {
        List<GraphRecord.Node> entities = only(readAll(GraphSelection.builder().label("Entity")
                .graphitiGroup("tenant-a").build()), GraphRecord.Node.class);
        assertThat(entities).hasSize(5).allSatisfy(n ->
                assertThat(n.storedTypes()).containsEntry("name_embedding", "FloatArray"));
    }

    @Test
    void apocAndAdminBackupsAreRefusedWithDirections() {
        assertThatThrownBy(() -> SelectedGraphReader.open(repository, apocBackup, List.of(), GraphSelection.all()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Backup " + apocBackup.id() + " cannot be read without a server")
                .hasMessageContaining("verify --id " + apocBackup.id() + " --restore-into")
                .hasMessageContaining("--engine driver");
        assertThatThrownBy(() -> SelectedGraphReader.open(repository, adminBackup, List.of(), GraphSelection.all()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("neo4j-admin store files")
                .hasMessageContaining("restore --id " + adminBackup.id() + " --engine admin")
                .hasMessageContaining("--engine driver");
    }

    @Test
    void damagedBackupFails() throws IOException {
        Path copy = dir.resolve("damaged");
        Path source = dir.resolve("repo");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.toList()) {
                Path to = copy.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Path data = copy.resolve(driverBackup.object().key().value());
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(data, bytes, StandardOpenOption.TRUNCATE_EXISTING);
        Repository damaged = new ObjectPerBackupRepository(LocalStorageTarget.of(copy),
                KeyTemplate.of(KeyTemplate.DEFAULT), Clock.systemUTC(), Duration.ofMinutes(30), "test");
        assertThatThrownBy(() -> {
            try (SelectedGraphReader reader = SelectedGraphReader.open(damaged, driverBackup, List.of(),
                    GraphSelection.all())) {
                while (reader.next() != null) {
                    // read to the end
                }
            }
        }).isInstanceOf(IntegrityException.class).hasMessageContaining(driverBackup.id());
    }
}
