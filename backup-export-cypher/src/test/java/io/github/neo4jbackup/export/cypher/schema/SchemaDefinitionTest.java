package io.github.neo4jbackup.export.cypher.schema;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaDefinitionTest {

    private static IndexDefinition vector(String name, String similarity) {
        return new IndexDefinition(name, IndexKind.VECTOR, EntityType.NODE, List.of("Entity"), List.of("name_embedding"),
                "vector-2.0", Map.of("vector.dimensions", 16L, "vector.similarity_function", similarity,
                "vector.hnsw.m", 16L, "vector.hnsw.ef_construction", 100L, "vector.quantization.enabled", true));
    }

    @Test
    void rangeIndexDdl() {
        var i = new IndexDefinition("community_name_group", IndexKind.RANGE, EntityType.NODE, List.of("Community"),
                List.of("name", "group_id"), "range-1.0", Map.of());
        assertThat(i.toCypher()).isEqualTo(
                "CREATE RANGE INDEX `community_name_group` IF NOT EXISTS FOR (n:`Community`) ON (n.`name`, n.`group_id`)");
        assertThat(i.dropCypher()).isEqualTo("DROP INDEX `community_name_group` IF EXISTS");
    }

    @Test
    void relationshipAndFulltextAndLookupDdl() {
        var rel = new IndexDefinition("r i", IndexKind.TEXT, EntityType.RELATIONSHIP, List.of("TYPE`X"), List.of("p q"),
                null, null);
        assertThat(rel.toCypher()).isEqualTo("CREATE TEXT INDEX `r i` IF NOT EXISTS FOR ()-[r:`TYPE``X`]-() ON (r.`p q`)");
        var ft = new IndexDefinition("ft", IndexKind.FULLTEXT, EntityType.NODE, List.of("A", "B"), List.of("x", "y"),
                "fulltext-1.0", Map.of("fulltext.analyzer", "english", "fulltext.eventually_consistent", true));
        assertThat(ft.toCypher()).isEqualTo("CREATE FULLTEXT INDEX `ft` IF NOT EXISTS FOR (n:`A`|`B`) ON EACH "
                + "[n.`x`, n.`y`] OPTIONS {indexConfig: {`fulltext.analyzer`: 'english', `fulltext.eventually_consistent`: true}}");
        assertThat(IndexDefinition.lookup("l", EntityType.NODE).toCypher())
                .isEqualTo("CREATE LOOKUP INDEX `l` IF NOT EXISTS FOR (n) ON EACH labels(n)");
        assertThat(IndexDefinition.lookup("l", EntityType.RELATIONSHIP).toCypher())
                .isEqualTo("CREATE LOOKUP INDEX `l` IF NOT EXISTS FOR ()-[r]-() ON EACH type(r)");
    }

    @Test
    void optionLiteralsKeepTheirTypes() {
        var point = new IndexDefinition("p", IndexKind.POINT, EntityType.NODE, List.of("L"), List.of("loc"), null,
                Map.of("spatial.wgs-84.min", List.of(-180.0, -90.0), "spatial.cartesian.max", List.of(1.0E-5, 1e300)));
        assertThat(point.toCypher()).endsWith("OPTIONS {indexConfig: {`spatial.cartesian.max`: [1.0E-5, 1.0E300], "
                + "`spatial.wgs-84.min`: [-180.0, -90.0]}}");
        assertThat(vector("v", "COSINE").toCypher()).endsWith("OPTIONS {indexConfig: {`vector.dimensions`: 16, "
                + "`vector.hnsw.ef_construction`: 100, `vector.hnsw.m`: 16, `vector.quantization.enabled`: true, "
                + "`vector.similarity_function`: 'COSINE'}}");
        // integers from JSON come back as Integer: normalized to Long, equal definitions
        var fromInt = new IndexDefinition("v", IndexKind.VECTOR, EntityType.NODE, List.of("Entity"), List.of("name_embedding"),
                "vector-2.0", Map.of("vector.dimensions", 16, "vector.similarity_function", "COSINE",
                "vector.hnsw.m", 16, "vector.hnsw.ef_construction", 100, "vector.quantization.enabled", true));
        assertThat(fromInt).isEqualTo(vector("v", "COSINE"));
    }

    @Test
    void constraintDdl() {
        var unique = new ConstraintDefinition("weird `constraint`", ConstraintKind.UNIQUENESS, EntityType.NODE,
                List.of("Odd Label"), List.of("a b", "c"), null, "range-1.0", Map.of());
        assertThat(unique.toCypher()).isEqualTo("CREATE CONSTRAINT `weird ``constraint``` IF NOT EXISTS FOR (n:`Odd Label`) "
                + "REQUIRE (n.`a b`, n.`c`) IS UNIQUE");
        assertThat(new ConstraintDefinition("k", ConstraintKind.KEY, EntityType.RELATIONSHIP, List.of("T"), List.of("a"),
                null, null, null).toCypher())
                .isEqualTo("CREATE CONSTRAINT `k` IF NOT EXISTS FOR ()-[r:`T`]-() REQUIRE (r.`a`) IS RELATIONSHIP KEY");
        assertThat(new ConstraintDefinition("k", ConstraintKind.KEY, EntityType.NODE, List.of("L"), List.of("a"),
                null, null, null).toCypher()).endsWith("REQUIRE (n.`a`) IS NODE KEY");
        assertThat(new ConstraintDefinition("e", ConstraintKind.EXISTENCE, EntityType.NODE, List.of("L"), List.of("a"),
                null, null, null).toCypher())
                .isEqualTo("CREATE CONSTRAINT `e` IF NOT EXISTS FOR (n:`L`) REQUIRE n.`a` IS NOT NULL");
        assertThat(new ConstraintDefinition("t", ConstraintKind.PROPERTY_TYPE, EntityType.RELATIONSHIP, List.of("T"),
                List.of("a"), "LIST<STRING NOT NULL>", null, null).toCypher())
                .isEqualTo("CREATE CONSTRAINT `t` IF NOT EXISTS FOR ()-[r:`T`]-() REQUIRE r.`a` IS :: LIST<STRING NOT NULL>");
        assertThatThrownBy(() -> new ConstraintDefinition("t", ConstraintKind.PROPERTY_TYPE, EntityType.NODE, List.of("L"),
                List.of("a"), "INTEGER}) DETACH DELETE n //", null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ConstraintKind.parse("NODE_PROPERTY_UNIQUENESS")).isEqualTo(ConstraintKind.UNIQUENESS);
        assertThat(ConstraintKind.parse("RELATIONSHIP_KEY")).isEqualTo(ConstraintKind.KEY);
        assertThat(ConstraintKind.parse("NODE_PROPERTY_TYPE")).isEqualTo(ConstraintKind.PROPERTY_TYPE);
    }

    @Test
    void fingerprintIsOrderIndependentAndSensitiveToOptionsAndNames() {
        var a = DatabaseSchema.of(List.of(vector("v", "COSINE"), IndexDefinition.lookup("x", EntityType.NODE)), List.of());
        var b = DatabaseSchema.of(List.of(IndexDefinition.lookup("other", EntityType.NODE), vector("v", "COSINE")), List.of());
        assertThat(a.fingerprint()).isEqualTo(b.fingerprint()).matches("[0-9a-f]{64}");
        assertThat(DatabaseSchema.of(List.of(vector("v", "EUCLIDEAN")), List.of()).fingerprint()).isNotEqualTo(a.fingerprint());
        assertThat(DatabaseSchema.of(List.of(vector("w", "COSINE")), List.of()).fingerprint()).isNotEqualTo(a.fingerprint());
        assertThat(a.differences(DatabaseSchema.of(List.of(vector("v", "EUCLIDEAN")), List.of()))).hasSize(2);
        assertThat(a.differences(b)).isEmpty();
    }

    @Test
    void fingerprintDropsDefaultConfigAndProvider() {
        var full = vector("v", "COSINE");
        var minimal = new IndexDefinition("v", IndexKind.VECTOR, EntityType.NODE, List.of("Entity"), List.of("name_embedding"),
                "vector-1.0", Map.of("vector.dimensions", 16.0, "vector.similarity_function", "COSINE"));
        assertThat(DatabaseSchema.of(List.of(full), List.of()).fingerprint())
                .isEqualTo(DatabaseSchema.of(List.of(minimal), List.of()).fingerprint());
        var nonDefaultM = new IndexDefinition("v", IndexKind.VECTOR, EntityType.NODE, List.of("Entity"),
                List.of("name_embedding"), "vector-2.0", Map.of("vector.dimensions", 16L,
                "vector.similarity_function", "COSINE", "vector.hnsw.m", 32L));
        assertThat(DatabaseSchema.of(List.of(nonDefaultM), List.of()).fingerprint())
                .isNotEqualTo(DatabaseSchema.of(List.of(full), List.of()).fingerprint());
    }

    @Test
    void propertyOrderMattersInFingerprint() {
        var ab = new IndexDefinition("i", IndexKind.RANGE, EntityType.NODE, List.of("L"), List.of("a", "b"), null, null);
        var ba = new IndexDefinition("i", IndexKind.RANGE, EntityType.NODE, List.of("L"), List.of("b", "a"), null, null);
        assertThat(DatabaseSchema.of(List.of(ab), List.of()).fingerprint())
                .isNotEqualTo(DatabaseSchema.of(List.of(ba), List.of()).fingerprint());
    }

    @Test
    void mapRoundTrip() {
        var schema = DatabaseSchema.of(List.of(vector("v", "COSINE"), IndexDefinition.lookup("l", EntityType.RELATIONSHIP)),
                List.of(new ConstraintDefinition("c", ConstraintKind.PROPERTY_TYPE, EntityType.NODE, List.of("L"),
                        List.of("p"), "INTEGER", null, null)));
        // simulate JSON: integers as Integer
        Map<String, Object> map = new LinkedHashMap<>(schema.toMap());
        assertThat(DatabaseSchema.fromMap(map)).isEqualTo(schema);
        assertThatThrownBy(() -> IndexDefinition.fromMap(Map.of("name", "x"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shapesAreValidated() {
        assertThatThrownBy(() -> new IndexDefinition("i", IndexKind.RANGE, EntityType.NODE, List.of("A", "B"), List.of("p"),
                null, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only one label");
        assertThatThrownBy(() -> new IndexDefinition("i", IndexKind.RANGE, EntityType.NODE, List.of(), List.of("p"),
                null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConstraintDefinition("c", ConstraintKind.EXISTENCE, EntityType.NODE, List.of("L"),
                List.of("a", "b"), null, null, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
