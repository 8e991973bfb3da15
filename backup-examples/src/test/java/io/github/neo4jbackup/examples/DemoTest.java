package io.github.neo4jbackup.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoTest {

    @Test
    void demoBacksUpVerifiesRestoresAndPrintsEqualFingerprints(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int code = Demo.run(dir, new GraphitiSampleGraph(200, 100, 300, 16, 1),
                new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out).contains("Verify (full read-back").contains("OK").contains("Everything checked out");
        assertThat(out.lines().filter(l -> l.startsWith("content") || l.startsWith("schema")))
                .hasSize(2).allMatch(l -> l.endsWith("equal"));
        try (Stream<Path> files = Files.walk(dir)) {
            List<String> names = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
            assertThat(names).anyMatch(n -> n.endsWith(".zst"));
            assertThat(names).anyMatch(n -> n.endsWith(".zst.manifest.json"));
            assertThat(names).noneMatch(n -> n.endsWith(".tmp") || n.endsWith(".lock"));
        }
    }

    @Test
    void parsesTheDirectoryArgument() {
        assertThat(Demo.directory(new String[0]).endsWith(Path.of("neo4j-backup-demo"))).isTrue();
        assertThat(Demo.directory(new String[] {"--dir", "x/y"}).endsWith(Path.of("x", "y"))).isTrue();
        assertThat(Demo.directory(new String[] {"--dir=z"}).endsWith(Path.of("z"))).isTrue();
        assertThat(Demo.directory(new String[] {"w"}).endsWith(Path.of("w"))).isTrue();
        assertThatThrownBy(() -> Demo.directory(new String[] {"--nope"})).isInstanceOf(IllegalArgumentException.class);
    }
}
