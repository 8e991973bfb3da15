package io.github.neo4jbackup.core.transform;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.Transformer;
import io.github.neo4jbackup.core.spi.TransformerProvider;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the {@link Transformer} for an id recorded in a manifest, so that a restore can rebuild the
 * transformer chain.
 *
 * <p>Order of search: the transformers configured on the pipeline (needed for those that hold
 * secrets, such as encryption), then the {@link TransformerProvider}s that {@link ServiceLoader}
 * finds through the thread's context class loader, then through this class's own class loader.
 * Providers are looked up on every call, so class loaders that change at run time are honoured.
 * A provider that cannot be loaded is logged and skipped.
 */
public final class TransformerRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(TransformerRegistry.class);
    private static final int MAX_PROVIDER_ERRORS = 100;

    private TransformerRegistry() {
    }

    /**
     * Finds or creates the transformer for a recorded id.
     *
     * @param id         the recorded id, for example {@code zstd}
     * @param parameters the recorded parameters, given to the provider; {@code null} means none
     * @param configured the transformers configured on the pipeline; {@code null} means none
     * @return a configured transformer with that id as it is, else one created by a provider
     * @throws InvalidInputException if no configured transformer and no provider has that id (the
     *                               message lists the ids that are known), or the provider rejects
     *                               the parameters
     */
    public static Transformer resolve(String id, Map<String, String> parameters, List<Transformer> configured) {
        Objects.requireNonNull(id, "id");
        List<Transformer> candidates = configured == null ? List.of() : configured;
        for (Transformer transformer : candidates) {
            if (transformer != null && id.equals(transformer.id())) {
                return transformer;
            }
        }
        Map<String, String> recorded = parameters == null ? Map.of() : parameters;
        for (TransformerProvider provider : providers()) {
            if (id.equals(provider.id())) {
                return provider.create(recorded);
            }
        }
        Set<String> known = new TreeSet<>(knownIds());
        for (Transformer transformer : candidates) {
            if (transformer != null) {
                known.add(transformer.id());
            }
        }
        throw new InvalidInputException("Unknown transformer id '" + RecordedParameters.shown(id)
                + "' recorded in the manifest; put the module that provides it on the class path (known ids: "
                + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
    }

    /**
     * The ids of the providers that {@link ServiceLoader} finds (context class loader and this
     * class's class loader).
     *
     * @return the ids, sorted, unmodifiable
     */
    public static Set<String> knownIds() {
        Set<String> ids = new TreeSet<>();
        for (TransformerProvider provider : providers()) {
            ids.add(provider.id());
        }
        return Collections.unmodifiableSet(ids);
    }

    private static List<TransformerProvider> providers() {
        List<TransformerProvider> providers = new ArrayList<>();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader own = TransformerRegistry.class.getClassLoader();
        if (context != null) {
            load(context, providers);
        }
        if (own != context) {
            load(own, providers);
        }
        return providers;
    }

    private static void load(ClassLoader loader, List<TransformerProvider> providers) {
        Iterator<TransformerProvider> it = ServiceLoader.load(TransformerProvider.class, loader).iterator();
        int errors = 0;
        while (errors < MAX_PROVIDER_ERRORS) {
            try {
                if (!it.hasNext()) {
                    return;
                }
                TransformerProvider provider = it.next();
                if (providers.stream().noneMatch(p -> p.getClass() == provider.getClass())) {
                    providers.add(provider);
                }
            } catch (ServiceConfigurationError e) {
                errors++;
                LOG.warn("Skipping a transformer provider that cannot be loaded: {}", e.getMessage(), e);
            }
        }
    }
}
