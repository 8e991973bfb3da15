package io.github.neo4jbackup.benchmarks.e2e;

import io.github.neo4jbackup.testkit.Neo4jServerProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * The suite's Neo4j server: a {@link Neo4jServerProcess} from the jars the build copied into the
 * programs folder, whose {@code plugins} link to the APOC jars (APOC procedures allowed), with the
 * server's heap and page cache of the settings, G1 as the collector, and the JVM's default heap for
 * {@code bin/neo4j-admin} (the dumps and loads the suite measures). A large store can take minutes
 * to start and to check-point on shutdown, so the timeouts are longer than the test kit's.
 */
final class SuiteServer {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(3);

    private SuiteServer() {
    }

    /**
     * Creates a home directory (which must not exist yet).
     *
     * @param home      the home directory to create
     * @param programs  the folder the build filled: {@code lib/} (Neo4j) and {@code plugins/} (APOC)
     * @param heap      the server's heap, e.g. {@code 2g}
     * @param pageCache the page cache size, e.g. {@code 1g}
     * @return the server, not started
     * @throws IOException when a jar folder is incomplete or the home cannot be written
     */
    static Neo4jServerProcess create(Path home, Path programs, String heap, String pageCache) throws IOException {
        requireJars(programs.resolve("lib"), "neo4j-server-");
        requireJars(programs.resolve("plugins"), "apoc-core-");
        return Neo4jServerProcess.builder(programs.resolve("lib"), home)
                .plugins(programs.resolve("plugins"))
                .heap(heap)
                .pageCache(pageCache)
                .setting("dbms.security.procedures.unrestricted", "apoc.*")
                .jvmFlag("-XX:+UseG1GC")
                .adminHeap(null)
                .timeouts(START_TIMEOUT, STOP_TIMEOUT)
                .build();
    }

    private static void requireJars(Path dir, String prefix) throws IOException {
        boolean found = false;
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                found = files.anyMatch(p -> p.getFileName().toString().startsWith(prefix));
            }
        }
        if (!found) {
            throw new IOException("No " + prefix + "*.jar in " + dir + ": build the benchmarks module first "
                    + "(mvn -pl benchmarks -am package -DskipTests copies the Neo4j, APOC and cypher-shell jars "
                    + "into benchmarks/target/e2e), or point -De2e.programs at such a folder");
        }
    }
}
