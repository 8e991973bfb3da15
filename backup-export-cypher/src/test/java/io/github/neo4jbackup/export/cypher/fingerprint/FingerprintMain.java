package io.github.neo4jbackup.export.cypher.fingerprint;

import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;

/** Computes a fingerprint in a child JVM (to check the heap bound): {@code <bolt-uri> <database>}; prints the hex. */
public final class FingerprintMain {

    private FingerprintMain() {
    }

    /**
     * Entry point.
     *
     * @param args bolt URI, database
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        try (Driver driver = GraphDatabase.driver(args[0], AuthTokens.none(), Config.builder().withoutEncryption().build())) {
            GraphFingerprint fp = GraphFingerprint.compute(driver, args[1],
                    GraphFingerprint.Options.builder().fetchSize(1000).build());
            Runtime rt = Runtime.getRuntime();
            System.out.println("FINGERPRINT " + fp.content().hex() + " " + fp.content().nodes() + " "
                    + fp.content().relationships() + " maxHeap=" + rt.maxMemory());
        }
    }
}
