package io.github.neo4jbackup.examples;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away Neo4j 5 server inside this JVM (the {@code neo4j-harness} test server), with Bolt on
 * a free loopback port and its store in a temporary folder that is deleted on {@link #close()}.
 * Used by the demo and the examples so that they run with nothing but a JDK; a real application
 * connects its {@link Driver} to its own server instead.
 */
public final class EmbeddedNeo4j implements AutoCloseable {

    private final Neo4j neo4j;
    private final Driver driver;

    private EmbeddedNeo4j(Neo4j neo4j) {
        this.neo4j = neo4j;
        this.driver = GraphDatabase.driver(neo4j.boltURI(), AuthTokens.none(),
                Config.builder().withoutEncryption().withConnectionTimeout(10, TimeUnit.SECONDS)
                        .withLogging(org.neo4j.driver.Logging.none()).build());
    }

    /**
     * Starts a server (a few seconds).
     *
     * @return the running server
     */
    public static EmbeddedNeo4j start() {
        Neo4j neo4j = Neo4jBuilders.newInProcessBuilder()
                .withDisabledServer()
                .withConfig(HttpConnector.enabled, false)
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", freePort()))
                .withConfig(GraphDatabaseSettings.pagecache_memory, 64L * 1024 * 1024)
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(1))
                .build();
        return new EmbeddedNeo4j(neo4j);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A driver connected to this server, owned by this object (closed with it).
     *
     * @return the driver
     */
    public Driver driver() {
        return driver;
    }

    /**
     * The Bolt address ({@code bolt://127.0.0.1:PORT}).
     *
     * @return the URI
     */
    public URI boltUri() {
        return neo4j.boltURI();
    }

    /** Closes the driver, stops the server and deletes its store. */
    @Override
    public void close() {
        try {
            driver.close();
        } finally {
            neo4j.close();
        }
    }

    @Override
    public String toString() {
        return "EmbeddedNeo4j[" + boltUri() + "]";
    }
}
