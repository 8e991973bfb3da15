package io.github.neo4jbackup.reliability;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;
import org.neo4j.driver.SessionConfig;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Neo4j 5 server in this JVM (neo4j-harness) with authentication enabled: the initial
 * password of user {@code neo4j} is changed to the given one through Bolt, exactly as an operator
 * does on first start.
 */
final class AuthNeo4jServer implements AutoCloseable {

    static final String USER = "neo4j";

    private final Neo4j neo4j;
    private final String password;

    AuthNeo4jServer(String password) {
        this.password = password;
        this.neo4j = Neo4jBuilders.newInProcessBuilder()
                .withDisabledServer()
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", freePort()))
                .withConfig(GraphDatabaseSettings.auth_enabled, true)
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(1))
                .build();
        try (Driver initial = GraphDatabase.driver(neo4j.boltURI(), AuthTokens.basic(USER, "neo4j"), config());
             var session = initial.session(SessionConfig.forDatabase("system"))) {
            session.run("ALTER CURRENT USER SET PASSWORD FROM $old TO $new", Map.of("old", "neo4j", "new", password))
                    .consume();
        }
    }

    URI boltUri() {
        return neo4j.boltURI();
    }

    /** A new driver (owned by the caller) logging through slf4j, with the given password. */
    Driver driver(String pw) {
        return GraphDatabase.driver(neo4j.boltURI(), AuthTokens.basic(USER, pw), config());
    }

    /** A new driver with the right password. */
    Driver driver() {
        return driver(password);
    }

    private static Config config() {
        return Config.builder().withoutEncryption().withLogging(Logging.slf4j())
                .withConnectionTimeout(10, TimeUnit.SECONDS).build();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        neo4j.close();
    }
}
