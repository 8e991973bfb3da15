package io.github.neo4jbackup.core.manifest;

import io.github.neo4jbackup.core.spi.Transformer;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One step of a backup's transformer chain as recorded in the manifest.
 *
 * @param id         the transformer id ({@code zstd}, {@code gzip}, {@code age})
 * @param parameters the recorded parameters, never secrets
 */
public record TransformerSpec(String id, Map<String, String> parameters) {

    /**
     * Creates a spec.
     *
     * @param id         the id
     * @param parameters the parameters (copied, sorted)
     */
    public TransformerSpec {
        Objects.requireNonNull(id, "id");
        parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(parameters));
    }

    /**
     * The spec of a configured transformer.
     *
     * @param transformer the transformer
     * @return its spec
     */
    public static TransformerSpec of(Transformer transformer) {
        return new TransformerSpec(transformer.id(), transformer.parameters());
    }
}
