package io.github.neo4jbackup.core.transform;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.Transformer;
import io.github.neo4jbackup.core.spi.TransformerProvider;

import java.util.Map;

/**
 * Creates {@link ZstdTransformer}s from recorded parameters; registered for
 * {@link java.util.ServiceLoader}.
 */
public final class ZstdTransformerProvider implements TransformerProvider {

    /** Creates the provider (called by {@link java.util.ServiceLoader}); does not load native code. */
    public ZstdTransformerProvider() {
    }

    /**
     * Returns {@value ZstdTransformer#ID}.
     *
     * @return the id
     */
    @Override
    public String id() {
        return ZstdTransformer.ID;
    }

    /**
     * Creates a zstd transformer; a missing {@code level} or {@code workers} means the default, other
     * parameters are ignored.
     *
     * @param parameters the recorded parameters, may be empty
     * @return the transformer
     * @throws InvalidInputException if a parameter is not an integer in its range, or zstd's native
     *                               library cannot be loaded on this platform
     */
    @Override
    public Transformer create(Map<String, String> parameters) {
        int level = RecordedParameters.integer(ZstdTransformer.ID, parameters,
                ZstdTransformer.LEVEL, ZstdTransformer.DEFAULT_LEVEL);
        int workers = RecordedParameters.integer(ZstdTransformer.ID, parameters,
                ZstdTransformer.WORKERS, ZstdTransformer.DEFAULT_WORKERS);
        return new ZstdTransformer(level, workers);
    }
}
