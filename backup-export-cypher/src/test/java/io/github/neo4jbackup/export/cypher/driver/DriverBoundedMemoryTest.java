package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprint;
import io.github.neo4jbackup.export.cypher.restore.TargetDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Session;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exports a 250k-entity graph from a child JVM limited to a 64 MiB heap, then restores the file and
 * compares counts and fingerprints. Prints throughput figures (not asserted).
 */
class DriverBoundedMemoryTest {

    static final int NODES = 100_000;
    static final int RELATIONSHIPS = 150_000;

    static Neo4jTestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = Neo4jTestServer.start(false);
        try (Session s = server.driver().session()) {
            s.run("CREATE INDEX person_id IF NOT EXISTS FOR (n:Person) ON (n.id)").consume();
            s.run("CALL db.awaitIndexes(60)").consume();
            s.run("UNWIND range(0, $n - 1) AS i CALL { WITH i "
                    + "CREATE (p:Person {id: i, name: 'person number ' + i + ' with a name long enough to take room',"
                    + " score: i * 0.25, born: date({year: 1950 + i % 50, month: 1 + i % 12, day: 1 + i % 28}),"
                    + " seen: datetime({epochMillis: 1700000000000 + i, timezone: 'Europe/Berlin'}),"
                    + " embedding: [x IN range(1, 8) | toFloat(i * x) / 7.0]})"
                    + " FOREACH (_ IN CASE WHEN i % 3 = 0 THEN [1] ELSE [] END | SET p:Customer) "
                    + "} IN TRANSACTIONS OF 10000 ROWS", java.util.Map.of("n", NODES)).consume();
            s.run("UNWIND range(0, $r - 1) AS i CALL { WITH i "
                    + "MATCH (a:Person {id: i % $n}) MATCH (b:Person {id: (i * 7919 + 13) % $n}) "
                    + "CREATE (a)-[:KNOWS {since: i, weight: i / 3.0}]->(b) } IN TRANSACTIONS OF 10000 ROWS",
                    java.util.Map.of("r", RELATIONSHIPS, "n", NODES)).consume();
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void exportsInA64MiBHeapAndRestoresExactly() throws Exception {
        Path file = dir.resolve("graph.ndjson");
        Path log = dir.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), BoundedMemoryExportMain.class.getName(),
                server.boltUri().toString(), file.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(150, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(finished).as("child finished; output:\n" + output).isTrue();
        assertThat(process.exitValue()).as("exit status; output:\n" + output).isZero();
        assertThat(output).contains("EXPORTED nodes=" + NODES + " relationships=" + RELATIONSHIPS);
        String exportLine = output.lines().filter(l -> l.startsWith("EXPORTED")).findFirst().orElseThrow();
        long exportMs = Long.parseLong(exportLine.replaceAll(".* ms=(\\d+).*", "$1"));

        String trailer = lastLine(file);
        assertThat(trailer).startsWith("{\"t\":\"end\",\"nodes\":" + NODES + ",\"relationships\":" + RELATIONSHIPS + ",");

        GraphCounts before = TargetDatabase.counts(server.driver(), "neo4j");
        GraphFingerprint fingerprintBefore = GraphFingerprint.compute(server.driver(), "neo4j");
        assertThat(output).contains("fingerprint=" + fingerprintBefore.content().hex());
        server.clear();
        long start = System.nanoTime();
        RestoreSink.SinkResult result;
        try (InputStream in = Files.newInputStream(file)) {
            result = DriverRestoreSink.builder(server.driver()).computeFingerprint(false).build().restore(in, null);
        }
        long restoreMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(result.counts()).isEqualTo(before);
        assertThat(GraphFingerprint.compute(server.driver(), "neo4j")).isEqualTo(fingerprintBefore);
        long entities = NODES + RELATIONSHIPS;
        System.out.printf("FIGURES export (child JVM, -Xmx64m, incl. inline fingerprint): %d ms = %.0f entities/s, "
                        + "file %d bytes; restore (incl. schema and index population, without fingerprint): %d ms = %.0f entities/s; "
                        + "restore/export speed ratio %.2f%n", exportMs, entities * 1000.0 / exportMs, Files.size(file),
                restoreMs, entities * 1000.0 / restoreMs, (double) exportMs / restoreMs);
    }

    static String lastLine(Path file) throws java.io.IOException {
        try (var raf = new java.io.RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            int tail = (int) Math.min(length, 4096);
            byte[] bytes = new byte[tail];
            raf.seek(length - tail);
            raf.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            String[] lines = text.split("\n");
            return lines[lines.length - 1];
        }
    }
}
