package io.github.neo4jbackup.cli;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A webhook endpoint on a free port that records every POST (path and body) and answers 204. */
final class WebhookReceiver implements AutoCloseable {

    /** A secret-looking token in the webhook path, which must never show in logs or payloads. */
    static final String TOKEN = "T0KEN-must-stay-secret-4711";

    final List<String> bodies = new CopyOnWriteArrayList<>();
    final List<String> paths = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().toString());
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/" + TOKEN + "?key=" + TOKEN;
    }

    /** Waits until at least n bodies arrived. */
    void await(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (bodies.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
