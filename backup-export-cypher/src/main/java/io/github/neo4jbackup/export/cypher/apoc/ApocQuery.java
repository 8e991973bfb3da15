package io.github.neo4jbackup.export.cypher.apoc;

import io.github.neo4jbackup.export.cypher.CypherLanguage;
import org.neo4j.driver.TransactionConfig;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The streaming call of {@value ApocCypherSource#PROCEDURE}: its query text, APOC's configuration
 * (a streamed cypher-shell script with {@code UNWIND_BATCH} optimizations, the batch sizes and
 * APOC's own timeout) and the transaction's configuration.
 */
final class ApocQuery {

    /** The query; its parameter {@code $config} is {@link #config}. */
    static final String TEXT = CypherLanguage.PREFIX + "CALL " + ApocCypherSource.PROCEDURE + "(null, $config) "
            + "YIELD batches, nodes, relationships, source, cypherStatements "
            + "RETURN batches, nodes, relationships, source, cypherStatements";

    private ApocQuery() {
    }

    /**
     * APOC's configuration.
     *
     * @param rowBatch        entities per result row
     * @param unwindBatchSize rows per {@code UNWIND} statement
     * @param apocTimeout     how long APOC's producer and the streaming result wait for each other
     * @return the value of {@code $config}
     */
    static Map<String, Object> config(int rowBatch, int unwindBatchSize, Duration apocTimeout) {
        Map<String, Object> config = new HashMap<>();
        config.put("stream", true);
        config.put("format", "cypher-shell");
        config.put("batchSize", rowBatch);
        config.put("useOptimizations", Map.of("type", "UNWIND_BATCH", "unwindBatchSize", unwindBatchSize));
        config.put("timeoutSeconds", Math.max(1, apocTimeout.toSeconds()));
        return config;
    }

    /** The transaction's configuration: the timeout, or the server's default when {@code null}. */
    static TransactionConfig transaction(Duration transactionTimeout) {
        return transactionTimeout == null ? TransactionConfig.empty()
                : TransactionConfig.builder().withTimeout(transactionTimeout).build();
    }
}
