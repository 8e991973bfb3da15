package io.github.neo4jbackup.compat;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.RestoreFailedException;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.export.cypher.ServerInfo;
import io.github.neo4jbackup.export.cypher.apoc.ApocCypherSource;
import io.github.neo4jbackup.export.cypher.driver.DriverExportSource;
import io.github.neo4jbackup.export.cypher.driver.DriverRestoreSink;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprint;
import io.github.neo4jbackup.export.cypher.schema.DatabaseSchema;
import io.github.neo4jbackup.export.cypher.schema.IndexDefinition;
import io.github.neo4jbackup.export.cypher.schema.SchemaCompatibility;
import io.github.neo4jbackup.export.cypher.schema.SchemaReader;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import io.github.neo4jbackup.testkit.Neo4jServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.Value;
import org.neo4j.driver.types.TypeSystem;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The driver engine between a real Neo4j 2026.08.1 (default language CYPHER_25, as a new 2026
 * installation) and a real Neo4j 5.26, in every direction; and the APOC engine on 2026, which has
 * no APOC. One server of each version for the whole class.
 */
class DriverEngineAcrossVersionsTest {

    @TempDir
    static Path dir;
    static Neo4jServerProcess newServer;
    static Neo4jServerProcess oldServer;
    static Driver newDriver;
    static Driver oldDriver;

    @BeforeAll
    static void start() throws Exception {
        newServer = CompatServers.startNew(dir);
        newDriver = CompatServers.driver(newServer);
        oldServer = CompatServers.startOld(dir);
        oldDriver = CompatServers.driver(oldServer);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {newDriver, oldDriver, newServer, oldServer}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    private static BackupPipeline pipeline(Driver source, Path repository) {
        return BackupPipeline.builder().source(DriverExportSource.builder(source).build())
                .target(LocalStorageTarget.of(repository)).build();
    }

    private static RestoreResult restore(BackupPipeline pipeline, Manifest manifest, Driver target) {
        return pipeline.restore(manifest.id(), DriverRestoreSink.builder(target).wipe(true).build());
    }

    @Test
    void from2026To2026IsExact(@TempDir Path repository) throws Exception {
        CompatGraph.create(newDriver);
        GraphFingerprint before = GraphFingerprint.compute(newDriver, "neo4j");
        DatabaseSchema schemaBefore = SchemaReader.read(newDriver, "neo4j");
        assertThat(schemaBefore.userIndexes()).extracting(IndexDefinition::indexProvider).contains("vector-2026.08");

        BackupPipeline pipeline = pipeline(newDriver, repository);
        Manifest manifest = pipeline.backup().manifest();
        assertThat(manifest.source().neo4jVersion()).isEqualTo(newServer.version());
        assertThat(manifest.source().attributes()).containsEntry(ServerInfo.DEFAULT_LANGUAGE_ATTRIBUTE, "CYPHER 25");

        RestoreResult result = restore(pipeline, manifest, newDriver);

        assertThat(result.countsMatched()).contains(true);
        assertThat(GraphFingerprint.compute(newDriver, "neo4j")).isEqualTo(before);
        assertThat(SchemaReader.read(newDriver, "neo4j")).isEqualTo(schemaBefore);
        assertThat(result.sinkResult().attributes()).containsEntry("restore.schema", "exact");
    }

    @Test
    void from526To2026HasExactDataAndAnEquivalentSchema(@TempDir Path repository) throws Exception {
        CompatGraph.create(oldDriver);
        GraphFingerprint before = GraphFingerprint.compute(oldDriver, "neo4j");
        DatabaseSchema schemaBefore = SchemaReader.read(oldDriver, "neo4j");

        BackupPipeline pipeline = pipeline(oldDriver, repository);
        Manifest manifest = pipeline.backup().manifest();
        assertThat(manifest.source().neo4jVersion()).isEqualTo(oldServer.version());
        assertThat(manifest.source().attributes()).containsEntry(ServerInfo.DEFAULT_LANGUAGE_ATTRIBUTE, "CYPHER 5");

        RestoreResult result = restore(pipeline, manifest, newDriver);

        assertThat(result.countsMatched()).contains(true);
        GraphFingerprint after = GraphFingerprint.compute(newDriver, "neo4j");
        assertThat(after.content()).isEqualTo(before.content());
        DatabaseSchema schemaAfter = SchemaReader.read(newDriver, "neo4j");
        assertThat(SchemaCompatibility.differences(schemaBefore, schemaAfter)).isEmpty();
        assertThat(schemaAfter.userIndexes()).extracting(IndexDefinition::name)
                .containsExactlyElementsOf(schemaBefore.userIndexes().stream().map(IndexDefinition::name).toList());
        assertThat(result.sinkResult().attributes())
                .containsEntry("restore.schema", "equivalent")
                .hasEntrySatisfying("restore.schema.targetChoices", choices -> assertThat(choices)
                        .contains("'entity_embedding': provider vector-2026.08", "vector.quantization.type BINARY",
                                "'node_name_and_summary': provider fulltext-2.0", "'episode_content': provider text-3.0"));
    }

    @Test
    void from2026To526IsExactWhereTheSchemaFits(@TempDir Path repository) throws Exception {
        CompatGraph.create(newDriver);
        GraphFingerprint before = GraphFingerprint.compute(newDriver, "neo4j");
        DatabaseSchema schemaBefore = SchemaReader.read(newDriver, "neo4j");

        BackupPipeline pipeline = pipeline(newDriver, repository);
        Manifest manifest = pipeline.backup().manifest();
        RestoreResult result = restore(pipeline, manifest, oldDriver);

        assertThat(result.countsMatched()).contains(true);
        assertThat(GraphFingerprint.compute(oldDriver, "neo4j").content()).isEqualTo(before.content());
        DatabaseSchema schemaAfter = SchemaReader.read(oldDriver, "neo4j");
        assertThat(SchemaCompatibility.differences(schemaBefore, schemaAfter)).isEmpty();
        Map<String, IndexDefinition> indexes = new java.util.HashMap<>();
        schemaAfter.userIndexes().forEach(i -> indexes.put(i.name(), i));
        assertThat(indexes.get("entity_embedding").indexConfig()).containsEntry("vector.quantization.enabled", true)
                .doesNotContainKey("vector.quantization.type");
        assertThat(indexes.get("fact_embedding").indexConfig()).containsEntry("vector.quantization.enabled", false);
        assertThat(result.sinkResult().attributes())
                .containsEntry("restore.schema", "equivalent")
                .hasEntrySatisfying("restore.schema.translations", t -> assertThat(t)
                        .contains("'entity_embedding'", "'fact_embedding'", oldServer.version()));
    }

    @Test
    void from2026To526IsRefusedBeforeAnythingIsWrittenWhenTheSchemaDoesNotFit(@TempDir Path repository)
            throws Exception {
        CompatGraph.create(newDriver);
        CompatGraph.addScalarVectorIndex(newDriver);
        BackupPipeline pipeline = pipeline(newDriver, repository);
        Manifest manifest = pipeline.backup().manifest();
        try (Session s = oldDriver.session()) {
            s.run("MATCH (n) DETACH DELETE n").consume();
            s.run("CREATE (:KeepMe {id: 1})").consume();
        }
        long indexesBefore = CompatGraph.count(oldDriver, "SHOW INDEXES YIELD name RETURN count(*)");

        assertThatThrownBy(() -> restore(pipeline, manifest, oldDriver))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("taken from Neo4j " + newServer.version())
                .hasMessageContaining("on Neo4j " + oldServer.version())
                .hasMessageContaining("'scalar_embedding'")
                .hasMessageContaining("SCALAR")
                .hasMessageContaining("Nothing was changed");

        assertThat(CompatGraph.count(oldDriver, "MATCH (n) RETURN count(n)")).isEqualTo(1);
        assertThat(CompatGraph.count(oldDriver, "MATCH (n:KeepMe) RETURN count(n)")).isEqualTo(1);
        assertThat(CompatGraph.count(oldDriver, "SHOW INDEXES YIELD name RETURN count(*)")).isEqualTo(indexesBefore);
    }

    /**
     * A script in the shape APOC's cypher-shell export writes, with Cypher 5 syntax that Cypher 25
     * rejects ({@code OPTIONS {indexProvider: ...}}) or deprecates (importing {@code WITH}): the replay
     * pins each statement to Cypher 5, so it runs on a server whose default language is Cypher 25.
     */
    @Test
    void aCypher5ScriptReplaysOn2026WhoseDefaultIsCypher25() throws Exception {
        String script = String.join("\n",
                ":begin",
                "CREATE RANGE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name) OPTIONS {indexProvider: 'range-1.0'};",
                "CREATE CONSTRAINT UNIQUE_IMPORT_NAME FOR (node:`UNIQUE IMPORT LABEL`) REQUIRE (node.`UNIQUE IMPORT ID`) IS UNIQUE;",
                ":commit",
                "CALL db.awaitIndexes(300);",
                ":begin",
                "UNWIND [{_id:0, properties:{uuid:\"en-0\", name:\"a\"}}, {_id:1, properties:{uuid:\"en-1\", name:\"b\"}}] AS row",
                "CREATE (n:`UNIQUE IMPORT LABEL`{`UNIQUE IMPORT ID`: row._id}) SET n += row.properties SET n:Entity;",
                ":commit",
                ":begin",
                "UNWIND [{start: {_id:0}, end: {_id:1}, properties:{fact:\"a knows b\"}}] AS row",
                "MATCH (start:`UNIQUE IMPORT LABEL`{`UNIQUE IMPORT ID`: row.start._id})",
                "MATCH (end:`UNIQUE IMPORT LABEL`{`UNIQUE IMPORT ID`: row.end._id})",
                "CREATE (start)-[r:RELATES_TO]->(end) SET r += row.properties;",
                ":commit",
                "MATCH (n:`UNIQUE IMPORT LABEL`) CALL { WITH n REMOVE n:`UNIQUE IMPORT LABEL`, n.`UNIQUE IMPORT ID` } "
                        + "IN TRANSACTIONS OF 100 ROWS;",
                ":begin",
                "DROP CONSTRAINT UNIQUE_IMPORT_NAME;",
                ":commit",
                "");
        io.github.neo4jbackup.export.cypher.script.CypherScriptSink sink =
                io.github.neo4jbackup.export.cypher.script.CypherScriptSink.builder(newDriver).wipe(true).build();
        sink.restore(new java.io.StringReader(script));
        assertThat(CompatGraph.count(newDriver, "MATCH (:Entity {name: 'a'})-[:RELATES_TO {fact: 'a knows b'}]->"
                + "(:Entity {name: 'b'}) RETURN count(*)")).isEqualTo(1);
        assertThat(CompatGraph.count(newDriver, "MATCH (n) WHERE n.`UNIQUE IMPORT ID` IS NOT NULL RETURN count(n)"))
                .isZero();
        assertThat(CompatGraph.count(newDriver, "SHOW INDEXES YIELD name WHERE name = 'entity_name' RETURN count(*)"))
                .isEqualTo(1);
    }

    @Test
    void theApocEngineOn2026NamesTheDriverEngineAsTheWayOut() {
        ApocCypherSource source = ApocCypherSource.builder(newDriver).build();
        assertThatThrownBy(() -> source.export(new ByteArrayOutputStream(), ExportContext.NONE))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("APOC is not installed on Neo4j " + newServer.version())
                .hasMessageContaining("--engine driver")
                .hasMessageContaining("Nothing was stored")
                .hasMessageNotContaining("io.github.")
                .hasMessageNotContaining("Exception");
    }

    /**
     * Values a 5.x driver cannot represent: the export refuses map-valued properties (a stored
     * property is never a map). Community's default store format cannot store VECTOR or UUID
     * values, so no export can meet one here; this checks the shape the detection relies on, with
     * the server's own placeholder, and that Community indeed refuses to store such values.
     */
    @Test
    void newValueTypesArriveAsMapPlaceholdersAndCommunityCannotStoreThem() {
        try (Session s = newDriver.session()) {
            Value vector = s.run("RETURN vector([1, 2, 3], 3, FLOAT32) AS v").single().get("v");
            assertThat(TypeSystem.getDefault().MAP().isTypeOf(vector)).isTrue();
            assertThat(vector.get("originalType").asString()).isEqualTo("VECTOR(3, FLOAT32)");
            Value uuid = s.run("RETURN UUID('6ba7b810-9dad-11d1-80b4-00c04fd430c8') AS u").single().get("u");
            assertThat(TypeSystem.getDefault().MAP().isTypeOf(uuid)).isTrue();
            assertThatThrownBy(() -> s.run("CREATE (:V {v: vector([1, 2, 3], 3, FLOAT32)})").consume())
                    .hasMessageContaining("not supported");
        }
    }
}
