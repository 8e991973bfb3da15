package io.github.neo4jbackup.export.cypher.apoc;

import io.github.neo4jbackup.export.cypher.census.StoredTypeCensus;
import io.github.neo4jbackup.export.cypher.schema.EntityType;
import io.github.neo4jbackup.export.cypher.schema.IndexDefinition;
import io.github.neo4jbackup.export.cypher.schema.IndexKind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RowBudgetTest {

    private static StoredTypeCensus nodes(String type) {
        return StoredTypeCensus.fromJson("{\"version\":1,\"nodes\":[{\"labels\":[\"Entity\"],\"properties\":{"
                + "\"name_embedding\":[\"" + type + "\"],\"uuid\":[\"String\"]}}],\"relationships\":[]}");
    }

    private static StoredTypeCensus relationships(String type) {
        return StoredTypeCensus.fromJson("{\"version\":1,\"nodes\":[],\"relationships\":[{\"type\":\"RELATES_TO\","
                + "\"properties\":{\"fact_embedding\":[\"" + type + "\"]}}]}");
    }

    private static IndexDefinition vectorIndex(long dimensions) {
        return new IndexDefinition("emb", IndexKind.VECTOR, EntityType.NODE, List.of("Entity"), List.of("name_embedding"),
                "vector-2.0", Map.of("vector.dimensions", dimensions, "vector.similarity_function", "COSINE"));
    }

    @Test
    void graphsWithoutFloatListsKeepTheConfiguredBatch() {
        assertThat(RowBudget.batchSize(10_000, List.of(), nodes("String"))).isEqualTo(10_000);
        assertThat(RowBudget.batchSize(10_000, List.of(), nodes("IntegerArray"))).isEqualTo(10_000);
        assertThat(RowBudget.batchSize(10_000, List.of(vectorIndex(1024)), StoredTypeCensus.EMPTY)).isEqualTo(10_000);
    }

    @Test
    void floatListsBoundTheRowByTheLargestVectorIndex() {
        long perEntity = 1024L * RowBudget.CHARS_PER_ELEMENT + RowBudget.CHARS_PER_ENTITY;
        int expected = (int) (RowBudget.ROW_CHARS / perEntity);
        assertThat(expected).isBetween(600, 700);
        assertThat(RowBudget.batchSize(10_000, List.of(vectorIndex(1024)), nodes("FloatArray"))).isEqualTo(expected);
        assertThat(RowBudget.batchSize(10_000, List.of(vectorIndex(256), vectorIndex(1024)), relationships("DoubleArray")))
                .isEqualTo(expected);
        // a row of entities that all carry the largest vector stays within the budget
        assertThat(expected * perEntity).isLessThanOrEqualTo(RowBudget.ROW_CHARS);
    }

    @Test
    void unindexedFloatListsAssumeTheCommonEmbeddingSize() {
        long perEntity = RowBudget.UNINDEXED_DIMENSIONS * (long) RowBudget.CHARS_PER_ELEMENT + RowBudget.CHARS_PER_ENTITY;
        assertThat(RowBudget.batchSize(10_000, List.of(), relationships("FloatArray")))
                .isEqualTo((int) (RowBudget.ROW_CHARS / perEntity));
    }

    @Test
    void aSmallerConfiguredBatchAndTheFloorAreKept() {
        assertThat(RowBudget.batchSize(50, List.of(vectorIndex(1024)), nodes("FloatArray"))).isEqualTo(50);
        assertThat(RowBudget.batchSize(10_000, List.of(vectorIndex(1_000_000)), nodes("FloatArray")))
                .isEqualTo(RowBudget.MIN_BATCH);
    }
}
