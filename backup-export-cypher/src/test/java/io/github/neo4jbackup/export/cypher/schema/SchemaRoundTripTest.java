package io.github.neo4jbackup.export.cypher.schema;

import io.github.neo4jbackup.core.RestoreFailedException;
import io.github.neo4jbackup.export.cypher.CypherNames;
import io.github.neo4jbackup.export.cypher.GraphitiFixture;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaRoundTripTest {

    static Neo4jTestServer server;
    static Driver driver;

    @BeforeAll
    static void start() {
        server = Neo4jTestServer.start(false);
        driver = server.driver();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void clear() {
        server.clear();
    }

    private static void run(String q) {
        try (var s = driver.session()) {
            s.run(q).consume();
        }
    }

    @Test
    void readsTheFixtureSchema() {
        GraphitiFixture.create(driver, "neo4j");
        DatabaseSchema schema = SchemaReader.read(driver, "neo4j");

        assertThat(schema.constraints()).extracting(ConstraintDefinition::name)
                .containsExactly("entity_uuid", "episodic_uuid", "weird constraint");
        assertThat(schema.userIndexes()).extracting(IndexDefinition::name).containsExactly(
                "community_name_group", "edge_name_and_fact", "entity_group_id", "entity_location",
                "entity_name_embedding", "episodic_content_text", "fact_embedding", "node_name_and_summary",
                "relates_to_uuid");
        assertThat(schema.lookupIndexes()).hasSize(2);

        var weird = schema.constraints().get(2);
        assertThat(weird.kind()).isEqualTo(ConstraintKind.UNIQUENESS);
        assertThat(weird.labelsOrTypes()).containsExactly("Odd Label");
        assertThat(weird.properties()).containsExactly("a b", "c");

        var byName = schema.userIndexes().stream().collect(java.util.stream.Collectors.toMap(IndexDefinition::name, i -> i));
        assertThat(byName.get("community_name_group").properties()).containsExactly("name", "group_id");
        assertThat(byName.get("node_name_and_summary").labelsOrTypes()).containsExactly("Entity", "Community");
        assertThat(byName.get("node_name_and_summary").indexConfig())
                .containsEntry("fulltext.analyzer", "english").containsEntry("fulltext.eventually_consistent", true);
        assertThat(byName.get("fact_embedding").entityType()).isEqualTo(EntityType.RELATIONSHIP);
        assertThat(byName.get("fact_embedding").indexConfig())
                .containsEntry("vector.dimensions", 16L).containsEntry("vector.similarity_function", "COSINE");
        assertThat(byName.get("entity_location").indexConfig())
                .containsEntry("spatial.wgs-84.min", List.of(-180.0, -90.0));
        assertThat(byName.get("entity_name_embedding").toCypher()).contains("`vector.similarity_function`: 'EUCLIDEAN'");
    }

    @Test
    void ddlRoundTripsWithEqualDefinitionsAndFingerprint() {
        GraphitiFixture.create(driver, "neo4j");
        DatabaseSchema before = SchemaReader.read(driver, "neo4j");
        List<String> ddl = SchemaWriter.statements(before, SchemaWriter.Phase.ALL);

        server.clear();
        assertThat(SchemaReader.read(driver, "neo4j").isEmptyApartFromLookups()).isTrue();

        assertThat(SchemaWriter.apply(driver, "neo4j", before, SchemaWriter.Phase.BEFORE_DATA)).isEmpty();
        DatabaseSchema half = SchemaReader.read(driver, "neo4j");
        assertThat(half.constraints()).isEqualTo(before.constraints());
        assertThat(half.userIndexes()).isEmpty();

        SchemaWriter.apply(driver, "neo4j", before, SchemaWriter.Phase.AFTER_DATA);
        SchemaWriter.awaitIndexes(driver, "neo4j", Duration.ofMinutes(2));
        DatabaseSchema after = SchemaReader.read(driver, "neo4j");
        assertThat(after.constraints()).isEqualTo(before.constraints());
        assertThat(after.userIndexes()).isEqualTo(before.userIndexes());
        assertThat(after.fingerprint()).isEqualTo(before.fingerprint());
        assertThat(after.differences(before)).isEmpty();

        // idempotent: the same DDL again (with semicolons, as in a script) changes nothing
        List<String> noEffect = SchemaWriter.applyStatements(driver, "neo4j", ddl.stream().map(s -> s + ";").toList());
        assertThat(noEffect).hasSize(before.constraints().size() + before.userIndexes().size())
                .allSatisfy(s -> assertThat(s).contains(" -- ").contains("already exists"));
        DatabaseSchema again = SchemaReader.read(driver, "neo4j");
        assertThat(again).isEqualTo(after);
        assertThat(again.fingerprint()).isEqualTo(before.fingerprint());
    }

    @Test
    void lookupIndexesUnderOtherNamesDoNotFail() {
        DatabaseSchema defaults = SchemaReader.read(driver, "neo4j");
        assertThat(defaults.lookupIndexes()).hasSize(2);
        DatabaseSchema renamed = DatabaseSchema.of(List.of(IndexDefinition.lookup("my node lookup", EntityType.NODE),
                IndexDefinition.lookup("my rel lookup", EntityType.RELATIONSHIP)), List.of());

        SchemaWriter.apply(driver, "neo4j", renamed, SchemaWriter.Phase.ALL);
        // plain CREATE (no IF NOT EXISTS) of an equivalent LOOKUP index is tolerated too
        SchemaWriter.applyStatements(driver, "neo4j", List.of("CREATE LOOKUP INDEX other FOR (n) ON EACH labels(n)"));
        assertThat(SchemaReader.read(driver, "neo4j").lookupIndexes()).isEqualTo(defaults.lookupIndexes());

        // a database without LOOKUP indexes gets them, with the backed-up names
        for (IndexDefinition l : defaults.lookupIndexes()) {
            run(l.dropCypher());
        }
        try {
            SchemaWriter.apply(driver, "neo4j", renamed, SchemaWriter.Phase.BEFORE_DATA);
            assertThat(SchemaReader.read(driver, "neo4j").lookupIndexes()).extracting(IndexDefinition::name)
                    .containsExactly("my node lookup", "my rel lookup");
        } finally {
            for (IndexDefinition l : SchemaReader.read(driver, "neo4j").lookupIndexes()) {
                run(l.dropCypher());
            }
            SchemaWriter.apply(driver, "neo4j", defaults, SchemaWriter.Phase.BEFORE_DATA);
        }
    }

    @Test
    void awkwardNamesRoundTrip() {
        String label = "Lä`bel 👋 with space";
        String type = "REL`TYPE ü";
        String prop = "pröp`erty name";
        run("CREATE CONSTRAINT " + CypherNames.quote("c`onstraint ü") + " FOR (n:" + CypherNames.quote(label)
                + ") REQUIRE (n." + CypherNames.quote(prop) + ", n.`x`) IS UNIQUE");
        run("CREATE CONSTRAINT " + CypherNames.quote("rel uniq`") + " FOR ()-[r:" + CypherNames.quote(type)
                + "]-() REQUIRE r." + CypherNames.quote(prop) + " IS UNIQUE");
        run("CREATE TEXT INDEX " + CypherNames.quote("téxt `idx`") + " FOR ()-[r:" + CypherNames.quote(type)
                + "]-() ON (r." + CypherNames.quote(prop) + ")");
        run("CREATE FULLTEXT INDEX " + CypherNames.quote("ft'\"\\") + " FOR (n:" + CypherNames.quote(label) + "|`B`) ON EACH [n."
                + CypherNames.quote(prop) + ", n.y] OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}");
        DatabaseSchema before = SchemaReader.read(driver, "neo4j");
        assertThat(before.constraints()).hasSize(2);
        assertThat(before.userIndexes()).hasSize(2);
        assertThat(before.constraints()).filteredOn(c -> c.entityType() == EntityType.RELATIONSHIP).singleElement()
                .satisfies(c -> assertThat(c.neo4jType()).isEqualTo("RELATIONSHIP_UNIQUENESS"));

        server.clear();
        SchemaWriter.apply(driver, "neo4j", before, SchemaWriter.Phase.ALL);
        DatabaseSchema after = SchemaReader.read(driver, "neo4j");
        assertThat(after.constraints()).isEqualTo(before.constraints());
        assertThat(after.userIndexes()).isEqualTo(before.userIndexes());
        assertThat(after.fingerprint()).isEqualTo(before.fingerprint());
    }

    @Test
    void fingerprintChangesWithOptionsAndNames() {
        run("CREATE VECTOR INDEX v FOR (n:E) ON (n.e) OPTIONS {indexConfig: {`vector.dimensions`: 4, "
                + "`vector.similarity_function`: 'cosine'}}");
        String cosine = SchemaReader.read(driver, "neo4j").fingerprint();

        server.clear();
        run("CREATE VECTOR INDEX v FOR (n:E) ON (n.e) OPTIONS {indexConfig: {`vector.dimensions`: 4, "
                + "`vector.similarity_function`: 'euclidean'}}");
        String euclidean = SchemaReader.read(driver, "neo4j").fingerprint();

        server.clear();
        run("CREATE VECTOR INDEX w FOR (n:E) ON (n.e) OPTIONS {indexConfig: {`vector.dimensions`: 4, "
                + "`vector.similarity_function`: 'cosine'}}");
        String renamed = SchemaReader.read(driver, "neo4j").fingerprint();

        server.clear();
        run("CREATE VECTOR INDEX v FOR (n:E) ON (n.e) OPTIONS {indexConfig: {`vector.dimensions`: 4, "
                + "`vector.similarity_function`: 'cosine', `vector.hnsw.m`: 16}}");
        String explicitDefault = SchemaReader.read(driver, "neo4j").fingerprint();

        assertThat(List.of(cosine, euclidean, renamed)).doesNotHaveDuplicates();
        assertThat(explicitDefault).isEqualTo(cosine);
        assertThat(DatabaseSchema.empty().fingerprint()).isNotIn(cosine, euclidean, renamed);
        server.clear();
        assertThat(SchemaReader.read(driver, "neo4j").fingerprint()).isEqualTo(DatabaseSchema.empty().fingerprint());
    }

    @Test
    void optionLiteralsAreAcceptedByTheServer() {
        var point = new IndexDefinition("p", IndexKind.POINT, EntityType.NODE, List.of("L"), List.of("loc"), null,
                Map.of("spatial.cartesian.min", List.of(-1.0E-5, -2.5), "spatial.cartesian.max", List.of(1.0E7, 3.0)));
        SchemaWriter.apply(driver, "neo4j", DatabaseSchema.of(List.of(point), List.of()), SchemaWriter.Phase.ALL);
        var read = SchemaReader.read(driver, "neo4j").userIndexes().get(0);
        assertThat(read.indexConfig()).containsEntry("spatial.cartesian.min", List.of(-1.0E-5, -2.5))
                .containsEntry("spatial.cartesian.max", List.of(1.0E7, 3.0));
        try (var s = driver.session()) {
            String nasty = "a\u0000b\nc\r\nd\t'\"`\\ \u2028\u2029\uFEFF\u0085 👋 '); MATCH (n) DETACH DELETE n; //";
            assertThat(s.run("RETURN " + CypherNames.string(nasty) + " AS v").single().get("v").asString())
                    .isEqualTo(nasty);
            // a lone surrogate is written as an escape and parses
            assertThat(s.run("RETURN size(" + CypherNames.string("x\uD800") + ") AS v").single().get("v").asLong())
                    .isEqualTo(2);
        }
    }

    @Test
    void aDifferentElementWithTheSameNameIsReported() {
        run("CREATE INDEX same_name FOR (n:L) ON (n.other)");
        var wanted = new IndexDefinition("same_name", IndexKind.RANGE, EntityType.NODE, List.of("L"), List.of("p"), null, null);
        List<String> noEffect = SchemaWriter.apply(driver, "neo4j", DatabaseSchema.of(List.of(wanted), List.of()),
                SchemaWriter.Phase.ALL);
        assertThat(noEffect).singleElement().asString().startsWith(wanted.toCypher()).contains("other").contains("already exists");
        assertThat(SchemaReader.read(driver, "neo4j").differences(DatabaseSchema.of(List.of(wanted), List.of())))
                .hasSize(2);
    }

    @Test
    void failuresAreReportedWithTheStatement() {
        assertThatThrownBy(() -> SchemaWriter.applyStatements(driver, "neo4j", List.of(
                "CREATE INDEX broken IF NOT EXISTS FOR (n:L) ON (n.p) OPTIONS {indexConfig: {`no.such.setting`: 1}}")))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("database 'neo4j'").hasMessageContaining("broken");
    }
}
