package io.github.neo4jbackup.core.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.PruneResult;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.Secret;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.spi.ObjectKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link BackupListener} that POSTs a JSON notification to a webhook when a backup, restore,
 * verification or prune fails and, if {@linkplain Builder#notifyOnSuccess(boolean) asked}, when one
 * succeeds.
 *
 * <pre>{@code
 * WebhookNotifier slack = WebhookNotifier.builder(Secret.of(System.getenv("SLACK_WEBHOOK_URL")))
 *         .format(WebhookNotifier.Format.SLACK)
 *         .build();
 * BackupPipeline pipeline = BackupPipeline.builder()....listener(slack).build();
 * ...
 * slack.close();   // waits (bounded) for notifications still in flight
 * }</pre>
 *
 * <p>Delivery is asynchronous by default (the pipeline thread never waits on the network), bounded
 * by a connect and a request timeout and by a maximum number of deliveries in flight; a
 * notification that cannot be sent is logged (without the address) and dropped. With
 * {@link Builder#synchronous(boolean) synchronous(true)} the listener call waits for the delivery,
 * at most the connect plus the request timeout, which suits short-lived processes such as a CLI run from cron.
 * Nothing this class does throws into the pipeline.
 *
 * <p>The webhook address is treated as a secret (Slack and most chat webhooks carry their token in
 * the path): {@link #toString()} and log messages show only its scheme and host.
 *
 * <p>The generic payload is one JSON object: {@code event} ({@code backup.failed},
 * {@code backup.succeeded}, {@code backup.suspect} (a shrink guard marked the stored backup suspect;
 * always sent, with status {@code failure} and the reasons in {@code suspect}), {@code restore.failed}, {@code restore.succeeded},
 * {@code verify.failed}, {@code verify.succeeded}, {@code prune.failed}, {@code prune.succeeded}),
 * {@code status} ({@code failure} or {@code success}), {@code source} (the configured source name),
 * {@code timestamp}, {@code id} and {@code database} where known, {@code message} (a human
 * sentence), {@code error} (the exception type, on failures), and event-specific facts (sizes,
 * duration in milliseconds, problems). The Slack payload is {@code {"text": message}}, the Discord
 * payload {@code {"content": message}}, the Teams payload a {@code MessageCard} (see {@link Format}).
 *
 * <p>Instances are thread-safe.
 */
public final class WebhookNotifier implements BackupListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The payload shape. */
    public enum Format {
        /** A generic JSON object with the event's facts (see the class documentation). */
        GENERIC,
        /** A Slack incoming-webhook payload, {@code {"text": "..."}}; also understood by Mattermost and Rocket.Chat. */
        SLACK,
        /** A Discord webhook payload, {@code {"content": "..."}} (at most 2000 characters, as Discord requires). */
        DISCORD,
        /**
         * A Microsoft Teams incoming-webhook payload: a {@code MessageCard} with {@code summary},
         * {@code themeColor} (green or red), {@code title} and {@code text}.
         */
        TEAMS
    }

    /** Discord refuses messages over 2000 characters. */
    private static final int DISCORD_MAX_CHARS = 2000;

    private final Secret url;
    private final URI uri;
    private final String redactedUrl;
    private final Format format;
    private final boolean notifyOnSuccess;
    private final boolean synchronous;
    private final Duration requestTimeout;
    private final Duration connectTimeout;
    private final String sourceName;
    private final Map<String, Secret> headers;
    private final HttpClient client;
    private final Clock clock;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final Map<String, String> databases = new ConcurrentHashMap<>();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    private WebhookNotifier(Builder b) {
        this.url = b.url;
        this.uri = parse(b.url);
        this.redactedUrl = redact(uri);
        this.format = b.format;
        this.notifyOnSuccess = b.notifyOnSuccess;
        this.synchronous = b.synchronous;
        this.requestTimeout = b.requestTimeout;
        this.connectTimeout = b.connectTimeout;
        this.sourceName = b.sourceName;
        this.headers = Map.copyOf(b.headers);
        this.client = HttpClient.newBuilder()
                .connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.clock = b.clock;
        this.maxInFlight = b.maxInFlight;
        this.inFlight = new Semaphore(b.maxInFlight);
    }

    /**
     * Starts a builder.
     *
     * @param url the webhook address ({@code http} or {@code https}); kept as a secret
     * @return the builder
     */
    public static Builder builder(Secret url) {
        return new Builder(url);
    }

    private static URI parse(Secret url) {
        URI parsed;
        try {
            parsed = new URI(url.revealString().trim());
        } catch (java.net.URISyntaxException e) {
            // the message of URISyntaxException repeats the input: do not chain it
            throw new InvalidInputException("The webhook URL is not a valid URI (at index " + e.getIndex()
                    + "); pass the full https://... address");
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidInputException("The webhook URL must start with https:// (or http://), not '"
                    + (scheme.isEmpty() ? "(no scheme)" : scheme + ":") + "'");
        }
        if (parsed.getHost() == null) {
            throw new InvalidInputException("The webhook URL has no host; pass the full https://host/... address");
        }
        return parsed;
    }

    private static String redact(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + "/"
                + Secret.REDACTED;
    }

    // ------------------------------------------------------------------ events

    @Override
    public void backupStarted(String id, String database, ObjectKey dataKey) {
        databases.put(id, database);
    }

    @Override
    public void backupCommitted(BackupResult result) {
        databases.remove(result.id());
        if (result.manifest().isSuspect()) { // always told, like a failure: the graph may have been wiped
            Map<String, Object> p = payload("backup.suspect", false, result.id(), result.manifest().database(),
                    String.format(Locale.ROOT, "Backup %s of database '%s' is SUSPECT (stored, retention not "
                            + "applied): %s", result.id(), result.manifest().database(),
                            String.join("; ", result.manifest().suspect())));
            p.put("key", result.dataKey().value());
            p.put("suspect", result.manifest().suspect());
            send(p);
            return;
        }
        if (!notifyOnSuccess) {
            return;
        }
        Map<String, Object> p = payload("backup.succeeded", true, result.id(), result.manifest().database(),
                String.format(Locale.ROOT, "Backup %s of database '%s' succeeded: %,d bytes stored (%,d raw) in %s",
                        result.id(), result.manifest().database(), result.storedSize(), result.rawSize(),
                        human(result.duration())));
        p.put("key", result.dataKey().value());
        p.put("rawSize", result.rawSize());
        p.put("storedSize", result.storedSize());
        p.put("durationMs", result.duration().toMillis());
        p.put("storedSha256", result.storedSha256());
        p.put("labels", result.manifest().labels());
        result.pruneFailureMessage().ifPresent(m -> p.put("pruneFailure", m));
        send(p);
    }

    @Override
    public void backupFailed(String id, BackupException failure) {
        String database = databases.remove(id);
        Map<String, Object> p = payload("backup.failed", false, id, database,
                "Backup " + id + (database == null ? "" : " of database '" + database + "'") + " FAILED: "
                        + message(failure));
        p.put("error", failure.getClass().getSimpleName());
        send(p);
    }

    @Override
    public void restoreCompleted(RestoreResult result) {
        if (!notifyOnSuccess) {
            return;
        }
        Map<String, Object> p = payload("restore.succeeded", true, result.manifest().id(), result.manifest().database(),
                String.format(Locale.ROOT, "Restore of backup %s (database '%s') succeeded: %,d bytes in %s",
                        result.manifest().id(), result.manifest().database(), result.rawBytes(), human(result.duration())));
        p.put("rawBytes", result.rawBytes());
        p.put("durationMs", result.duration().toMillis());
        result.countsMatched().ifPresent(m -> p.put("countsMatched", m));
        send(p);
    }

    @Override
    public void restoreFailed(String id, BackupException failure) {
        Map<String, Object> p = payload("restore.failed", false, id, null,
                "Restore of backup " + id + " FAILED: " + message(failure));
        p.put("error", failure.getClass().getSimpleName());
        send(p);
    }

    @Override
    public void verified(VerifyReport report) {
        if (report.ok() && !notifyOnSuccess) {
            return;
        }
        String level = report.level().name().toLowerCase(Locale.ROOT);
        Map<String, Object> p = payload(report.ok() ? "verify.succeeded" : "verify.failed", report.ok(), report.id(), null,
                report.ok() ? "Verification (" + level + ") of backup " + report.id() + " passed"
                        : "Verification (" + level + ") of backup " + report.id() + " FAILED: "
                        + String.join("; ", report.problems()));
        p.put("level", level);
        p.put("problems", report.problems());
        p.put("durationMs", report.duration().toMillis());
        send(p);
    }

    @Override
    public void pruned(PruneResult result) {
        if (!notifyOnSuccess || result.dryRun()) {
            return;
        }
        Map<String, Object> p = payload("prune.succeeded", true, null, null,
                "Retention kept " + result.kept().size() + " and deleted " + result.deleted().size() + " backups");
        p.put("kept", result.kept().size());
        p.put("deleted", result.deleted().size());
        send(p);
    }

    @Override
    public void pruneFailed(BackupException failure) {
        Map<String, Object> p = payload("prune.failed", false, null, null, "Retention FAILED: " + message(failure));
        p.put("error", failure.getClass().getSimpleName());
        send(p);
    }

    // ------------------------------------------------------------------ delivery

    private Map<String, Object> payload(String event, boolean success, String id, String database, String message) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("event", event);
        p.put("status", success ? "success" : "failure");
        p.put("source", sourceName);
        p.put("timestamp", clock.instant().toString());
        if (id != null) {
            p.put("id", id);
        }
        if (database != null) {
            p.put("database", database);
        }
        p.put("message", message);
        return p;
    }

    private static String message(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        return ms < 10_000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private String body(Map<String, Object> payload) throws JsonProcessingException {
        boolean success = "success".equals(payload.get("status"));
        String icon = success ? ":white_check_mark:" : ":rotating_light:";
        switch (format) {
            case SLACK:
                return MAPPER.writeValueAsString(Map.of("text", icon + " *" + sourceName + "* " + payload.get("message")));
            case DISCORD: {
                String content = icon + " **" + sourceName + "** " + payload.get("message");
                if (content.length() > DISCORD_MAX_CHARS) {
                    content = content.substring(0, DISCORD_MAX_CHARS - 3) + "...";
                }
                return MAPPER.writeValueAsString(Map.of("content", content));
            }
            case TEAMS: {
                Map<String, Object> card = new LinkedHashMap<>();
                card.put("@type", "MessageCard");
                card.put("@context", "https://schema.org/extensions");
                card.put("summary", sourceName + ": " + payload.get("event"));
                card.put("themeColor", success ? "2EB886" : "D00000");
                card.put("title", sourceName + ": " + payload.get("event"));
                card.put("text", payload.get("message"));
                return MAPPER.writeValueAsString(card);
            }
            default:
                return MAPPER.writeValueAsString(payload);
        }
    }

    private void send(Map<String, Object> payload) {
        try {
            deliver(payload);
        } catch (RuntimeException e) { // never break a run, even if the JSON mapper or the client misbehaves
            failed.incrementAndGet();
            LOG.warn("Webhook notification {} to {} failed: {}", payload.get("event"), redactedUrl, clean(e));
        }
    }

    private void deliver(Map<String, Object> payload) {
        Object event = payload.get("event");
        if (closed) {
            dropped.incrementAndGet();
            LOG.warn("Webhook notifier for {} is closed; dropped notification {}", redactedUrl, event);
            return;
        }
        if (!inFlight.tryAcquire()) {
            dropped.incrementAndGet();
            LOG.warn("{} webhook notifications to {} are still in flight; dropped notification {}", maxInFlight,
                    redactedUrl, event);
            return;
        }
        HttpRequest request;
        try {
            HttpRequest.Builder rb = HttpRequest.newBuilder(uri)
                    .timeout(requestTimeout)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("User-Agent", "neo4j-backup-webhook")
                    .POST(HttpRequest.BodyPublishers.ofString(body(payload), StandardCharsets.UTF_8));
            headers.forEach((name, value) -> rb.header(name, value.revealString()));
            request = rb.build();
        } catch (JsonProcessingException | RuntimeException e) {
            inFlight.release();
            failed.incrementAndGet();
            LOG.warn("Webhook notification {} to {} could not be built: {}", event, redactedUrl, clean(e));
            return;
        }
        CompletableFuture<HttpResponse<String>> future =
                client.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        CompletableFuture<Void> done = future.handle((response, error) -> {
            try {
                if (error != null) {
                    failed.incrementAndGet();
                    LOG.warn("Webhook notification {} to {} failed: {}; check the address and that the receiver is up",
                            event, redactedUrl, clean(error instanceof java.util.concurrent.CompletionException
                                    && error.getCause() != null ? error.getCause() : error));
                } else if (response.statusCode() / 100 != 2) {
                    failed.incrementAndGet();
                    LOG.warn("Webhook notification {} to {} was refused with HTTP {}: {}", event, redactedUrl,
                            response.statusCode(), abbreviate(response.body()));
                } else {
                    delivered.incrementAndGet();
                    LOG.debug("Webhook notification {} delivered to {}", event, redactedUrl);
                }
            } finally {
                inFlight.release();
            }
            return null;
        });
        if (synchronous) {
            try {
                // connect timeout plus request timeout bound the exchange
                done.get(connectTimeout.plus(requestTimeout).toMillis() + 500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("Webhook notification {} to {} did not finish in time", event, redactedUrl);
            }
        }
    }

    private String clean(Throwable t) {
        String text = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        String raw = url.revealString().trim();
        text = text.replace(raw, redactedUrl);
        if (uri.getRawPath() != null && uri.getRawPath().length() > 1) {
            text = text.replace(uri.getRawPath(), "/" + Secret.REDACTED);
        }
        if (uri.getRawQuery() != null) {
            text = text.replace(uri.getRawQuery(), Secret.REDACTED);
        }
        return text;
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "";
        }
        String oneLine = body.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }

    /**
     * Waits until no notification is in flight.
     *
     * @param timeout how long to wait at most
     * @return {@code true} if nothing is in flight any more
     */
    public boolean awaitIdle(Duration timeout) {
        try {
            if (inFlight.tryAcquire(maxInFlight, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                inFlight.release(maxInFlight);
                return true;
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Notifications delivered with a 2xx answer so far.
     *
     * @return the count
     */
    public long deliveredCount() {
        return delivered.get();
    }

    /**
     * Notifications that failed (connection error, timeout, non-2xx answer) so far.
     *
     * @return the count
     */
    public long failedCount() {
        return failed.get();
    }

    /**
     * Notifications dropped because too many were in flight or the notifier was closed.
     *
     * @return the count
     */
    public long droppedCount() {
        return dropped.get();
    }

    /**
     * Stops accepting notifications and waits, at most the connect plus the request timeout, for
     * those in flight. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        if (!awaitIdle(connectTimeout.plus(requestTimeout).plusMillis(500))) {
            LOG.warn("Webhook notifications to {} were still in flight at close", redactedUrl);
        }
    }

    @Override
    public String toString() {
        return "WebhookNotifier[" + redactedUrl + ", " + format + (notifyOnSuccess ? ", failures and successes"
                : ", failures only") + "]";
    }

    /** Builds a {@link WebhookNotifier}; obtain one from {@link WebhookNotifier#builder(Secret)}. */
    public static final class Builder {
        private final Secret url;
        private Format format = Format.GENERIC;
        private boolean notifyOnSuccess;
        private boolean synchronous;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private String sourceName = "neo4j-backup";
        private final Map<String, Secret> headers = new LinkedHashMap<>();
        private int maxInFlight = 16;
        private Clock clock = Clock.systemUTC();

        private Builder(Secret url) {
            this.url = Objects.requireNonNull(url, "url");
        }

        /**
         * The payload shape; default {@link Format#GENERIC}.
         *
         * @param value the format
         * @return this builder
         */
        public Builder format(Format value) {
            this.format = Objects.requireNonNull(value, "format");
            return this;
        }

        /**
         * Whether successful backups, restores, verifications and (non-dry-run) prunes are notified too;
         * default {@code false} (failures only).
         *
         * @param value whether to notify successes
         * @return this builder
         */
        public Builder notifyOnSuccess(boolean value) {
            this.notifyOnSuccess = value;
            return this;
        }

        /**
         * Whether the listener call waits for the delivery (at most the connect plus the request timeout); default
         * {@code false}: deliveries run in the background.
         *
         * @param value whether to deliver synchronously
         * @return this builder
         */
        public Builder synchronous(boolean value) {
            this.synchronous = value;
            return this;
        }

        /**
         * The connect timeout; default 5 s.
         *
         * @param value the timeout (positive)
         * @return this builder
         */
        public Builder connectTimeout(Duration value) {
            this.connectTimeout = positive(value, "connectTimeout");
            return this;
        }

        /**
         * The timeout of a whole request; default 10 s.
         *
         * @param value the timeout (positive)
         * @return this builder
         */
        public Builder requestTimeout(Duration value) {
            this.requestTimeout = positive(value, "requestTimeout");
            return this;
        }

        /**
         * A name for what sends the notification (an application or host name), included in every
         * payload; default {@code neo4j-backup}.
         *
         * @param value the name
         * @return this builder
         */
        public Builder sourceName(String value) {
            this.sourceName = Objects.requireNonNull(value, "sourceName");
            return this;
        }

        /**
         * An extra request header, for receivers that authenticate by header (the value is kept as a
         * secret and never logged).
         *
         * @param name  the header name
         * @param value the header value
         * @return this builder
         */
        public Builder header(String name, Secret value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * How many notifications may be in flight at once; further ones are dropped (and logged).
         * Default 16.
         *
         * @param value the maximum (at least 1)
         * @return this builder
         */
        public Builder maxInFlight(int value) {
            if (value < 1) {
                throw new InvalidInputException("maxInFlight must be at least 1, not " + value);
            }
            this.maxInFlight = value;
            return this;
        }

        /**
         * The clock for payload timestamps; default UTC system clock.
         *
         * @param value the clock
         * @return this builder
         */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Builds the notifier.
         *
         * @return the notifier
         * @throws InvalidInputException if the URL is not an http(s) URL
         */
        public WebhookNotifier build() {
            return new WebhookNotifier(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isZero() || value.isNegative()) {
                throw new InvalidInputException(name + " must be positive, not " + value);
            }
            return value;
        }
    }
}
