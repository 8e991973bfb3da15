package io.github.neo4jbackup.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class DemoTest {

    @Test
    void demoBacksUpVerifiesAndRestores(@TempDir Path dir) throws IOException {
        assertThat(Demo.run(dir)).isZero();
        try (Stream<Path> files = Files.walk(dir)) {
            List<String> names = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
            assertThat(names).anyMatch(n -> n.endsWith(".cypher.zst"));
            assertThat(names).anyMatch(n -> n.endsWith(".cypher.zst.manifest.json"));
            assertThat(names).noneMatch(n -> n.endsWith(".tmp") || n.endsWith(".lock"));
        }
    }
}
