package io.github.neo4jbackup.export.cypher;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.export.cypher.apoc.ApocCypherSource;
import io.github.neo4jbackup.export.cypher.driver.DriverExportSource;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import io.github.neo4jbackup.testkit.FaultyTcpProxy;
import io.github.neo4jbackup.testkit.ReliabilityFigures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Source faults of the online engines (driver-only and APOC), each against a real Neo4j server
 * (neo4j-harness, APOC registered) and a real local repository: the server stopped while the
 * export streams, the network cut after N bytes and in the middle of the stream (a TCP proxy
 * between the driver and the server), and a stalled connection (the proxy stops forwarding without
 * closing anything). Every fault must end in a {@link SourceFailedException} whose message names
 * the problem, within a bounded time, with nothing in the repository (no data object, no manifest,
 * the lock released), and the next backup into the same repository must succeed once the fault is
 * gone. Prints one {@code [reliability]} line and appends it to
 * {@code target/reliability/figures.tsv}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SourceFaultsTest {

    private static final int NODES = 20_000;
    private static final long TRIGGER_BYTES = 200_000;
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(2);
    /** A stalled export must fail within the stall timeout plus this margin. */
    private static final Duration STALL_MARGIN = Duration.ofSeconds(15);

    private Neo4jTestServer server;
    private FaultyTcpProxy proxy;
    private Driver viaProxy;
    private final AtomicLong faults = new AtomicLong();
    private final AtomicLong clearFailures = new AtomicLong();
    private final AtomicLong manifestsLeft = new AtomicLong();
    private final AtomicLong objectsLeft = new AtomicLong();
    private final AtomicLong recoveries = new AtomicLong();
    private final AtomicLong slowestFailureMillis = new AtomicLong();
    private final AtomicLong slowestStallMillis = new AtomicLong();

    /** The engines under test. */
    enum Engine {
        DRIVER, APOC;

        BackupSource source(Driver driver) {
            return this == DRIVER
                    ? DriverExportSource.builder(driver).fetchSize(500).stallTimeout(STALL_TIMEOUT).build()
                    : ApocCypherSource.builder(driver).batchSize(1000).apocTimeout(Duration.ofSeconds(30))
                    .stallTimeout(STALL_TIMEOUT).build();
        }
    }

    @BeforeAll
    void startServerAndProxy() throws IOException {
        java.util.logging.Logger.getLogger("org.neo4j.driver").setLevel(Level.OFF);
        server = Neo4jTestServer.start(true);
        fill(server.driver());
        proxy = new FaultyTcpProxy(server.boltUri().getPort());
        viaProxy = driver(URI.create("bolt://127.0.0.1:" + proxy.port()));
    }

    @AfterEach
    void healTheNetwork() {
        proxy.heal();
    }

    @AfterAll
    void stopAndRecordFigures() throws IOException {
        if (viaProxy != null) {
            viaProxy.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
        String line = "faults=" + faults + " clear-failures=" + clearFailures + " manifests-left=" + manifestsLeft
                + " objects-left=" + objectsLeft + " recoveries=" + recoveries + " stall-timeout-ms="
                + STALL_TIMEOUT.toMillis() + " slowest-stall-failure-ms=" + slowestStallMillis
                + " slowest-failure-ms=" + slowestFailureMillis;
        ReliabilityFigures.record("source-faults-cypher", line);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void serverStoppedMidExport(Engine engine, @TempDir Path repository) throws Exception {
        Neo4jTestServer doomed = Neo4jTestServer.start(engine == Engine.APOC);
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                doomed.close();
            }
        };
        try (Driver driver = driver(doomed.boltUri())) {
            fill(driver);
            BackupPipeline pipeline = pipeline(afterBytes(engine.source(driver), TRIGGER_BYTES, stop), repository);
            SourceFailedException e = expectCleanFailure(pipeline, repository);
            assertThat(e.getMessage()).contains("Nothing was stored");
            if (engine == Engine.DRIVER) {
                assertThat(e.getMessage()).contains("Exporting database 'neo4j' failed while streaming the graph")
                        .contains("Check that the server is running and reachable, then run the backup again");
            } else {
                assertThat(e.getMessage()).contains("APOC's export of database 'neo4j' failed")
                        .contains("check that the server is running and reachable");
            }
            clearFailures.incrementAndGet();
            assertThat(stopped).as("the server was stopped during the export").isTrue();
        } finally {
            stop.run();
        }
        // the fault is gone: a server is up again (another one; the harness forgets its store on close)
        expectRecovery(pipeline(engine.source(viaProxy), repository));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void networkCutAfterNBytes(Engine engine, @TempDir Path repository) {
        BackupPipeline pipeline = pipeline(engine.source(viaProxy), repository);
        proxy.resetDownstreamAt(300_000);
        SourceFailedException e = expectCleanFailure(pipeline, repository);
        assertThat(proxy.faultsInjected()).as("the reset happened").isGreaterThanOrEqualTo(1);
        assertBrokenConnectionMessage(engine, e);
        clearFailures.incrementAndGet();
        proxy.heal();
        expectRecovery(pipeline);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void networkCutMidStream(Engine engine, @TempDir Path repository) {
        BackupPipeline pipeline = pipeline(afterBytes(engine.source(viaProxy), TRIGGER_BYTES, proxy::cutAll),
                repository);
        SourceFailedException e = expectCleanFailure(pipeline, repository);
        assertBrokenConnectionMessage(engine, e);
        clearFailures.incrementAndGet();
        proxy.heal();
        expectRecovery(pipeline(engine.source(viaProxy), repository));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void stalledConnectionFailsWithinTheStallTimeout(Engine engine, @TempDir Path repository) {
        BackupPipeline pipeline = pipeline(afterBytes(engine.source(viaProxy), TRIGGER_BYTES, proxy::stallAll),
                repository);
        long t = System.nanoTime();
        SourceFailedException e = expectCleanFailure(pipeline, repository);
        long millis = (System.nanoTime() - t) / 1_000_000;
        slowestStallMillis.accumulateAndGet(millis, Math::max);
        assertThat(millis).as("a stall ends the backup in bounded time")
                .isLessThan(STALL_TIMEOUT.plus(STALL_MARGIN).toMillis());
        assertThat(e.getMessage()).contains("no answer from the server for 2 s")
                .contains("the connection stalled").contains("Nothing was stored").contains("stallTimeout");
        assertThat(Thread.currentThread().isInterrupted()).as("the watchdog's interrupt is not left behind").isFalse();
        clearFailures.incrementAndGet();
        proxy.heal();
        expectRecovery(pipeline(engine.source(viaProxy), repository));
    }

    private static void assertBrokenConnectionMessage(Engine engine, SourceFailedException e) {
        if (engine == Engine.DRIVER) {
            assertThat(e.getMessage()).contains("Exporting database 'neo4j' failed while")
                    .contains("The server stopped or the connection broke").contains("Nothing was stored");
        } else {
            assertThat(e.getMessage()).contains("APOC's export of database 'neo4j' failed")
                    .contains("the server stopped or the connection broke").contains("Nothing was stored");
        }
    }

    /** Runs the backup, expects a source failure and checks that the repository holds nothing. */
    private SourceFailedException expectCleanFailure(BackupPipeline pipeline, Path repository) {
        faults.incrementAndGet();
        long t = System.nanoTime();
        Throwable thrown = catchThrowable(pipeline::backup);
        slowestFailureMillis.accumulateAndGet((System.nanoTime() - t) / 1_000_000, Math::max);
        assertThat(thrown).isInstanceOf(SourceFailedException.class);
        List<Path> files = files(repository);
        long manifests = files.stream().filter(p -> p.toString().endsWith(".manifest.json")).count();
        manifestsLeft.addAndGet(manifests);
        objectsLeft.addAndGet(files.size() - manifests);
        assertThat(pipeline.list()).as("no backup listed").isEmpty();
        assertThat(files).as("no data object, no manifest, no lock left in the repository").isEmpty();
        return (SourceFailedException) thrown;
    }

    private void expectRecovery(BackupPipeline pipeline) {
        BackupResult result = pipeline.backup();
        assertThat(result.manifest().counts().nodes()).isEqualTo(NODES);
        assertThat(pipeline.list()).hasSize(1);
        recoveries.incrementAndGet();
    }

    private static BackupPipeline pipeline(BackupSource source, Path repository) {
        return BackupPipeline.builder().source(source).transform(Compression.zstd())
                .target(LocalStorageTarget.of(repository)).build();
    }

    private static List<Path> files(Path repository) {
        try (Stream<Path> walk = Files.walk(repository)) {
            return walk.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Driver driver(URI uri) {
        return GraphDatabase.driver(uri, AuthTokens.none(), Config.builder().withoutEncryption()
                .withConnectionTimeout(5, TimeUnit.SECONDS).withMaxTransactionRetryTime(0, TimeUnit.SECONDS).build());
    }

    private static void fill(Driver driver) {
        try (Session s = driver.session()) {
            s.run("UNWIND range(1, $n) AS i CREATE (:Item {i: i, text: 'some text to make the record longer ' + i})",
                    java.util.Map.of("n", NODES)).consume();
            s.run("MATCH (a:Item), (b:Item) WHERE b.i = a.i + 1 AND a.i % 2 = 0 CREATE (a)-[:NEXT {w: a.i}]->(b)")
                    .consume();
        }
    }

    /** The source, with {@code action} run once (in the exporting thread) after {@code limit} bytes of output. */
    private static BackupSource afterBytes(BackupSource source, long limit, Runnable action) {
        return new BackupSource() {
            @Override
            public String type() {
                return source.type();
            }

            @Override
            public String database() {
                return source.database();
            }

            @Override
            public String extension() {
                return source.extension();
            }

            @Override
            public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
                return source.export(new FilterOutputStream(out) {
                    private long written;
                    private boolean fired;

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                        written += len;
                        if (written > limit && !fired) {
                            fired = true;
                            action.run();
                        }
                    }
                }, context);
            }
        };
    }
}
