package io.github.neo4jbackup.core.spi;

import java.util.Map;

/**
 * Creates {@link Transformer}s by id for restore, discovered with {@link java.util.ServiceLoader}
 * (register in {@code META-INF/services/io.github.neo4jbackup.core.spi.TransformerProvider}).
 * Transformers that need secrets to decode (encryption) are configured on the pipeline instead.
 */
public interface TransformerProvider {

    /**
     * The id of the transformers this provider creates.
     *
     * @return the id
     */
    String id();

    /**
     * Creates a transformer from the parameters recorded in a manifest.
     *
     * @param parameters the recorded parameters
     * @return a transformer able to decode what was encoded with those parameters
     */
    Transformer create(Map<String, String> parameters);
}
