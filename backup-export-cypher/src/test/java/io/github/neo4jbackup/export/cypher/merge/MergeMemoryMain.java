package io.github.neo4jbackup.export.cypher.merge;

import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;

import java.io.BufferedInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Merges one group of a backup file; run in a child JVM with a small heap by {@link MergeBoundedMemoryTest}. */
public final class MergeMemoryMain {

    private MergeMemoryMain() {
    }

    /**
     * Merges.
     *
     * @param args bolt URI, backup file (graph format), group id
     * @throws Exception on failure (exit status 1)
     */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        try (Driver driver = GraphDatabase.driver(URI.create(args[0]), AuthTokens.none(),
                Config.builder().withoutEncryption().build())) {
            long start = System.nanoTime();
            MergeResult r = MergeRestore.builder(driver).select(MergeRestore.graphitiGroup(args[2])).build()
                    .restore("file " + file.getFileName(),
                            () -> new BufferedInputStream(Files.newInputStream(file), 1 << 16));
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.println("MERGED outcome=" + r.outcome() + " nodes=" + r.nodesCreated() + " relationships="
                    + r.relationshipsCreated() + " ms=" + ms + " maxHeap=" + Runtime.getRuntime().maxMemory()
                    + " problems=" + r.problems());
        }
    }
}
