package io.github.neo4jbackup.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.BackupNotFoundException;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.RestoreFailedException;
import io.github.neo4jbackup.core.Secret;
import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.encryption.age.AgeEncryption;
import io.github.neo4jbackup.export.cypher.GraphitiFixture;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.export.cypher.driver.DriverExportSource;
import io.github.neo4jbackup.export.cypher.driver.DriverRestoreSink;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprint;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import io.github.neo4jbackup.storage.s3.S3ProxyServer;
import io.github.neo4jbackup.storage.s3.S3StorageTarget;
import io.github.neo4jbackup.testkit.ReliabilityFigures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee: <b>bad input is refused cleanly and changes nothing.</b> A table of hostile or broken
 * inputs (fuzzed manifests written into a real repository, unknown transformer ids, key templates
 * that try to escape the repository, database names carrying shell and Cypher metacharacters, wrong
 * age passphrases and identities, a wrong Neo4j password, oversized labels, names and keys) is run
 * against the real engines, storage targets and encryption. Each row names the exception it must
 * get (or the warning, or the failed verification report) and a fragment the message must contain
 * saying what was wrong or what to do; no row may end in a {@link NullPointerException},
 * {@link ClassCastException}, {@link StackOverflowError} or any other exception outside
 * {@link BackupException}. Around every row the repository is snapshotted (every file's path, size
 * and SHA-256; for S3 every key, size and ETag) and, for rows that restore, the content and schema
 * fingerprints of the target database: before and after must be equal.
 */
class BadInputTableTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 20251121L;
    private static final String PASSPHRASE = "the right passphrase 4 the backup!";
    private static final String NEO4J_PASSWORD = "Bad-Input-Pw-31337";
    private static final int MAX_MESSAGE = 2_000;

    /** Outcome markers besides exception types. */
    private static final class SkippedWithWarning { }
    private static final class Accepted { }
    private static final class CleanOrAccepted { }

    @FunctionalInterface
    interface Action {
        Object run() throws Exception;
    }

    /** One input: what to do, what must come out, and where to look for changes. */
    record Row(String name, Class<?> expected, String fragment, Path repository, String bucket,
               Driver database, Action action) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Neo4jTestServer server;
    private static AuthNeo4jServer authServer;
    private static Driver authDriver;
    private static S3ProxyServer s3;
    private static Path root;
    private static Path base;
    private static String baseId;
    private static String baseManifest;
    private static Path passRepo;
    private static String passId;
    private static Path keyRepo;
    private static String keyId;
    private static String otherIdentity;
    private static String rightIdentity;

    private static ListAppender<ILoggingEvent> logged;
    private static String serverFingerprint;

    @BeforeAll
    static void setUp() throws Exception {
        root = Files.createTempDirectory("bad-input-");
        server = Neo4jTestServer.start(false);
        GraphitiFixture.create(server.driver(), "neo4j");
        authServer = new AuthNeo4jServer(NEO4J_PASSWORD);
        authDriver = authServer.driver();
        try (var session = authDriver.session()) {
            session.run("UNWIND range(1, 20) AS i CREATE (:Item {i: i})").consume();
        }
        s3 = S3ProxyServer.start("bad-input-access", "bad-input-secret-0123456789");

        base = root.resolve("base");
        BackupPipeline plain = pipeline(base).source(source()).transform(Compression.zstd()).build();
        baseId = plain.backup().id();
        baseManifest = singleManifest(base);

        passRepo = root.resolve("age-pass");
        passId = pipeline(passRepo).source(source()).transform(Compression.zstd())
                .transform(AgeEncryption.builder().passphrase(Secret.of(PASSPHRASE)).workFactor(10).build())
                .build().backup().id();

        String[] right = keyPair();
        String[] other = keyPair();
        rightIdentity = right[1];
        otherIdentity = other[1];
        keyRepo = root.resolve("age-key");
        keyId = pipeline(keyRepo).source(source()).transform(Compression.zstd())
                .transform(AgeEncryption.toRecipients(right[0])).build().backup().id();

        serverFingerprint = fingerprint(server.driver());
        logged = new ListAppender<>();
        logged.start();
        Logger rootLogger = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        rootLogger.addAppender(logged);
    }

    @AfterAll
    static void tearDown() throws IOException {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logged);
        if (authDriver != null) {
            authDriver.close();
        }
        if (authServer != null) {
            authServer.close();
        }
        if (server != null) {
            server.close();
        }
        if (s3 != null) {
            s3.close();
        }
        deleteTree(root);
    }

    @Test
    void everyBadInputGetsAClearErrorAndChangesNothing() {
        long started = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        manifestRows(rows);
        transformerRows(rows);
        keyTemplateRows(rows);
        databaseNameRows(rows);
        encryptionRows(rows);
        passwordRows(rows);
        oversizedRows(rows);

        List<String> failures = new ArrayList<>();
        int clear = 0;
        int changes = 0;
        for (Row row : rows) {
            String outcome = run(row, failures);
            if (outcome.equals("changed")) {
                changes++;
            } else if (outcome.equals("clear")) {
                clear++;
            }
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("inputs.tried", rows.size());
        figures.put("clear.errors", clear);
        figures.put("accepted.as.documented", rows.size() - clear - failures.size());
        figures.put("changes.made", changes);
        figures.put("failed.rows", failures.size());
        figures.put("seconds", (System.nanoTime() - started) / 1_000_000_000L);
        ReliabilityFigures.record("bad-input", figures);
        assertThat(failures).as("rows that failed").isEmpty();
        assertThat(changes).isZero();
    }

    /** Runs one row; returns "clear", "accepted", "changed" or "failed". */
    private static String run(Row row, List<String> failures) {
        Map<String, String> filesBefore = row.repository() == null ? null : RepositorySnapshot.of(row.repository());
        Map<String, String> objectsBefore = row.bucket() == null ? null : s3.listing(row.bucket());
        String dbBefore = row.database() == null ? null
                : row.database() == server.driver() ? serverFingerprint : fingerprint(row.database());
        logged.list.clear();
        long started = System.nanoTime();
        Object result = null;
        Throwable thrown = null;
        try {
            result = row.action().run();
        } catch (Throwable t) {
            thrown = t;
        }
        List<String> problems = new ArrayList<>();
        boolean clear = false;
        Class<?> expected = row.expected();
        if (thrown != null && !(thrown instanceof BackupException)) {
            problems.add("threw " + describe(thrown) + ", which is not a BackupException");
        } else if (Throwable.class.isAssignableFrom(expected)) {
            if (thrown == null) {
                problems.add("expected " + expected.getSimpleName() + " but got " + result);
            } else {
                clear = checkMessage(thrown, expected, row.fragment(), problems);
            }
        } else if (expected == VerifyReport.class) {
            if (thrown != null) {
                problems.add("expected a failed verification report but it threw " + describe(thrown));
            } else if (!(result instanceof VerifyReport report) || report.ok()) {
                problems.add("expected a failed verification report, got " + result);
            } else if (report.problems().stream().noneMatch(p -> p.contains(row.fragment()))) {
                problems.add("no problem of the report contains '" + row.fragment() + "': " + report.problems());
            } else {
                clear = true;
            }
        } else if (expected == SkippedWithWarning.class) {
            if (thrown != null) {
                problems.add("expected a skip with a warning but it threw " + describe(thrown));
            } else if (warnings().stream().noneMatch(w -> w.contains(row.fragment()))) {
                problems.add("no warning contains '" + row.fragment() + "': " + warnings());
            } else {
                clear = true;
            }
        } else if (expected == Accepted.class) {
            if (thrown != null) {
                problems.add("expected to be accepted but it threw " + describe(thrown));
            } else if (result instanceof VerifyReport report && !report.ok()) {
                problems.add("expected an ok verification, got " + report.problems());
            }
        } else if (expected == CleanOrAccepted.class) {
            if (thrown != null) {
                clear = checkMessage(thrown, BackupException.class, row.fragment(), problems);
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        boolean changed = false;
        if (filesBefore != null && !filesBefore.equals(RepositorySnapshot.of(row.repository()))) {
            problems.add("the repository changed: before " + filesBefore.keySet() + ", after "
                    + RepositorySnapshot.of(row.repository()).keySet());
            changed = true;
        }
        if (objectsBefore != null && !objectsBefore.equals(s3.listing(row.bucket()))) {
            problems.add("the bucket changed: before " + objectsBefore + ", after " + s3.listing(row.bucket()));
            changed = true;
        }
        if (dbBefore != null && !dbBefore.equals(fingerprint(row.database()))) {
            problems.add("the target database changed");
            changed = true;
        }
        String shown = thrown == null ? "returned " + abbreviate(String.valueOf(result))
                : thrown.getClass().getSimpleName() + ": " + abbreviate(String.valueOf(thrown.getMessage()));
        if (!problems.isEmpty()) {
            failures.add(row.name() + ": " + String.join("; ", problems));
            System.out.println("[bad-input] FAIL " + row.name() + " -> " + shown);
            return changed ? "changed" : "failed";
        }
        System.out.println("[bad-input] ok   " + row.name() + " (" + millis + " ms) -> " + shown);
        return clear ? "clear" : "accepted";
    }

    private static boolean checkMessage(Throwable thrown, Class<?> expected, String fragment, List<String> problems) {
        String message = thrown.getMessage();
        if (!expected.isInstance(thrown)) {
            problems.add("expected " + expected.getSimpleName() + " but got " + describe(thrown));
            return false;
        }
        if (message == null || message.isBlank()) {
            problems.add("the message is empty");
            return false;
        }
        if (!message.contains(fragment)) {
            problems.add("the message does not contain '" + fragment + "': " + abbreviate(message));
            return false;
        }
        if (message.length() > MAX_MESSAGE) {
            problems.add("the message has " + message.length() + " characters (at most " + MAX_MESSAGE + ")");
            return false;
        }
        if (message.chars().anyMatch(Character::isISOControl)) {
            problems.add("the message contains a control character (it could forge log lines): "
                    + abbreviate(message));
            return false;
        }
        return true;
    }

    // ------------------------------------------------------------------------------ manifests

    private static void manifestRows(List<Row> rows) {
        byte[] original = baseManifest.getBytes(StandardCharsets.UTF_8);
        Map<String, Mutation> mutations = new LinkedHashMap<>();
        Random random = new Random(SEED);

        mutations.put("empty file", new Mutation(new byte[0], "not a JSON object"));
        for (int i = 0; i < 6; i++) {
            int cut = 1 + random.nextInt(original.length - 2);
            mutations.put("truncated at " + cut, new Mutation(java.util.Arrays.copyOf(original, cut), "not valid JSON"));
        }
        for (String text : List.of("null", "[]", "\"manifest\"", "42")) {
            mutations.put("root is " + text, new Mutation(bytes(text), "not a JSON object"));
        }

        // wrong types
        Map<String, JsonNode> wrong = new LinkedHashMap<>();
        wrong.put("formatVersion", TextNode.valueOf("1"));
        wrong.put("id", JSON.getNodeFactory().numberNode(5));
        wrong.put("database", JSON.getNodeFactory().booleanNode(true));
        wrong.put("createdAt", JSON.getNodeFactory().numberNode(1_700_000_000));
        wrong.put("finishedAt", TextNode.valueOf("yesterday"));
        wrong.put("source", TextNode.valueOf("cypher-driver"));
        wrong.put("source.type", JSON.createArrayNode());
        wrong.put("source.attributes", JSON.createArrayNode().add(1));
        wrong.put("transformers", JSON.createObjectNode());
        wrong.put("transformers.0", TextNode.valueOf("zstd"));
        wrong.put("transformers.0.parameters", JSON.createArrayNode());
        wrong.put("object", JSON.createArrayNode());
        wrong.put("object.key", JSON.getNodeFactory().numberNode(7));
        wrong.put("object.rawSize", TextNode.valueOf("12"));
        wrong.put("object.storedSize", JSON.getNodeFactory().numberNode(-1));
        wrong.put("object.rawSha256", TextNode.valueOf("XYZ"));
        wrong.put("object.storedSha256", JSON.getNodeFactory().numberNode(1.5));
        wrong.put("counts.nodes", TextNode.valueOf("many"));
        wrong.put("counts.labels", JSON.createArrayNode());
        wrong.put("labels", JSON.createArrayNode());
        wrong.put("metadata", TextNode.valueOf("x"));
        wrong.put("host", JSON.createObjectNode());
        for (Map.Entry<String, JsonNode> e : wrong.entrySet()) {
            String leaf = leaf(e.getKey());
            mutations.put("wrong type of " + e.getKey(), new Mutation(edit(t -> set(t, e.getKey(), e.getValue())),
                    "field '" + leaf));
        }
        mutations.put("labels.x is an object", new Mutation(edit(t -> ((ObjectNode) t.get("labels"))
                .set("x", JSON.createObjectNode())), "field 'labels.x'"));
        mutations.put("object.key moved", new Mutation(edit(t -> set(t, "object.key",
                TextNode.valueOf("elsewhere/x.graph.zst"))), "moved or edited"));
        mutations.put("object.key traversal", new Mutation(edit(t -> set(t, "object.key",
                TextNode.valueOf("../../etc/passwd"))), "field 'object.key'"));

        // missing fields
        for (String field : List.of("formatVersion", "id", "database", "createdAt", "finishedAt", "source",
                "source.type", "transformers", "object", "object.key", "object.rawSize", "object.storedSize",
                "object.rawSha256", "object.storedSha256")) {
            mutations.put("missing " + field, new Mutation(edit(t -> remove(t, field)), "field '" + leaf(field)));
        }

        // hostile database names inside an otherwise intact manifest
        for (String name : List.of("; rm -rf /", "a/b", "../x", "x\ny", "`x` OR 1=1", "$(touch /tmp/pwned)", "")) {
            mutations.put("database " + printable(name), new Mutation(edit(t -> t.put("database", name)),
                    "field 'database'"));
        }

        // huge numbers
        mutations.put("rawSize 1e400", new Mutation(replaceNumber(original, "rawSize", "1e400"), "field 'rawSize'"));
        mutations.put("rawSize beyond long", new Mutation(replaceNumber(original, "rawSize",
                "99999999999999999999999"), "field 'rawSize'"));
        mutations.put("formatVersion beyond int", new Mutation(replaceNumber(original, "formatVersion",
                "4294967297"), "field 'formatVersion'"));
        mutations.put("number of 500 digits", new Mutation(replaceNumber(original, "storedSize", "9".repeat(500)),
                "not valid JSON"));
        mutations.put("formatVersion 2", new Mutation(replaceNumber(original, "formatVersion", "2"),
                "use a newer neo4j-backup"));
        mutations.put("formatVersion 999", new Mutation(replaceNumber(original, "formatVersion", "999"),
                "use a newer neo4j-backup"));
        mutations.put("formatVersion 0", new Mutation(replaceNumber(original, "formatVersion", "0"),
                "invalid format version"));

        // invalid UTF-8
        int inId = baseManifest.indexOf(baseId) + 2;
        mutations.put("invalid UTF-8 0xFF", new Mutation(splice(original, inId, new byte[]{(byte) 0xFF}), "not valid UTF-8"));
        mutations.put("invalid UTF-8 C3 28", new Mutation(splice(original, inId, new byte[]{(byte) 0xC3, 0x28}),
                "not valid UTF-8"));
        mutations.put("overlong UTF-8 C0 AF", new Mutation(splice(original, inId, new byte[]{(byte) 0xC0, (byte) 0xAF}),
                "not valid UTF-8"));

        // deep nesting
        mutations.put("arrays nested 100000 deep", new Mutation(addMetadataRaw(original,
                "[".repeat(100_000) + "]".repeat(100_000)), "not valid JSON"));
        mutations.put("objects nested 5000 deep", new Mutation(addMetadataRaw(original,
                "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000)), "not valid JSON"));

        // duplicate keys
        mutations.put("duplicate storedSha256", new Mutation(bytes(baseManifest.replaceFirst("\\{",
                "{ \"object\" : {\"key\": \"other/x.graph.zst\"},")), "Duplicate field"));
        mutations.put("duplicate formatVersion", new Mutation(bytes(baseManifest.replaceFirst("\\{",
                "{ \"formatVersion\" : 1,")), "Duplicate field"));

        // oversized strings
        mutations.put("label of 1 MB", new Mutation(edit(t -> ((ObjectNode) t.get("labels"))
                .put("big", "x".repeat(1 << 20))), "not valid JSON"));
        mutations.put("manifest of 5 MB", new Mutation(edit(t -> {
            ObjectNode meta = (ObjectNode) t.get("metadata");
            for (int i = 0; i < 10; i++) {
                meta.put("m" + i, "y".repeat(500_000));
            }
        }), "larger than"));

        for (Map.Entry<String, Mutation> e : mutations.entrySet()) {
            addManifestRows(rows, e.getKey(), e.getValue());
        }

        // seeded byte flips: any outcome is allowed except a crash or a change
        for (int i = 0; i < 12; i++) {
            byte[] flipped = original.clone();
            int at = random.nextInt(flipped.length);
            flipped[at] = (byte) (flipped[at] ^ (1 << random.nextInt(8)));
            Path repo = copyOfBase("flip-" + i);
            writeManifest(repo, flipped);
            String name = "manifest: bit flip " + i + " at byte " + at;
            rows.add(new Row(name + " / list", CleanOrAccepted.class, "Manifest", repo, null, null,
                    () -> pipeline(repo).build().list()));
            rows.add(new Row(name + " / verify", CleanOrAccepted.class, "", repo, null, null,
                    () -> pipeline(repo).build().verify(baseId, VerifyLevel.FULL)));
            rows.add(new Row(name + " / restore", CleanOrAccepted.class, "", repo, null, server.driver(),
                    () -> pipeline(repo).build().restore(baseId, sink())));
        }

        // large but legitimate: 10,000 user labels and 10,000 graph labels
        Path many = copyOfBase("many-labels");
        writeManifest(many, edit(t -> {
            ObjectNode labels = (ObjectNode) t.get("labels");
            ObjectNode counted = (ObjectNode) t.get("counts").get("labels");
            for (int i = 0; i < 10_000; i++) {
                labels.put("label" + i, "value " + i);
                counted.put("Label" + i, 0);
            }
        }));
        rows.add(new Row("manifest: 10,000-label maps / list", Accepted.class, "", many, null, null,
                () -> {
                    List<Manifest> listed = pipeline(many).build().list();
                    if (listed.size() != 1 || listed.get(0).labels().size() != 10_000) {
                        throw new AssertionError("the manifest with 10,000 labels was not listed whole: " + listed.size());
                    }
                    return "1 manifest, 10,000 labels";
                }));
        rows.add(new Row("manifest: 10,000-label maps / verify", Accepted.class, "", many, null, null,
                () -> pipeline(many).build().verify(baseId, VerifyLevel.FULL)));
        rows.add(new Row("manifest: 10,000-label maps / restore into a non-empty database", InvalidInputException.class,
                "is not empty", many, null, server.driver(), () -> pipeline(many).build().restore(baseId, sink())));
    }

    private record Mutation(byte[] bytes, String fragment) { }

    private static void addManifestRows(List<Row> rows, String what, Mutation mutation) {
        Path repo = copyOfBase("m" + rows.size());
        writeManifest(repo, mutation.bytes());
        String name = "manifest: " + what;
        rows.add(new Row(name + " / list", SkippedWithWarning.class, mutation.fragment(), repo, null, null,
                () -> {
                    List<Manifest> listed = pipeline(repo).build().list();
                    if (!listed.isEmpty()) {
                        throw new AssertionError("listed a broken manifest: " + listed);
                    }
                    return listed;
                }));
        rows.add(new Row(name + " / verify", BackupNotFoundException.class, mutation.fragment(), repo, null, null,
                () -> pipeline(repo).build().verify(baseId, VerifyLevel.FULL)));
        rows.add(new Row(name + " / restore", BackupNotFoundException.class, mutation.fragment(), repo, null,
                server.driver(), () -> pipeline(repo).build().restore(baseId, sink())));
        rows.add(new Row(name + " / prune", SkippedWithWarning.class, mutation.fragment(), repo, null, null,
                () -> pipeline(repo).retention(RetentionPolicy.builder().keepLast(1).build())
                        .orphanGracePeriod(Duration.ZERO).build().prune(false)));
    }

    // --------------------------------------------------------------------------- transformers

    private static void transformerRows(List<Row> rows) {
        for (String id : List.of("rot13", "ZSTD", "zstd ", "../../bin/sh", "$(reboot)", "t".repeat(5_000),
                "evil\u0000\u001b[31m")) {
            Path repo = copyOfBase("t" + rows.size());
            writeManifest(repo, edit(t -> ((ObjectNode) t.get("transformers").get(0)).put("id", id)));
            String name = "unknown transformer id '" + abbreviate(printable(id)) + "'";
            rows.add(new Row(name + " / list", Accepted.class, "", repo, null, null,
                    () -> pipeline(repo).build().list()));
            rows.add(new Row(name + " / verify", InvalidInputException.class, "Unknown transformer id", repo, null,
                    null, () -> pipeline(repo).build().verify(baseId, VerifyLevel.FULL)));
            rows.add(new Row(name + " / restore", InvalidInputException.class, "Unknown transformer id", repo, null,
                    server.driver(), () -> pipeline(repo).build().restore(baseId, sink())));
        }
        Path extra = copyOfBase("t-extra");
        writeManifest(extra, edit(t -> ((ArrayNode) t.get("transformers")).addObject().put("id", "quantum")));
        rows.add(new Row("unknown second transformer / restore", InvalidInputException.class, "quantum", extra, null,
                server.driver(), () -> pipeline(extra).build().restore(baseId, sink())));
    }

    // ---------------------------------------------------------------------------- key templates

    private static void keyTemplateRows(List<Row> rows) {
        Path repo = root.resolve("templates");
        Map<String, String> templates = new LinkedHashMap<>();
        templates.put("../{database}/{timestamp}.{ext}", "path traversal");
        templates.put("{database}/../../{timestamp}.{ext}", "path traversal");
        templates.put("./{database}-{timestamp}.{ext}", "path traversal");
        templates.put("/var/backups/{database}-{timestamp}.{ext}", "absolute path");
        templates.put("C:/backups/{timestamp}.{ext}", "drive-letter");
        templates.put("a\\b/{timestamp}.{ext}", "backslash");
        templates.put("a//{timestamp}.{ext}", "empty segment");
        templates.put("{database}/{timestamp}.{ext}/", "ends with '/'");
        templates.put("a\u0000b/{timestamp}.{ext}", "control character");
        templates.put("a\nb/{timestamp}.{ext}", "control character");
        templates.put("a\u001b[2Jb/{timestamp}.{ext}", "control character");
        templates.put("", "it is empty");
        templates.put("{database}/{database}.{ext}", "neither {timestamp} nor {id}");
        templates.put("{database/{timestamp}.{ext}", "unbalanced");
        templates.put("x".repeat(2_000) + "{timestamp}", "longer than");
        templates.put("{env}/{timestamp}.{ext}", "no label of that name");
        for (Map.Entry<String, String> t : templates.entrySet()) {
            rows.add(new Row("key template '" + abbreviate(printable(t.getKey())) + "'", InvalidInputException.class,
                    t.getValue(), repo, null, null, () -> pipeline(repo).keyTemplate(t.getKey()).source(source()).build()));
        }
        for (String value : List.of("..", ".", "a/../../b", "/etc", "x\ny", "a\\b", "")) {
            rows.add(new Row("key template label value '" + printable(value) + "'", InvalidInputException.class,
                    "not usable in a key", repo, null, null, () -> pipeline(repo).keyTemplate("{env}/{timestamp}.{ext}")
                    .label("env", value).source(source()).build().backup()));
        }
    }

    // ---------------------------------------------------------------------------- database names

    private static void databaseNameRows(List<Row> rows) {
        Path repo = root.resolve("names");
        List<String> invalid = List.of("; rm -rf /", "neo4j; rm -rf /", "a`b", "`neo4j`", "a'b", "a\"b",
                "$(touch /tmp/pwned)", "a\nb", "neo4j\u0000", "ünïcødé", "데이터베이스", "db\u202Eexe", "a b", "a..b",
                "a.", "1abc", "-rf", "a/b", "..", "a".repeat(64));
        for (String name : invalid) {
            rows.add(new Row("database name '" + printable(name) + "' / backup source", InvalidInputException.class,
                    "Invalid database name", repo, null, null,
                    () -> DriverExportSource.builder(server.driver()).database(name).build()));
            rows.add(new Row("database name '" + printable(name) + "' / restore sink", InvalidInputException.class,
                    "Invalid database name", repo, null, server.driver(),
                    () -> DriverRestoreSink.builder(server.driver()).database(name).build()));
        }
        rows.add(new Row("database name empty", InvalidInputException.class, "database name is empty", repo, null, null,
                () -> DriverExportSource.builder(server.driver()).database("").build()));
        rows.add(new Row("database name 'neo4j; rm -rf /' / list filter", Accepted.class, "", base, null, null,
                () -> {
                    List<Manifest> listed = pipeline(base).build().list("neo4j; rm -rf /");
                    if (!listed.isEmpty()) {
                        throw new AssertionError("a filter that is no database matched " + listed);
                    }
                    return listed;
                }));
        // allowed by Neo4j's rules but absent on this Community server: a clean failure that names it
        for (String name : List.of("no-such.db", "x-1.y")) {
            rows.add(new Row("database name '" + name + "' (valid, absent) / backup", SourceFailedException.class,
                    "Database '" + name + "' does not exist",
                    repo, null, null, () -> pipeline(repo).source(DriverExportSource.builder(server.driver())
                    .database(name).build()).build().backup()));
            rows.add(new Row("database name '" + name + "' (valid, absent) / restore", RestoreFailedException.class,
                    name, base, null, server.driver(), () -> pipeline(base).build().restore(baseId,
                    DriverRestoreSink.builder(server.driver()).database(name).wipe(true).build())));
        }
    }

    // ------------------------------------------------------------------------------ encryption

    private static void encryptionRows(List<Row> rows) {
        String cannot = "None of the configured age identities can decrypt";
        AgeEncryption wrongPassphrase = AgeEncryption.builder().passphrase(Secret.of("not the passphrase")).build();
        rows.add(new Row("age: wrong passphrase / verify", InvalidInputException.class, cannot, passRepo, null, null,
                () -> pipeline(passRepo).decoder(wrongPassphrase).build().verify(passId, VerifyLevel.FULL)));
        rows.add(new Row("age: wrong passphrase / restore", InvalidInputException.class, cannot, passRepo, null,
                server.driver(), () -> pipeline(passRepo).decoder(wrongPassphrase).build().restore(passId, sink())));
        rows.add(new Row("age: no passphrase / verify", InvalidInputException.class, "identity", passRepo, null, null,
                () -> pipeline(passRepo).build().verify(passId, VerifyLevel.FULL)));
        rows.add(new Row("age: no passphrase / restore", InvalidInputException.class, "identity", passRepo, null,
                server.driver(), () -> pipeline(passRepo).build().restore(passId, sink())));
        rows.add(new Row("age: identity given for a passphrase backup / restore", InvalidInputException.class,
                "encrypted to a passphrase", passRepo, null, server.driver(), () -> pipeline(passRepo)
                .decoder(AgeEncryption.builder().identity(Secret.of(rightIdentity)).build()).build()
                .restore(passId, sink())));

        AgeEncryption wrongIdentity = AgeEncryption.builder().identity(Secret.of(otherIdentity)).build();
        rows.add(new Row("age: wrong identity / verify", InvalidInputException.class, cannot, keyRepo, null, null,
                () -> pipeline(keyRepo).decoder(wrongIdentity).build().verify(keyId, VerifyLevel.FULL)));
        rows.add(new Row("age: wrong identity / restore", InvalidInputException.class, cannot, keyRepo, null,
                server.driver(), () -> pipeline(keyRepo).decoder(wrongIdentity).build().restore(keyId, sink())));
        rows.add(new Row("age: no identity / verify", InvalidInputException.class, "identity", keyRepo, null, null,
                () -> pipeline(keyRepo).build().verify(keyId, VerifyLevel.FULL)));
        rows.add(new Row("age: no identity / restore", InvalidInputException.class, "identity", keyRepo, null,
                server.driver(), () -> pipeline(keyRepo).build().restore(keyId, sink())));
        rows.add(new Row("age: passphrase given for a key backup / restore", InvalidInputException.class,
                "not passphrase-encrypted", keyRepo, null, server.driver(), () -> pipeline(keyRepo)
                .decoder(wrongPassphrase).build().restore(keyId, sink())));
        rows.add(new Row("age: malformed identity", InvalidInputException.class, "identity", keyRepo, null, null,
                () -> AgeEncryption.builder().identity(Secret.of("AGE-SECRET-KEY-1NOTAKEY")).build()));
        rows.add(new Row("age: empty passphrase", InvalidInputException.class, "empty", keyRepo, null, null,
                () -> AgeEncryption.builder().passphrase(Secret.of("")).build()));
    }

    // ------------------------------------------------------------------------------ passwords

    private static void passwordRows(List<Row> rows) {
        Path repo = root.resolve("password");
        rows.add(new Row("neo4j: wrong password / backup", SourceFailedException.class, "refused the credentials", repo, null,
                authDriver, () -> {
                    try (Driver wrong = authServer.driver("wrong-password")) {
                        return pipeline(repo).source(DriverExportSource.builder(wrong).build()).build().backup();
                    }
                }));
        rows.add(new Row("neo4j: wrong password / restore", RestoreFailedException.class, "refused the credentials", base, null,
                authDriver, () -> {
                    try (Driver wrong = authServer.driver("wrong-password")) {
                        return pipeline(base).build().restore(baseId,
                                DriverRestoreSink.builder(wrong).wipe(true).build());
                    }
                }));
        rows.add(new Row("neo4j: wrong password / verify by restore", VerifyReport.class, "refused the credentials", base, null,
                authDriver, () -> {
                    try (Driver wrong = authServer.driver("wrong-password")) {
                        return pipeline(base).build().verify(baseId, VerifyLevel.RESTORE,
                                DriverRestoreSink.builder(wrong).wipe(true).build());
                    }
                }));
    }

    // ------------------------------------------------------------------------------- oversized

    private static void oversizedRows(List<Row> rows) {
        Path repo = root.resolve("oversized");
        rows.add(new Row("label value of 1 MB / backup", InvalidInputException.class, "label 'big'", repo, null, null,
                () -> pipeline(repo).source(source()).label("big", "x".repeat(1 << 20)).build().backup()));
        rows.add(new Row("metadata value of 1 MB / backup", InvalidInputException.class, "metadata 'big'", repo, null,
                null, () -> pipeline(repo).source(source()).metadata("big", "x".repeat(1 << 20)).build().backup()));
        rows.add(new Row("label name of 1 MB / builder", InvalidInputException.class, "Invalid label name", repo, null,
                null, () -> pipeline(repo).label("n".repeat(1 << 20), "v").build()));
        rows.add(new Row("10,000 labels / builder", Accepted.class, "", repo, null, null, () -> {
            BackupPipeline.Builder b = pipeline(repo).source(source());
            for (int i = 0; i < 10_000; i++) {
                b.label("label" + i, "value " + i);
            }
            return b.build();
        }));
        rows.add(new Row("database name of 64 KB / backup source", InvalidInputException.class,
                "Invalid database name", repo, null, null,
                () -> DriverExportSource.builder(server.driver()).database("d".repeat(65_536)).build()));
        rows.add(new Row("database name of 64 KB / restore sink", InvalidInputException.class,
                "Invalid database name", repo, null, null,
                () -> DriverRestoreSink.builder(server.driver()).database("d".repeat(65_536)).build()));

        String bucket = s3.newBucket("oversized");
        String template = "{region}/{database}-{timestamp}.{ext}";
        rows.add(new Row("S3 key of 1,100 ASCII characters / backup", InvalidInputException.class, "1024", null, bucket,
                null, () -> s3Backup(bucket, template, Map.of("region", "r".repeat(1_100)))));
        rows.add(new Row("S3 key of 600 characters, 1,200 UTF-8 bytes / backup", InvalidInputException.class, "1024",
                null, bucket, null, () -> s3Backup(bucket, template, Map.of("region", "é".repeat(600)))));
        rows.add(new Row("S3 key of 300 emoji, 1,200 UTF-8 bytes / backup", InvalidInputException.class, "1024",
                null, bucket, null, () -> s3Backup(bucket, template, Map.of("region", "\uD83D\uDE00".repeat(300)))));
        String fits = "é".repeat(120);
        rows.add(new Row("S3 key of about 1,000 UTF-8 bytes / backup is accepted", Accepted.class, "", null, null, null,
                () -> s3Backup(s3.newBucket("fits"), "{a}/{b}/{c}/{d}/{database}-{timestamp}.{ext}",
                        Map.of("a", fits, "b", fits, "c", fits, "d", fits))));
        rows.add(new Row("local key with a 300-byte segment / backup", CleanOrAccepted.class, "", repo, null, null,
                () -> pipeline(repo).source(source()).keyTemplate("{region}/{database}-{timestamp}.{ext}")
                        .label("region", "é".repeat(150)).build().backup()));
    }

    private static Object s3Backup(String bucket, String template, Map<String, String> labels) {
        try (S3StorageTarget target = S3StorageTarget.builder().config(s3.config().build()).bucket(bucket).build()) {
            BackupPipeline.Builder b = BackupPipeline.builder().target(target).source(source())
                    .transform(Compression.zstd()).keyTemplate(template);
            labels.forEach(b::label);
            String key = b.build().backup().dataKey().value();
            return key.getBytes(StandardCharsets.UTF_8).length + " bytes";
        }
    }

    // --------------------------------------------------------------------------------- helpers

    private static BackupPipeline.Builder pipeline(Path repo) {
        return BackupPipeline.builder().target(LocalStorageTarget.of(repo));
    }

    private static DriverExportSource source() {
        return DriverExportSource.builder(server.driver()).database("neo4j").build();
    }

    private static RestoreSink sink() {
        return DriverRestoreSink.builder(server.driver()).database("neo4j").build();
    }

    private static String fingerprint(Driver driver) {
        try {
            GraphFingerprint f = GraphFingerprint.compute(driver, "neo4j");
            return f.content().hex() + "/" + f.schema();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> warnings() {
        return logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static String[] keyPair() throws Exception {
        KeyPair pair = new X25519KeyPairGenerator().generateKeyPair();
        return new String[]{pair.getPublic().toString(), pair.getPrivate().toString()};
    }

    private static String singleManifest(Path repo) throws IOException {
        try (Stream<Path> files = Files.walk(repo)) {
            List<Path> manifests = files.filter(p -> p.toString().endsWith(Manifest.KEY_SUFFIX)).toList();
            assertThat(manifests).hasSize(1);
            return Files.readString(manifests.get(0));
        }
    }

    private static Path manifestPath(Path repo) {
        try (Stream<Path> files = Files.walk(repo)) {
            return files.filter(p -> p.toString().endsWith(Manifest.KEY_SUFFIX)).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeManifest(Path repo, byte[] bytes) {
        try {
            Files.write(manifestPath(repo), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final AtomicInteger COPIES = new AtomicInteger();

    private static Path copyOfBase(String hint) {
        Path copy = root.resolve("copy-" + COPIES.incrementAndGet() + "-" + hint.replaceAll("[^A-Za-z0-9-]", "_"));
        try (Stream<Path> paths = Files.walk(base)) {
            for (Path p : paths.toList()) {
                Path to = copy.resolve(base.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copy;
    }

    private static byte[] edit(Consumer<ObjectNode> change) {
        try {
            ObjectNode tree = (ObjectNode) JSON.readTree(baseManifest);
            change.accept(tree);
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void set(ObjectNode tree, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        JsonNode parent = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = parts[i].matches("\\d+") ? parent.get(Integer.parseInt(parts[i])) : parent.get(parts[i]);
        }
        String last = parts[parts.length - 1];
        if (parent instanceof ArrayNode array) {
            array.set(Integer.parseInt(last), value);
        } else {
            ((ObjectNode) parent).set(last, value);
        }
    }

    private static void remove(ObjectNode tree, String path) {
        String[] parts = path.split("\\.");
        JsonNode parent = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = parent.get(parts[i]);
        }
        ((ObjectNode) parent).remove(parts[parts.length - 1]);
    }

    private static String leaf(String path) {
        String[] parts = path.split("\\.");
        String last = parts[parts.length - 1];
        if (last.matches("\\d+")) {
            return parts[parts.length - 2];
        }
        return last;
    }

    private static byte[] replaceNumber(byte[] original, String field, String number) {
        String text = new String(original, StandardCharsets.UTF_8);
        String replaced = text.replaceFirst("\"" + field + "\" : \\d+", "\"" + field + "\" : " + number);
        if (replaced.equals(text)) {
            throw new IllegalStateException("no number field " + field + " in " + text);
        }
        return bytes(replaced);
    }

    private static byte[] addMetadataRaw(byte[] original, String rawJson) {
        String text = new String(original, StandardCharsets.UTF_8);
        String replaced = text.replaceFirst("\"metadata\" : \\{", "\"metadata\" : { \"deep\" : " + rawJson + ",");
        if (replaced.equals(text)) {
            replaced = text.replaceFirst("\"metadata\" : \\{ ?}", "\"metadata\" : { \"deep\" : " + rawJson + "}");
        }
        if (replaced.equals(text)) {
            throw new IllegalStateException("no metadata object in " + text);
        }
        return bytes(replaced);
    }

    private static byte[] splice(byte[] original, int at, byte[] insert) {
        byte[] out = new byte[original.length + insert.length];
        System.arraycopy(original, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(original, at, out, at + insert.length, original.length - at);
        return out;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String printable(String value) {
        return printable(value, 60);
    }

    private static String printable(String value, int limit) {
        StringBuilder sb = new StringBuilder();
        value.codePoints().limit(limit).forEach(cp -> sb.append(Character.isISOControl(cp) || cp == 0x202E
                ? String.format("\\u%04x", cp) : new String(Character.toChars(cp))));
        return value.length() > limit ? sb + "...(" + value.length() + " chars)" : sb.toString();
    }

    private static String abbreviate(String text) {
        return printable(text, 300);
    }

    private static String describe(Throwable t) {
        return t.getClass().getName() + ": " + abbreviate(String.valueOf(t.getMessage()));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

}
