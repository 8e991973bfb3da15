package io.github.neo4jbackup.export.cypher.census;

import org.junit.jupiter.api.Test;
import org.neo4j.driver.Values;

import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoredTypeCensusTest {

    static final String JSON = "{\"version\":1,\"nodes\":[{\"labels\":[\"Entity\"],\"properties\":{"
            + "\"name_embedding\":[\"FloatArray\"],\"readings\":[\"IntegerArray\"],\"uuid\":[\"String\"]}},"
            + "{\"labels\":[\"Mixed\"],\"properties\":{\"v\":[\"DoubleArray\",\"FloatArray\"]}}],"
            + "\"relationships\":[{\"type\":\"RELATES_TO\",\"properties\":{\"fact_embedding\":[\"FloatArray\"]}}]}";

    @Test
    void jsonRoundTrip() {
        StoredTypeCensus c = StoredTypeCensus.fromJson(JSON);
        assertThat(c.toJson()).isEqualTo(JSON);
        assertThat(c.hasNarrowTypes()).isTrue();
        assertThat(c.nodeTypes(List.of("Entity"), "name_embedding")).containsExactly("FloatArray");
        assertThat(c.relationshipTypes("RELATES_TO", "fact_embedding")).containsExactly("FloatArray");
        assertThat(c.nodeTypes(List.of("Nope"), "x")).isEmpty();
        assertThatThrownBy(() -> StoredTypeCensus.fromJson("{\"version\":2}")).hasMessageContaining("newer");
        assertThatThrownBy(() -> StoredTypeCensus.fromJson("[]")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resolvesPerValue() {
        StoredTypeCensus c = StoredTypeCensus.fromJson(JSON);
        assertThat(c.nodeStoredTypes(List.of("Entity"), java.util.Map.of(
                "name_embedding", Values.value(new double[] {0.5, (float) 0.1}),
                "readings", Values.value(new long[] {1, 2}),
                "uuid", Values.value("x"))))
                .containsEntry("name_embedding", "FloatArray").containsEntry("readings", "IntegerArray")
                .doesNotContainKey("uuid");
        // not a float32 value (changed after the census): stored as Bolt shows it
        assertThat(c.nodeStoredTypes(List.of("Entity"), java.util.Map.of("name_embedding",
                Values.value(new double[] {0.1})))).isEmpty();
        // both FloatArray and DoubleArray under one key: the census cannot decide
        assertThat(StoredTypeCensus.resolve(c.nodeTypes(List.of("Mixed"), "v"), Values.value(new double[] {0.5})))
                .isEqualTo(StoredTypeCensus.Resolution.AMBIGUOUS);
        assertThat(StoredTypeCensus.resolve(new TreeSet<>(List.of("Float", "String")), Values.value("s")))
                .isEqualTo(StoredTypeCensus.Resolution.DEFAULT);
    }

    @Test
    void warningsAndDifferencesNameLabelAndKey() {
        StoredTypeCensus c = StoredTypeCensus.fromJson(JSON);
        assertThat(c.warnings(true)).containsExactly(
                "node :`Entity` property 'readings': IntegerArray values cannot be written through Bolt and are "
                        + "restored as LongArray (same values, wider type)",
                "node :`Mixed` property 'v' holds both FloatArray and DoubleArray values: a value is restored as "
                        + "FloatArray only where the backup could tell it was one, the others as DoubleArray");
        assertThat(c.warnings(false)).hasSize(4);
        StoredTypeCensus widened = c.widenedExcept((entity, key, type, all) -> false);
        assertThat(c.differences(widened)).containsExactly(
                "node :`Entity` property 'name_embedding': backup FloatArray, restored DoubleArray",
                "node :`Entity` property 'readings': backup IntegerArray, restored LongArray",
                "node :`Mixed` property 'v': backup DoubleArray+FloatArray, restored DoubleArray",
                "relationship :`RELATES_TO` property 'fact_embedding': backup FloatArray, restored DoubleArray");
        assertThat(c.differences(c)).isEmpty();
        assertThat(StoredTypeCensus.relationshipType(":`a``b`")).isEqualTo("a`b");
    }
}
