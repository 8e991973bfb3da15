package io.github.neo4jbackup.export.cypher.merge;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.export.cypher.driver.DriverExportSource;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprint;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Merge restore of one Graphiti group into a live database holding the other groups, on a real server. */
class MergeRestoreTest {

    static final String GROUP = "tenant-b";
    static final int NODES = GraphitiGroups.nodesPerGroup();
    static final int RELATIONSHIPS = GraphitiGroups.relationshipsPerGroup();

    static Neo4jTestServer server;
    static Driver driver;

    @TempDir
    Path dir;

    BackupPipeline pipeline;
    Manifest backup;
    String original;
    Map<String, String> groups;

    @BeforeAll
    static void start() {
        server = Neo4jTestServer.start(false);
        driver = server.driver();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void graphAndBackup() throws IOException {
        server.clear();
        GraphitiGroups.create(driver);
        original = content();
        groups = groupFingerprints();
        pipeline = BackupPipeline.builder()
                .source(DriverExportSource.builder(driver).database("neo4j").build())
                .transform(Compression.zstd())
                .target(LocalStorageTarget.of(dir.resolve("repo")))
                .build();
        backup = pipeline.backup().manifest();
    }

    static String content() throws IOException {
        return GraphFingerprint.compute(driver, "neo4j").content().hex();
    }

    static Map<String, String> groupFingerprints() {
        Map<String, String> out = new HashMap<>();
        for (String g : GraphitiGroups.GROUPS) {
            out.put(g, GraphitiGroups.fingerprint(driver, g));
        }
        return out;
    }

    /** The other groups' fingerprints are those of the original graph. */
    void othersUntouched() {
        for (String g : GraphitiGroups.GROUPS) {
            if (!g.equals(GROUP)) {
                assertThat(GraphitiGroups.fingerprint(driver, g)).as(g).isEqualTo(groups.get(g));
            }
        }
    }

    MergeRestore.Builder merge() {
        return MergeRestore.builder(driver).select(MergeRestore.graphitiGroup(GROUP)).mergeOn("uuid");
    }

    static void run(String cypher, Map<String, Object> params) {
        try (Session s = driver.session()) {
            s.run(cypher, params).consume();
        }
    }

    @Test
    void aDeletedGroupComesBackAndTheWholeDatabaseMatchesTheOriginal() throws IOException {
        GraphitiGroups.deleteGroup(driver, GROUP);
        String deleted = content();
        assertThat(deleted).isNotEqualTo(original);

        MergeResult dry = merge().dryRun(true).build().restore(pipeline, backup);
        assertThat(dry.outcome()).isEqualTo(MergeResult.Outcome.DRY_RUN);
        assertThat(dry.problems()).isEmpty();
        assertThat(dry.selectedNodes()).isEqualTo(NODES);
        assertThat(dry.nodesCreated()).isEqualTo(NODES);
        assertThat(dry.relationshipsCreated()).isEqualTo(RELATIONSHIPS);
        assertThat(dry.wroteAnything()).isFalse();
        assertThat(content()).isEqualTo(deleted);

        MergeResult result = merge().batchSize(4).build().restore(pipeline, backup);
        assertThat(result.outcome()).as(result.toString()).isEqualTo(MergeResult.Outcome.APPLIED);
        assertThat(result.nodesCreated()).isEqualTo(NODES);
        assertThat(result.relationshipsCreated()).isEqualTo(RELATIONSHIPS);
        assertThat(result.selectedRelationships()).isEqualTo(RELATIONSHIPS);
        assertThat(result.warnings()).isEmpty();
        assertThat(content()).isEqualTo(original);
        assertThat(groupFingerprints()).isEqualTo(groups);

        MergeResult again = merge().build().restore(pipeline, backup);
        assertThat(again.outcome()).isEqualTo(MergeResult.Outcome.APPLIED);
        assertThat(again.nodesCreated()).isZero();
        assertThat(again.relationshipsCreated()).isZero();
        assertThat(again.nodesUnchanged()).isEqualTo(NODES);
        assertThat(again.relationshipsUnchanged()).isEqualTo(RELATIONSHIPS);
        assertThat(again.wroteAnything()).isFalse();
        assertThat(content()).isEqualTo(original);
    }

    @Test
    void aModifiedNodeIsAConflictThatWritesNothingUntilOverwriteIsChosen() throws IOException {
        // one node changed (a property, a label, a float32 vector rewritten as float64), one deleted
        run("MATCH (n:Entity {uuid: $u}) SET n.summary = 'edited', n.extra = 1, n:Edited", Map.of("u", GROUP + "-en-2"));
        run("MATCH (n:Entity {uuid: $u}) SET n.name_embedding = [x IN n.name_embedding | toFloat(x) + 0.0]",
                Map.of("u", GROUP + "-en-5"));
        run("MATCH (n:Episodic {uuid: $u}) DETACH DELETE n", Map.of("u", GROUP + "-ep-4"));
        String modified = content();

        MergeResult refused = merge().build().restore(pipeline, backup);
        assertThat(refused.outcome()).isEqualTo(MergeResult.Outcome.REFUSED);
        assertThat(refused.conflictCount()).isEqualTo(2);
        assertThat(refused.nodesCreated()).isEqualTo(1);
        assertThat(refused.conflicts()).extracting(MergeConflict::key)
                .containsExactly(GROUP + "-en-2", GROUP + "-en-5");
        MergeConflict edited = refused.conflicts().get(0);
        assertThat(edited.labelsDiffer()).isTrue();
        assertThat(edited.targetLabels()).contains("Edited");
        assertThat(edited.differentProperties()).containsExactly("extra", "summary");
        assertThat(refused.conflicts().get(1).differentProperties()).containsExactly("name_embedding");
        assertThat(refused.problems()).singleElement().asString().contains("2 selected nodes exist", "OVERWRITE");
        assertThat(refused.wroteAnything()).isFalse();
        assertThat(content()).isEqualTo(modified);

        MergeResult kept = merge().onConflict(OnConflict.KEEP).build().restore(pipeline, backup);
        assertThat(kept.outcome()).isEqualTo(MergeResult.Outcome.APPLIED);
        assertThat(kept.nodesKept()).isEqualTo(2);
        assertThat(kept.nodesCreated()).isEqualTo(1);
        assertThat(kept.relationshipsCreated()).isEqualTo(2); // the deleted episode's MENTIONS
        othersUntouched();

        MergeResult overwritten = merge().onConflict(OnConflict.OVERWRITE).build().restore(pipeline, backup);
        assertThat(overwritten.outcome()).isEqualTo(MergeResult.Outcome.APPLIED);
        assertThat(overwritten.nodesOverwritten()).isEqualTo(2);
        assertThat(overwritten.nodesCreated()).isZero();
        assertThat(content()).isEqualTo(original);
        assertThat(groupFingerprints()).isEqualTo(groups);
    }

    @Test
    void aMissingConstraintIsReportedBeforeAnythingIsWritten() throws IOException {
        GraphitiGroups.deleteGroup(driver, GROUP);
        run("DROP CONSTRAINT community_uuid", Map.of());
        String deleted = content();

        MergeResult refused = merge().build().restore(pipeline, backup);
        assertThat(refused.outcome()).isEqualTo(MergeResult.Outcome.REFUSED);
        assertThat(refused.constraintSuggestions()).containsExactly(
                "CREATE CONSTRAINT community_uuid IF NOT EXISTS FOR (n:Community) REQUIRE n.uuid IS UNIQUE");
        assertThat(refused.problems()).singleElement().asString().contains("labelled :Community,",
                "CREATE CONSTRAINT community_uuid");
        assertThat(content()).isEqualTo(deleted);

        // an index is enough to match safely enough, with a warning that suggests the constraint
        run("CREATE INDEX community_uuid_index FOR (n:Community) ON (n.uuid)", Map.of());
        run("CALL db.awaitIndexes(60)", Map.of());
        MergeResult applied = merge().build().restore(pipeline, backup);
        assertThat(applied.outcome()).isEqualTo(MergeResult.Outcome.APPLIED);
        assertThat(applied.warnings()).singleElement().asString().contains("not by a uniqueness constraint",
                "CREATE CONSTRAINT community_uuid IF NOT EXISTS FOR (n:Community) REQUIRE n.uuid IS UNIQUE");
        assertThat(content()).isEqualTo(original);
    }

    @Test
    void aDuplicateKeyInTheTargetIsReportedAndNothingIsWritten() throws IOException {
        run("MATCH (n:Episodic {uuid: $u}) DETACH DELETE n", Map.of("u", GROUP + "-ep-0"));
        run("DROP CONSTRAINT entity_uuid", Map.of());
        run("CREATE INDEX entity_uuid_index FOR (n:Entity) ON (n.uuid)", Map.of());
        run("CALL db.awaitIndexes(60)", Map.of());
        run("CREATE (:Entity {uuid: $u, group_id: 'intruder'})", Map.of("u", GROUP + "-en-3"));
        String before = content();

        MergeResult refused = merge().build().restore(pipeline, backup);
        assertThat(refused.outcome()).isEqualTo(MergeResult.Outcome.REFUSED);
        assertThat(refused.duplicateKeysInTarget()).isEqualTo(1);
        assertThat(refused.problems()).anySatisfy(p -> assertThat(p).contains(GROUP + "-en-3 (2 nodes)",
                "CREATE CONSTRAINT entity_uuid IF NOT EXISTS FOR (n:Entity) REQUIRE n.uuid IS UNIQUE"));
        assertThat(content()).isEqualTo(before);
    }

    @Test
    void aFailureMidwaySaysWhatWasWrittenAndARerunConverges() throws IOException {
        GraphitiGroups.deleteGroup(driver, GROUP);
        // a live constraint the backup's last entity of the group violates, through a node of another group
        run("CREATE CONSTRAINT entity_name IF NOT EXISTS FOR (n:Entity) REQUIRE n.name IS UNIQUE", Map.of());
        run("CREATE (:Entity {uuid: 'blocker', name: $name, group_id: 'intruder'})",
                Map.of("name", GROUP + " entity " + (GraphitiGroups.ENTITIES - 1)));

        MergeResult failed = merge().batchSize(3).build().restore(pipeline, backup);
        assertThat(failed.outcome()).isEqualTo(MergeResult.Outcome.FAILED);
        assertThat(failed.nodesCreated()).isPositive().isLessThan(NODES);
        assertThat(failed.relationshipsCreated()).isZero();
        assertThat(failed.wroteAnything()).isTrue();
        assertThat(failed.problems()).singleElement().asString()
                .contains("Committed before the failure: " + failed.nodesCreated() + " nodes created",
                        "Run the merge again");
        long inDatabase;
        try (Session s = driver.session()) {
            inDatabase = s.run("MATCH (n) WHERE n.group_id = $g RETURN count(n)", Map.of("g", GROUP)).single()
                    .get(0).asLong();
        }
        assertThat(inDatabase).isEqualTo(failed.nodesCreated());

        run("MATCH (n:Entity {uuid: 'blocker'}) DELETE n", Map.of());
        MergeResult rerun = merge().batchSize(3).build().restore(pipeline, backup);
        assertThat(rerun.outcome()).isEqualTo(MergeResult.Outcome.APPLIED);
        assertThat(rerun.nodesCreated()).isEqualTo(NODES - failed.nodesCreated());
        assertThat(rerun.nodesUnchanged()).isEqualTo(failed.nodesCreated());
        assertThat(content()).isEqualTo(original);
        othersUntouched();
    }

    @Test
    void aRelationshipChangedInTheTargetIsKeptAndTheBackupsIsAddedBesideIt() throws IOException {
        run("MATCH ()-[r:RELATES_TO {uuid: $u}]->() SET r.invalid_at = datetime('2026-01-01T00:00:00Z')",
                Map.of("u", GROUP + "-rel-1"));
        MergeResult result = merge().build().restore(pipeline, backup);
        assertThat(result.outcome()).isEqualTo(MergeResult.Outcome.APPLIED);
        assertThat(result.nodesUnchanged()).isEqualTo(NODES);
        assertThat(result.relationshipsCreated()).isEqualTo(1);
        assertThat(result.relationshipsUnchanged()).isEqualTo(RELATIONSHIPS - 1);
        try (Session s = driver.session()) {
            assertThat(s.run("MATCH ()-[r:RELATES_TO {uuid: $u}]->() RETURN count(r)", Map.of("u", GROUP + "-rel-1"))
                    .single().get(0).asLong()).isEqualTo(2);
        }
        othersUntouched();
    }

    @Test
    void aDamagedBackupIsRefusedBeforeAnythingIsWritten() throws IOException {
        GraphitiGroups.deleteGroup(driver, GROUP);
        String deleted = content();
        Path data;
        try (var files = Files.walk(dir.resolve("repo"))) {
            data = files.filter(p -> p.toString().endsWith(".ndjson.zst")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length - 20] ^= 0x40;
        Files.write(data, bytes);
        assertThatThrownBy(() -> merge().build().restore(pipeline, backup))
                .isInstanceOf(io.github.neo4jbackup.core.IntegrityException.class)
                .hasMessageContaining("Nothing was written");
        assertThat(content()).isEqualTo(deleted);
    }

    @Test
    void selectedNodesWithoutTheKeyAreReported() throws IOException {
        GraphitiGroups.deleteGroup(driver, GROUP);
        String deleted = content();
        MergeResult refused = merge().mergeOn("summary").build().restore(pipeline, backup);
        assertThat(refused.outcome()).isEqualTo(MergeResult.Outcome.REFUSED);
        assertThat(refused.nodesWithoutKey()).isEqualTo(GraphitiGroups.EPISODES);
        assertThat(refused.problems()).anySatisfy(p -> assertThat(p).contains("have no 'summary' property"));
        assertThat(content()).isEqualTo(deleted);
    }

    @Test
    void aSelectionMatchingNothingIsRefused() throws IOException {
        MergeResult refused = merge().select(MergeRestore.graphitiGroup("tenant-typo")).build()
                .restore(pipeline, backup);
        assertThat(refused.outcome()).isEqualTo(MergeResult.Outcome.REFUSED);
        assertThat(refused.selectedNodes()).isZero();
        assertThat(refused.problems()).singleElement().asString().contains("matches no node");
        assertThat(content()).isEqualTo(original);
    }

    @Test
    void backupsOfOtherEnginesAreRefusedWithTheWayThere() throws IOException {
        Path script = dir.resolve("export.cypher");
        Files.writeString(script, ":begin\nCREATE (:Entity {uuid: 'x', group_id: 'tenant-b'});\n:commit\n");
        Manifest imported = pipeline.importFile(script, "neo4j", Instant.parse("2020-01-01T00:00:00Z")).manifest();
        assertThatThrownBy(() -> merge().build().restore(pipeline, imported))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("--restore-into")
                .hasMessageContaining("--engine driver");
    }

    @Test
    void aSelectionIsRequired() {
        assertThatThrownBy(() -> MergeRestore.builder(driver).build()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("graphitiGroup");
        assertThat(List.of(OnConflict.values())).hasSize(3);
    }
}
