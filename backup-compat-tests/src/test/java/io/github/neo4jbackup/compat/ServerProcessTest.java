package io.github.neo4jbackup.compat;

import io.github.neo4jbackup.testkit.Neo4jServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The test infrastructure itself: a 2026 server from Maven Central jars, configured like a new installation. */
class ServerProcessTest {

    @TempDir
    Path dir;

    @Test
    void newServerRunsWithCypher25AsDefaultLanguage() throws Exception {
        try (Neo4jServerProcess server = CompatServers.startNew(dir);
             Driver driver = CompatServers.driver(server);
             Session session = driver.session()) {
            assertThat(server.version()).startsWith("2026.");
            assertThat(session.run("CALL dbms.components() YIELD name, versions WHERE name = 'Neo4j Kernel' "
                    + "RETURN versions[0] AS v").single().get("v").asString()).isEqualTo(server.version());
            assertThat(session.run("SHOW DATABASES YIELD name, defaultLanguage WHERE name = 'neo4j' "
                    + "RETURN defaultLanguage").single().get(0).asString()).isEqualTo("CYPHER 25");
        }
    }
}
