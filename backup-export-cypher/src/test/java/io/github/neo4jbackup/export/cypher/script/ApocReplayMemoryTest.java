package io.github.neo4jbackup.export.cypher.script;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.export.cypher.apoc.ApocCypherSource;
import io.github.neo4jbackup.export.cypher.census.CensusAttributes;
import io.github.neo4jbackup.export.cypher.census.GraphitiStoredTypesTest;
import io.github.neo4jbackup.export.cypher.census.StoredTypeCensus;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replay of an APOC script of a Graphiti graph with a few hundred 1536-d float32 embeddings: the
 * statements the server parses stay small (the embeddings travel as parameters), the embeddings come
 * back bit-exact as FloatArray. Prints the heap peak of the (in-process) server with and without the
 * list parameters, for the record.
 */
class ApocReplayMemoryTest {

    static Neo4jTestServer server;
    static Driver driver;

    @TempDir
    Path repository;

    @BeforeAll
    static void start() {
        server = Neo4jTestServer.start(true);
        driver = server.driver();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void embeddingsTravelAsParametersAndComeBackExact() throws Exception {
        GraphitiStoredTypesTest.graphiti(driver, 300, 1536);
        Map<String, List<Long>> bits = GraphitiStoredTypesTest.embeddingBits(driver);
        StoredTypeCensus census = StoredTypeCensus.read(driver, "neo4j");
        assertThat(bits).hasSize(300 + 600 + 1);

        BackupPipeline pipeline = BackupPipeline.builder().source(ApocCypherSource.builder(driver).build())
                .transform(Compression.zstd()).target(LocalStorageTarget.of(repository)).build();
        Manifest manifest = pipeline.backup().manifest();
        System.out.printf("APOC script: %d characters for %d embeddings%n", manifest.object().rawSize(), bits.size());

        long[] peaks = new long[2];
        long[] largest = new long[2];
        // the replay without list parameters needs a large heap: only for measuring, with
        // -Dneo4jbackup.measureUnparameterized=true -Dsurefire.argLine=-Xmx6g
        boolean measure = Boolean.getBoolean("neo4jbackup.measureUnparameterized");
        for (int round = measure ? 0 : 1; round < 2; round++) {
            boolean parameterize = round == 1;
            server.clear();
            System.gc();
            resetPeaks();
            long start = System.nanoTime();
            RestoreResult restored = pipeline.restore(manifest.id(), CypherScriptSink.builder(driver)
                    .parameterizeLists(parameterize).computeFingerprint(false).build());
            long millis = (System.nanoTime() - start) / 1_000_000;
            peaks[round] = heapPeak();
            largest[round] = Long.parseLong(restored.sinkResult().attributes().get(CypherScriptSink.MAX_STATEMENT_CHARS));
            System.out.printf("replay %s list parameters: %d ms, largest statement %d characters, %d lists as "
                            + "parameters, sum of heap pool peaks of the test JVM (client and in-process server) %d MiB%n",
                    parameterize ? "with" : "without", millis, largest[round],
                    Long.parseLong(restored.sinkResult().attributes().get(CypherScriptSink.LISTS_PARAMETERIZED)),
                    peaks[round] >> 20);
            assertThat(restored.sinkResult().attributes()).containsEntry(CensusAttributes.MATCHES, "true");
            assertThat(GraphitiStoredTypesTest.embeddingBits(driver)).isEqualTo(bits);
            assertThat(StoredTypeCensus.read(driver, "neo4j")).isEqualTo(census);
        }
        if (measure) {
            assertThat(largest[0]).isGreaterThan(1_000_000); // 100 rows of 1536 floats as text
        }
        assertThat(largest[1]).isLessThan(64 * 1024);
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
