package io.github.neo4jbackup.cli.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The service's HTTP endpoint on the JDK's built-in server: {@code GET /health} (200 or 503 with a
 * small JSON object, see {@link ServiceState#health()}) and {@code GET /metrics} (Prometheus text).
 * Anything else is 404, any method but GET and HEAD is 405. Two daemon threads serve requests.
 */
public final class HealthServer implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;

    private HealthServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds and starts the server.
     *
     * @param bind    the address to listen on ({@code 0.0.0.0} for every interface)
     * @param port    the port, 0 for any free one
     * @param state   the health source
     * @param metrics the metrics source
     * @return the running server
     * @throws IOException when the address cannot be bound
     */
    public static HealthServer start(String bind, int port, ServiceState state, ServiceMetrics metrics)
            throws IOException {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(metrics, "metrics");
        HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "neo4j-backup-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/health", exchange -> {
            if (allowed(exchange) && exact(exchange, "/health")) {
                ServiceState.Health health = state.health();
                send(exchange, health.healthy() ? 200 : 503, "application/json; charset=utf-8",
                        MAPPER.writeValueAsString(health.body()) + "\n");
            }
        });
        server.createContext("/metrics", exchange -> {
            if (allowed(exchange) && exact(exchange, "/metrics")) {
                send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
            }
        });
        server.createContext("/", exchange -> {
            if (allowed(exchange)) {
                send(exchange, 404, "text/plain; charset=utf-8", "Not found: try /health or /metrics\n");
            }
        });
        server.start();
        return new HealthServer(server, executor);
    }

    private static boolean allowed(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain; charset=utf-8", "Method not allowed: use GET\n");
        return false;
    }

    private static boolean exact(HttpExchange exchange, String path) throws IOException {
        if (exchange.getRequestURI().getPath().equals(path)) {
            return true;
        }
        send(exchange, 404, "text/plain; charset=utf-8", "Not found: try /health or /metrics\n");
        return false;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }

    /**
     * The port the server listens on (useful with port 0).
     *
     * @return the port
     */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops the server, waiting at most a second for exchanges in progress. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
