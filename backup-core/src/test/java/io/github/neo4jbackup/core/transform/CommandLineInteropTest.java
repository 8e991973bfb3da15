package io.github.neo4jbackup.core.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.neo4jbackup.core.spi.Transformer;
import io.github.neo4jbackup.core.transform.TransformerTestSupport.Chain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the transformers write, the {@code gzip} and {@code zstd} command-line tools read, and the
 * other way round. Skipped where a tool is not installed.
 */
class CommandLineInteropTest {

    private static final byte[] DATA = TransformerTestSupport.mixed(500_000, 31);

    @TempDir
    Path dir;

    @Test
    void gzipToolReadsOurOutput() throws Exception {
        assumeTrue(onPath("gzip"), "gzip is not installed");
        for (Transformer gzip : List.of(Compression.gzip(1), Compression.gzip(), Compression.gzip(9))) {
            Path compressed = write("data.gz", Chain.of(gzip).encode(DATA));

            assertThat(run(compressed, "gzip", "-dc")).as("%s", gzip).isEqualTo(DATA);
        }
    }

    @Test
    void weReadTheGzipToolsOutput() throws Exception {
        assumeTrue(onPath("gzip"), "gzip is not installed");
        Path raw = write("data", DATA);

        byte[] compressed = run(raw, "gzip", "-c", "-9");

        assertThat(Chain.of(Compression.gzip()).decode(compressed)).isEqualTo(DATA);
    }

    @Test
    void zstdToolReadsOurOutput() throws Exception {
        assumeTrue(onPath("zstd"), "zstd is not installed");
        for (Transformer zstd : List.of(Compression.zstd(-3), Compression.zstd(), Compression.zstd(19, 2))) {
            Path compressed = write("data.zst", Chain.of(zstd).encode(DATA));

            assertThat(run(compressed, "zstd", "-q", "-dc")).as("%s", zstd).isEqualTo(DATA);
        }
    }

    @Test
    void weReadTheZstdToolsOutputWithAndWithoutChecksum() throws Exception {
        assumeTrue(onPath("zstd"), "zstd is not installed");
        Path raw = write("data", DATA);

        for (String checksum : List.of("--check", "--no-check")) {
            byte[] compressed = run(raw, "zstd", "-q", "-c", "-5", checksum);

            assertThat(Chain.of(Compression.zstd()).decode(compressed)).as(checksum).isEqualTo(DATA);
        }
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    /** Runs a tool with {@code input} as its standard input; returns its standard output. */
    private byte[] run(Path input, String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(dir, "out", ".bin");
        Path errors = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(command)
                .redirectInput(input.toFile())
                .redirectOutput(output.toFile())
                .redirectError(errors.toFile())
                .start();
        int exit = process.waitFor();
        assertThat(exit).as("exit status of %s; stderr: %s", String.join(" ", command),
                Files.readString(errors, StandardCharsets.UTF_8)).isZero();
        return Files.readAllBytes(output);
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        List<Path> candidates = new ArrayList<>();
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                candidates.add(Path.of(entry, tool));
            }
        }
        return candidates.stream().anyMatch(Files::isExecutable);
    }
}
