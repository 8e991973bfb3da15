package io.github.neo4jbackup.export.cypher.schema;

import io.github.neo4jbackup.export.cypher.Neo4jVersion;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaCompatibilityTest {

    private static final Neo4jVersion V5 = Neo4jVersion.parse("5.26.30").orElseThrow();
    private static final Neo4jVersion V2026 = Neo4jVersion.parse("2026.08.1").orElseThrow();

    private static IndexDefinition vector(String name, Map<String, Object> config) {
        return new IndexDefinition(name, IndexKind.VECTOR, EntityType.NODE, List.of("Entity"), List.of("name_embedding"),
                null, config);
    }

    private static Map<String, Object> vector2026(String type, double factor) {
        return Map.of("vector.dimensions", 1024L, "vector.similarity_function", "COSINE", "vector.hnsw.m", 16L,
                "vector.hnsw.ef_construction", 100L, "vector.quantization.type", type,
                "vector.default_search_expansion_factor", factor);
    }

    private static Map<String, Object> vector526(boolean quantization) {
        return Map.of("vector.dimensions", 1024L, "vector.similarity_function", "COSINE", "vector.hnsw.m", 16L,
                "vector.hnsw.ef_construction", 100L, "vector.quantization.enabled", quantization);
    }

    @Test
    void everyGeneratedFormParsesBackToItsDefinition() {
        List<SchemaDefinition> all = List.of(
                new IndexDefinition("r i", IndexKind.TEXT, EntityType.RELATIONSHIP, List.of("TYPE`X"), List.of("p q"),
                        null, null),
                new IndexDefinition("ft", IndexKind.FULLTEXT, EntityType.NODE, List.of("A", "B"), List.of("x", "y"),
                        null, Map.of("fulltext.analyzer", "english", "fulltext.eventually_consistent", true)),
                new IndexDefinition("p", IndexKind.POINT, EntityType.NODE, List.of("L"), List.of("loc"), null,
                        Map.of("spatial.wgs-84.min", List.of(-180.0, -90.0), "spatial.cartesian.max", List.of(1.0E-5, 1e300))),
                new IndexDefinition("c", IndexKind.RANGE, EntityType.NODE, List.of("Community"), List.of("name", "group_id"),
                        null, Map.of()),
                IndexDefinition.lookup("l", EntityType.NODE),
                IndexDefinition.lookup("lr", EntityType.RELATIONSHIP),
                vector("v", vector2026("SCALAR", 1.5)),
                new ConstraintDefinition("u", ConstraintKind.UNIQUENESS, EntityType.NODE, List.of("Entity"), List.of("uuid"),
                        null, null, null),
                new ConstraintDefinition("k", ConstraintKind.KEY, EntityType.RELATIONSHIP, List.of("R"), List.of("a", "b"),
                        null, null, null),
                new ConstraintDefinition("e", ConstraintKind.EXISTENCE, EntityType.NODE, List.of("E"), List.of("name"),
                        null, null, null),
                new ConstraintDefinition("t", ConstraintKind.PROPERTY_TYPE, EntityType.NODE, List.of("E"), List.of("tags"),
                        "LIST<STRING NOT NULL>", null, null),
                new ConstraintDefinition("o'q", ConstraintKind.UNIQUENESS, EntityType.NODE, List.of("it's"), List.of("x"),
                        null, null, Map.of("spatial.x", "a'b\"c\\d\n")));
        for (SchemaDefinition d : all) {
            assertThat(SchemaStatements.parse(d.toCypher())).as(d.toCypher()).contains(d);
            assertThat(SchemaStatements.parse("CYPHER 5 " + d.toCypher() + ";")).contains(d);
        }
        assertThat(SchemaStatements.parse("CREATE INDEX FOR (n:A) ON (n.b)")).isEmpty();
        assertThat(SchemaStatements.parse("CREATE RANGE INDEX `x` IF NOT EXISTS FOR (n:`A`) ON (n.`b`) OPTIONS "
                + "{indexProvider: 'range-1.0'}")).isEmpty();
    }

    @Test
    void vectorOptionsOf2026TranslateTo526WhereAnEquivalentExists() {
        List<String> notes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        SchemaDefinition binary = SchemaCompatibility.adapt(vector("v", vector2026("BINARY", 3.0)), V5, notes, problems);
        SchemaDefinition none = SchemaCompatibility.adapt(vector("w", vector2026("NONE", 1.0)), V5, notes, problems);
        assertThat(problems).isEmpty();
        assertThat(binary.indexConfig()).isEqualTo(vector526(true));
        assertThat(none.indexConfig()).isEqualTo(vector526(false));
        assertThat(notes).hasSize(2).allMatch(n -> n.contains("5.26.30"));
        // towards 2026 nothing changes
        IndexDefinition old = vector("v", vector526(true));
        assertThat(SchemaCompatibility.adapt(old, V2026, notes, problems)).isSameAs(old);
    }

    @Test
    void vectorOptionsWithoutEquivalentAreProblemsNamingTheIndexAndTheVersion() {
        List<String> notes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        SchemaCompatibility.adapt(vector("scalar", vector2026("SCALAR", 1.5)), V5, notes, problems);
        SchemaCompatibility.adapt(vector("wide", vector2026("BINARY", 5.0)), V5, notes, problems);
        SchemaCompatibility.adapt(new IndexDefinition("f", IndexKind.FULLTEXT, EntityType.NODE, List.of("A"),
                List.of("x"), null, Map.of("fulltext.future", 1L)), V5, notes, problems);
        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).contains("'scalar'", "SCALAR", "5.26.30");
        assertThat(problems.get(1)).contains("'wide'", "5.0");
        assertThat(problems.get(2)).contains("'f'", "fulltext.future");
        assertThat(notes).isEmpty();
    }

    @Test
    void a526SchemaAndWhat2026CreatesFromItAreEquivalentButNotEqual() {
        DatabaseSchema backup = DatabaseSchema.of(List.of(vector("v", vector526(true)),
                new IndexDefinition("ft", IndexKind.FULLTEXT, EntityType.NODE, List.of("A"), List.of("x"), "fulltext-1.0",
                        Map.of("fulltext.analyzer", "english", "fulltext.eventually_consistent", false))), List.of());
        DatabaseSchema restored = DatabaseSchema.of(List.of(
                new IndexDefinition("v", IndexKind.VECTOR, EntityType.NODE, List.of("Entity"), List.of("name_embedding"),
                        "vector-2026.08", vector2026("BINARY", 3.0)),
                new IndexDefinition("ft", IndexKind.FULLTEXT, EntityType.NODE, List.of("A"), List.of("x"), "fulltext-2.0",
                        Map.of("fulltext.analyzer", "english", "fulltext.eventually_consistent", false))), List.of());
        assertThat(backup.fingerprint()).isNotEqualTo(restored.fingerprint());
        assertThat(SchemaCompatibility.differences(backup, restored)).isEmpty();
        assertThat(SchemaCompatibility.targetChoices(backup, restored)).containsExactly(
                "'ft': provider fulltext-2.0",
                "'v': provider vector-2026.08, vector.default_search_expansion_factor 3.0, vector.quantization.type BINARY");

        DatabaseSchema otherAnalyzer = DatabaseSchema.of(List.of(vector("v", vector526(false)),
                new IndexDefinition("ft", IndexKind.FULLTEXT, EntityType.NODE, List.of("A"), List.of("x"), null,
                        Map.of("fulltext.analyzer", "standard"))), List.of());
        assertThat(SchemaCompatibility.differences(backup, otherAnalyzer)).hasSize(4)
                .anyMatch(d -> d.startsWith("+ ") && d.contains("'standard'"))
                .anyMatch(d -> d.startsWith("+ ") && d.contains("off"));
    }
}
