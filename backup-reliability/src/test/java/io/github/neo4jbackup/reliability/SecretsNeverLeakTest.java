package io.github.neo4jbackup.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import io.github.neo4jbackup.cli.CliContext;
import io.github.neo4jbackup.cli.Main;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.Secret;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.encryption.age.AgeEncryption;
import io.github.neo4jbackup.export.cypher.GraphitiFixture;
import io.github.neo4jbackup.export.cypher.driver.DriverExportSource;
import io.github.neo4jbackup.export.cypher.driver.DriverRestoreSink;
import io.github.neo4jbackup.storage.s3.S3Config;
import io.github.neo4jbackup.storage.s3.S3ProxyServer;
import io.github.neo4jbackup.storage.s3.S3StorageTarget;
import io.github.neo4jbackup.testkit.ManualClock;
import io.github.neo4jbackup.testkit.ReliabilityFigures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee: <b>secrets never leak.</b> A full backup, list, verify, restore and prune run with
 * every kind of secret set (a Neo4j password on a server with authentication enabled, S3 access
 * and secret keys checked by S3Proxy, an age passphrase and an age X25519 identity), followed by
 * deliberately failing runs (wrong password, wrong S3 secret, wrong passphrase, wrong identity) and
 * by the command line (in-process and as a separate process, secrets given through environment
 * variables and a password file). Every log event of every logger at TRACE (ours, the Neo4j
 * driver, the AWS SDK, its HTTP client, S3Proxy), everything written to System.out and System.err,
 * every object key, manifest, object and object metadata in the bucket, the {@code toString()} of
 * every configuration, target, source, sink, transformer and pipeline, the messages and stack
 * traces of every failure and the command lines of the processes are searched for each secret (and
 * for its Base64 and URL encodings): none may contain it.
 */
class SecretsNeverLeakTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final PrintStream CONSOLE = System.out;
    private static final long STARTED = System.nanoTime();

    private static void phase(String what) {
        CONSOLE.println("[secrets] " + (System.nanoTime() - STARTED) / 1_000_000 + " ms: " + what);
    }

    @TempDir
    Path dir;

    /** A searchable text with a description of where it came from. */
    private record Evidence(String where, String text) { }

    @Test
    void noSecretAppearsInLogsOutputRepositoryToStringsErrorsOrCommandLines() throws Exception {
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("neo4j password", "Neo4j-" + token(20));
        secrets.put("S3 secret key", token(40));
        secrets.put("age passphrase", "age passphrase " + token(24));
        String accessKey = "AKRL" + token(16).toUpperCase();
        KeyPair pair = new X25519KeyPairGenerator().generateKeyPair();
        String recipient = pair.getPublic().toString();
        secrets.put("age identity", pair.getPrivate().toString());
        secrets.put("wrong neo4j password", "Wrong-" + token(20));
        secrets.put("wrong S3 secret key", token(40));
        secrets.put("wrong age passphrase", "wrong passphrase " + token(24));
        KeyPair otherPair = new X25519KeyPairGenerator().generateKeyPair();
        secrets.put("wrong age identity", otherPair.getPrivate().toString());
        // an identifier, not a secret by AWS's own definition: it is sent in clear in every request's
        // Authorization header, so wire-level logs of the HTTP client may show it; everything else may not
        String accessKeyName = "S3 access key id";

        List<Evidence> evidence = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        Capture capture = new Capture();
        int cliRuns = 0;
        int processesChecked = 0;

        try (AuthNeo4jServer neo4j = new AuthNeo4jServer(secrets.get("neo4j password"))) {
            try (Driver setup = neo4j.driver()) {
                GraphitiFixture.create(setup, "neo4j");
            }
        phase("capture started");
            capture.start();
            try (S3ProxyServer s3 = S3ProxyServer.start(accessKey, secrets.get("S3 secret key"));
                 Driver driver = neo4j.driver()) {
                String bucket = s3.newBucket("secrets");
                Path passwordFile = dir.resolve("neo4j-password");
                Files.writeString(passwordFile, secrets.get("neo4j password") + "\n");

        phase("library");
                // ---- the library: backup, list, verify, restore, prune with every secret set
                S3Config config = s3.config().build();
                AgeEncryption byPassphrase = AgeEncryption.builder().passphrase(Secret.of(secrets.get("age passphrase")))
                        .workFactor(10).build();
                AgeEncryption toRecipient = AgeEncryption.toRecipients(recipient);
                AgeEncryption byIdentity = AgeEncryption.builder().identity(Secret.of(secrets.get("age identity"))).build();
                DriverExportSource source = DriverExportSource.builder(driver).database("neo4j").build();
                DriverRestoreSink sink = DriverRestoreSink.builder(driver).database("neo4j").wipe(true).build();
                ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
                try (S3StorageTarget target = S3StorageTarget.builder().config(config).bucket(bucket).prefix("lib/").build()) {
                    BackupPipeline passphrasePipeline = BackupPipeline.builder().source(source).target(target)
                            .transform(Compression.zstd()).transform(byPassphrase).clock(clock)
                            .keyTemplate("pass/{database}/{database}-{timestamp}.{ext}")
                            .retention(RetentionPolicy.builder().keepLast(1).build())
                            .verifyAfterBackup(VerifyLevel.FULL).label("environment", "test").build();
                    BackupPipeline recipientPipeline = BackupPipeline.builder().source(source).target(target)
                            .transform(Compression.zstd()).transform(toRecipient).decoder(byIdentity).clock(clock)
                            .keyTemplate("key/{database}/{database}-{timestamp}.{ext}")
                            .retention(RetentionPolicy.builder().keepLast(1).build()).build();
                    for (BackupPipeline pipeline : List.of(passphrasePipeline, recipientPipeline)) {
                        String first = pipeline.backup().id();
                        clock.advance(Duration.ofHours(1));
                        String second = pipeline.backup().id();
                        clock.advance(Duration.ofHours(1));
                        evidence.add(new Evidence("list()", pipeline.list().toString()));
                        evidence.add(new Evidence("verify()", pipeline.verify(second, VerifyLevel.FULL).toString()));
                        evidence.add(new Evidence("restore()", pipeline.restore(second, sink).toString()));
                        evidence.add(new Evidence("prune()", pipeline.prune(false).toString()));
                        assertThat(pipeline.list()).extracting(Manifest::id).containsExactly(second).doesNotContain(first);
                        evidence.add(new Evidence("pipeline.toString()", pipeline.toString()));
                    }
                    evidence.add(new Evidence("target.toString()", target.toString() + " " + target.describe()));
                }
                for (Object o : List.of(config, s3.config().build().toBuilder(), byPassphrase, toRecipient, byIdentity,
                        source, sink, Secret.of(secrets.get("neo4j password")))) {
                    evidence.add(new Evidence(o.getClass().getSimpleName() + ".toString()", o.toString()));
                }

        phase("failures");
                // ---- deliberate failures
                try (Driver wrong = neo4j.driver(secrets.get("wrong neo4j password"))) {
                    failures.add(expectFailure(() -> BackupPipeline.builder().target(localTarget("wrong-pw"))
                            .source(DriverExportSource.builder(wrong).build()).build().backup()));
                }
                // the export asks the server several things before its first row (version, census, schema):
                // each refused login counts, and Neo4j locks the user for 5 s after 3 in a row
                Thread.sleep(6_000);
                try (S3StorageTarget wrongS3 = S3StorageTarget.builder()
                        .config(s3.config(secrets.get("wrong S3 secret key")).build()).bucket(bucket).prefix("lib/")
                        .retry(1, Duration.ofMillis(1), Duration.ofMillis(1)).build()) {
                    failures.add(expectFailure(() -> BackupPipeline.builder().target(wrongS3).source(source).build()
                            .backup()));
                    failures.add(expectFailure(() -> BackupPipeline.builder().target(wrongS3).build().list()));
                }
                try (S3StorageTarget target = S3StorageTarget.builder().config(config).bucket(bucket).prefix("lib/").build()) {
                    BackupPipeline wrongPassphrase = BackupPipeline.builder().target(target)
                            .keyTemplate("pass/{database}/{database}-{timestamp}.{ext}")
                            .decoder(AgeEncryption.builder().passphrase(Secret.of(secrets.get("wrong age passphrase")))
                                    .build()).build();
                    String id = wrongPassphrase.latest().id();
                    failures.add(expectFailure(() -> wrongPassphrase.restore(id, sink)));
                    failures.add(expectFailure(() -> wrongPassphrase.verify(id, VerifyLevel.FULL)));
                    BackupPipeline wrongIdentity = BackupPipeline.builder().target(target)
                            .keyTemplate("key/{database}/{database}-{timestamp}.{ext}")
                            .decoder(AgeEncryption.builder().identity(Secret.of(secrets.get("wrong age identity")))
                                    .build()).build();
                    String keyId = wrongIdentity.latest().id();
                    failures.add(expectFailure(() -> wrongIdentity.restore(keyId, sink)));
                }
                failures.add(expectFailure(() -> AgeEncryption.builder()
                        .identity(Secret.of(secrets.get("age identity").substring(0, 40))).build()));

        phase("cli in-process");
                // ---- the command line, in this JVM (S3 credentials through the AWS SDK's system properties)
                String uri = neo4j.boltUri().toString();
                String s3Target = "s3://" + bucket + "/cli";
                List<String> s3Flags = List.of("--s3-endpoint", s3.endpoint().toString(), "--s3-path-style",
                        "--s3-region", "us-east-1");
                Map<String, String> env = new HashMap<>();
                env.put("NEO4J_URI", uri);
                env.put("NEO4J_PASSWORD", secrets.get("neo4j password"));
                env.put("BACKUP_AGE_PASSPHRASE", secrets.get("age passphrase"));
                env.put("WRONG_AGE_PASSPHRASE", secrets.get("wrong age passphrase"));
                env.put("WRONG_NEO4J_PASSWORD", secrets.get("wrong neo4j password"));
                Map<String, String> savedProperties = setAwsProperties(accessKey, secrets.get("S3 secret key"));
                try {
                    // the age passphrase is read from the process environment (not the CLI context): the
                    // encrypted runs are the separate process's below
                    List<List<String>> runs = new ArrayList<>();
                    runs.add(args(List.of("backup", "--engine", "driver", "--to", s3Target, "--keep-last", "1",
                            "--json", "-v"), s3Flags));
                    runs.add(args(List.of("backup", "--engine", "driver", "--to", s3Target, "--password-file",
                            passwordFile.toString(), "--keep-last", "1", "--json", "-v"), s3Flags));
                    runs.add(args(List.of("list", "--from", s3Target, "--json", "-v"), s3Flags));
                    runs.add(args(List.of("verify", "--from", s3Target, "--latest", "--deep", "--json", "-v"), s3Flags));
                    runs.add(args(List.of("restore", "--from", s3Target, "--latest", "--uri", uri, "--wipe", "--yes",
                            "--no-safety-backup", "--json", "-v"), s3Flags));
                    runs.add(args(List.of("prune", "--from", s3Target, "--keep-last", "1", "--json", "-v"), s3Flags));
                    for (List<String> run : runs) {
                        if (run.get(0).equals("backup")) {
                            Thread.sleep(1_100); // backup ids have a resolution of one second
                        }
                        CliResult r = cli(env, run);
                        cliRuns++;
                        assertThat(r.exitCode()).as("%s\n%s", run, r).isZero();
                        evidence.add(new Evidence("CLI " + run.get(0), r.toString()));
                    }
                    List<List<String>> failing = new ArrayList<>();
                    failing.add(args(List.of("backup", "--engine", "driver", "--to", s3Target, "--password-env",
                            "WRONG_NEO4J_PASSWORD", "--json", "-v"), s3Flags));
                    failing.add(args(List.of("restore", "--from", s3Target, "--latest", "--uri", uri, "--password-env",
                            "WRONG_NEO4J_PASSWORD", "--wipe", "--yes", "--no-safety-backup", "--json", "-v"), s3Flags));
                    for (List<String> run : failing) {
                        CliResult r = cli(env, run);
                        cliRuns++;
                        assertThat(r.exitCode()).as("%s\n%s", run, r).isNotZero();
                        evidence.add(new Evidence("failing CLI " + run.get(0), r.toString()));
                    }
                    setAwsProperties(accessKey, secrets.get("wrong S3 secret key"));
                    CliResult wrongS3 = cli(env, args(List.of("list", "--from", s3Target, "--json", "-v"), s3Flags));
                    cliRuns++;
                    assertThat(wrongS3.exitCode()).as("%s", wrongS3).isNotZero();
                    evidence.add(new Evidence("failing CLI list (wrong S3 secret)", wrongS3.toString()));
                } finally {
                    restoreProperties(savedProperties);
                }

        phase("cli process");
                // ---- the command line as a process: secrets only in its environment and a file
                Map<String, String> processEnv = new HashMap<>(env);
                processEnv.put("AWS_ACCESS_KEY_ID", accessKey);
                processEnv.put("AWS_SECRET_ACCESS_KEY", secrets.get("S3 secret key"));
                processEnv.remove("NEO4J_PASSWORD");
                String encrypted = "s3://" + bucket + "/cli-age";
                for (List<String> run : List.of(
                        args(List.of("backup", "--engine", "driver", "--to", encrypted, "--password-file",
                                passwordFile.toString(), "--age-passphrase-env", "BACKUP_AGE_PASSPHRASE", "--json", "-v"),
                                s3Flags),
                        args(List.of("verify", "--from", encrypted, "--latest", "--deep", "--age-passphrase-env",
                                "WRONG_AGE_PASSPHRASE", "--json", "-v"), s3Flags))) {
                    ProcessRun p = process(processEnv, run, secrets);
                    cliRuns++;
                    processesChecked += p.processesSeen();
                    boolean shouldFail = run.contains("WRONG_AGE_PASSPHRASE");
                    assertThat(p.exitCode() != 0).as("%s\n%s", run, p.output()).isEqualTo(shouldFail);
                    evidence.add(new Evidence("CLI process " + run.get(0), p.output()));
                    evidence.add(new Evidence("CLI process command lines", String.join("\n", p.commandLines())));
                }

        phase("repository");
                // ---- the repository: keys, manifests, stored bytes, object metadata
                try (S3Client client = s3Client(s3)) {
                    s3.listing(bucket).keySet().forEach(key -> {
                        evidence.add(new Evidence("object key", key));
                        var object = client.getObjectAsBytes(r -> r.bucket(bucket).key(key));
                        evidence.add(new Evidence("object " + key, object.asString(StandardCharsets.ISO_8859_1)));
                        evidence.add(new Evidence("object metadata " + key, object.response().metadata().toString()));
                    });
                }
                try (Stream<Path> stored = Files.walk(s3.directory())) {
                    for (Path p : stored.filter(Files::isRegularFile).toList()) {
                        evidence.add(new Evidence("S3Proxy file " + s3.directory().relativize(p),
                                p + "\n" + Files.readString(p, StandardCharsets.ISO_8859_1)));
                    }
                }
            } finally {
                capture.stop();
            }
        }

        for (Throwable t : failures) {
            evidence.add(new Evidence("failure " + t.getClass().getSimpleName(), stackTrace(t)));
        }
        evidence.add(new Evidence("System.out", capture.out()));
        evidence.add(new Evidence("System.err", capture.err()));
        int events = 0;
        for (ILoggingEvent e : capture.events()) {
            events++;
            String text = e.getLoggerName() + " " + e.getLevel() + " " + e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy()))
                    + " " + e.getMDCPropertyMap();
            evidence.add(new Evidence("log " + e.getLoggerName(), text));
        }

        phase("search");
        List<String> leaks = new ArrayList<>();
        for (Map.Entry<String, String> secret : secrets.entrySet()) {
            for (String form : forms(secret.getValue())) {
                for (Evidence ev : evidence) {
                    int at = ev.text().indexOf(form);
                    if (at >= 0) {
                        leaks.add(secret.getKey() + " in " + ev.where() + ": ..."
                                + context(ev.text(), at, form, secret.getKey()) + "...");
                    }
                }
            }
        }
        List<String> accessKeyLeaks = new ArrayList<>();
        int accessKeyInProtocol = 0;
        for (Evidence ev : evidence) {
            for (int at = ev.text().indexOf(accessKey); at >= 0; at = ev.text().indexOf(accessKey, at + 1)) {
                String before = ev.text().substring(Math.max(0, at - 20), at);
                // the id as the S3 protocol itself carries it: the Authorization header of a request
                // (wire logs of the HTTP client) and the server's SignatureDoesNotMatch answer
                if (before.endsWith("Credential=") || before.endsWith("AWSAccessKeyId=")
                        || before.endsWith("<AWSAccessKeyId>")) {
                    accessKeyInProtocol++;
                } else {
                    accessKeyLeaks.add(accessKeyName + " in " + ev.where() + ": ..."
                            + context(ev.text(), at, accessKey, accessKeyName) + "...");
                }
            }
        }

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("secrets", secrets.size() + 1);
        figures.put("log.events.searched", events);
        figures.put("texts.searched", evidence.size());
        figures.put("failures.provoked", failures.size());
        figures.put("cli.runs", cliRuns);
        figures.put("process.command.lines.checked", processesChecked);
        figures.put("access.key.id.in.s3.protocol.logs", accessKeyInProtocol);
        figures.put("leaks", leaks.size() + accessKeyLeaks.size());
        ReliabilityFigures.record("secrets", figures);
        assertThat(events).as("log events captured").isGreaterThan(100);
        assertThat(failures).hasSize(7);
        assertThat(leaks).as("secrets found").isEmpty();
        assertThat(accessKeyLeaks).as("the access key id outside the HTTP Authorization header").isEmpty();
    }

    // ----------------------------------------------------------------------------------- capture

    /** All log events of every logger at TRACE, and System.out/System.err, while started. */
    private static final class Capture {
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final Map<String, Level> levels = new HashMap<>();
        private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();
        private PrintStream savedOut;
        private PrintStream savedErr;

        void start() {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            for (Logger logger : context.getLoggerList()) {
                levels.put(logger.getName(), logger.getLevel());
                logger.setLevel(logger == root ? Level.TRACE : null);
            }
            for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
                detached.add(it.next());
            }
            detached.forEach(root::detachAppender);
            appender.setContext(context);
            appender.start();
            root.addAppender(appender);
            savedOut = System.out;
            savedErr = System.err;
            System.setOut(new PrintStream(new Tee(savedOut, out), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new Tee(savedErr, err), true, StandardCharsets.UTF_8));
        }

        void stop() {
            System.out.flush();
            System.err.flush();
            System.setOut(savedOut);
            System.setErr(savedErr);
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.detachAppender(appender);
            appender.stop();
            detached.forEach(root::addAppender);
            for (Logger logger : context.getLoggerList()) {
                logger.setLevel(levels.getOrDefault(logger.getName(), null));
            }
        }

        List<ILoggingEvent> events() {
            return List.copyOf(appender.list);
        }

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    /** Writes to the original stream only a count of bytes (to keep the build log short) and keeps all. */
    private static final class Tee extends OutputStream {
        private final PrintStream original;
        private final ByteArrayOutputStream copy;

        Tee(PrintStream original, ByteArrayOutputStream copy) {
            this.original = original;
            this.copy = copy;
        }

        @Override
        public synchronized void write(int b) {
            copy.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            copy.write(b, off, len);
        }

        @Override
        public void flush() {
            original.flush();
        }
    }

    // --------------------------------------------------------------------------------- CLI runs

    private record CliResult(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private static CliResult cli(Map<String, String> env, List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(args.toArray(String[]::new), CliContext.of(env, o, e));
        }
        return new CliResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record ProcessRun(int exitCode, String output, List<String> commandLines, int processesSeen) { }

    /**
     * Runs the command line in a new JVM and, while it runs, reads the command lines of it and of
     * every process it starts; none may hold a secret.
     */
    private ProcessRun process(Map<String, String> env, List<String> args, Map<String, String> secrets)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Xmx512m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider");
        command.add("-Dlogback.configurationFile=" + Path.of(getClass().getResource("/trace-to-stderr-logback.xml")
                .getPath()));
        command.add(Main.class.getName());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("process-" + args.get(0) + ".log").toFile());
        pb.environment().putAll(env);
        Process process = pb.start();
        List<String> lines = new ArrayList<>();
        int seen = 0;
        while (process.isAlive()) {
            List<ProcessHandle> family = new ArrayList<>();
            family.add(process.toHandle());
            process.toHandle().descendants().forEach(family::add);
            for (ProcessHandle h : family) {
                var info = h.info();
                String line = info.commandLine().orElse(info.command().orElse("") + " "
                        + String.join(" ", info.arguments().orElse(new String[0])));
                lines.add("pid " + h.pid() + ": " + line);
                seen++;
            }
            process.waitFor(200, TimeUnit.MILLISECONDS);
        }
        process.waitFor();
        String output = "exit " + process.exitValue() + "\n" + Files.readString(dir.resolve("process-" + args.get(0)
                + ".log"), StandardCharsets.UTF_8);
        for (String secret : secrets.values()) {
            assertThat(command).as("the command line given to the process").noneMatch(a -> a.contains(secret));
        }
        return new ProcessRun(process.exitValue(), output, lines, seen);
    }

    // ---------------------------------------------------------------------------------- helpers

    private static Throwable expectFailure(ThrowingRunnable action) {
        try {
            Object result = action.run();
            if (result instanceof io.github.neo4jbackup.core.VerifyReport report && !report.ok()) {
                return new AssertionError("verification failed as expected: " + report);
            }
            throw new AssertionError("expected a failure, got " + result);
        } catch (RuntimeException e) {
            return e;
        } catch (Exception e) {
            return e;
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        Object run() throws Exception;
    }

    private io.github.neo4jbackup.storage.local.LocalStorageTarget localTarget(String name) {
        return io.github.neo4jbackup.storage.local.LocalStorageTarget.of(dir.resolve(name));
    }

    private static List<String> args(List<String> command, List<String> more) {
        List<String> all = new ArrayList<>(command);
        all.addAll(more);
        return all;
    }

    private static Map<String, String> setAwsProperties(String accessKey, String secretKey) {
        Map<String, String> saved = new HashMap<>();
        for (String name : List.of("aws.accessKeyId", "aws.secretAccessKey")) {
            saved.put(name, System.getProperty(name));
        }
        System.setProperty("aws.accessKeyId", accessKey);
        System.setProperty("aws.secretAccessKey", secretKey);
        return saved;
    }

    private static void restoreProperties(Map<String, String> saved) {
        saved.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }

    private static S3Client s3Client(S3ProxyServer s3) {
        return s3.config().build().buildClient();
    }

    private static String stackTrace(Throwable t) {
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        return t + "\n" + sw;
    }

    /** The secret as it is, and as Base64, URL encoding and with JSON/Java escaping of its characters. */
    private static List<String> forms(String secret) {
        List<String> forms = new ArrayList<>();
        forms.add(secret);
        forms.add(java.util.Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
        forms.add(java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8));
        if (secret.length() > 16) {
            forms.add(secret.substring(secret.length() - 16)); // a tail, as some tools print "...last 16"
        }
        return forms.stream().distinct().toList();
    }

    private static String context(String text, int at, String form, String name) {
        int from = Math.max(0, at - 80);
        int to = Math.min(text.length(), at + form.length() + 40);
        return text.substring(from, to).replace(form, "<" + name + ">").replaceAll("\\s+", " ");
    }

    private static String token(int length) {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
