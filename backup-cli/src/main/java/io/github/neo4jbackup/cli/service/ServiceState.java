package io.github.neo4jbackup.cli.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the service knows about its runs, and the health verdict {@code GET /health} answers with.
 * Thread-safe: the run thread writes, the HTTP threads read.
 *
 * <p>Healthy (200) when the last run did not fail and the newest successful backup is younger than
 * {@code maxAge}; before any backup exists, 200 with status {@code starting} until the first due
 * time plus {@code maxAge} has passed; otherwise 503 with the reason.
 */
public final class ServiceState {

    /**
     * The answer to a health probe.
     *
     * @param healthy whether the service is healthy (HTTP 200) or not (503)
     * @param body    the JSON object's fields: {@code status} ({@code ok}, {@code starting} or
     *                {@code unhealthy}), {@code reason} when unhealthy, and the run facts
     */
    public record Health(boolean healthy, Map<String, Object> body) {
    }

    private final Clock clock;
    private final Duration maxAge;
    private final Instant startedAt;
    private Instant firstDue;
    private Instant nextRun;
    private Instant lastRunStarted;
    private Instant lastRunFinished;
    private String lastOutcome;
    private String lastError;
    private String lastSuccessId;
    private Instant lastSuccessAt;
    private Instant newestBackupAt;
    private long runs;
    private long failures;
    private long skipped;

    /**
     * Creates the state of a service that starts now.
     *
     * @param clock  the clock
     * @param maxAge how old the newest backup may be before the service is unhealthy
     */
    public ServiceState(Clock clock, Duration maxAge) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
        this.startedAt = clock.instant();
    }

    /**
     * The next due time.
     *
     * @param due the time
     */
    public synchronized void nextRun(Instant due) {
        if (firstDue == null) {
            firstDue = due;
        }
        nextRun = due;
    }

    /**
     * A run that was due now starts at once (run on start) and counts as the first due time.
     *
     * @param now the time
     */
    public synchronized void dueNow(Instant now) {
        if (firstDue == null || now.isBefore(firstDue)) {
            firstDue = now;
        }
    }

    /**
     * The newest backup in the repository, as found at start.
     *
     * @param finishedAt when it was committed
     */
    public synchronized void newestBackup(Instant finishedAt) {
        if (newestBackupAt == null || finishedAt.isAfter(newestBackupAt)) {
            newestBackupAt = finishedAt;
        }
    }

    /** A run started. */
    public synchronized void runStarted() {
        lastRunStarted = clock.instant();
        runs++;
    }

    /**
     * The run succeeded.
     *
     * @param id         the (last) backup id it made
     * @param finishedAt when that backup was committed
     */
    public synchronized void runSucceeded(String id, Instant finishedAt) {
        lastRunFinished = clock.instant();
        lastOutcome = "success";
        lastError = null;
        lastSuccessId = id;
        lastSuccessAt = finishedAt;
        newestBackup(finishedAt);
    }

    /**
     * The run failed.
     *
     * @param error what went wrong (no secrets)
     */
    public synchronized void runFailed(String error) {
        lastRunFinished = clock.instant();
        lastOutcome = "failure";
        lastError = error;
        failures++;
    }

    /** A due run was skipped because the previous one still ran. */
    public synchronized void skipped() {
        skipped++;
    }

    /**
     * When the newest successful backup was committed, if known.
     *
     * @return the time or {@code null}
     */
    public synchronized Instant newestBackupAt() {
        return newestBackupAt;
    }

    /**
     * The health verdict now.
     *
     * @return the verdict
     */
    public synchronized Health health() {
        Instant now = clock.instant();
        Map<String, Object> body = new LinkedHashMap<>();
        String status;
        String reason = null;
        if ("failure".equals(lastOutcome)) {
            status = "unhealthy";
            reason = "the last run failed: " + lastError;
        } else if (newestBackupAt != null) {
            Duration age = Duration.between(newestBackupAt, now);
            if (age.compareTo(maxAge) > 0) {
                status = "unhealthy";
                reason = "the newest backup is " + seconds(age) + " s old, more than --max-age (" + seconds(maxAge) + " s)";
            } else {
                status = "ok";
            }
        } else {
            Instant deadline = (firstDue == null ? startedAt : firstDue).plus(maxAge);
            if (now.isAfter(deadline)) {
                status = "unhealthy";
                reason = "no successful backup yet, " + seconds(Duration.between(startedAt, now))
                        + " s after start (--max-age " + seconds(maxAge) + " s)";
            } else {
                status = "starting";
            }
        }
        body.put("status", status);
        if (reason != null) {
            body.put("reason", reason);
        }
        body.put("startedAt", startedAt.toString());
        put(body, "lastRunStartedAt", lastRunStarted);
        put(body, "lastRunFinishedAt", lastRunFinished);
        if (lastOutcome != null) {
            body.put("lastRunOutcome", lastOutcome);
        }
        put(body, "lastSuccessAt", lastSuccessAt);
        if (lastSuccessId != null) {
            body.put("lastSuccessId", lastSuccessId);
        }
        put(body, "nextRunAt", nextRun);
        if (newestBackupAt != null) {
            body.put("newestBackupAgeSeconds", seconds(Duration.between(newestBackupAt, now)));
        }
        body.put("maxAgeSeconds", seconds(maxAge));
        body.put("runs", runs);
        body.put("failedRuns", failures);
        body.put("skippedRuns", skipped);
        return new Health(!"unhealthy".equals(status), body);
    }

    private static void put(Map<String, Object> body, String key, Instant value) {
        if (value != null) {
            body.put(key, value.toString());
        }
    }

    private static long seconds(Duration d) {
        return d.toSeconds();
    }
}
