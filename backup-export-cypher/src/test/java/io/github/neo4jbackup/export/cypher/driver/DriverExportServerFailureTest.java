package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A server that stops in the middle of an export: the backup fails cleanly and leaves nothing behind. */
class DriverExportServerFailureTest {

    @TempDir
    Path repository;

    @Test
    void serverStoppedMidExportFailsTheBackupAndStoresNothing() throws IOException {
        // like Neo4jTestServer, but shutting down without waiting 10 s for the export's open transaction
        Neo4j server = Neo4jBuilders.newInProcessBuilder().withDisabledServer()
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", freePort()))
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(1))
                .withConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(1))
                .build();
        try (Driver driver = GraphDatabase.driver(server.boltURI(), AuthTokens.none(),
                Config.builder().withoutEncryption().withMaxTransactionRetryTime(0, java.util.concurrent.TimeUnit.SECONDS)
                        .build())) {
            try (Session s = driver.session()) {
                s.run("UNWIND range(1, 30000) AS i CREATE (:Item {i: i, text: 'some text to make the record longer ' + i})")
                        .consume();
            }
            DriverExportSource export = DriverExportSource.builder(driver).fetchSize(500).build();
            // a source whose output stops the server once 200 kB were written
            BackupSource stopping = new BackupSource() {
                @Override
                public String type() {
                    return export.type();
                }

                @Override
                public String database() {
                    return export.database();
                }

                @Override
                public String extension() {
                    return export.extension();
                }

                @Override
                public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
                    return export.export(new StopServerAfter(out, 200_000, server), context);
                }
            };
            BackupPipeline pipeline = BackupPipeline.builder().source(stopping).transform(Compression.zstd())
                    .target(LocalStorageTarget.of(repository)).build();

            assertThatThrownBy(pipeline::backup)
                    .isInstanceOf(SourceFailedException.class)
                    .hasMessageContaining("Exporting database 'neo4j' failed while streaming the graph")
                    .hasMessageContaining("Check that the server is running and reachable, then run the backup again")
                    .hasMessageContaining("Nothing was stored");
            assertThat(pipeline.list()).isEmpty();
            try (Stream<Path> files = Files.walk(repository)) {
                List<Path> data = files.filter(Files::isRegularFile)
                        .filter(p -> !p.toString().contains("locks")).toList();
                assertThat(data).isEmpty();
            }
        } finally {
            server.close();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Stops the server (once) when more than a given number of bytes went through. */
    static final class StopServerAfter extends FilterOutputStream {
        private final long limit;
        private final Neo4j server;
        private long written;
        private boolean stopped;

        StopServerAfter(OutputStream out, long limit, Neo4j server) {
            super(out);
            this.limit = limit;
            this.server = server;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            written += len;
            if (written > limit && !stopped) {
                stopped = true;
                server.close();
            }
        }
    }
}
