package io.github.neo4jbackup.export.cypher.merge;

import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.export.cypher.driver.GraphFileWriter;
import io.github.neo4jbackup.export.cypher.driver.GraphFormat;
import io.github.neo4jbackup.export.cypher.driver.GraphRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Session;
import org.neo4j.driver.Value;
import org.neo4j.driver.Values;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Merges one group of a 1M-entity backup (500k nodes with float32 embeddings in 25 groups, 500k
 * relationships) from a child JVM limited to a 64 MiB heap: the merge holds a batch and the keys of the
 * selected nodes, never the backup. Prints figures (not asserted).
 */
class MergeBoundedMemoryTest {

    static final int GROUPS = 25;
    static final int PER_GROUP = 20_000;
    static final int NODES = GROUPS * PER_GROUP;
    static final String SELECTED = "group-7";

    static Neo4jTestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = Neo4jTestServer.start(false);
        try (Session s = server.driver().session()) {
            s.run("CREATE CONSTRAINT entity_uuid IF NOT EXISTS FOR (n:Entity) REQUIRE n.uuid IS UNIQUE").consume();
            s.run("CREATE (:Entity {uuid: 'live-1', group_id: 'live'})-[:RELATES_TO]->(:Entity {uuid: 'live-2', "
                    + "group_id: 'live'})").consume();
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Nodes in key order, group by group; every node relates to the next one of its group. */
    static long write(Path file) throws Exception {
        long relationships = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            GraphFileWriter w = new GraphFileWriter(out);
            w.header(new GraphRecord.Header(GraphFormat.VERSION, "neo4j", "5.26.0", "community", null));
            for (int i = 0; i < NODES; i++) {
                String group = "group-" + (i / PER_GROUP);
                List<Value> embedding = new ArrayList<>(8);
                for (int d = 0; d < 8; d++) {
                    embedding.add(Values.value((double) (float) ((i * 31 + d * 7) % 1000 / 997.0)));
                }
                w.node(i, List.of("Entity"), Map.of("uuid", Values.value("u-" + i), "group_id", Values.value(group),
                        "name", Values.value("entity " + i), "name_embedding", Values.value(embedding)),
                        Map.of("name_embedding", "FloatArray"));
            }
            for (int i = 0; i < NODES; i++) {
                int next = i % PER_GROUP == PER_GROUP - 1 ? i - PER_GROUP + 1 : i + 1;
                w.relationship(i, next, "RELATES_TO", Map.of("uuid", Values.value("r-" + i), "fact",
                        Values.value("fact " + i)));
                relationships++;
            }
            w.finish(null, null);
        }
        return relationships;
    }

    @Test
    void mergesOneGroupOfAMillionEntitiesInA64MiBHeap() throws Exception {
        Path file = dir.resolve("graph.ndjson");
        long relationships = write(file);
        assertThat(NODES + relationships).isEqualTo(1_000_000);
        Path log = dir.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), MergeMemoryMain.class.getName(), server.boltUri().toString(),
                file.toString(), SELECTED);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(300, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(finished).as("child finished; output:\n" + output).isTrue();
        assertThat(process.exitValue()).as("exit status; output:\n" + output).isZero();
        assertThat(output).contains("MERGED outcome=APPLIED nodes=" + PER_GROUP + " relationships=" + PER_GROUP);
        try (Session s = server.driver().session()) {
            assertThat(s.run("MATCH (n:Entity {group_id: $g}) RETURN count(n)", Map.of("g", SELECTED)).single()
                    .get(0).asLong()).isEqualTo(PER_GROUP);
            assertThat(s.run("MATCH (n:Entity) RETURN count(n)").single().get(0).asLong()).isEqualTo(PER_GROUP + 2);
            assertThat(s.run("MATCH (:Entity {group_id: $g})-[r:RELATES_TO]->() RETURN count(r)",
                    Map.of("g", SELECTED)).single().get(0).asLong()).isEqualTo(PER_GROUP);
            assertThat(s.run("CALL db.schema.nodeTypeProperties() YIELD propertyName, propertyTypes "
                    + "WHERE propertyName = 'name_embedding' RETURN propertyTypes").single().get(0)
                    .asList(Value::asString)).containsExactly("FloatArray");
        }
        String line = output.lines().filter(l -> l.startsWith("MERGED")).findFirst().orElseThrow();
        System.out.printf("FIGURES merge of %d of %d nodes (+%d of %d relationships) from a %d-byte backup in a child "
                + "JVM with -Xmx64m: %s ms (two passes over the backup)%n", PER_GROUP, NODES, PER_GROUP, relationships,
                Files.size(file), line.replaceAll(".* ms=(\\d+).*", "$1"));
    }
}
