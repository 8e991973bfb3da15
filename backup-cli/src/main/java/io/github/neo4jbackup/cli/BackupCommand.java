package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.cli.service.Notifier;
import io.github.neo4jbackup.cli.service.ServiceMetrics;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.ChangePolicy;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.hook.BackupHooks;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.export.admin.AdminDumpSource;
import io.github.neo4jbackup.export.cypher.apoc.ApocCypherSource;
import io.github.neo4jbackup.export.cypher.driver.DriverExportSource;
import org.neo4j.driver.Driver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code neo4j-backup backup}: one backup, then retention. */
@Command(name = "backup", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Back up one database into a repository, then apply the retention options.")
final class BackupCommand extends AbstractCommand {

    /** The compression choices. */
    enum Compress { zstd, gzip, none }

    /** The --on-change choices. */
    enum OnChange { warn, retry, fail }

    @Option(names = "--uri", paramLabel = "URI",
            description = {"Neo4j Bolt URI (default: NEO4J_URI). With --engine admin (optional): read the counts,"
                    + " fingerprints and stored types over Bolt just before the stop command and record them, so"
                    + " verify --restore-into can compare a loaded dump with them."})
    String uri;

    @Mixin
    Options.Credentials credentials;

    @Option(names = "--database", paramLabel = "DB",
            description = "Database to back up, repeatable: one backup and manifest each (default: NEO4J_DATABASE, else neo4j).")
    List<String> database = new java.util.ArrayList<>();

    @Option(names = "--all-databases",
            description = "Back up every online user database (add --database system for the system database).")
    boolean allDatabases;

    @Option(names = "--engine", paramLabel = "driver|apoc|admin|auto",
            description = "driver: driver-only logical export; apoc: APOC Cypher script; admin: neo4j-admin dump;"
                    + " auto: apoc when the server has APOC, else driver.")
    BackupEngine engine;

    @Option(names = "--to", paramLabel = "TARGET",
            description = "Repository: a directory, a file: URI, s3://bucket/prefix or r2://bucket/prefix (required).")
    String to;

    @Mixin
    Options.S3 s3;

    @Option(names = "--compress", paramLabel = "zstd|gzip|none", defaultValue = "zstd",
            description = "Compression (default: ${DEFAULT-VALUE}; admin dumps, already compressed, are stored as they are).")
    Compress compress;

    @Option(names = "--level", paramLabel = "N", description = "Compression level (zstd 1-22, gzip 1-9).")
    Integer level;

    @Option(names = "--zstd-workers", paramLabel = "N", description = "Background threads for zstd compression (0"
            + " compresses on the exporting thread; default: 1 when the machine has 2 or more cores, else 0).")
    Integer zstdWorkers;

    @Mixin
    Options.Retention retention;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label recorded in the manifest (repeatable).")
    List<String> labels = List.of();

    @Mixin
    Options.Admin admin;

    @Option(names = "--already-offline",
            description = "The database is already stopped (admin engine): no stop/start commands are run.")
    boolean alreadyOffline;

    @Option(names = "--describe-database",
            description = {"Admin engine: run neo4j-admin database info before the dump and record the store format and "
                    + "last committed transaction in the manifest. Off by default: it is a second neo4j-admin run "
                    + "inside the downtime window (the Neo4j version is read from the installation either way)."})
    boolean describeDatabase;

    @Option(names = "--pre-command", paramLabel = "\"ARGV\"",
            description = {"Command run before the export (driver and apoc engines), e.g. to pause the writers for a "
                    + "point-in-time copy: \"docker pause ingest-worker\". Split into words like a shell would but "
                    + "never run through one; must exit 0 or nothing is backed up."})
    String preCommand;

    @Option(names = "--post-command", paramLabel = "\"ARGV\"",
            description = "Command run after the export, always (also when it or --pre-command failed), e.g. "
                    + "\"docker unpause ingest-worker\". Gets NEO4J_BACKUP_SUCCEEDED=true|false.")
    String postCommand;

    @Option(names = "--on-change", paramLabel = "warn|retry|fail", defaultValue = "warn",
            description = {"When the database changed during an online export: keep the (self-consistent) backup "
                    + "with a warning, export again, or fail storing nothing (default: ${DEFAULT-VALUE})."})
    OnChange onChange;

    @Option(names = "--on-change-retries", paramLabel = "N", defaultValue = "3",
            description = "With --on-change retry: how many more exports to try (default: ${DEFAULT-VALUE}).")
    int onChangeRetries;

    @Option(names = "--on-change-exhausted", paramLabel = "warn|fail", defaultValue = "warn",
            description = "With --on-change retry: what to do when every export saw a change (default: ${DEFAULT-VALUE}).")
    OnChange onChangeExhausted;

    @Option(names = "--age-recipient", paramLabel = "KEY",
            description = "Encrypt with age to this X25519 public key (age1...) or recipients file (repeatable).")
    List<String> ageRecipients = List.of();

    @Option(names = "--age-passphrase-env", paramLabel = "VAR",
            description = "Encrypt with age to the passphrase in this environment variable (scrypt).")
    String agePassphraseEnv;

    @Option(names = "--json", description = "Print the backup result as one JSON document on stdout.")
    boolean json;

    @picocli.CommandLine.Mixin
    CopyTargets copyTargets;

    @Option(names = "--expect-nonempty", paramLabel = "LABEL",
            description = "Mark the backup suspect (exit 3, no retention) when this label has no nodes (repeatable).")
    List<String> expectNonEmpty = List.of();

    @Option(names = "--max-shrink", paramLabel = "PCT",
            description = "Mark the backup suspect (exit 3, no retention) when the node or relationship total, a label"
                    + " or a type shrank by more than PCT percent (50 or 50%%) since the previous good backup.")
    String maxShrink;

    @Mixin
    NotifyOptions notify;

    @Override
    boolean json() {
        return json;
    }

    @Option(names = "--dry-run",
            description = {"Check and plan only: connect to the source, check that the repository is writable and"
                    + " its lock free, print the plan (engine, key, estimated size, transformers, what retention"
                    + " would delete) and write nothing. Exit 4 when a live run holds the lock."})
    boolean dryRun;

    @Override
    public Integer call() {
        if (dryRun) {
            try (Resources res = new Resources(ctx())) {
                return new BackupDryRun(this, res).run(databases(res));
            }
        }
        java.time.Clock clock = java.time.Clock.systemUTC();
        java.nio.file.Path metricsFile = notify.metricsFile(ctx());
        // the metrics registry only when a file asks for it: building it costs a tenth of a second at start
        ServiceMetrics metrics = metricsFile == null ? null : new ServiceMetrics(clock);
        try (Notifier notifier = notify.open(ctx(), true, clock); Resources res = new Resources(ctx())) {
            List<String> names;
            try {
                names = databases(res);
            } catch (RuntimeException e) {
                notifier.failedOutsidePipeline(database.isEmpty() ? database(null, "neo4j") : database.get(0), e,
                        ExitCodes.of(e) == ExitCodes.USAGE);
                throw e;
            }
            List<com.fasterxml.jackson.databind.JsonNode> reports = new java.util.ArrayList<>();
            int worst = ExitCodes.OK;
            try {
                for (String db : names) {
                    Done done;
                    notifier.beginRun();
                    try {
                        done = backupOnce(res, metrics == null ? List.of(notifier) : List.of(notifier, metrics.listener()),
                                ctx().interactive(), db);
                        if (engine == BackupEngine.auto && resolvedEngine != null) {
                            say("--engine auto: using " + resolvedEngine + " for database '" + db + "'");
                        }
                    } catch (RuntimeException e) {
                        notifier.failedOutsidePipeline(db, e, ExitCodes.of(e) == ExitCodes.USAGE);
                        if (names.size() == 1) {
                            throw e;
                        }
                        say("Error: backup of database '" + db + "' failed: " + e.getMessage());
                        worst = Math.max(worst, ExitCodes.of(e));
                        com.fasterxml.jackson.databind.node.ObjectNode error = (com.fasterxml.jackson.databind.node.ObjectNode)
                                Json.error(e, ExitCodes.of(e));
                        error.put("database", db);
                        reports.add(error);
                        continue;
                    }
                    BackupResult result = done.result();
                    say("Backup " + result.id() + " of database '" + db + "' stored: "
                            + ProgressListener.bytes(result.storedSize()) + " (" + ProgressListener.bytes(result.rawSize())
                            + " raw) at " + result.dataKey().value() + " in " + result.duration().toMillis() + " ms");
                    result.pruneResult().ifPresent(p -> say("Retention: kept " + p.kept().size() + ", deleted "
                            + p.deleted().size() + (p.deleted().isEmpty() ? "" : " (" + String.join(", ",
                            p.deleted().stream().map(d -> d.id()).toList()) + ")")));
                    result.pruneFailureMessage().ifPresent(m -> say("Warning: the backup is stored, but retention failed: "
                            + m));
                    com.fasterxml.jackson.databind.node.ObjectNode report = Json.backup(result);
                    if (done.copies() != null) {
                        report.set("copies", done.copies().json());
                    }
                    reports.add(report);
                    worst = Math.max(worst, done.exitCode());
                }
            } finally {
                NotifyOptions.writeMetrics(metrics, metricsFile, ctx());
            }
            if (json) {
                if (names.size() == 1) {
                    printJson(reports.get(0));
                } else {
                    com.fasterxml.jackson.databind.node.ObjectNode all = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
                    all.put("ok", worst == ExitCodes.OK);
                    all.put("exitCode", worst);
                    all.putArray("backups").addAll(reports);
                    printJson(all);
                }
            }
            return worst;
        }
    }

    /** The engine {@code auto} chose for the last backup (or the engine given). */
    volatile Engine resolvedEngine;

    /**
     * The databases to back up: {@code --all-databases} (every online database but {@code system},
     * plus those named), else every {@code --database}, else NEO4J_DATABASE or {@code neo4j}.
     *
     * @param res the clients (a driver is opened to list the databases)
     * @return the names, in order, without duplicates
     */
    List<String> databases(Resources res) {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        if (allDatabases) {
            if (engine == BackupEngine.admin) {
                throw CliException.usage("--all-databases lists the databases over Bolt: name each with --database for"
                        + " --engine admin");
            }
            Driver driver = res.driver(res.neo4jUri(uri, "--uri"), credentials);
            try (org.neo4j.driver.Session session = driver.session(org.neo4j.driver.SessionConfig.forDatabase("system"))) {
                session.run("SHOW DATABASES YIELD name, currentStatus, type WHERE currentStatus = 'online'"
                                + " AND name <> 'system' AND type <> 'composite' RETURN DISTINCT name ORDER BY name")
                        .forEachRemaining(r -> names.add(r.get("name").asString()));
            } catch (org.neo4j.driver.exceptions.Neo4jException e) {
                throw CliException.failed("--all-databases: cannot list the databases (" + e.getMessage() + "): the user"
                        + " needs access to the system database, or name the databases with --database", e);
            }
        }
        names.addAll(database);
        if (names.isEmpty() && !allDatabases) {
            names.add(database(null, "neo4j"));
        }
        if (names.isEmpty()) {
            throw CliException.failed("--all-databases: the server has no online user database", null);
        }
        return List.copyOf(names);
    }

    /**
     * One backup with this command's options (also what each run of {@code run} does).
     *
     * @param res       the clients of this backup, closed by the caller
     * @param listeners extra listeners (metrics, notifications)
     * @param progress  whether to draw the progress line on stderr
     * @param db        the database
     * @return the backup and how its copies went
     */
    Done backupOnce(Resources res, List<BackupListener> listeners, boolean progress, String db) {
        BackupPipeline pipeline = pipeline(res, listeners, progress, db, false);
        StorageTarget target = pipeline.target();
        BackupResult result = pipeline.backup();
        CopyTargets.Outcome copies = copyTargets.any()
                ? copyTargets.copy(result.manifest(), pipeline, res, s3, layout.keyTemplate, this::say) : null;
        if (copies != null && !copies.ok()) {
            say("The backup " + result.id() + " is stored in " + target.describe() + "; " + copies.failures().size()
                    + " of " + copyTargets.targets.size() + " copies failed (see above): run `neo4j-backup copy`"
                    + " for them once the cause is fixed");
        }
        if (result.manifest().isSuspect()) {
            say("SUSPECT: backup " + result.id() + " is stored but marked suspect, and retention was not applied: "
                    + String.join("; ", result.manifest().suspect()) + ". Check the database; restore --latest and"
                    + " list --max-age skip it unless --include-suspect");
        }
        return new Done(result, copies);
    }

    /**
     * The pipeline of one backup with this command's options.
     *
     * @param res       the clients, closed by the caller
     * @param listeners extra listeners
     * @param progress  whether to draw the progress line on stderr
     * @param db        the database
     * @param dryRun    whether only a plan is wanted: a missing local repository is then not created
     * @return the pipeline; {@link #resolvedEngine} says which engine it uses
     */
    BackupPipeline pipeline(Resources res, List<BackupListener> listeners, boolean progress, String db,
                            boolean dryRun) {
        if (engine == null) {
            throw CliException.usage("Missing required option: '--engine=driver|apoc|admin|auto'");
        }
        if (to == null) {
            throw CliException.usage("Missing required option: '--to=TARGET'");
        }
        Engine engine = this.engine == BackupEngine.auto ? detectEngine(res, db) : this.engine.engine();
        resolvedEngine = engine;
        RetentionPolicy policy = retention.policy(ctx());
        Map<String, String> labelMap = parseLabels();
        if (!engine.usesDriver() && (preCommand != null || postCommand != null)) {
            throw CliException.usage("--pre-command and --post-command apply to the online engines (driver, apoc); "
                    + "--engine admin stops the database with --stop-command/--start-command");
        }
        if (engine.usesDriver() && (admin.any() || alreadyOffline || describeDatabase)) {
            throw CliException.usage("--neo4j-home, --admin-command, --stop-command, --start-command, "
                    + "--already-offline and --describe-database apply to --engine admin only");
        }
        if (!engine.usesDriver() && uri != null && alreadyOffline) {
            throw CliException.usage("--uri with --engine admin reads counts and fingerprints from the running server"
                    + " before the stop; with --already-offline there is no running server: remove --uri");
        }
        StorageTarget target = res.target(to, "--to", s3, !dryRun);
        BackupSource source = source(res, db, engine);
        BackupPipeline.Builder b = pipeline(target).source(source).retention(policy).shrinkGuard(shrinkGuard());
        retention.applySafety(b);
        compression().ifPresent(b::transform);
        Options.ageEncryption(ctx().env(), ageRecipients, agePassphraseEnv).ifPresent(b::transform);
        labelMap.forEach(b::label);
        if (engine == Engine.admin) {
            hook(b);
        } else {
            quiesce(b);
        }
        b.onChange(changePolicy());
        if (progress) {
            b.listener(new ProgressListener(ctx().err()));
        }
        listeners.forEach(b::listener);
        BackupPipeline pipeline;
        try {
            pipeline = b.build();
        } catch (InvalidInputException e) {
            throw CliException.usage(e.getMessage(), e);
        }
        return pipeline;
    }

    /**
     * A backup of one database and, with {@code --copy-to}, how its copies went.
     *
     * @param result the backup
     * @param copies the copies, or {@code null} without {@code --copy-to}
     */
    record Done(BackupResult result, CopyTargets.Outcome copies) {

        /** @return whether a copy failed (the backup itself is stored) */
        boolean copiesFailed() {
            return copies != null && !copies.ok();
        }

        /** @return the exit code of this backup: 3 when suspect, 1 when a copy failed, else 0 */
        int exitCode() {
            return result.manifest().isSuspect() ? ExitCodes.VERIFICATION
                    : copiesFailed() ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }

    private io.github.neo4jbackup.core.operation.ShrinkGuard shrinkGuard() {
        try {
            Double pct = maxShrink == null ? null : io.github.neo4jbackup.core.operation.ShrinkGuard.parsePercent(maxShrink);
            return new io.github.neo4jbackup.core.operation.ShrinkGuard(java.util.Set.copyOf(expectNonEmpty), pct);
        } catch (InvalidInputException e) {
            throw CliException.usage("--max-shrink: " + e.getMessage(), e);
        }
    }

    /** {@code --engine auto}: APOC when the server answers {@code apoc.version()}, else the driver engine. */
    private Engine detectEngine(Resources res, String db) {
        Driver driver = res.driver(res.neo4jUri(uri, "--uri"), credentials);
        try (org.neo4j.driver.Session session = driver.session(org.neo4j.driver.SessionConfig.forDatabase(db))) {
            session.run("RETURN apoc.version() AS version").consume();
            return Engine.apoc;
        } catch (org.neo4j.driver.exceptions.ClientException e) {
            if (String.valueOf(e.code()).endsWith("SyntaxError") || String.valueOf(e.getMessage()).contains("apoc.version")) {
                return Engine.driver; // Unknown function 'apoc.version'
            }
            throw CliException.failed("--engine auto cannot query database '" + db + "': " + e.getMessage(), e);
        }
    }

    private BackupSource source(Resources res, String db, Engine engine) {
        try {
            switch (engine) {
                case driver: {
                    Driver driver = res.driver(res.neo4jUri(uri, "--uri"), credentials);
                    return DriverExportSource.builder(driver).database(db).build();
                }
                case apoc: {
                    Driver driver = res.driver(res.neo4jUri(uri, "--uri"), credentials);
                    return ApocCypherSource.builder(driver).database(db).build();
                }
                default: {
                    AdminDumpSource.Builder b = AdminDumpSource.builder(res.admin(admin), db)
                            .describeDatabase(describeDatabase);
                    if (uri != null) {
                        // the facts describe the database just before the stop command runs
                        b.onlineProbe(new OnlineFacts(res.driver(res.neo4jUri(uri, "--uri"), credentials)));
                    }
                    return b.build();
                }
            }
        } catch (InvalidInputException e) {
            throw CliException.usage(e.getMessage(), e);
        }
    }

    private java.util.Optional<io.github.neo4jbackup.core.spi.Transformer> compression() {
        return Compressions.of(compress.name(), level, zstdWorkers);
    }

    private void hook(BackupPipeline.Builder b) {
        boolean commands = admin.stopCommand != null || admin.startCommand != null;
        if (commands && alreadyOffline) {
            throw CliException.usage("Give either --already-offline or --stop-command/--start-command, not both");
        }
        if (alreadyOffline) {
            b.hook(BackupHooks.alreadyOffline());
        } else if (commands) {
            if (admin.stopCommand == null || admin.startCommand == null) {
                throw CliException.usage("--stop-command and --start-command go together: the database must be started"
                        + " again after the dump");
            }
            try {
                b.hook(BackupHooks.commands(admin.stopArgv(), admin.startArgv(),
                        Options.duration("--hook-timeout", admin.hookTimeout), Map.of()));
            } catch (InvalidInputException e) {
                throw CliException.usage(e.getMessage(), e);
            }
        }
    }

    private void quiesce(BackupPipeline.Builder b) {
        if (preCommand == null && postCommand == null) {
            return;
        }
        try {
            b.hook(BackupHooks.quiesce(preCommand == null ? null : ArgvTokenizer.split(preCommand),
                    postCommand == null ? null : ArgvTokenizer.split(postCommand),
                    Options.duration("--hook-timeout", admin.hookTimeout), Map.of()));
        } catch (InvalidInputException e) {
            throw CliException.usage(e.getMessage(), e);
        }
    }

    private ChangePolicy changePolicy() {
        try {
            return switch (onChange) {
                case warn -> ChangePolicy.warn();
                case fail -> ChangePolicy.fail();
                case retry -> {
                    if (onChangeExhausted == OnChange.retry) {
                        throw CliException.usage("--on-change-exhausted is warn or fail");
                    }
                    yield ChangePolicy.retry(onChangeRetries, onChangeExhausted == OnChange.fail
                            ? ChangePolicy.Action.FAIL : ChangePolicy.Action.WARN);
                }
            };
        } catch (InvalidInputException e) {
            throw CliException.usage("--on-change-retries: " + e.getMessage(), e);
        }
    }

    private Map<String, String> parseLabels() {
        Map<String, String> map = new LinkedHashMap<>();
        for (String label : labels) {
            int eq = label.indexOf('=');
            if (eq <= 0) {
                throw CliException.usage("--label '" + label + "' is not KEY=VALUE: write e.g. --label environment=prod");
            }
            map.put(label.substring(0, eq), label.substring(eq + 1));
        }
        return map;
    }
}
