package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.cli.service.Durations;
import io.github.neo4jbackup.cli.service.HealthServer;
import io.github.neo4jbackup.cli.service.Notifier;
import io.github.neo4jbackup.cli.service.RunLog;
import io.github.neo4jbackup.cli.service.Schedule;
import io.github.neo4jbackup.cli.service.Scheduler;
import io.github.neo4jbackup.cli.service.ServiceMetrics;
import io.github.neo4jbackup.cli.service.ServiceState;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.LockHeldException;
import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.StorageTarget;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code neo4j-backup run}: the backup command on a schedule, as a long-running process (a container
 * next to Neo4j). Every option of {@code backup} applies (they come from the backup command itself,
 * as a mixin); each run waits for Neo4j, backs up, verifies and applies retention like
 * {@code backup}. Runs never overlap, a failed run never ends the process, SIGTERM/SIGINT stop it
 * gracefully with exit code 0. See {@code docs/service.md}.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = ServiceEnvironment.class,
        description = {"Run backups on a schedule as a long-running service (containers, systemd).",
                "Takes every option of 'backup', plus the scheduling, health and metrics options below."})
final class RunCommand implements Callable<Integer> {

    /** How long an interrupted (cancelled) run may take to clean up before the process exits anyway. */
    static final Duration CANCEL_WAIT = Duration.ofSeconds(60);

    @ParentCommand
    NeoBackupCommand root;

    @Mixin
    BackupCommand backup;

    @Option(names = "--schedule", paramLabel = "CRON",
            description = "Cron schedule, five fields (minute hour day-of-month month day-of-week) or @hourly/@daily/"
                    + "@weekly/@monthly, e.g. '0 2 * * *' (env BACKUP_SCHEDULE).")
    String schedule;

    @Option(names = "--timezone", paramLabel = "ZONE",
            description = "Time zone of --schedule, e.g. Europe/Berlin (env BACKUP_TIMEZONE; default UTC).")
    String timezone;

    @Option(names = "--every", paramLabel = "DURATION",
            description = "Run at a fixed interval instead of a cron schedule: 30s, 15m, 6h (env BACKUP_EVERY).")
    String every;

    @Option(names = "--run-on-start",
            description = "Back up once right after start, then follow the schedule (env RUN_IMMEDIATE_BACKUP=true).")
    Boolean runOnStart;

    @Option(names = "--wait-timeout", paramLabel = "DURATION",
            description = "How long a run waits for Neo4j to answer before it counts as failed"
                    + " (env BACKUP_WAIT_TIMEOUT; default 5m).")
    String waitTimeout;

    @Option(names = "--shutdown-grace", paramLabel = "DURATION",
            description = "On SIGTERM, how long a running backup may still take before it is cancelled"
                    + " (env BACKUP_SHUTDOWN_GRACE; default 5m).")
    String shutdownGrace;

    @Option(names = "--max-age", paramLabel = "DURATION",
            description = "/health turns 503 when the newest backup is older (env BACKUP_MAX_AGE;"
                    + " default twice the schedule interval).")
    String maxAge;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Serve GET /health and GET /metrics on this port, 0 for any free one (env HTTP_PORT;"
                    + " default: no HTTP endpoint).")
    Integer httpPort;

    @Option(names = "--http-bind", paramLabel = "ADDR",
            description = "Address the HTTP endpoint listens on (env HTTP_BIND; default 0.0.0.0, every interface,"
                    + " as a container needs).")
    String httpBind;

    @Option(names = "--log-format", paramLabel = "json|text",
            description = "Format of the run log lines on stdout (env LOG_FORMAT; default text).")
    String logFormat;

    private final AtomicLong runNumber = new AtomicLong();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private Clock clock;
    private RunLog log;
    private ServiceState state;
    private ServiceMetrics metrics;
    private Duration waitFor;
    private List<BackupListener> listeners;
    private Notifier notifier;
    private java.nio.file.Path metricsFile;

    CliContext ctx() {
        return root.context();
    }

    private String setting(String flagValue, String env) {
        return flagValue != null ? flagValue : ctx().env(env);
    }

    private static Duration duration(String flag, String text, Duration fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(flag + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Integer call() {
        backup.root = root;
        if (backup.json) {
            throw CliException.usage("--json applies to 'backup'; 'run' writes one log line per run: use --log-format json");
        }
        if (backup.dryRun) {
            throw CliException.usage("--dry-run applies to 'backup': check a service's settings with 'neo4j-backup"
                    + " backup <the same options> --dry-run'");
        }
        if (backup.engine == null) {
            backup.engine = BackupEngine.auto;
        }
        if (backup.to == null) {
            throw CliException.usage("Missing required option: '--to=TARGET' (or BACKUP_TARGET, or R2_BUCKET_NAME for R2)");
        }
        clock = Clock.systemUTC();
        try {
            log = new RunLog(ctx().out(), RunLog.format(setting(logFormat, "LOG_FORMAT") == null ? "text"
                    : setting(logFormat, "LOG_FORMAT")), clock);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--log-format: " + e.getMessage(), e);
        }
        Schedule sched = schedule();
        boolean onStart = runOnStart != null ? runOnStart : "true".equalsIgnoreCase(ctx().env("RUN_IMMEDIATE_BACKUP"));
        waitFor = duration("--wait-timeout", setting(waitTimeout, "BACKUP_WAIT_TIMEOUT"), Duration.ofMinutes(5));
        Duration grace = duration("--shutdown-grace", setting(shutdownGrace, "BACKUP_SHUTDOWN_GRACE"),
                Duration.ofMinutes(5));
        Duration healthAge = duration("--max-age", setting(maxAge, "BACKUP_MAX_AGE"),
                sched.longestInterval(ZonedDateTime.now(clock)).multipliedBy(2));
        Integer port = httpPort;
        if (port == null && ctx().env("HTTP_PORT") != null) {
            try {
                port = Integer.parseInt(ctx().env("HTTP_PORT").strip());
            } catch (NumberFormatException e) {
                throw CliException.usage("HTTP_PORT='" + ctx().env("HTTP_PORT") + "' is not a port number", e);
            }
        }
        if (port != null && (port < 0 || port > 65535)) {
            throw CliException.usage("--http-port " + port + " is not a port number (0-65535)");
        }
        String bind = setting(httpBind, "HTTP_BIND") == null ? "0.0.0.0" : setting(httpBind, "HTTP_BIND");

        state = new ServiceState(clock, healthAge);
        metrics = new ServiceMetrics(clock);
        notifier = backup.notify.open(ctx(), false, clock);
        metricsFile = backup.notify.metricsFile(ctx());
        listeners = new ArrayList<>();
        listeners.add(metrics.listener());
        listeners.add(notifier);
        String database = databaseLabel();
        if (!backup.allDatabases && backup.database.size() <= 1) {
            readNewestBackup(database);
        }

        HealthServer http = null;
        if (port != null) {
            try {
                http = HealthServer.start(bind, port, state, metrics);
            } catch (IOException | RuntimeException e) {
                throw CliException.usage("--http-port " + port + " on " + bind + " cannot be bound (" + e.getMessage()
                        + "): choose a free port or another --http-bind address", e);
            }
        }
        installSignalHandlers();
        Scheduler scheduler = new Scheduler(sched, clock, this::runOnce, new Scheduler.Events() {
            @Override
            public void nextRun(ZonedDateTime due) {
                state.nextRun(due.toInstant());
                metrics.nextRun(due.toInstant());
            }

            @Override
            public void skipped(ZonedDateTime due) {
                state.skipped();
                metrics.skipped();
                log.event("run.skipped", "due", due.toInstant().toString(),
                        "reason", "the previous run is still going");
            }

            @Override
            public void jobFailed(Throwable failure) {
                log.event("run.error", "error", failure.getClass().getSimpleName(), "message", failure.getMessage());
            }
        });
        log.event("service.started", fields("schedule", sched.toString(), "runOnStart", onStart,
                "database", database, "engine", backup.engine.name(), "target", Resources.redact(backup.to),
                "maxAgeSeconds", healthAge.toSeconds(), "waitTimeoutSeconds", waitFor.toSeconds(),
                "httpPort", http == null ? null : http.port(), "httpBind", http == null ? null : bind,
                "notifications", notifier.active() ? "on" : null,
                "metricsFile", metricsFile == null ? null : metricsFile.toString()));
        if (onStart) {
            state.dueNow(clock.instant());
        }
        scheduler.start(onStart);
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopping = true;
        boolean wasRunning = scheduler.running();
        log.event("service.stopping", "runInProgress", wasRunning, "graceSeconds", grace.toSeconds());
        Scheduler.StopOutcome outcome = scheduler.stop(grace, CANCEL_WAIT);
        if (http != null) {
            http.close();
        }
        notifier.close();
        log.event("service.stopped", "runs", runNumber.get(), "inProgressRun", outcome.name().toLowerCase());
        stopped.countDown();
        return ExitCodes.OK;
    }

    private Schedule schedule() {
        String cron = setting(schedule, "BACKUP_SCHEDULE");
        String interval = setting(every, "BACKUP_EVERY");
        if (schedule != null && every != null) {
            throw CliException.usage("Give --schedule or --every, not both");
        }
        if (every != null || (schedule == null && interval != null && cron == null)) {
            try {
                return Schedule.every(Durations.parse(interval));
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--every: " + e.getMessage(), e);
            }
        }
        if (cron == null) {
            throw CliException.usage("'run' needs a schedule: --schedule '0 2 * * *' (or BACKUP_SCHEDULE) for a cron"
                    + " schedule, or --every 6h for a fixed interval");
        }
        ZoneId zone;
        String tz = setting(timezone, "BACKUP_TIMEZONE");
        try {
            zone = tz == null ? ZoneId.of("UTC") : ZoneId.of(tz.strip());
        } catch (DateTimeException e) {
            throw CliException.usage("--timezone '" + tz + "' is not a time zone: use e.g. UTC or Europe/Berlin", e);
        }
        try {
            return Schedule.cron(cron, zone);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--schedule: " + e.getMessage(), e);
        }
    }

    /** The newest backup already in the repository, so that /health and the age metric know it after a restart. */
    private void readNewestBackup(String database) {
        try (Resources res = new Resources(ctx())) {
            StorageTarget target = res.target(backup.to, "--to", backup.s3, true);
            backup.pipeline(target).build().list(database).stream().map(Manifest::finishedAt).max(Instant::compareTo)
                    .ifPresent(t -> {
                        state.newestBackup(t);
                        metrics.backupSucceeded(t);
                    });
        } catch (CliException e) {
            if (e.exitCode() == ExitCodes.USAGE) {
                throw e;
            }
            log.event("repository.unreadable", "error", e.getMessage());
        } catch (RuntimeException e) {
            // the store may not be reachable yet: the first run will say so
            log.event("repository.unreadable", "error", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** A name for the databases of a run before they are resolved (logs, notifications). */
    private String databaseLabel() {
        if (backup.allDatabases) {
            return "(all)";
        }
        return backup.database.isEmpty() ? backup.database(null, "neo4j") : String.join(",", backup.database);
    }

    /**
     * One scheduled run: wait for Neo4j, then for each database back up, verify, apply retention;
     * one database failing does not stop the others. Reports, never throws.
     */
    private void runOnce() {
        long n = runNumber.incrementAndGet();
        Instant start = clock.instant();
        state.runStarted();
        log.event("run.started", "run", n, "database", databaseLabel());
        List<String> databases;
        try {
            if (backup.engine.usesDriver()) {
                awaitNeo4j(n, start.plus(waitFor));
            }
            try (Resources res = new Resources(ctx())) {
                databases = backup.databases(res);
            }
        } catch (RuntimeException e) {
            notifier.beginRun();
            runFailed(n, start, databaseLabel(), e);
            state.runFailed(message(e));
            metrics.runFinished(false, Duration.between(start, clock.instant()));
            NotifyOptions.writeMetrics(metrics, metricsFile, ctx());
            return;
        }
        List<String> failures = new ArrayList<>();
        BackupResult last = null;
        for (String db : databases) {
            if (stopping && Thread.currentThread().isInterrupted()) {
                break;
            }
            Instant dbStart = clock.instant();
            notifier.beginRun();
            try {
                BackupResult result;
                BackupCommand.Done done;
                try (Resources res = new Resources(ctx())) {
                    done = backup.backupOnce(res, listeners, false, db);
                }
                result = done.result();
                last = result;
                Engine chosen = backup.resolvedEngine;
                if (backup.engine == BackupEngine.auto && chosen != null && chosen != autoChoice) {
                    autoChoice = chosen;
                    log.event("engine.selected", "engine", chosen.name(), "database", db,
                            "reason", chosen == Engine.apoc ? "the server has APOC" : "the server has no APOC");
                }
                Duration took = Duration.between(dbStart, clock.instant());
                log.event("run.finished", fields("run", n, "outcome", "success", "id", result.id(),
                        "database", result.manifest().database(), "engine", chosen == null ? null : chosen.name(),
                        "storedBytes", result.storedSize(), "rawBytes", result.rawSize(), "nodes", result.counts().nodes(),
                        "relationships", result.counts().relationships(), "durationMs", took.toMillis(),
                        "pruned", result.pruneResult().map(p -> p.deleted().size()).orElse(null),
                        "retentionError", result.pruneFailureMessage().orElse(null)));
                if (result.manifest().isSuspect()) {
                    failures.add(db + ": backup " + result.id() + " is suspect: "
                            + String.join("; ", result.manifest().suspect()));
                }
                if (done.copiesFailed()) {
                    failures.add(db + ": backup " + result.id() + " is stored, but " + done.copies().failures().size()
                            + " of its copies failed");
                }
            } catch (RuntimeException e) {
                runFailed(n, dbStart, db, e);
                failures.add(databases.size() == 1 ? message(e) : db + ": " + message(e));
            }
        }
        Duration took = Duration.between(start, clock.instant());
        if (failures.isEmpty() && last != null) {
            state.runSucceeded(last.id(), last.manifest().finishedAt());
        } else {
            state.runFailed(failures.isEmpty() ? "cancelled" : String.join("; ", failures));
        }
        metrics.runFinished(failures.isEmpty() && last != null, took);
        NotifyOptions.writeMetrics(metrics, metricsFile, ctx());
    }

    private volatile Engine autoChoice;

    private static String message(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Logs, counts and notifies one failed backup (or a run that failed before its backups). */
    private void runFailed(long n, Instant start, String database, RuntimeException e) {
        boolean cancelled = stopping && (Thread.currentThread().isInterrupted() || causedByInterrupt(e));
        if (e instanceof LockHeldException) {
            metrics.lockHeld();
        }
        if (!cancelled) {
            notifier.failedOutsidePipeline(database, e, ExitCodes.of(e) == ExitCodes.USAGE);
        }
        log.event("run.finished", fields("run", n, "outcome", cancelled ? "cancelled" : "failure",
                "database", database, "durationMs", Duration.between(start, clock.instant()).toMillis(),
                "error", ExitCodes.type(e), "message", message(e)));
    }

    private static boolean causedByInterrupt(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException || t instanceof java.io.InterruptedIOException
                    || t instanceof java.nio.channels.ClosedByInterruptException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits until Neo4j accepts a connection: retries with exponential backoff (1 s doubling up to
     * 15 s) until the deadline. Wrong credentials or a bad URI fail at once.
     */
    private void awaitNeo4j(long run, Instant deadline) {
        Duration delay = Duration.ofSeconds(1);
        int attempt = 0;
        while (true) {
            attempt++;
            URI uri;
            try (Resources res = new Resources(ctx())) {
                uri = res.neo4jUri(backup.uri, "--uri");
                try {
                    res.driver(uri, backup.credentials);
                    if (attempt > 1) {
                        log.event("neo4j.ready", "run", run, "uri", Resources.redact(uri.toString()),
                                "attempts", attempt);
                    }
                    return;
                } catch (CliException e) {
                    if (e.exitCode() == ExitCodes.USAGE || !(e.getCause() instanceof ServiceUnavailableException)) {
                        throw e;
                    }
                    Instant now = clock.instant();
                    if (!now.plus(delay).isBefore(deadline)) {
                        throw CliException.failed("Neo4j at " + Resources.redact(uri.toString()) + " did not answer"
                                + " within --wait-timeout " + Durations.format(waitFor) + " (" + attempt
                                + " attempts; last: " + e.getCause().getMessage() + "): check that the server runs and"
                                + " that its Bolt port is reachable from here", e.getCause());
                    }
                    log.event("neo4j.waiting", "run", run, "uri", Resources.redact(uri.toString()), "attempt", attempt,
                            "retryInMs", delay.toMillis(), "reason", e.getCause().getMessage());
                }
            }
            try {
                if (stopping) {
                    throw new InterruptedException("stopping");
                }
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CliException.failed("Cancelled while waiting for Neo4j", e);
            }
            delay = delay.multipliedBy(2).compareTo(Duration.ofSeconds(15)) > 0 ? Duration.ofSeconds(15)
                    : delay.multipliedBy(2);
        }
    }

    /**
     * SIGTERM and SIGINT ask for a graceful stop instead of ending the JVM. Where the JDK offers no
     * signal API, a shutdown hook does the same (the exit code is then the JVM's, 143 or 130).
     */
    private void installSignalHandlers() {
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    log.event("signal", "signal", "SIG" + signal.getName());
                    stopRequested.countDown();
                });
            }
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopRequested.countDown();
                try {
                    stopped.await(CANCEL_WAIT.multipliedBy(10).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }, "neo4j-backup-shutdown"));
        }
    }

    private static Map<String, Object> fields(Object... namesAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            map.put(String.valueOf(namesAndValues[i]), namesAndValues[i + 1]);
        }
        return map;
    }
}
