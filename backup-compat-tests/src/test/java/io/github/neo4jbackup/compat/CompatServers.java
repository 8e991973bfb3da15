package io.github.neo4jbackup.compat;

import io.github.neo4jbackup.testkit.Neo4jServerProcess;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The two server versions of this module's tests: {@code compat.neo4j.old} (Neo4j 5.26 on the test
 * JDK) and {@code compat.neo4j.new} (Neo4j 2026.x on a Java 21+ JDK, configured like a new 2026
 * installation with {@code db.query.default_language=CYPHER_25}). The build copies both sets of
 * jars (see this module's pom).
 */
final class CompatServers {

    private CompatServers() {
    }

    static Path oldLib() {
        return Path.of(System.getProperty("compat.neo4j.old.lib", "target/neo4j-5.26.30/lib"));
    }

    static Path newLib() {
        return Path.of(System.getProperty("compat.neo4j.new.lib", "target/neo4j-2026.08.1/lib"));
    }

    /** A 2026 server with CYPHER_25 as default language, or a skipped test (with a printed notice) without Java 21+. */
    static Neo4jServerProcess startNew(Path dir) throws IOException, InterruptedException {
        Path java = Neo4jServerProcess.javaHomeOrSkip(newLib());
        Neo4jServerProcess server = Neo4jServerProcess.builder(newLib(), dir.resolve("neo4j-new"))
                .javaHome(java).setting("db.query.default_language", "CYPHER_25").build();
        server.start();
        return server;
    }

    /** A 5.26 server on the test JDK. */
    static Neo4jServerProcess startOld(Path dir) throws IOException, InterruptedException {
        Neo4jServerProcess server = Neo4jServerProcess.builder(oldLib(), dir.resolve("neo4j-old")).build();
        server.start();
        return server;
    }

    static Driver driver(Neo4jServerProcess server) {
        return GraphDatabase.driver(server.boltUri(), AuthTokens.none(),
                Config.builder().withoutEncryption().withLogging(Logging.none()).build());
    }
}
