package io.github.neo4jbackup.export.cypher.apoc;

import io.github.neo4jbackup.export.cypher.census.StoredTypeCensus;
import io.github.neo4jbackup.export.cypher.schema.IndexDefinition;
import io.github.neo4jbackup.export.cypher.schema.IndexKind;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;

/**
 * How many entities one row of APOC's streamed export may hold. APOC puts a whole batch of
 * entities into one string value, which the driver must hold whole (its bytes and the decoded
 * string). Text-only graphs make rows of a few megabytes at the default 10,000 entities, but a
 * graph of embeddings does not: APOC writes every element of a float list as decimal text (about
 * 24 characters), so 10,000 entities with 1,024-dimension vectors make a 250-million-character row,
 * far beyond a small heap. When the stored-type census shows float lists, the batch is bounded so
 * that a batch of entities that all carry the largest vector stays within {@link #ROW_CHARS}: the
 * largest {@code vector.dimensions} of the vector indexes, or {@link #UNINDEXED_DIMENSIONS} when
 * float lists exist without a vector index.
 */
final class RowBudget {

    /** Characters one row may reach (about 16 MB of UTF-8 text in the driver, and the string beside it). */
    static final long ROW_CHARS = 16L * 1024 * 1024;

    /** Characters APOC writes per element of a float list ({@code -0.12345678901234568, }). */
    static final int CHARS_PER_ELEMENT = 24;

    /** Characters per entity besides its float lists (labels, keys, text properties). */
    static final int CHARS_PER_ENTITY = 1024;

    /** Assumed length of float lists that no vector index describes (the common embedding size). */
    static final int UNINDEXED_DIMENSIONS = 1536;

    /** Smallest batch: rows of fewer entities cost more in round trips than they save. */
    static final int MIN_BATCH = 100;

    private static final Set<String> FLOAT_LISTS = Set.of(StoredTypeCensus.FLOAT_ARRAY, "DoubleArray");

    private RowBudget() {
    }

    /**
     * The batch size to ask APOC for.
     *
     * @param configured the configured batch size (the largest allowed)
     * @param indexes    the database's indexes
     * @param census     the stored-type census
     * @return {@code configured}, or less when float lists could make a row too large
     */
    static int batchSize(int configured, Collection<IndexDefinition> indexes, StoredTypeCensus census) {
        if (!hasFloatLists(census)) {
            return configured;
        }
        long dimensions = 0;
        for (IndexDefinition index : indexes) {
            if (index.kind() == IndexKind.VECTOR && index.indexConfig().get("vector.dimensions") instanceof Number n) {
                dimensions = Math.max(dimensions, n.longValue());
            }
        }
        if (dimensions == 0) {
            dimensions = UNINDEXED_DIMENSIONS;
        }
        long perEntity = dimensions * CHARS_PER_ELEMENT + CHARS_PER_ENTITY;
        long bounded = Math.max(MIN_BATCH, ROW_CHARS / perEntity);
        return (int) Math.min(configured, bounded);
    }

    private static boolean hasFloatLists(StoredTypeCensus census) {
        return anyFloatList(census.labelSets().values()) || anyFloatList(census.relationshipTypeSets().values());
    }

    private static boolean anyFloatList(Collection<Map<String, SortedSet<String>>> properties) {
        for (Map<String, SortedSet<String>> byKey : properties) {
            for (SortedSet<String> types : byKey.values()) {
                for (String type : types) {
                    if (FLOAT_LISTS.contains(type)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
