package io.github.neo4jbackup.core.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.io.IOUtils;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * zstd-jni is optional: with only this module and commons-compress on the class path, gzip works and
 * asking for zstd fails with a clear {@link io.github.neo4jbackup.core.InvalidInputException}.
 */
class WithoutZstdJniTest {

    @Test
    void gzipWorksAndZstdFailsClearly() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (Class<?> type : List.of(GzipTransformer.class, GzipCompressorInputStream.class, IOUtils.class,
                LoggerFactory.class, org.slf4j.simple.SimpleLogger.class)) {
            urls.add(type.getProtectionDomain().getCodeSource().getLocation());
        }
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        try (URLClassLoader isolated = new URLClassLoader(urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            thread.setContextClassLoader(isolated);
            assertThat(catchThrowable(() -> isolated.loadClass("com.github.luben.zstd.Zstd")))
                    .isInstanceOf(ClassNotFoundException.class);
            Class<?> registry = isolated.loadClass(TransformerRegistry.class.getName());
            Method resolve = registry.getMethod("resolve", String.class, Map.class, List.class);
            Method knownIds = registry.getMethod("knownIds");

            assertThat(knownIds.invoke(null)).isEqualTo(Set.of("gzip", "zstd"));
            assertThat(isolated.loadClass(ZstdTransformer.class.getName()).getMethod("available").invoke(null))
                    .isEqualTo(false);

            Object gzip = resolve.invoke(null, "gzip", Map.of(), List.of());
            assertThat(gzip.getClass().getClassLoader()).isSameAs(isolated);
            byte[] data = TransformerTestSupport.mixed(100_000, 1);
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            try (OutputStream out = (OutputStream) gzip.getClass().getMethod("encode", OutputStream.class)
                    .invoke(gzip, sink)) {
                out.write(data);
            }
            try (InputStream in = (InputStream) gzip.getClass().getMethod("decode", InputStream.class)
                    .invoke(gzip, new ByteArrayInputStream(sink.toByteArray()))) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }

            Throwable failure = catchThrowable(() -> resolve.invoke(null, "zstd", Map.of(), List.of()));
            assertThat(failure).isInstanceOf(InvocationTargetException.class);
            Throwable cause = failure.getCause();
            assertThat(cause.getClass().getName()).isEqualTo("io.github.neo4jbackup.core.InvalidInputException");
            assertThat(cause).hasMessageStartingWith("zstd compression is not available: the zstd-jni library "
                            + "(com.github.luben:zstd-jni) is not on the class path")
                    .hasMessageContaining("Compression.gzip()")
                    .hasMessageContaining("needs no native code");
        } finally {
            thread.setContextClassLoader(original);
        }
    }
}
