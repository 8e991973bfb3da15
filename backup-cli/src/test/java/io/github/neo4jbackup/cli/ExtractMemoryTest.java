package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.export.cypher.driver.GraphFileWriter;
import io.github.neo4jbackup.export.cypher.driver.GraphFormat;
import io.github.neo4jbackup.export.cypher.driver.GraphRecord;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
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
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code extract} as a child JVM with a 64 MiB heap over a stored (zstd) backup of 1,000,000 entities
 * (600k nodes, 400k relationships; the graph file is written with {@link GraphFileWriter} and stored
 * through the pipeline as a driver-format backup): one group with its relationships, then the same
 * group ordered with a limit. Prints figures (not asserted).
 */
class ExtractMemoryTest {

    static final int NODES = 600_000;
    static final int RELATIONSHIPS = 400_000;

    @TempDir
    Path dir;

    static long end(long i) {
        return (i * 31 + (i / 10) % 2) % NODES;
    }

    CliRun child(String... args) throws Exception {
        Path out = dir.resolve("child-" + System.nanoTime() + ".log");
        Path err = dir.resolve("child-" + System.nanoTime() + ".err");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("extract did not finish in 180 s");
        }
        return new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void extractsFromAMillionEntitiesInA64MiBHeap() throws Exception {
        Path raw = dir.resolve("graph.ndjson");
        ZonedDateTime t0 = ZonedDateTime.of(2025, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(raw))) {
            GraphFileWriter w = new GraphFileWriter(out);
            w.header(new GraphRecord.Header(2, "neo4j", null, null, null));
            for (long i = 0; i < NODES; i++) {
                w.node(i, List.of(i % 2 == 0 ? "Episodic" : "Entity"), Map.<String, Value>of(
                        "uuid", Values.value("node-" + i), "group_id", Values.value("g" + (i % 10)),
                        "valid_at", Values.value(t0.minusSeconds(i)),
                        "content", Values.value("some text of node " + i)));
            }
            for (long i = 0; i < RELATIONSHIPS; i++) {
                w.relationship(i % NODES, end(i), "MENTIONS", Map.of("i", Values.value(i)));
            }
            w.finish(null, null);
        }
        Path repo = dir.resolve("repo");
        Manifest stored = BackupPipeline.builder()
                .source(BackupSource.ofStream(GraphFormat.ENGINE, "neo4j", GraphFormat.EXTENSION,
                        () -> Files.newInputStream(raw)))
                .transform(Compression.zstd()).target(LocalStorageTarget.of(repo)).build().backup().manifest();
        Files.delete(raw);
        long expectedRelationships = 0;
        for (long i = 0; i < RELATIONSHIPS; i++) {
            if ((i % NODES) % 10 == 3 && end(i) % 10 == 3) {
                expectedRelationships++;
            }
        }

        Path out = dir.resolve("g3.jsonl");
        long start = System.nanoTime();
        CliRun group = child("extract", "--from", repo.toString(), "--id", stored.id(), "--graphiti-group", "g3",
                "--with-relationships", "--out", out.toString());
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(group.exitCode()).as(group.toString()).isZero();
        assertThat(group.err()).contains("Wrote " + NODES / 10 + " nodes and " + expectedRelationships
                + " relationships (of " + NODES + " nodes and " + RELATIONSHIPS + " relationships");
        try (Stream<String> lines = Files.lines(out)) {
            assertThat(lines.count()).isEqualTo(NODES / 10 + expectedRelationships);
        }

        // ordered by valid_at (which falls as the key grows) with a limit: only the limit is held
        CliRun ordered = child("extract", "--from", repo.toString(), "--latest", "--graphiti-group", "g3",
                "--order-by", "valid_at", "--limit", "3", "--out", "-");
        assertThat(ordered.exitCode()).as(ordered.toString()).isZero();
        assertThat(ordered.out().lines().map(l -> l.replaceAll(".*\"uuid\":\"(node-[0-9]+)\".*", "$1")).toList())
                .containsExactly("node-" + (NODES - 7), "node-" + (NODES - 17), "node-" + (NODES - 27));
        System.out.println("FIGURES extract (child JVM -Xmx64m) of one group from " + (NODES + RELATIONSHIPS)
                + " stored entities (" + stored.object().storedSize() + " bytes zstd): " + ms + " ms including JVM start, "
                + Files.size(out) + " bytes written");
    }
}
