package io.github.neo4jbackup.export.admin;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.hook.BackupHooks;
import io.github.neo4jbackup.core.spi.BackupHook;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Community dump/load path against the official Neo4j image, the way it is documented for
 * Docker: {@code docker stop} / {@code docker start} as the hook, and neo4j-admin run in a one-off
 * container that shares the server container's volumes ({@code docker run --rm -i --volumes-from}).
 * Only in the {@code docker} Maven profile, only where a Docker engine and the {@code docker} CLI
 * are available: {@code disabledWithoutDocker} skips it everywhere else. Never run on the machines
 * this module was built on (they have no Docker engine).
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerNeo4jAdminTest {

    private static final String IMAGE = "neo4j:" + System.getProperty("neo4j.version", "5.26.30") + "-community";

    @TempDir
    Path dir;

    @Test
    void dumpWithDockerStopStartAndLoadIntoAnotherContainer() throws Exception {
        assumeTrue(dockerCli(), "the docker CLI is needed for the documented command prefix");
        String nameA = "neo4j-backup-a-" + UUID.randomUUID();
        String nameB = "neo4j-backup-b-" + UUID.randomUUID();
        try (GenericContainer<?> a = server(nameA); GenericContainer<?> b = server(nameB)) {
            a.start();
            b.start();
            List<Double> query = AgentMemoryGraph.create(bolt(nameA));
            GraphSnapshot expected;
            try (Driver driver = AgentMemoryGraph.driver(bolt(nameA))) {
                expected = GraphSnapshot.of(driver, query);
            }

            BackupPipeline pipeline = BackupPipeline.builder()
                    .source(AdminDumpSource.of(oneOff(nameA), "neo4j"))
                    .hook(dockerStopStart(nameA))
                    .transform(Compression.zstd())
                    .target(LocalStorageTarget.of(dir.resolve("repository")))
                    .build();
            BackupResult backup = pipeline.backup();
            assertThat(backup.manifest().source().attributes()).containsEntry("dump.format", "DZV1")
                    .containsKey("downtime.ms");
            awaitBolt(nameA);

            pipeline.restore(backup.id(), AdminLoadSink.builder(oneOff(nameB), "neo4j")
                    .hook(dockerStopStart(nameB)).checkAfterLoad(true).build());
            awaitBolt(nameB);
            try (Driver driver = AgentMemoryGraph.driver(bolt(nameB))) {
                assertThat(GraphSnapshot.of(driver, query)).isEqualTo(expected);
            }
        }
    }

    private static GenericContainer<?> server(String name) {
        return new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withCreateContainerCmdModifier(cmd -> cmd.withName(name))
                .withEnv("NEO4J_AUTH", "none")
                .withEnv("NEO4J_dbms_usage__report_enabled", "false")
                .withExposedPorts(7687)
                .waitingFor(Wait.forLogMessage(".*Started\\..*", 1).withStartupTimeout(Duration.ofMinutes(3)));
    }

    /** neo4j-admin in a one-off container with the (stopped) server container's volumes. */
    private static Neo4jAdmin oneOff(String container) {
        return Neo4jAdmin.command(List.of("docker", "run", "--rm", "-i", "--volumes-from", container, IMAGE,
                "neo4j-admin")).timeout(Duration.ofMinutes(10)).build();
    }

    private static BackupHook dockerStopStart(String container) {
        return BackupHooks.commands(List.of("docker", "stop", container), List.of("docker", "start", container),
                Duration.ofMinutes(2), Map.of());
    }

    /** The Bolt URI of a container, inspected again: a restarted container may get another host port. */
    private static String bolt(String container) {
        DockerClient client = DockerClientFactory.instance().client();
        Ports.Binding[] bindings = client.inspectContainerCmd(container).exec().getNetworkSettings().getPorts()
                .getBindings().get(ExposedPort.tcp(7687));
        return "bolt://" + DockerClientFactory.instance().dockerHostIpAddress() + ":" + bindings[0].getHostPortSpec();
    }

    private static void awaitBolt(String container) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try (Driver driver = AgentMemoryGraph.driver(bolt(container))) {
                driver.verifyConnectivity();
                return;
            } catch (RuntimeException e) {
                last = e;
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException("Neo4j in container " + container + " did not come back", last);
    }

    private static boolean dockerCli() {
        try {
            return new ProcessBuilder("docker", "version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
