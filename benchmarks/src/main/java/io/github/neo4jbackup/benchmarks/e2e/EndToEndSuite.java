package io.github.neo4jbackup.benchmarks.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.export.cypher.restore.TargetDatabase;
import io.github.neo4jbackup.testkit.Neo4jServerProcess;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The end-to-end suite: generates Graphiti-shaped graphs of the requested sizes into a real Neo4j
 * 5.26 server process (with APOC as a plugin), and measures side by side, in one run, the backups and
 * restores of the real command line ({@code neo4j-backup.jar}, each a child JVM with a small fixed
 * heap) against the baselines people use today: APOC's streaming Cypher export written to a file,
 * {@code neo4j-admin database dump/load}, and cypher-shell replaying the APOC script. Writes a
 * Markdown report ({@link Report}) with absolute times, the machine, peak heaps, stored bytes and
 * the ratios.
 *
 * <p>Run it through Maven (see {@code benchmarks/README.md}):
 * {@code mvn -B -pl benchmarks -am verify -DskipTests -Pe2e -Dsizes=10k,100k,1m}. Settings are
 * system properties ({@link Settings}).
 */
public final class EndToEndSuite {

    private static final String DB = "neo4j";
    private static final String BUCKET = "bench";
    private static final Duration STEP_LIMIT = Duration.ofHours(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** From this many entities on, the database is emptied by loading an empty dump rather than over Bolt. */
    private static final long OFFLINE_RESET = 200_000;
    /** The batch size of APOC's export (and so of the replayed script's transactions). */
    private static final long APOC_BATCH = 10_000;

    private final Settings settings;
    private final Map<String, Double> replayRates = new HashMap<>();
    private final Map<String, String> replayRateSource = new HashMap<>();
    /** Per size: step id to the phases its {@code --json} result reported (seconds, in order). */
    private Map<String, Map<String, Double>> phases = new LinkedHashMap<>();
    /** Per size: step id to the server's CPU time during the step (seconds). */
    private Map<String, Double> serverCpu = new LinkedHashMap<>();
    private Neo4jServerProcess server;
    private Driver driver;
    private S3Server s3;
    private Path emptyDump;
    /** Whether the database may hold data: set by generation and every restore, cleared by {@link #reset}. */
    private boolean dirty;

    /**
     * A suite with settings.
     *
     * @param settings the settings
     */
    public EndToEndSuite(Settings settings) {
        this.settings = settings;
    }

    /**
     * Runs the suite with settings from system properties and writes the report.
     *
     * @param args optional: the sizes, comma-separated ({@code smoke}, {@code 10k}, {@code 100k}, {@code 1m})
     * @throws Exception when the suite cannot run at all (a failed step is reported, not thrown)
     */
    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromSystemProperties(args);
        List<SizeResult> results = new EndToEndSuite(settings).run();
        boolean failed = results.stream().flatMap(r -> r.steps().stream())
                .anyMatch(s -> s.status() == Step.Status.FAILED || s.status() == Step.Status.OUT_OF_MEMORY);
        log("results written to " + settings.results() + (failed ? " (some steps FAILED)" : ""));
        System.exit(failed ? 1 : 0);
    }

    /**
     * Runs every size, rewriting the report after each.
     *
     * @return the results per size
     * @throws Exception when the server, S3 or the working directory cannot be set up
     */
    public List<SizeResult> run() throws Exception {
        requireFile(settings.cliJar(), "the command line's jar: build it with mvn -pl benchmarks -am package -DskipTests");
        Report.Machine machine = Report.Machine.current();
        Instant started = Instant.now();
        deleteTree(settings.work());
        Files.createDirectories(settings.work());
        List<SizeResult> results = new ArrayList<>();
        try (Neo4jServerProcess srv = SuiteServer.create(settings.work().resolve("neo4j"), settings.programs(),
                settings.neo4jHeap(), settings.pageCache());
             S3Server s3server = S3Server.start(settings.work().resolve("s3"))) {
            this.server = srv;
            this.s3 = s3server;
            s3.bucket(BUCKET);
            log("Neo4j home " + srv.home() + ", S3 at " + s3.endpoint());
            if (settings.sizes().stream().anyMatch(size -> Settings.entities(size) >= OFFLINE_RESET)) {
                // a dump of the empty database, loaded to empty it between restores of large graphs
                emptyDump = settings.work().resolve("empty");
                Files.createDirectories(emptyDump);
                server.start();
                server.stop();
                ChildProcess.Outcome o = admin("empty-dump", settings.work(), "database", "dump", DB,
                        "--to-path=" + emptyDump);
                if (!o.ok()) {
                    throw new IOException("Could not dump the empty database: " + o.failure());
                }
            }
            server.start();
            connect();
            try {
                List<String> sizes = settings.sizes();
                for (int i = 0; i < sizes.size(); i++) {
                    Report.write(settings, machine, started, Instant.now(), results, sizes.subList(i, sizes.size()));
                    results.add(runSize(sizes.get(i)));
                    Report.write(settings, machine, started, Instant.now(), results, sizes.subList(i + 1, sizes.size()));
                }
            } finally {
                if (driver != null) {
                    driver.close();
                }
            }
        }
        return results;
    }

    private void connect() {
        if (driver != null) {
            driver.close();
        }
        driver = GraphDatabase.driver(server.boltUri(), AuthTokens.none(), Config.builder().withoutEncryption().build());
        driver.verifyConnectivity();
    }

    private SizeResult runSize(String label) throws Exception {
        long target = Settings.entities(label);
        Path dir = settings.work().resolve("size-" + label);
        Path logs = dir.resolve("logs");
        Files.createDirectories(logs);
        log("=== size " + label + " (about " + target + " entities) ===");
        String loadBefore = Report.loadAverage();
        GraphitiGraph graph = new GraphitiGraph(target, settings.dimensions(),
                Settings.plain(label) ? 0 : settings.embedded());
        long t = System.nanoTime();
        dirty = true;
        graph.create(driver);
        double generate = (System.nanoTime() - t) / 1e9;
        GraphCounts expected = TargetDatabase.counts(driver, DB);
        int indexes = indexCount();
        long entities = expected.nodes() + expected.relationships();
        log(String.format(Locale.ROOT, "generated %,d nodes, %,d relationships, %d indexes in %.1f s", expected.nodes(),
                expected.relationships(), indexes, generate));
        Expected exp = new Expected(expected, indexes);
        List<Step> steps = new ArrayList<>();
        phases = new LinkedHashMap<>();
        serverCpu = new LinkedHashMap<>();

        // online backups: the command line (driver and APOC engines, local and S3), then the APOC baseline
        steps.add(backup("backup.driver.local", "driver engine, zstd → local", "driver", local(dir, "driver"), logs));
        steps.add(backup("backup.driver.s3", "driver engine, zstd → S3", "driver", s3Uri(label, "driver"), logs));
        steps.add(backup("backup.apoc.local", "APOC engine, zstd → local", "apoc", local(dir, "apoc"), logs));
        steps.add(backup("backup.apoc.s3", "APOC engine, zstd → S3", "apoc", s3Uri(label, "apoc"), logs));
        Path apocFile = dir.resolve("apoc-export.cypher");
        steps.add(apocRawExport(apocFile, logs));

        // offline: admin engine dumps, the neo4j-admin baselines, the admin engine's restore
        server.stop();
        long storeBytes = server.storeBytes();
        steps.add(backup("backup.admin.local", "admin engine (dump) → local", "admin", local(dir, "admin"), logs));
        steps.add(backup("backup.admin.s3", "admin engine (dump) → S3", "admin", s3Uri(label, "admin"), logs));
        Path dumpDir = dir.resolve("dump");
        Files.createDirectories(dumpDir);
        if (settings.selected("baseline.admin-dump")) {
            ChildProcess.Outcome dump = admin("baseline.admin-dump", logs, "database", "dump", DB, "--to-path=" + dumpDir);
            Path dumpFile = dumpDir.resolve(DB + ".dump");
            steps.add(new Step("baseline.admin-dump", "neo4j-admin database dump → file", true, status(dump),
                    dump.seconds(), -1, null, null, -1, Files.exists(dumpFile) ? Files.size(dumpFile) : -1,
                    dump.ok() ? "server stopped (as Community Edition requires); stop/start not timed" : dump.failure()));
        } else {
            steps.add(notSelected("baseline.admin-dump", "neo4j-admin database dump → file", true));
        }

        if (settings.selected("baseline.admin-load")) {
            ChildProcess.Outcome load = admin("baseline.admin-load", logs, "database", "load", DB,
                    "--from-path=" + dumpDir, "--overwrite-destination=true");
            steps.add(afterOfflineRestore("baseline.admin-load", "neo4j-admin database load ← file", true, load, null,
                    exp));
        } else {
            steps.add(notSelected("baseline.admin-load", "neo4j-admin database load ← file", true));
        }

        server.stop();
        if (settings.selected("restore.admin.local")) {
            ChildProcess.Outcome adminRestore = cli("restore.admin.local", logs, settings.heap(), List.of("restore",
                    "--from", local(dir, "admin"), "--latest", "--neo4j-home", server.home().toString(),
                    "--no-safety-backup", "--wipe", "--yes", "--json"));
            steps.add(afterOfflineRestore("restore.admin.local", "admin engine restore (load) ← local", false,
                    adminRestore, settings.heap(), exp));
        } else {
            steps.add(notSelected("restore.admin.local", "admin engine restore (load) ← local", false));
            server.start();
            connect();
        }

        // online restores into an emptied database. The server has just been restarted: the restore from S3 goes
        // first, so the one from the local repository (the one the ratios use) runs on a warm server, as the replays
        // after it do. Above OFFLINE_RESET every restore starts on a freshly started server anyway.
        Step fromS3;
        if (entities <= settings.s3RestoreUpTo() && settings.selected("restore.driver.s3")) {
            reset(entities);
            fromS3 = restore("restore.driver.s3", "fast restore (driver format) ← S3", s3Uri(label, "driver"), exp, logs,
                    false);
        } else {
            fromS3 = new Step("restore.driver.s3", "fast restore (driver format) ← S3", false, Step.Status.SKIPPED, 0, -1,
                    null, null, -1, -1, String.format(Locale.ROOT, "not run above %,d entities to keep the run short "
                    + "(-Ds3RestoreUpTo); the restore from the local repository reads the same backup",
                    settings.s3RestoreUpTo()));
        }
        reset(entities);
        steps.add(restore("restore.driver.local", "fast restore (driver format) ← local", local(dir, "driver"), exp, logs,
                false));
        steps.add(fromS3);
        reset(entities);
        steps.add(restore("restore.apoc.local", "library replay of the APOC script ← local", local(dir, "apoc"), exp, logs,
                true));
        reset(entities);
        steps.add(cypherShell(apocFile, exp, logs));
        reset(entities);

        if (!Boolean.getBoolean("e2e.keep")) {
            deleteTree(dir.resolve("repo"));
            deleteTree(dumpDir);
            Files.deleteIfExists(apocFile);
        }
        return new SizeResult(label, expected.nodes(), expected.relationships(), graph.embeddings(), storeBytes,
                generate, loadBefore + " at the start, " + Report.loadAverage() + " at the end", List.copyOf(steps),
                Map.copyOf(phases), Map.copyOf(serverCpu));
    }

    /** What a restore must bring back. */
    private record Expected(GraphCounts counts, int indexes) {
        long entities() {
            return counts.nodes() + counts.relationships();
        }
    }

    // ---------------------------------------------------------------- backups

    private static String local(Path dir, String engine) {
        return dir.resolve("repo").resolve(engine).toString();
    }

    private static String s3Uri(String label, String engine) {
        return "s3://" + BUCKET + "/" + label + "/" + engine;
    }

    private Step notSelected(String id, String title, boolean baseline) {
        return new Step(id, title, baseline, Step.Status.SKIPPED, 0, -1, null, null, -1, -1, Step.NOT_SELECTED);
    }

    private Step backup(String id, String title, String engine, String to, Path logs) throws Exception {
        if (!settings.selected(id)) {
            return notSelected(id, title, false);
        }
        List<String> args = new ArrayList<>(List.of("backup", "--engine", engine, "--to", to, "--compress", "zstd", "--json"));
        if (engine.equals("admin")) {
            args.addAll(List.of("--neo4j-home", server.home().toString(), "--already-offline"));
        } else {
            args.addAll(List.of("--uri", server.boltUri()));
        }
        ChildProcess.Outcome o = cli(id, logs, settings.heap(), args);
        JsonNode json = json(o);
        if (!o.ok()) {
            return new Step(id, title, false, status(o), o.seconds(), -1, settings.heap(), o.heap(), -1, -1, failure(o, json));
        }
        return new Step(id, title, false, Step.Status.OK, o.seconds(), json.path("durationMillis").asLong(-1000) / 1000.0,
                settings.heap(), o.heap(), json.path("rawSize").asLong(-1), json.path("storedSize").asLong(-1),
                engine.equals("admin") ? "server stopped; the dump is stored as it is (already compressed)" : "online");
    }

    private Step apocRawExport(Path file, Path logs) throws Exception {
        String id = "baseline.apoc-export";
        if (!settings.selected(id)) {
            return notSelected(id, "APOC stream export → file (no compression, no upload)", true);
        }
        List<String> cmd = ChildProcess.javaCommand(logs, id, settings.baselineHeap());
        cmd.addAll(List.of("-cp", settings.classpath(), ApocRawExport.class.getName(), server.boltUri(), DB, file.toString()));
        double cpu = serverCpuSeconds();
        ChildProcess.Outcome o = ChildProcess.run(logs, id, cmd, Map.of(), STEP_LIMIT);
        recordServerCpu(id, cpu);
        long bytes = Files.exists(file) ? Files.size(file) : -1;
        return new Step(id, "APOC stream export → file (no compression, no upload)", true, status(o), o.seconds(), -1,
                settings.baselineHeap(), o.heap(), bytes, bytes, o.ok() ? "every row read; " + lastLine(o.stdoutText())
                : o.failure());
    }

    // ---------------------------------------------------------------- restores

    private Step restore(String id, String title, String from, Expected exp, Path logs, boolean replay) throws Exception {
        if (!settings.selected(id)) {
            return notSelected(id, title, false);
        }
        Step skip = replay ? skipByBudget(id, title, false, exp.entities()) : null;
        if (skip != null) {
            return skip;
        }
        Duration limit = replay ? settings.budget() : STEP_LIMIT;
        dirty = true;
        ChildProcess.Outcome o = cli(id, logs, settings.heap(), List.of("restore", "--from", from, "--latest", "--uri",
                server.boltUri(), "--no-safety-backup", "--wipe", "--yes", "--json"), limit);
        JsonNode json = json(o);
        if (!o.ok()) {
            if (o.timedOut()) {
                return timedOut(id, title, false, o, exp, settings.heap());
            }
            return new Step(id, title, false, status(o), o.seconds(), -1, settings.heap(), o.heap(), -1, -1, failure(o, json));
        }
        String check = check(exp, 0);
        Map<String, Double> stepPhases = new LinkedHashMap<>();
        json.path("phasesMillis").fields().forEachRemaining(e -> stepPhases.put(e.getKey(), e.getValue().asLong() / 1000.0));
        String online = json.path("attributes").path("restore.indexesOnline").asText("");
        if (!online.isEmpty()) {
            stepPhases.put(Report.OVERLAPPED + "indexes online after creation", Duration.parse(online).toMillis() / 1000.0);
        }
        if (!stepPhases.isEmpty()) {
            phases.put(id, stepPhases);
        }
        if (replay) {
            rememberRate(id, exp.entities() / o.seconds(), exp.entities());
        }
        return new Step(id, title, false, check.startsWith("MISMATCH") ? Step.Status.FAILED : Step.Status.OK, o.seconds(),
                json.path("durationMillis").asLong(-1000) / 1000.0, settings.heap(), o.heap(),
                json.path("rawBytes").asLong(-1), -1, check + "; verified before restoring");
    }

    private Step cypherShell(Path apocFile, Expected exp, Path logs) throws Exception {
        String id = "baseline.cypher-shell";
        String title = "cypher-shell replay of the APOC script";
        if (!settings.selected(id)) {
            return notSelected(id, title, true);
        }
        Step skip = skipByBudget(id, title, true, exp.entities());
        if (skip != null) {
            return skip;
        }
        if (!Files.exists(apocFile)) {
            return new Step(id, title, true, Step.Status.FAILED, 0, -1, null, null, -1, -1, "no APOC export file to replay");
        }
        dirty = true;
        List<String> cmd = ChildProcess.javaCommand(logs, id, settings.baselineHeap());
        cmd.addAll(List.of("-cp", settings.programs().resolve("cypher-shell") + "/*", "org.neo4j.shell.Main",
                "-a", server.boltUri(), "--non-interactive", "--format", "plain", "-f", apocFile.toString()));
        double cpu = serverCpuSeconds();
        ChildProcess.Outcome o = ChildProcess.run(logs, id, cmd, Map.of(), settings.budget());
        if (o.timedOut()) {
            return timedOut(id, title, true, o, exp, settings.baselineHeap());
        }
        if (!o.ok()) {
            return new Step(id, title, true, status(o), o.seconds(), -1, settings.baselineHeap(), o.heap(), -1, -1, o.failure());
        }
        // cypher-shell returns when the last statement ran; the restores of the library return once
        // every index is online: wait for them too, and count that time
        long t = System.nanoTime();
        String check = check(exp, 3600);
        double await = (System.nanoTime() - t) / 1e9;
        recordServerCpu(id, cpu);
        double seconds = o.seconds() + await;
        rememberRate(id, exp.entities() / seconds, exp.entities());
        return new Step(id, title, true, check.startsWith("MISMATCH") ? Step.Status.FAILED : Step.Status.OK, seconds, -1,
                settings.baselineHeap(), o.heap(), Files.size(apocFile), -1,
                check + String.format(Locale.ROOT, "; includes %.1f s until indexes were online", await));
    }

    private Step skipByBudget(String id, String title, boolean baseline, long entities) {
        Double rate = replayRates.get(id);
        if (rate == null) {
            return null;
        }
        double estimate = entities / rate;
        if (estimate <= settings.budget().toSeconds()) {
            return null;
        }
        String note = String.format(Locale.ROOT, "estimated %s > budget %s (%,.0f entities/s measured at %s)",
                Report.minutes(estimate), Report.minutes(settings.budget().toSeconds()), rate, replayRateSource.get(id));
        log(title + ": skipped, " + note);
        return new Step(id, title, baseline, Step.Status.SKIPPED, estimate, -1, null, null, -1, -1, note);
    }

    private Step timedOut(String id, String title, boolean baseline, ChildProcess.Outcome o, Expected exp, String xmx)
            throws Exception {
        // the server still runs the killed client's statement: restart it so the count (and what follows) does not
        // queue behind it
        server.stop();
        server.start();
        connect();
        GraphCounts now = TargetDatabase.counts(driver, DB);
        long loaded = now.nodes() + now.relationships();
        double rate = loaded / o.seconds();
        String note;
        double estimate = -1;
        if (loaded > 0) {
            // only committed work is counted: the script commits every APOC batch (:begin ... :commit of up to
            // APOC_BATCH entities), so up to one batch more had been replayed when the process was killed. The
            // estimate reported (and used for ratios) assumes the most progress, i.e. the shortest total time.
            double fastest = o.seconds() * exp.entities() / Math.min(exp.entities(), loaded + APOC_BATCH);
            double slowest = exp.entities() / rate;
            estimate = fastest;
            rememberRate(id, exp.entities() / fastest, exp.entities());
            note = String.format(Locale.ROOT, "killed at the budget of %s with %,d of %,d entities committed; estimated "
                            + "%s to %s in all (batches of %,d commit at once), the ratios use %s",
                    Report.minutes(settings.budget().toSeconds()), loaded, exp.entities(), Report.minutes(fastest),
                    Report.minutes(slowest), APOC_BATCH, Report.minutes(fastest));
        } else {
            note = "killed at the budget of " + Report.minutes(settings.budget().toSeconds()) + " before any entity was loaded";
        }
        log(title + ": " + note);
        return new Step(id, title, baseline, Step.Status.TIMED_OUT, estimate > 0 ? estimate : o.seconds(), -1, xmx, o.heap(),
                -1, -1, note);
    }

    private void rememberRate(String id, double rate, long entities) {
        replayRates.put(id, rate);
        replayRateSource.put(id, String.format(Locale.ROOT, "%,d entities", entities));
    }

    /** After a restore that ran with the server stopped: start it, check, and leave it running. */
    private Step afterOfflineRestore(String id, String title, boolean baseline, ChildProcess.Outcome o, String xmx,
                                     Expected exp) throws Exception {
        dirty = true;
        server.start();
        connect();
        JsonNode json = baseline ? null : json(o);
        if (!o.ok()) {
            return new Step(id, title, baseline, status(o), o.seconds(), -1, xmx, o.heap(), -1, -1,
                    baseline ? o.failure() : failure(o, json));
        }
        String check = check(exp, 3600);
        return new Step(id, title, baseline, check.startsWith("MISMATCH") ? Step.Status.FAILED : Step.Status.OK, o.seconds(),
                json == null ? -1 : json.path("durationMillis").asLong(-1000) / 1000.0, xmx, o.heap(),
                json == null ? -1 : json.path("rawBytes").asLong(-1), -1,
                check + "; server stopped (stop/start not timed)");
    }

    /** Compares counts and online indexes with the generated graph; "MISMATCH..." when the counts differ. */
    private String check(Expected exp, int awaitSeconds) {
        try (Session s = driver.session()) {
            if (awaitSeconds > 0) {
                s.run("CALL db.awaitIndexes(" + awaitSeconds + ")").consume();
            }
        }
        GraphCounts c = TargetDatabase.counts(driver, DB);
        int idx = indexCount();
        String indexes = idx + "/" + exp.indexes() + " indexes";
        if (c.nodes() != exp.counts().nodes() || c.relationships() != exp.counts().relationships()) {
            return String.format(Locale.ROOT, "MISMATCH: %,d nodes / %,d relationships restored, expected %,d / %,d; %s",
                    c.nodes(), c.relationships(), exp.counts().nodes(), exp.counts().relationships(), indexes);
        }
        return "counts match, " + indexes;
    }

    private int indexCount() {
        try (Session s = driver.session()) {
            return s.run("SHOW INDEXES YIELD state WHERE state = 'ONLINE' RETURN count(*) AS n").single().get("n").asInt();
        }
    }

    /**
     * Empties the database between restores: a small graph is wiped over Bolt, a large one by loading
     * a dump of the empty database (server stopped), which takes seconds at any size. Not timed.
     */
    private void reset(long entities) throws Exception {
        if (!dirty) {
            return;
        }
        dirty = false;
        if (entities < OFFLINE_RESET) {
            TargetDatabase.wipe(driver, DB, 10_000);
            return;
        }
        server.stop();
        ChildProcess.Outcome o = admin("reset", settings.work(), "database", "load", DB, "--from-path=" + emptyDump,
                "--overwrite-destination=true");
        server.start();
        connect();
        if (!o.ok()) {
            throw new IOException("Could not empty the database: " + o.failure());
        }
    }

    // ---------------------------------------------------------------- processes

    private ChildProcess.Outcome cli(String id, Path logs, String xmx, List<String> args) throws Exception {
        return cli(id, logs, xmx, args, STEP_LIMIT);
    }

    private ChildProcess.Outcome cli(String id, Path logs, String xmx, List<String> args, Duration limit) throws Exception {
        List<String> cmd = ChildProcess.javaCommand(logs, id, xmx);
        cmd.addAll(List.of("-jar", settings.cliJar().toString()));
        cmd.addAll(args);
        if (args.stream().anyMatch(a -> a.startsWith("s3://"))) {
            cmd.addAll(List.of("--s3-endpoint", s3.endpoint(), "--s3-path-style"));
        }
        log("run " + id);
        double cpu = serverCpuSeconds();
        ChildProcess.Outcome o = ChildProcess.run(logs, id, cmd, Map.of("AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY, "AWS_REGION", "us-east-1"), limit);
        recordServerCpu(id, cpu);
        log(String.format(Locale.ROOT, "  %s: %s in %.1f s", id, o.ok() ? "ok" : o.failure(), o.seconds()));
        return o;
    }

    /** The server's CPU time so far in seconds, or -1 when it does not run or the platform does not say. */
    private double serverCpuSeconds() {
        return server.cpuTime().map(d -> d.toNanos() / 1e9).orElse(-1.0);
    }

    /** Records the server's CPU time since {@code before} for a step, when both readings exist (same process). */
    private void recordServerCpu(String id, double before) {
        double after = serverCpuSeconds();
        if (before >= 0 && after >= before) {
            serverCpu.put(id, after - before);
        }
    }

    private ChildProcess.Outcome admin(String id, Path logs, String... args) throws Exception {
        log("run " + id);
        ChildProcess.Outcome o = ChildProcess.run(logs, id, server.adminCommand(args),
                Map.of("NEO4J_HOME", server.home().toString(), "NEO4J_CONF", server.home().resolve("conf").toString()),
                STEP_LIMIT);
        log(String.format(Locale.ROOT, "  %s: %s in %.1f s", id, o.ok() ? "ok" : o.failure(), o.seconds()));
        return o;
    }

    private static JsonNode json(ChildProcess.Outcome o) {
        try {
            String text = o.stdoutText().strip();
            return text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String failure(ChildProcess.Outcome o, JsonNode json) {
        if (o.outOfMemory() || o.timedOut() || !json.hasNonNull("error")) {
            return o.failure();
        }
        return "exit " + o.exitCode() + ": " + json.get("error").asText().replace('|', '/').replace('\n', ' ');
    }

    private static String lastLine(String text) {
        String t = text.strip();
        return t.substring(t.lastIndexOf('\n') + 1);
    }

    private static Step.Status status(ChildProcess.Outcome o) {
        if (o.outOfMemory()) {
            return Step.Status.OUT_OF_MEMORY;
        }
        if (o.timedOut()) {
            return Step.Status.TIMED_OUT;
        }
        return o.exitCode() == 0 ? Step.Status.OK : Step.Status.FAILED;
    }

    private static void requireFile(Path file, String what) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("Missing " + file + ": " + what);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static void log(String message) {
        System.out.println("[" + Instant.now().toString().substring(11, 19) + "] " + message);
        System.out.flush();
    }
}
