package io.github.neo4jbackup.export.cypher.select;

import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.export.cypher.driver.GraphRecord;
import org.neo4j.driver.Values;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child-JVM entry point of {@link SelectedGraphReaderMemoryTest}: reads a zstd-compressed graph file
 * with a selection and prints what it selected and the heap it used.
 */
public final class BoundedSelectMain {

    private BoundedSelectMain() {
    }

    /**
     * Runs the selection.
     *
     * @param args the file, the group to select
     * @throws Exception when reading fails
     */
    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        GraphSelection selection = GraphSelection.builder().graphitiGroup(args[1])
                .whereRange("n", PropertyPredicate.Bound.inclusive(Values.value(0.0)), null).build();
        long nodes = 0;
        long relationships = 0;
        long maxUsed = 0;
        long records = 0;
        try (InputStream in = Compression.zstd().decode(new BufferedInputStream(Files.newInputStream(Path.of(args[0]))))) {
            SelectedGraphReader reader = SelectedGraphReader.over(in, selection);
            for (GraphRecord r = reader.next(); r != null; r = reader.next()) {
                if (r instanceof GraphRecord.Node) {
                    nodes++;
                } else if (r instanceof GraphRecord.Relationship) {
                    relationships++;
                }
                if ((++records & 0xfff) == 0) {
                    Runtime rt = Runtime.getRuntime();
                    maxUsed = Math.max(maxUsed, rt.totalMemory() - rt.freeMemory());
                }
            }
            System.out.println("SELECTED nodes=" + nodes + " relationships=" + relationships + " read="
                    + (reader.nodesRead() + reader.relationshipsRead()) + " ms="
                    + (System.nanoTime() - start) / 1_000_000 + " maxHeapUsed=" + maxUsed);
        }
    }
}
