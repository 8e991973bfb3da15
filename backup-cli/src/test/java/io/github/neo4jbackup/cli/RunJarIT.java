package io.github.neo4jbackup.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link RunEnvironmentTest} again with the shaded jar ({@code java -jar neo4j-backup.jar run},
 * configured only by environment variables, against a real Neo4j and a real S3 server, probed over
 * HTTP, stopped with SIGTERM). Runs after {@code package}.
 */
class RunJarIT extends RunEnvironmentTest {

    @BeforeAll
    static void requireJar() {
        Assumptions.assumeTrue(System.getProperty("neo4jBackup.jar") != null,
                "runs after package (mvn verify), against the fresh shaded jar");
    }
}
