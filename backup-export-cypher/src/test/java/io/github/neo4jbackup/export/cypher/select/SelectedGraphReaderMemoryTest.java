package io.github.neo4jbackup.export.cypher.select;

import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.export.cypher.driver.GraphFileWriter;
import io.github.neo4jbackup.export.cypher.driver.GraphRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Value;
import org.neo4j.driver.Values;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Selects one group from a 1,000,000-entity backup file (600k nodes, 400k relationships, zstd) in a
 * child JVM limited to a 64 MiB heap. The file is written with {@link GraphFileWriter} directly.
 * Prints figures (not asserted).
 */
class SelectedGraphReaderMemoryTest {

    static final int NODES = 600_000;
    static final int RELATIONSHIPS = 400_000;
    static final int GROUPS = 10;

    @TempDir
    Path dir;

    static long end(long i) {
        return (i * 31 + (i / 10) % 2) % NODES; // same group as the start for every other start
    }

    @Test
    void selectsFromAMillionEntitiesInA64MiBHeap() throws Exception {
        Path file = dir.resolve("graph.ndjson.zst");
        ZonedDateTime t0 = ZonedDateTime.of(2025, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        try (OutputStream out = Compression.zstd().encode(new BufferedOutputStream(Files.newOutputStream(file)))) {
            GraphFileWriter w = new GraphFileWriter(out);
            w.header(new GraphRecord.Header(2, "neo4j", null, null, null));
            for (long i = 0; i < NODES; i++) {
                w.node(i, List.of(i % 2 == 0 ? "Episodic" : "Entity"), Map.<String, Value>of(
                        "uuid", Values.value("node-" + i), "group_id", Values.value("g" + (i % GROUPS)),
                        "n", Values.value(i % 7 == 0 ? (double) i : (Object) i),
                        "valid_at", Values.value(t0.plusSeconds(i)),
                        "content", Values.value("some text of node " + i)));
            }
            for (long i = 0; i < RELATIONSHIPS; i++) {
                w.relationship(i % NODES, end(i), "MENTIONS", Map.of("i", Values.value(i)));
            }
            w.finish(null, null);
        }
        long expectedNodes = NODES / GROUPS;
        long expectedRelationships = 0;
        for (long i = 0; i < RELATIONSHIPS; i++) {
            if ((i % NODES) % GROUPS == 3 && end(i) % GROUPS == 3) {
                expectedRelationships++;
            }
        }
        Path log = dir.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), BoundedSelectMain.class.getName(), file.toString(), "g3"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(180, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(finished).as("child finished; output:\n" + output).isTrue();
        assertThat(process.exitValue()).as("exit status; output:\n" + output).isZero();
        assertThat(output).contains("SELECTED nodes=" + expectedNodes + " relationships=" + expectedRelationships
                + " read=" + (NODES + RELATIONSHIPS) + " ");
        System.out.println("FIGURES select from " + (NODES + RELATIONSHIPS) + " entities (" + Files.size(file)
                + " bytes zstd), child JVM -Xmx64m: " + output.strip());
    }
}
