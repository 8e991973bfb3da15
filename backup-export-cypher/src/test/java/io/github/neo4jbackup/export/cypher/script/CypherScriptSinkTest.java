package io.github.neo4jbackup.export.cypher.script;

import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.RestoreFailedException;
import io.github.neo4jbackup.core.RestoreOptions;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link CypherScriptSink} against a real server (without APOC: replay needs none). */
class CypherScriptSinkTest {

    private static Neo4jTestServer server;

    @BeforeAll
    static void start() {
        server = Neo4jTestServer.start(false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void clear() {
        server.clear();
    }

    private static CypherScriptSink sink() {
        return CypherScriptSink.builder(server.driver()).computeFingerprint(false).build();
    }

    private static long count(String query) {
        try (Session s = server.driver().session()) {
            return s.run(query).single().get(0).asLong();
        }
    }

    @Test
    void replaysBlocksRollbacksParamsAndSchemaLikeCypherShell() throws IOException {
        String script = """
                // a header comment
                CREATE (:Auto {i: 1});
                :begin
                CREATE (:InBlock {i: 2});
                CREATE (:InBlock {i: 3});
                :commit
                :begin
                CREATE (:RolledBack);
                :rollback
                :param x => 40 + 2
                :param {name: 'a;b', when: date('2025-01-01'),
                        nested: {list: [1, 2]}}
                :param `odd name` => 'odd'
                CREATE (:P {x: $x, name: $name, when: $when, n: $nested.list[1], odd: $`odd name`});
                :params
                :use neo4j
                CREATE INDEX p_x IF NOT EXISTS FOR (n:P) ON (n.x);
                :begin
                CREATE CONSTRAINT q_id IF NOT EXISTS FOR (n:Q) REQUIRE n.id IS UNIQUE;
                CREATE (:Q {id: 1});
                :commit
                :param clear
                MATCH (n) WHERE n:Auto OR n:Q RETURN count(n);
                """;
        RestoreSink.SinkResult result = sink().restore(new StringReader(script));

        assertThat(count("MATCH (n:Auto) RETURN count(n)")).isEqualTo(1);
        assertThat(count("MATCH (n:InBlock) RETURN count(n)")).isEqualTo(2);
        assertThat(count("MATCH (n:RolledBack) RETURN count(n)")).isZero();
        assertThat(count("MATCH (n:Q) RETURN count(n)")).isEqualTo(1);
        try (Session s = server.driver().session()) {
            Record p = s.run("MATCH (p:P) RETURN p.x AS x, p.name AS name, p.when AS when, p.n AS n, p.odd AS odd").single();
            assertThat(p.get("x").asLong()).isEqualTo(42);
            assertThat(p.get("name").asString()).isEqualTo("a;b");
            assertThat(p.get("when").asLocalDate()).isEqualTo(LocalDate.of(2025, 1, 1));
            assertThat(p.get("n").asLong()).isEqualTo(2);
            assertThat(p.get("odd").asString()).isEqualTo("odd");
            assertThat(s.run("SHOW INDEXES YIELD name WHERE name = 'p_x' RETURN count(*)").single().get(0).asLong())
                    .isEqualTo(1);
            assertThat(s.run("SHOW CONSTRAINTS YIELD name WHERE name = 'q_id' RETURN count(*)").single().get(0).asLong())
                    .isEqualTo(1);
        }
        assertThat(result.attributes()).containsEntry(CypherScriptSink.STATEMENTS, "9")
                .containsEntry(CypherScriptSink.TRANSACTIONS, "2");
        assertThat(result.counts().nodes()).isEqualTo(5);
        assertThat(result.counts().labels()).containsEntry("InBlock", 2L);
    }

    private static List<String> snapshot() {
        try (Session s = server.driver().session()) {
            return s.run("MATCH (n) RETURN labels(n) AS l, properties(n) AS p").list(r -> r.get("l").asList() + " "
                    + new java.util.TreeMap<>(r.get("p").asMap())).stream().sorted().toList();
        }
    }

    @Test
    void behavesLikeTheRealCypherShell(@TempDir Path dir) throws Exception {
        String script = """
                CREATE (:Auto {i: 1});
                :begin
                CREATE (:InBlock {i: 2});
                :commit
                :begin
                CREATE (:RolledBack);
                :rollback
                :param x => 42
                :param {name: 'a;b', list: [1, 2]}
                :begin
                CREATE (:P {x: $x, name: $name, n: $list[1]});
                :param x => 43
                CREATE (:P {x: $x});
                :commit
                :use neo4j
                CREATE (:Last {s: "it's \\ // not a comment; ok"});
                """;
        Path file = dir.resolve("script.cypher");
        java.nio.file.Files.writeString(file, script, StandardCharsets.UTF_8);
        CypherShellProcess.Run run = CypherShellProcess.run(server.boltUri(), file);
        assertThat(run.exitCode()).as("cypher-shell output:%n%s", run.output()).isZero();
        List<String> byCypherShell = snapshot();

        server.clear();
        sink().restore(new StringReader(script));
        assertThat(snapshot()).isEqualTo(byCypherShell).hasSize(5);
    }

    @Test
    void parameterValuesReachStatementsInsideBlocks() throws IOException {
        sink().restore(new StringReader(":begin\nCREATE (:Before);\n:param n => 'inside'\nCREATE (:T {n: $n});\n:commit\n"));
        try (Session s = server.driver().session()) {
            assertThat(s.run("MATCH (t:T) RETURN t.n").single().get(0).asString()).isEqualTo("inside");
        }
    }

    @Test
    void aFailedStatementRollsBackItsBlockAndIsNamed() {
        String script = "CREATE (:Ok);\n:begin\nCREATE (:X);\nUNWIND [1, 0] AS d\nRETURN 1 / d;\n:commit\nCREATE (:After);\n";
        assertThatThrownBy(() -> sink().restore(new StringReader(script)))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("Statement 3 (line 4)")
                .hasMessageContaining("UNWIND [1, 0] AS d RETURN 1 / d")
                .hasMessageContaining("/ by zero")
                .hasMessageContaining("partial restore")
                .hasMessageContaining("rolled back");
        assertThat(count("MATCH (n:Ok) RETURN count(n)")).isEqualTo(1);
        assertThat(count("MATCH (n) WHERE n:X OR n:After RETURN count(n)")).isZero();
    }

    @Test
    void aFailingRowStatementMidReplayStopsTheReaderAndSaysWhatWasWritten() {
        StringBuilder script = new StringBuilder(":begin\n");
        for (int b = 0; b < 5; b++) {
            script.append(rowStatement(b * 10, 10, "")).append(";\n");
        }
        script.append(":commit\n:begin\n").append(rowStatement(50, 10, "")).append(";\n");
        // the rows travel as a parameter; row 57 divides by zero on the server
        script.append(rowStatement(100, 10, "WITH row WHERE 1 / (row.i - 107) <> 2 ")).append(";\n");
        for (int b = 0; b < 40; b++) { // more than the read-ahead holds: none of them may run
            script.append(rowStatement(200 + b * 10, 10, "")).append(";\n");
        }
        script.append(":commit\n");
        assertThatThrownBy(() -> sink().restore(new StringReader(script.toString())))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("Statement 7 (line 10) failed")
                .hasMessageContaining("/ by zero")
                .hasMessageContaining("its :begin block of line 8 was rolled back")
                .hasMessageContaining("holds a partial restore (7 statements run, 1 transactions committed)");
        assertThat(count("MATCH (n:Row) RETURN count(n)")).isEqualTo(50);
        assertThat(count("MATCH (n:Row) WHERE n.i >= 50 RETURN count(n)")).isZero();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals(ReadAhead.THREAD_NAME));
    }

    private static String rowStatement(int from, int n, String filter) {
        StringBuilder rows = new StringBuilder();
        for (int i = from; i < from + n; i++) {
            rows.append(rows.length() == 0 ? "" : ", ").append("{i:").append(i).append(", properties:{name:\"r")
                    .append(i).append("\", at:datetime('2025-01-01T09:00:00+01:00[Europe/Berlin]')}}");
        }
        return "UNWIND [" + rows + "] AS row " + filter + "CREATE (n:Row {i: row.i}) SET n += row.properties";
    }

    @Test
    void rowsAsParametersStoreExactlyWhatTheTextStores() throws IOException {
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            values.append(i == 0 ? "" : ", ").append(Math.sin(i) / 3);
        }
        String script = """
                :begin
                UNWIND [{i:1, properties:{s:"a\\"b\\\\c\\nd\\u00e9\\uD83D\\uDE00", n:-9223372036854775807, f:1.0E-300, t:true,
                  z:datetime('2025-01-01T09:00:00+01:00[Europe/Berlin]'), o:datetime('2025-03-01T13:30:07.123456789+05:30'),
                  u:datetime('2024-02-29T00:00:00Z'), d:date('2025-12-31'), l:localdatetime('2025-01-01T09:00:00.5'),
                  lt:localtime('23:59:59'), ot:time('09:00:00-04:00'), e:[%s], ints:[1, 2, 3], strs:["x", 'y'],
                  dur:duration('P1Y2M3DT4H'), neg:duration('P4M-6DT-14M-48.000000005S'), p2:point({x: -0.0, y: 1.5, crs: 'cartesian'}),
                  p3:point({x: 13.415603, y: 52.5, z: -3.25, crs: 'wgs-84-3d'}), ps:[point({x: 1.0, y: 2.0, crs: 'wgs-84'})],
                  ds:[duration('PT-0.5S'), duration('P1D')]}}, {i:2, properties:{f:-0.0, s:''}}] AS row
                CREATE (n:R {i: row.i}) SET n += row.properties;
                UNWIND [{i:3, properties:{f:2.5, when:date('2025-01-02'), odd:duration('PT90M')}}] AS row
                CREATE (n:R {i: row.i}) SET n += row.properties;
                :commit
                """.formatted(values);
        RestoreSink.SinkResult asText = CypherScriptSink.builder(server.driver()).parameterizeLists(false).build()
                .restore(new StringReader(script));
        server.clear();
        RestoreSink.SinkResult asRows = CypherScriptSink.builder(server.driver()).build().restore(new StringReader(script));
        assertThat(asText.attributes()).containsEntry(CypherScriptSink.ROWS_PARAMETERIZED, "0");
        // durations and points in Neo4j's own form travel as rows; 'PT90M' (Neo4j prints PT1H30M) stays text
        assertThat(asRows.attributes()).containsEntry(CypherScriptSink.ROWS_PARAMETERIZED, "1");
        assertThat(asRows.attributes()).containsEntry(CypherScriptSink.LISTS_PARAMETERIZED, "1");
        assertThat(asRows.attributes().get(Attributes.CONTENT_FINGERPRINT))
                .isEqualTo(asText.attributes().get(Attributes.CONTENT_FINGERPRINT));
    }

    @Test
    void durationsAndPointsAsParametersEqualWhatNeo4jMakesOfTheirText() {
        // durations and points of every sign and size, printed by the server; each text parsed here must give
        // the value the server gives it
        List<Record> printed;
        try (Session s = server.driver().session()) {
            printed = s.run("""
                    UNWIND range(0, 1999) AS i
                    WITH i, (i * 7919) % 1000003 AS r
                    WITH i, duration({months: (r % 41) - 20, days: (r % 97) - 48, seconds: (r % 200003) - 100001,
                                      nanoseconds: CASE i % 4 WHEN 0 THEN 0 WHEN 1 THEN r % 1000 ELSE (r * 1013) % 1000000000 END})
                             AS d,
                         CASE i % 4 WHEN 0 THEN point({x: r / 7.0, y: -r / 3.0, crs: 'cartesian'})
                                    WHEN 1 THEN point({x: r / 7.0, y: -0.0, z: 1e-300 * r, crs: 'cartesian-3d'})
                                    WHEN 2 THEN point({longitude: (r % 360) - 180 + 0.123456789, latitude: (r % 180) - 90.0,
                                                       crs: 'wgs-84'})
                                    ELSE point({longitude: 13.4 + r / 1e6, latitude: 52.5, height: -r / 9.0, crs: 'wgs-84-3d'})
                         END AS p
                    RETURN toString(d) AS text, d, p
                    """).list();
        }
        for (Record r : printed) {
            String text = r.get("text").asString();
            var point = r.get("p").asPoint();
            String crs = switch (point.srid()) {
                case 7203 -> "cartesian";
                case 9157 -> "cartesian-3d";
                case 4326 -> "wgs-84";
                default -> "wgs-84-3d";
            };
            String z = Double.isNaN(point.z()) ? "" : ", z: " + point.z();
            String literal = "point({x: " + point.x() + ", y: " + point.y() + z + ", crs: '" + crs + "'})";
            UnwindRows.Rows rows = UnwindRows.rewrite("UNWIND [{d: duration('" + text + "'), p: " + literal + "}] AS row "
                    + "CREATE (n:R) SET n += row");
            assertThat(rows).as(text + " " + literal).isNotNull();
            Map<?, ?> row = (Map<?, ?>) ((List<?>) rows.parameters().get(UnwindRows.PARAMETER)).get(0);
            assertThat(row.get("d")).as(text).isEqualTo(r.get("d"));
            assertThat(row.get("p")).as(literal).isEqualTo(r.get("p"));
        }
        try (Session s = server.driver().session()) {
            List<Object[]> pairs = printed.stream().map(r -> new Object[] {r.get("text").asString(), r.get("d")}).toList();
            long equal = s.run("UNWIND $pairs AS pair WITH pair WHERE duration(pair[0]) = pair[1] RETURN count(*) AS c",
                    Map.of("pairs", pairs.stream().map(p -> List.of(p[0], p[1])).toList())).single().get("c").asLong();
            assertThat(equal).isEqualTo(printed.size());
        }
    }

    @Test
    void schemaAfterDataInOneBlockIsRefusedLikeNeo4jWould() {
        String script = ":begin\nCREATE (:A);\nCREATE INDEX a_x FOR (n:A) ON (n.x);\n:commit\n";
        assertThatThrownBy(() -> sink().restore(new StringReader(script)))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("cannot mix schema and data writes");
        assertThat(count("MATCH (n) RETURN count(n)")).isZero();
    }

    @Test
    void switchingToAnotherDatabaseAndUnknownCommandsFailClearly() {
        assertThatThrownBy(() -> sink().restore(new StringReader("CREATE (:A);\n:use system\nCREATE (:B);\n")))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining(":use system on line 2")
                .hasMessageContaining("'system'");
        server.clear();
        assertThatThrownBy(() -> sink().restore(new StringReader(":source other.cypher\n")))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining(":source other.cypher")
                .hasMessageContaining("not supported");
        server.clear();
        assertThatThrownBy(() -> sink().restore(new StringReader(":commit\n")))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("no open transaction");
        server.clear();
        assertThatThrownBy(() -> sink().restore(new StringReader(":param x = 1\n")))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining(":param name => expression");
    }

    @Test
    void truncatedScriptsAreNotRunToTheEnd() {
        assertThatThrownBy(() -> sink().restore(new StringReader("CREATE (:A);\nCREATE (:B)")))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("truncated");
        assertThat(count("MATCH (n:B) RETURN count(n)")).isZero();
        server.clear();
        assertThatThrownBy(() -> sink().restore(new StringReader(":begin\nCREATE (:A);\nCREATE (:B);\n")))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining(":begin block opened on line 1")
                .hasMessageContaining("truncated");
        assertThat(count("MATCH (n) RETURN count(n)")).isZero();
        server.clear();
        assertThatThrownBy(() -> sink().restore(new StringReader("CREATE (:A {s: 'never closed});\n")))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("string literal that starts on line 1");
    }

    @Test
    void refusesANonEmptyDatabaseWithoutWipeAndReplacesItWithWipe() throws IOException {
        try (Session s = server.driver().session()) {
            s.run("CREATE (:Old {i: 1})-[:R]->(:Old {i: 2})").consume();
            s.run("CREATE INDEX old_i FOR (n:Old) ON (n.i)").consume();
        }
        String script = ":begin\nCREATE (:New);\n:commit\n";
        assertThatThrownBy(() -> sink().restore(new StringReader(script))).isInstanceOf(BackupException.class)
                .hasMessageContaining("neo4j");
        assertThat(count("MATCH (n:Old) RETURN count(n)")).as("left untouched").isEqualTo(2);
        assertThat(count("MATCH (n:New) RETURN count(n)")).isZero();

        RestoreSink.SinkResult result = sink().toBuilder().wipe(true).build().restore(new StringReader(script));
        assertThat(count("MATCH (n:Old) RETURN count(n)")).isZero();
        assertThat(count("MATCH (n:New) RETURN count(n)")).isEqualTo(1);
        assertThat(count("SHOW INDEXES YIELD name WHERE name = 'old_i' RETURN count(*)")).isZero();
        assertThat(result.counts().nodes()).isEqualTo(1);
    }

    @Test
    void reportsFingerprintsByDefault() throws IOException {
        RestoreSink.SinkResult result = CypherScriptSink.builder(server.driver()).build()
                .restore(new StringReader("CREATE (:A {x: 1});\n"));
        assertThat(result.attributes()).containsKeys(Attributes.CONTENT_FINGERPRINT, Attributes.SCHEMA_FINGERPRINT);
    }

    // ----------------------------------------------------------------------- through the pipeline

    private static final String BACKUP_SCRIPT = """
            :begin
            CREATE (:First {i: 1});
            :commit
            :begin
            CREATE (:Last {i: 2});
            :commit
            """;

    /** Records whether the wrapped sink returned normally. */
    private static final class RecordingSink implements RestoreSink {
        private final RestoreSink delegate;
        boolean finished;

        RecordingSink(RestoreSink delegate) {
            this.delegate = delegate;
        }

        @Override
        public boolean accepts(String sourceType) {
            return delegate.accepts(sourceType);
        }

        @Override
        public SinkResult restore(InputStream data, Manifest manifest) throws IOException {
            SinkResult result = delegate.restore(data, manifest);
            finished = true;
            return result;
        }
    }

    private static BackupPipeline pipeline(InMemoryStorageTarget target) {
        byte[] bytes = BACKUP_SCRIPT.getBytes(StandardCharsets.UTF_8);
        return BackupPipeline.builder()
                .source(BackupSource.ofStream(CypherScriptSink.SCRIPT_TYPE, "neo4j", "cypher",
                        () -> new ByteArrayInputStream(bytes)))
                .target(target).build();
    }

    private static void overwrite(InMemoryStorageTarget target, ObjectKey key, byte[] bytes) throws IOException {
        try (PendingObject p = target.create(key, Map.of(), WriteMode.OVERWRITE)) {
            p.stream().write(bytes);
            p.commit();
        }
    }

    private static byte[] read(InMemoryStorageTarget target, ObjectKey key) throws IOException {
        try (InputStream in = target.open(key)) {
            return in.readAllBytes();
        }
    }

    @Test
    void restoresThroughThePipeline() {
        BackupPipeline pipeline = pipeline(new InMemoryStorageTarget());
        BackupResult backup = pipeline.backup();
        RestoreResult restored = pipeline.restore(backup.id(), sink());
        assertThat(restored.sinkResult().counts().nodes()).isEqualTo(2);
        assertThat(count("MATCH (n) WHERE n:First OR n:Last RETURN count(n)")).isEqualTo(2);
    }

    @Test
    void aCorruptedBackupFailsWithIntegrityExceptionAndTheLastBlockIsNotCommitted() throws IOException {
        InMemoryStorageTarget target = new InMemoryStorageTarget();
        BackupPipeline pipeline = pipeline(target);
        BackupResult backup = pipeline.backup();
        byte[] bytes = read(target, backup.dataKey());
        int at = BACKUP_SCRIPT.indexOf(":Last") + 1;
        bytes[at] ^= 0x01; // "Last" becomes "Mast": still a valid script, but the checksum no longer matches
        overwrite(target, backup.dataKey(), bytes);

        RecordingSink sink = new RecordingSink(sink());
        assertThatThrownBy(() -> pipeline.restore(backup.id(), sink, RestoreOptions.defaults().withVerifyFirst(false)))
                .isInstanceOf(IntegrityException.class);
        assertThat(sink.finished).as("the sink must not report success").isFalse();
        assertThat(count("MATCH (n:First) RETURN count(n)")).as("blocks before the damage were committed").isEqualTo(1);
        assertThat(count("MATCH (n) WHERE n:Last OR n:Mast RETURN count(n)"))
                .as("the last block waits for the end of the stream and is rolled back").isZero();
    }

    @Test
    void aTruncatedBackupFailsWithIntegrityException() throws IOException {
        InMemoryStorageTarget target = new InMemoryStorageTarget();
        BackupPipeline pipeline = pipeline(target);
        BackupResult backup = pipeline.backup();
        byte[] bytes = read(target, backup.dataKey());
        overwrite(target, backup.dataKey(), Arrays.copyOf(bytes, bytes.length - ":commit\n".length()));

        RecordingSink sink = new RecordingSink(sink());
        assertThatThrownBy(() -> pipeline.restore(backup.id(), sink, RestoreOptions.defaults().withVerifyFirst(false)))
                .isInstanceOf(IntegrityException.class);
        assertThat(sink.finished).isFalse();
        assertThat(count("MATCH (n:Last) RETURN count(n)")).isZero();
    }

    @Test
    void acceptsApocAndScriptBackupsOnly() {
        assertThat(sink().accepts("cypher-apoc")).isTrue();
        assertThat(sink().accepts("cypher-script")).isTrue();
        assertThat(sink().accepts("cypher-driver")).isFalse();
        assertThat(sink().accepts("neo4j-admin")).isFalse();
        assertThat(List.of(sink().toString())).allMatch(s -> s.contains("neo4j"));
    }
}
