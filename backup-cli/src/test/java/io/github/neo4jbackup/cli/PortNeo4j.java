package io.github.neo4jbackup.cli;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;

/**
 * An in-process Neo4j (harness, no APOC) on a Bolt port the test chooses, so a test can start the
 * service before the database, or stop the database and start a new one on the same address.
 */
final class PortNeo4j implements AutoCloseable {

    private final Neo4j neo4j;
    private final Driver driver;

    private PortNeo4j(Neo4j neo4j) {
        this.neo4j = neo4j;
        this.driver = GraphDatabase.driver(neo4j.boltURI(), AuthTokens.none(), Config.builder().withoutEncryption().build());
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PortNeo4j start(int port) {
        return new PortNeo4j(Neo4jBuilders.newInProcessBuilder()
                .withDisabledServer()
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(1))
                .withConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(1))
                .build());
    }

    static String uri(int port) {
        return "bolt://127.0.0.1:" + port;
    }

    void cypher(String query) {
        try (Session session = driver.session()) {
            session.run(query).consume();
        }
    }

    @Override
    public void close() {
        driver.close();
        neo4j.close();
    }
}
