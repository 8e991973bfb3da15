package io.github.neo4jbackup.core.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.Transformer;
import io.github.neo4jbackup.core.spi.TransformerProvider;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** Finding transformers by the id and parameters recorded in a manifest. */
class TransformerRegistryTest {

    @Test
    void serviceLoaderFindsBothProviders() {
        List<String> ids = ServiceLoader.load(TransformerProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .map(TransformerProvider::id)
                .toList();

        assertThat(ids).contains("gzip", "zstd");
        assertThat(TransformerRegistry.knownIds()).contains("gzip", "zstd");
    }

    @Test
    void resolvesRecordedParameters() {
        assertThat(TransformerRegistry.resolve("gzip", Map.of("level", "9"), List.of()))
                .isEqualTo(Compression.gzip(9));
        assertThat(TransformerRegistry.resolve("zstd", Map.of("level", "19", "workers", "2"), List.of()))
                .isEqualTo(Compression.zstd(19, 2));
        assertThat(TransformerRegistry.resolve("zstd", Map.of("level", "-7"), List.of()))
                .isEqualTo(Compression.zstd(-7));
    }

    @Test
    void whatTheTransformersRecordResolvesToAnEqualTransformer() {
        for (Transformer t : List.of(Compression.gzip(), Compression.gzip(2), Compression.zstd(), Compression.zstd(12, 3))) {
            assertThat(TransformerRegistry.resolve(t.id(), t.parameters(), List.of())).isEqualTo(t);
        }
    }

    @Test
    void missingParametersMeanDefaultsAndUnknownOnesAreIgnored() {
        assertThat(TransformerRegistry.resolve("gzip", Map.of(), List.of())).isEqualTo(Compression.gzip());
        assertThat(TransformerRegistry.resolve("zstd", null, null)).isEqualTo(Compression.zstd());
        assertThat(TransformerRegistry.resolve("zstd", Map.of("workers", "4"), List.of()))
                .isEqualTo(Compression.zstd(3, 4));
        assertThat(TransformerRegistry.resolve("gzip", Map.of("future", "x"), List.of())).isEqualTo(Compression.gzip());
    }

    @Test
    void aConfiguredTransformerWithTheIdIsReturnedAsItIs() {
        Transformer custom = new NamedTransformer("gzip");
        Transformer other = new NamedTransformer("age");

        assertThat(TransformerRegistry.resolve("gzip", Map.of("level", "1"), List.of(other, custom))).isSameAs(custom);
        assertThat(TransformerRegistry.resolve("age", Map.of(), List.of(other, custom))).isSameAs(other);
        assertThat(TransformerRegistry.resolve("zstd", Map.of(), List.of(other, custom)))
                .isEqualTo(Compression.zstd());
    }

    @Test
    void unknownIdNamesTheIdAndTheKnownOnes() {
        assertThatThrownBy(() -> TransformerRegistry.resolve("xyz", Map.of(), List.of(new NamedTransformer("age"))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("Unknown transformer id 'xyz' recorded in the manifest; put the module that "
                        + "provides it on the class path (known ids: ")
                .hasMessageContaining("age, gzip, zstd");
    }

    @Test
    void unknownIdWithControlCharactersIsPrintedSafely() {
        assertThatThrownBy(() -> TransformerRegistry.resolve("x\ny", Map.of(), List.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'x\\u000ay'");
    }

    @Test
    void malformedOrOutOfRangeParametersAreRejected() {
        assertThatThrownBy(() -> TransformerRegistry.resolve("gzip", Map.of("level", "abc"), List.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'abc'").hasMessageContaining("'level'").hasMessageContaining("'gzip'");
        assertThatThrownBy(() -> TransformerRegistry.resolve("gzip", Map.of("level", "10"), List.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Invalid gzip level 10").hasMessageContaining("1 (fastest) to 9");
        assertThatThrownBy(() -> TransformerRegistry.resolve("zstd", Map.of("level", " 3"), List.of()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("' 3'");
        assertThatThrownBy(() -> TransformerRegistry.resolve("zstd", Map.of("level", "20"), List.of()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("Invalid zstd level 20");
        assertThatThrownBy(() -> TransformerRegistry.resolve("zstd", Map.of("workers", "-1"), List.of()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("workers -1");
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("level", null);
        assertThat(TransformerRegistry.resolve("gzip", nullValue, List.of())).isEqualTo(Compression.gzip());
    }

    @Test
    void providersAreFoundThroughTheRegistrysOwnLoaderWhenTheContextLoaderCannotSeeThem() throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            thread.setContextClassLoader(empty);

            assertThat(TransformerRegistry.resolve("gzip", Map.of(), List.of())).isEqualTo(Compression.gzip());
            assertThat(TransformerRegistry.knownIds()).contains("gzip", "zstd");
        } finally {
            thread.setContextClassLoader(original);
        }
    }

    /** A stand-in for a configured transformer (for example one holding a key). */
    private static final class NamedTransformer implements Transformer {
        private final String id;

        NamedTransformer(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Map<String, String> parameters() {
            return Map.of();
        }

        @Override
        public String extension() {
            return id;
        }

        @Override
        public OutputStream encode(OutputStream out) {
            return out;
        }

        @Override
        public InputStream decode(InputStream in) {
            return in;
        }
    }
}
