package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.export.cypher.CypherLanguage;
import io.github.neo4jbackup.export.cypher.CypherNames;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The batches a driver restore writes and their query texts. Labels and relationship types cannot be
 * parameters, so there is one query text per label set (or type), with or without 32-bit float
 * vectors: few distinct texts, so the server's plan cache hits. No query uses literals.
 *
 * <ul>
 *   <li>Nodes: {@code UNWIND $rows AS row CREATE (n:`A`:`B`) SET n = row.p WITH n, row.k AS k
 *       RETURN collect(k) AS k, collect(id(n)) AS i}: one record per query, the backup keys and the
 *       internal ids the target gave them in two aligned lists; after the commit each pair goes into
 *       the {@link NodeIdMap}.</li>
 *   <li>Relationships, once every node is committed: {@code UNWIND $rows AS row MATCH (a) WHERE id(a) =
 *       row.s MATCH (b) WHERE id(b) = row.e CREATE (a)-[r:`T`]->(b) SET r = row.p}, the rows carrying
 *       internal ids: a seek by id, no index and no temporary label.</li>
 * </ul>
 * Every text is pinned to Cypher 5 ({@link CypherLanguage#PREFIX}), where {@code id()} exists on
 * every supported server.
 */
final class LoadBatches {

    private LoadBatches() {
    }

    /** A batch group: rows of one label set (or type), with or without 32-bit float vectors. */
    record Group<K>(K key, boolean vectors) {
    }

    static String nodeQuery(Group<List<String>> group) {
        StringBuilder sb = new StringBuilder(CypherLanguage.PREFIX + "UNWIND $rows AS row CREATE (n");
        for (String label : group.key()) {
            sb.append(':').append(CypherNames.quote(label));
        }
        sb.append(") SET n = row.p");
        if (group.vectors()) {
            // every row of a vector group has at least one vector: the UNWIND keeps each row, once per
            // vector; DISTINCT brings it back to one row per node
            sb.append(Float32Writes.nodeSuffix()).append(" WITH DISTINCT n, row.k AS k");
        } else {
            sb.append(" WITH n, row.k AS k");
        }
        // one record per query: both lists come from the same aggregation, so they are aligned
        return sb.append(" RETURN collect(k) AS k, collect(id(n)) AS i").toString();
    }

    static String relationshipQuery(Group<String> group) {
        String query = CypherLanguage.PREFIX + "UNWIND $rows AS row MATCH (a) WHERE id(a) = row.s MATCH (b) WHERE "
                + "id(b) = row.e CREATE (a)-[r:" + CypherNames.quote(group.key()) + "]->(b) SET r = row.p";
        return group.vectors() ? query + Float32Writes.relationshipSuffix() : query;
    }

    /**
     * Rows grouped by query text, bounded by rows and by the characters of backup text they came from.
     * A row is a map of parameter values (driver values, or {@code float[]} vectors); the driver
     * converts it when the writer sends the batch.
     */
    abstract static class Rows {
        final Map<String, List<Object>> byQuery = new LinkedHashMap<>();
        int rows;
        long chars;

        void add(String query, Map<String, Object> row, int lineChars) {
            byQuery.computeIfAbsent(query, q -> new ArrayList<>()).add(row);
            rows++;
            chars += lineChars;
        }

        boolean isEmpty() {
            return rows == 0;
        }
    }

    /** Created node counts and (key, id) pairs of one committed node batch. */
    record NodesWritten(long created, long[] pairs, int size) {
    }

    /** A batch of nodes; after its commit the keys and ids go into the map. */
    static final class NodeBatch extends Rows implements BatchWriters.Batch<NodesWritten> {
        private final NodeIdMap ids;
        private final AtomicLong created;

        NodeBatch(NodeIdMap ids, AtomicLong created) {
            this.ids = ids;
            this.created = created;
        }

        @Override
        public NodesWritten write(TransactionContext tx) {
            long[] pairs = new long[rows * 2];
            int n = 0;
            long nodes = 0;
            for (Map.Entry<String, List<Object>> g : byQuery.entrySet()) {
                Result result = tx.run(g.getKey(), Map.of("rows", g.getValue()));
                Record r = result.single();
                Value keys = r.get(0);
                Value nodeIds = r.get(1);
                int size = keys.size();
                if (nodeIds.size() != size) {
                    throw new IllegalStateException("a node batch returned " + size + " keys but " + nodeIds.size()
                            + " node ids");
                }
                if (n + 2 * size > pairs.length) {
                    pairs = java.util.Arrays.copyOf(pairs, Math.max(pairs.length * 2, n + 2 * size));
                }
                for (int i = 0; i < size; i++) {
                    pairs[n++] = keys.get(i).asLong();
                    pairs[n++] = nodeIds.get(i).asLong();
                }
                nodes += result.consume().counters().nodesCreated();
            }
            return new NodesWritten(nodes, pairs, n);
        }

        @Override
        public void committed(NodesWritten result) {
            created.addAndGet(result.created());
            for (int i = 0; i < result.size(); i += 2) {
                ids.put(result.pairs()[i], result.pairs()[i + 1]);
            }
        }
    }

    /** A batch of relationships between nodes of committed batches, by internal id. */
    static final class RelationshipBatch extends Rows implements BatchWriters.Batch<Long> {
        private final AtomicLong created;
        private final AtomicLong missing;

        RelationshipBatch(AtomicLong created, AtomicLong missing) {
            this.created = created;
            this.missing = missing;
        }

        @Override
        public Long write(TransactionContext tx) {
            long relationships = 0;
            for (Map.Entry<String, List<Object>> g : byQuery.entrySet()) {
                relationships += tx.run(g.getKey(), Map.of("rows", g.getValue())).consume().counters()
                        .relationshipsCreated();
            }
            return relationships;
        }

        @Override
        public void committed(Long result) {
            created.addAndGet(result);
            if (result < rows) {
                missing.addAndGet(rows - result); // an end node disappeared: somebody else writes to the database
            }
        }
    }
}
