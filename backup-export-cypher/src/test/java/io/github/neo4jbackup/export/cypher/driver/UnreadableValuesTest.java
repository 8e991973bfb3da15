package io.github.neo4jbackup.export.cypher.driver;

import org.junit.jupiter.api.Test;
import org.neo4j.driver.Value;
import org.neo4j.driver.Values;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The placeholder a server sends for a value type the driver does not know. The compatibility
 * tests take a real one from a Neo4j 2026 server; Community's default store format cannot store
 * such values, so an export of one is tested here with the same shape.
 */
class UnreadableValuesTest {

    private static final Value VECTOR_PLACEHOLDER = Values.value(Map.of("originalType", "VECTOR(1024, FLOAT32)",
            "reason", "UNKNOWN_TYPE"));

    @Test
    void aPlaceholderFailsNamingTheLabelsTheKeyAndTheType() {
        Map<String, Value> properties = Map.of("name", Values.value("x"), "embedding", VECTOR_PLACEHOLDER);
        assertThatThrownBy(() -> UnreadableValues.checkNode(properties, List.of("Entity", "Person")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("property 'embedding' of a node labelled :Entity:Person")
                .hasMessageContaining("VECTOR(1024, FLOAT32)")
                .hasMessageContaining("--engine admin");
        Map<String, Value> rel = Map.of("id", Values.value(Map.of("originalType", "UUID", "reason", "UNKNOWN_TYPE")));
        assertThatThrownBy(() -> UnreadableValues.checkRelationship(rel, "RELATES_TO"))
                .hasMessageContaining("property 'id' of a relationship of type :RELATES_TO")
                .hasMessageContaining("type UUID");
    }

    @Test
    void ordinaryValuesPass() {
        assertThatCode(() -> UnreadableValues.checkNode(Map.of("a", Values.value(List.of(1.0, 2.0)),
                "b", Values.value(new byte[] {1})), List.of())).doesNotThrowAnyException();
    }
}
