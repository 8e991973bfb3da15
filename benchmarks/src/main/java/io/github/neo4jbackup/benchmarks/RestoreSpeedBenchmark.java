package io.github.neo4jbackup.benchmarks;

import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.export.cypher.apoc.ApocCypherSource;
import io.github.neo4jbackup.export.cypher.driver.DriverExportSource;
import io.github.neo4jbackup.export.cypher.driver.DriverRestoreSink;
import io.github.neo4jbackup.export.cypher.restore.TargetDatabase;
import io.github.neo4jbackup.export.cypher.script.CypherScriptSink;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Side by side, on the same generated agent-memory graph in the same run: restoring the
 * driver-only backup with the fast sink versus replaying the APOC Cypher script of the same graph
 * (statement by statement, as cypher-shell does). Prints absolute times and the ratio.
 *
 * <p>Usage: {@code RestoreSpeedBenchmark [nodes] [dimensions]} (defaults 5000 and 32; each node
 * gets two outgoing relationships).
 */
public final class RestoreSpeedBenchmark {

    private RestoreSpeedBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional node count and embedding dimensions
     * @throws IOException when a file cannot be written
     */
    public static void main(String[] args) throws IOException {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int dims = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        Path dir = Files.createTempDirectory("restore-speed");
        try (Neo4jTestServer server = Neo4jTestServer.start(true)) {
            Driver driver = server.driver();
            generate(driver, nodes, dims);
            GraphCounts expected = TargetDatabase.counts(driver, "neo4j");
            long entities = expected.nodes() + expected.relationships();
            System.out.printf(Locale.ROOT, "graph: %,d nodes, %,d relationships, %d-d embeddings%n",
                    expected.nodes(), expected.relationships(), dims);

            Path apocFile = dir.resolve("graph.cypher");
            Path driverFile = dir.resolve("graph.ndjson");
            double apocExport = export(ApocCypherSource.builder(driver).database("neo4j").build(), apocFile);
            double driverExport = export(DriverExportSource.builder(driver).database("neo4j").build(), driverFile);

            List<Double> fast = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                server.clear();
                long t = System.nanoTime();
                try (InputStream in = Files.newInputStream(driverFile)) {
                    DriverRestoreSink.builder(driver).database("neo4j").computeFingerprint(false).build().restore(in, null);
                }
                fast.add((System.nanoTime() - t) / 1e9);
                check(driver, expected, "driver restore");
            }
            fast.sort(Double::compare);
            double fastMedian = fast.get(1);

            server.clear();
            long t = System.nanoTime();
            try (Reader in = Files.newBufferedReader(apocFile, StandardCharsets.UTF_8)) {
                CypherScriptSink.builder(driver).database("neo4j").computeFingerprint(false).build().restore(in);
            }
            double replay = (System.nanoTime() - t) / 1e9;
            check(driver, expected, "script replay");

            System.out.printf(Locale.ROOT, "%-34s %10s %12s %14s%n", "step", "seconds", "entities/s", "size");
            row("APOC Cypher export", apocExport, entities, Files.size(apocFile));
            row("driver-only export", driverExport, entities, Files.size(driverFile));
            row("APOC script replay (baseline)", replay, entities, -1);
            row("driver fast restore (median of 3)", fastMedian, entities, -1);
            System.out.printf(Locale.ROOT, "fast restore vs script replay: %.1fx faster%n", replay / fastMedian);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static void row(String step, double seconds, long entities, long size) {
        System.out.printf(Locale.ROOT, "%-34s %10.2f %12.0f %14s%n", step, seconds, entities / seconds,
                size < 0 ? "" : String.format(Locale.ROOT, "%,d B", size));
    }

    private static double export(BackupSource source, Path file) throws IOException {
        long t = System.nanoTime();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            source.export(out, ExportContext.NONE);
        }
        return (System.nanoTime() - t) / 1e9;
    }

    private static void check(Driver driver, GraphCounts expected, String what) {
        GraphCounts actual = TargetDatabase.counts(driver, "neo4j");
        if (actual.nodes() != expected.nodes() || actual.relationships() != expected.relationships()) {
            throw new IllegalStateException(what + " restored " + actual + " but the graph had " + expected);
        }
    }

    private static void generate(Driver driver, int nodes, int dims) {
        try (Session s = driver.session()) {
            s.run("CREATE CONSTRAINT entity_uuid IF NOT EXISTS FOR (n:Entity) REQUIRE n.uuid IS UNIQUE").consume();
            s.run("UNWIND range(0, $n - 1) AS i CALL { WITH i CREATE (:Entity {uuid: 'en-' + i, group_id: 'g1', "
                    + "name: 'Entity ' + i, summary: 'Summary of entity ' + i + ' with some text', "
                    + "name_embedding: [x IN range(1, $d) | rand() - 0.5], created_at: datetime()}) } "
                    + "IN TRANSACTIONS OF 5000 ROWS", Map.of("n", nodes, "d", dims)).consume();
            s.run("MATCH (a:Entity) WITH a, toInteger(substring(a.uuid, 3)) AS i "
                    + "CALL { WITH a, i MATCH (b:Entity {uuid: 'en-' + ((i * 7 + 1) % $n)}), "
                    + "(c:Entity {uuid: 'en-' + ((i * 13 + 5) % $n)}) "
                    + "CREATE (a)-[:RELATES_TO {uuid: 'r1-' + i, fact: 'fact ' + i, valid_at: datetime()}]->(b), "
                    + "(a)-[:MENTIONS {uuid: 'r2-' + i}]->(c) } IN TRANSACTIONS OF 5000 ROWS", Map.of("n", nodes)).consume();
        }
    }
}
