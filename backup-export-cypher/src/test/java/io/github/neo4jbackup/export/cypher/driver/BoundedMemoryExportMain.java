package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.SourceDescription;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Exports a database to a file; run in a child JVM with a small heap by {@link DriverBoundedMemoryTest}. */
public final class BoundedMemoryExportMain {

    private BoundedMemoryExportMain() {
    }

    /**
     * Exports.
     *
     * @param args bolt URI, output file
     * @throws Exception on failure (exit status 1)
     */
    public static void main(String[] args) throws Exception {
        try (Driver driver = GraphDatabase.driver(URI.create(args[0]), AuthTokens.none(),
                Config.builder().withoutEncryption().build());
             OutputStream out = new BufferedOutputStream(Files.newOutputStream(Path.of(args[1])), 1 << 16)) {
            long start = System.nanoTime();
            SourceDescription d = DriverExportSource.builder(driver).build().export(out, ExportContext.NONE);
            long ms = (System.nanoTime() - start) / 1_000_000;
            Runtime rt = Runtime.getRuntime();
            System.out.println("EXPORTED nodes=" + d.counts().nodes() + " relationships=" + d.counts().relationships()
                    + " ms=" + ms + " maxHeap=" + rt.maxMemory() + " fingerprint="
                    + d.attributes().get("fingerprint.content"));
        }
    }
}
