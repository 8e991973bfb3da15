package io.github.neo4jbackup.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.Secret;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookNotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile CountDownLatch hold = new CountDownLatch(0);

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try {
                hold.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            paths.add(exchange.getRequestURI().toString());
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] answer = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stopServer() {
        hold.countDown();
        server.stop(0);
    }

    private Secret url(String path) {
        return Secret.of("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private static BackupSource source(boolean fail) {
        return new BackupSource() {
            @Override
            public String type() {
                return "test";
            }

            @Override
            public String database() {
                return "graphiti";
            }

            @Override
            public String extension() {
                return "txt";
            }

            @Override
            public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
                out.write("hello".getBytes(StandardCharsets.UTF_8));
                if (fail) {
                    throw new IOException("the database went away");
                }
                return SourceDescription.of(type(), database());
            }
        };
    }

    @Test
    void postsGenericJsonOnFailureOnly() throws Exception {
        try (WebhookNotifier notifier = WebhookNotifier.builder(url("/hook")).sourceName("prod-eu").build()) {
            InMemoryStorageTarget target = new InMemoryStorageTarget();
            BackupPipeline ok = BackupPipeline.builder().source(source(false)).target(target).listener(notifier).build();
            ok.backup();
            BackupPipeline failing = ok.toBuilder().source(source(true)).build();
            assertThatThrownBy(failing::backup).isInstanceOf(io.github.neo4jbackup.core.BackupException.class);
            assertThat(notifier.awaitIdle(Duration.ofSeconds(10))).isTrue();

            assertThat(bodies).hasSize(1);
            JsonNode body = JSON.readTree(bodies.get(0));
            assertThat(body.get("event").asText()).isEqualTo("backup.failed");
            assertThat(body.get("status").asText()).isEqualTo("failure");
            assertThat(body.get("source").asText()).isEqualTo("prod-eu");
            assertThat(body.get("database").asText()).isEqualTo("graphiti");
            assertThat(body.get("id").asText()).isNotBlank();
            assertThat(body.get("error").asText()).isEqualTo("SourceFailedException");
            assertThat(body.get("message").asText()).contains("FAILED");
            assertThat(notifier.deliveredCount()).isEqualTo(1);
        }
    }

    @Test
    void notifiesSuccessesWhenAskedAndSlackFormatHasOnlyText() throws Exception {
        WebhookNotifier notifier = WebhookNotifier.builder(url("/services/T000/B000/XXXXSECRET"))
                .format(WebhookNotifier.Format.SLACK).notifyOnSuccess(true).synchronous(true).build();
        BackupPipeline pipeline = BackupPipeline.builder().source(source(false)).target(new InMemoryStorageTarget())
                .listener(notifier).build();
        String id = pipeline.backup().id();
        pipeline.verify(id, VerifyLevel.FULL);
        notifier.close();

        assertThat(bodies).hasSize(2); // synchronous: already delivered
        for (String b : bodies) {
            JsonNode node = JSON.readTree(b);
            assertThat(node.size()).isEqualTo(1);
            assertThat(node.get("text").asText()).contains(id);
        }
        assertThat(JSON.readTree(bodies.get(0)).get("text").asText()).contains("succeeded").contains("graphiti");
        assertThat(JSON.readTree(bodies.get(1)).get("text").asText()).contains("passed");
        assertThat(paths).allMatch(p -> p.equals("/services/T000/B000/XXXXSECRET"));
    }

    @Test
    void aSuspectBackupIsNotifiedLikeAFailure() throws Exception {
        BackupSource empty = new BackupSource() {
            @Override
            public String type() {
                return "test";
            }

            @Override
            public String database() {
                return "graphiti";
            }

            @Override
            public String extension() {
                return "txt";
            }

            @Override
            public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
                out.write("nothing".getBytes(StandardCharsets.UTF_8));
                return new SourceDescription(type(), null, null, null, database(),
                        io.github.neo4jbackup.core.spi.GraphCounts.of(0, 0), java.util.Map.of());
            }
        };
        WebhookNotifier notifier = WebhookNotifier.builder(url("/hook")).synchronous(true).build();
        BackupPipeline pipeline = BackupPipeline.builder().source(empty).target(new InMemoryStorageTarget())
                .shrinkGuard(new io.github.neo4jbackup.core.operation.ShrinkGuard(java.util.Set.of("Entity"), null))
                .listener(notifier).build();
        String id = pipeline.backup().id();
        notifier.close();
        assertThat(bodies).hasSize(1);
        JsonNode body = JSON.readTree(bodies.get(0));
        assertThat(body.get("event").asText()).isEqualTo("backup.suspect");
        assertThat(body.get("status").asText()).isEqualTo("failure");
        assertThat(body.get("id").asText()).isEqualTo(id);
        assertThat(body.get("message").asText()).contains("SUSPECT").contains("label Entity has no nodes");
    }

    @Test
    void discordAndTeamsBodies() throws Exception {
        for (WebhookNotifier.Format format : new WebhookNotifier.Format[] {WebhookNotifier.Format.DISCORD,
                WebhookNotifier.Format.TEAMS}) {
            try (WebhookNotifier notifier = WebhookNotifier.builder(url("/hook")).format(format).sourceName("prod")
                    .synchronous(true).build()) {
                BackupPipeline failing = BackupPipeline.builder().source(source(true))
                        .target(new InMemoryStorageTarget()).listener(notifier).build();
                assertThatThrownBy(failing::backup).isInstanceOf(io.github.neo4jbackup.core.BackupException.class);
            }
        }
        assertThat(bodies).hasSize(2);
        JsonNode discord = JSON.readTree(bodies.get(0));
        assertThat(discord.size()).isEqualTo(1);
        assertThat(discord.get("content").asText()).contains("**prod**").contains("FAILED").contains("graphiti");
        JsonNode teams = JSON.readTree(bodies.get(1));
        assertThat(teams.get("@type").asText()).isEqualTo("MessageCard");
        assertThat(teams.get("themeColor").asText()).isEqualTo("D00000");
        assertThat(teams.get("title").asText()).isEqualTo("prod: backup.failed");
        assertThat(teams.get("text").asText()).contains("FAILED");
    }

    @Test
    void urlIsRedactedInToString() {
        WebhookNotifier notifier = WebhookNotifier.builder(Secret.of("https://hooks.slack.com/services/T1/B2/token123?x=secret"))
                .build();
        assertThat(notifier.toString()).contains("hooks.slack.com").doesNotContain("token123").doesNotContain("secret")
                .contains(Secret.REDACTED);
    }

    @Test
    void invalidUrlsAreRejectedWithoutEchoingThem() {
        assertThatThrownBy(() -> WebhookNotifier.builder(Secret.of("ftp://host/tokenABC")).build())
                .isInstanceOf(InvalidInputException.class).hasMessageNotContaining("tokenABC");
        assertThatThrownBy(() -> WebhookNotifier.builder(Secret.of("https://host/a b|tokenABC")).build())
                .isInstanceOf(InvalidInputException.class).hasMessageNotContaining("tokenABC");
    }

    @Test
    void anUnreachableOrFailingReceiverNeverBreaksTheRun() throws Exception {
        status = 500;
        WebhookNotifier refusing = WebhookNotifier.builder(url("/hook")).synchronous(true).build();
        int freePort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            freePort = s.getLocalPort();
        }
        WebhookNotifier unreachable = WebhookNotifier.builder(Secret.of("http://127.0.0.1:" + freePort + "/hook"))
                .connectTimeout(Duration.ofSeconds(2)).synchronous(true).build();
        BackupPipeline failing = BackupPipeline.builder().source(source(true)).target(new InMemoryStorageTarget())
                .listener(refusing).listener(unreachable).build();
        assertThatThrownBy(failing::backup).isInstanceOf(io.github.neo4jbackup.core.SourceFailedException.class);
        assertThat(refusing.failedCount()).isEqualTo(1);
        assertThat(unreachable.failedCount()).isEqualTo(1);
        assertThatCode(refusing::close).doesNotThrowAnyException();
        assertThatCode(unreachable::close).doesNotThrowAnyException();
    }

    @Test
    void aSlowReceiverIsBoundedByTheTimeoutAndDropsBeyondTheInFlightLimit() {
        hold = new CountDownLatch(1); // the receiver hangs until released
        WebhookNotifier notifier = WebhookNotifier.builder(url("/hook")).requestTimeout(Duration.ofMillis(500))
                .maxInFlight(1).build();
        long start = System.nanoTime();
        notifier.pruneFailed(new InvalidInputException("first"));
        notifier.pruneFailed(new InvalidInputException("second"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(400)); // async
        assertThat(notifier.droppedCount()).isEqualTo(1);
        assertThat(notifier.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(notifier.failedCount()).isEqualTo(1); // timed out
        notifier.close();
        notifier.pruneFailed(new InvalidInputException("after close"));
        assertThat(notifier.droppedCount()).isEqualTo(2);
    }
}
