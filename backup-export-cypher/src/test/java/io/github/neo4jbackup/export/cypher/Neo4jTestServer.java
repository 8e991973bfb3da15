package io.github.neo4jbackup.export.cypher;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.UserAggregationFunction;
import org.neo4j.procedure.UserFunction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * A real Neo4j 5 server in this JVM (neo4j-harness) with Bolt on a free loopback port, optionally
 * with APOC core registered. Start one per test class.
 */
public final class Neo4jTestServer implements AutoCloseable {

    private final Neo4j neo4j;
    private final Driver driver;

    private Neo4jTestServer(Neo4j neo4j) {
        this.neo4j = neo4j;
        this.driver = GraphDatabase.driver(neo4j.boltURI(), AuthTokens.none(),
                Config.builder().withoutEncryption().withConnectionTimeout(10, java.util.concurrent.TimeUnit.SECONDS).build());
    }

    /**
     * Starts a server.
     *
     * @param withApoc whether to register APOC core
     * @return the running server
     */
    public static Neo4jTestServer start(boolean withApoc) {
        Neo4jBuilder builder = Neo4jBuilders.newInProcessBuilder()
                .withDisabledServer()
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", freePort()))
                .withConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("apoc.*"))
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(1))
                // a server closed while an export streams waits 1 s (not 10 s) for its open transaction
                .withConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(1));
        if (withApoc) {
            for (Class<?> c : apocClasses()) {
                boolean procedure = false;
                boolean function = false;
                boolean aggregation = false;
                for (Method m : c.getDeclaredMethods()) {
                    procedure |= m.isAnnotationPresent(Procedure.class);
                    function |= m.isAnnotationPresent(UserFunction.class);
                    aggregation |= m.isAnnotationPresent(UserAggregationFunction.class);
                }
                if (procedure) {
                    builder = builder.withProcedure(c);
                }
                if (function) {
                    builder = builder.withFunction(c);
                }
                if (aggregation) {
                    builder = builder.withAggregationFunction(c);
                }
            }
        }
        return new Neo4jTestServer(builder.build());
    }

    private static List<Class<?>> apocClasses() {
        List<Class<?>> classes = new ArrayList<>();
        for (String marker : List.of("apoc.export.cypher.ExportCypher", "apoc.ApocConfig")) {
            Path jar;
            try {
                jar = Path.of(Class.forName(marker).getProtectionDomain().getCodeSource().getLocation().toURI());
            } catch (ClassNotFoundException | URISyntaxException e) {
                throw new IllegalStateException("APOC is not on the test class path: " + marker, e);
            }
            if (!Files.isRegularFile(jar)) {
                continue;
            }
            try (JarFile jf = new JarFile(jar.toFile())) {
                Enumeration<JarEntry> entries = jf.entries();
                while (entries.hasMoreElements()) {
                    String name = entries.nextElement().getName();
                    if (!name.endsWith(".class") || name.contains("$") || !name.startsWith("apoc/")) {
                        continue;
                    }
                    try {
                        Class<?> c = Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false,
                                Neo4jTestServer.class.getClassLoader());
                        for (Method m : c.getDeclaredMethods()) {
                            if (m.isAnnotationPresent(Procedure.class) || m.isAnnotationPresent(UserFunction.class)
                                    || m.isAnnotationPresent(UserAggregationFunction.class)) {
                                classes.add(c);
                                break;
                            }
                        }
                    } catch (Throwable ignored) {
                        // classes with optional dependencies that are absent
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return classes;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The driver connected to this server (owned by this object).
     *
     * @return the driver
     */
    public Driver driver() {
        return driver;
    }

    /**
     * The default database through the embedded API (for writing stored types Bolt cannot express).
     *
     * @return the database service
     */
    public org.neo4j.graphdb.GraphDatabaseService database() {
        return neo4j.defaultDatabaseService();
    }

    /**
     * The Bolt URI.
     *
     * @return the URI
     */
    public java.net.URI boltUri() {
        return neo4j.boltURI();
    }

    /** Removes all data and schema from the default database. */
    public void clear() {
        try (var session = driver.session()) {
            session.run("CALL apoc.schema.assert({}, {}, true)").consume();
        } catch (RuntimeException ignored) {
            // APOC may be absent: drop schema by name below
        }
        try (var session = driver.session()) {
            for (var r : session.run("SHOW CONSTRAINTS YIELD name").list()) {
                session.run("DROP CONSTRAINT `" + r.get("name").asString().replace("`", "``") + "`").consume();
            }
            for (var r : session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'").list()) {
                session.run("DROP INDEX `" + r.get("name").asString().replace("`", "``") + "`").consume();
            }
            session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume();
        }
    }

    @Override
    public void close() {
        try {
            driver.close();
        } finally {
            neo4j.close();
        }
    }
}
