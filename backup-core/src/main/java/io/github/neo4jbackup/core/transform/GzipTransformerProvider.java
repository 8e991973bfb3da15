package io.github.neo4jbackup.core.transform;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.Transformer;
import io.github.neo4jbackup.core.spi.TransformerProvider;

import java.util.Map;

/**
 * Creates {@link GzipTransformer}s from recorded parameters; registered for
 * {@link java.util.ServiceLoader}.
 */
public final class GzipTransformerProvider implements TransformerProvider {

    /** Creates the provider (called by {@link java.util.ServiceLoader}). */
    public GzipTransformerProvider() {
    }

    /**
     * Returns {@value GzipTransformer#ID}.
     *
     * @return the id
     */
    @Override
    public String id() {
        return GzipTransformer.ID;
    }

    /**
     * Creates a gzip transformer; a missing {@code level} means the default, other parameters are
     * ignored.
     *
     * @param parameters the recorded parameters, may be empty
     * @return the transformer
     * @throws InvalidInputException if {@code level} is not an integer from 1 to 9
     */
    @Override
    public Transformer create(Map<String, String> parameters) {
        return new GzipTransformer(RecordedParameters.integer(GzipTransformer.ID, parameters,
                GzipTransformer.LEVEL, GzipTransformer.DEFAULT_LEVEL));
    }
}
