package io.github.neo4jbackup.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A server with authentication enabled refuses a wrong password: a configuration error (exit 2) that says so. */
class WrongPasswordTest {

    @TempDir
    Path dir;

    @Test
    void wrongPasswordIsAConfigurationErrorNamingWhereThePasswordComesFrom() {
        try (Neo4j neo4j = Neo4jBuilders.newInProcessBuilder()
                .withDisabledServer()
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", freePort()))
                .withConfig(GraphDatabaseSettings.auth_enabled, true)
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(1))
                .build()) {
            CliRun r = CliRun.inProcess(Map.of("NEO4J_URI", neo4j.boltURI().toString(), "NEO4J_USER", "neo4j",
                    "MY_SECRET", "definitely-wrong"),
                    "backup", "--engine", "driver", "--to", dir.toString(), "--password-env", "MY_SECRET", "--json");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.json().get("error").asText()).contains("refused the credentials").contains("NEO4J_PASSWORD")
                    .doesNotContain("definitely-wrong");
            assertThat(r.err()).doesNotContain("definitely-wrong");
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
