package io.github.neo4jbackup.reliability;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.PruneResult;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.export.cypher.GraphitiFixture;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.export.cypher.driver.DriverExportSource;
import io.github.neo4jbackup.export.cypher.driver.DriverRestoreSink;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprint;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import io.github.neo4jbackup.storage.s3.S3ProxyServer;
import io.github.neo4jbackup.storage.s3.S3StorageTarget;
import io.github.neo4jbackup.testkit.ManualClock;
import io.github.neo4jbackup.testkit.ReliabilityFigures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.Values;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee: <b>over many cycles of change, backup, retention and restore, no data is lost.</b>
 * Each cycle changes a Graphiti-shaped graph on a real Neo4j server at random (creates, updates and
 * deletes nodes and relationships; embeddings; NaN, infinities and negative zero; empty, unicode,
 * NUL-carrying and 35,000-character strings; lists; temporal values with zones and offsets;
 * points; durations), backs it up with the driver engine and zstd to S3 (S3Proxy) and every
 * fifth cycle also to a local directory, applies a retention policy, restores the newest backup
 * into a second, scratch server (Community Edition has one user database per server) and compares
 * the content and schema fingerprints of both servers: they must be equal after every cycle, and
 * the repository must hold exactly the backups the policy keeps. The number of cycles is
 * {@code -Dsoak.cycles=N} (default 20).
 */
class SoakTest {

    private static final int CYCLES = Integer.getInteger("soak.cycles", 20);
    private static final int LOCAL_EVERY = 5;
    private static final long SEED = Long.getLong("soak.seed", 20251121L);

    @TempDir
    Path dir;

    @Test
    void everyCycleRestoresToTheSameGraph() throws Exception {
        long started = System.nanoTime();
        Random random = new Random(SEED);
        ManualClock clock = ManualClock.at(Instant.parse("2026-03-27T20:00:00Z"));
        RetentionPolicy s3Policy = RetentionPolicy.builder().keepLast(3).keepDaily(2).zone(ZoneId.of("Europe/Berlin"))
                .build();
        RetentionPolicy localPolicy = RetentionPolicy.builder().keepLast(2).build();
        long storedBytes = 0;
        long rawBytes = 0;
        int backups = 0;
        int restoresEqual = 0;
        int restoresDifferent = 0;
        int pruned = 0;
        List<String> differences = new ArrayList<>();

        try (Neo4jTestServer live = Neo4jTestServer.start(false);
             Neo4jTestServer scratch = Neo4jTestServer.start(false);
             S3ProxyServer s3 = S3ProxyServer.start("soak-access", "soak-secret-key-0123456789")) {
            GraphitiFixture.create(live.driver(), "neo4j");
            String bucket = s3.newBucket("soak");
            DriverExportSource source = DriverExportSource.builder(live.driver()).database("neo4j").build();
            DriverRestoreSink sink = DriverRestoreSink.builder(scratch.driver()).database("neo4j").wipe(true).build();
            try (S3StorageTarget target = S3StorageTarget.builder().config(s3.config().build()).bucket(bucket)
                    .prefix("soak/").build()) {
                BackupPipeline toS3 = BackupPipeline.builder().source(source).target(target)
                        .transform(Compression.zstd()).clock(clock).retention(s3Policy).build();
                BackupPipeline toLocal = BackupPipeline.builder().source(source)
                        .target(LocalStorageTarget.of(dir.resolve("local"))).transform(Compression.zstd())
                        .clock(clock).retention(localPolicy).build();
                List<Instant> s3History = new ArrayList<>();
                for (int cycle = 1; cycle <= CYCLES; cycle++) {
                    long cycleStarted = System.nanoTime();
                    change(live.driver(), random, cycle);
                    clock.advance(Duration.ofMinutes(150 + random.nextInt(600)));

                    BackupResult result = toS3.backup();
                    backups++;
                    storedBytes += result.storedSize();
                    rawBytes += result.rawSize();
                    s3History.add(result.manifest().createdAt());
                    PruneResult prune = toS3.prune(false);
                    pruned += prune.deleted().size() + result.pruneResult().map(p -> p.deleted().size()).orElse(0);
                    assertThat(toS3.list()).extracting(Manifest::createdAt).as("cycle %d: S3 backups kept", cycle)
                            .containsExactlyInAnyOrderElementsOf(kept(s3Policy, s3History));

                    Manifest latest = toS3.latest();
                    assertThat(latest.id()).isEqualTo(result.id());
                    String expected = fingerprint(live.driver());
                    RestoreResult restored = toS3.restore(latest.id(), sink);
                    String actual = fingerprint(scratch.driver());
                    if (expected.equals(actual) && Boolean.TRUE.equals(restored.countsMatch())) {
                        restoresEqual++;
                    } else {
                        restoresDifferent++;
                        differences.add("cycle " + cycle + " (S3): live " + expected + ", restored " + actual);
                    }

                    if (cycle % LOCAL_EVERY == 0) {
                        clock.advance(Duration.ofSeconds(1));
                        BackupResult local = toLocal.backup();
                        backups++;
                        storedBytes += local.storedSize();
                        rawBytes += local.rawSize();
                        pruned += local.pruneResult().map(p -> p.deleted().size()).orElse(0);
                        assertThat(toLocal.list()).as("cycle %d: local backups kept", cycle)
                                .hasSize(Math.min(2, cycle / LOCAL_EVERY));
                        toLocal.restore(toLocal.latest().id(), sink);
                        String fromLocal = fingerprint(scratch.driver());
                        if (expected.equals(fromLocal)) {
                            restoresEqual++;
                        } else {
                            restoresDifferent++;
                            differences.add("cycle " + cycle + " (local): live " + expected + ", restored " + fromLocal);
                        }
                    }
                    System.out.println("[soak] cycle " + cycle + ": " + result.rawSize() + " raw bytes, "
                            + toS3.list().size() + " backups on S3, " + (System.nanoTime() - cycleStarted) / 1_000_000
                            + " ms");
                }
            }
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("cycles", CYCLES);
            figures.put("backups", backups);
            figures.put("bytes.raw", rawBytes);
            figures.put("bytes.stored", storedBytes);
            figures.put("backups.pruned", pruned);
            figures.put("restores.compared.equal", restoresEqual);
            figures.put("restores.different", restoresDifferent);
            figures.put("data.lost", restoresDifferent);
            figures.put("nodes.final", count(live.driver(), "MATCH (n) RETURN count(n)"));
            figures.put("relationships.final", count(live.driver(), "MATCH ()-[r]->() RETURN count(r)"));
            figures.put("seconds", (System.nanoTime() - started) / 1_000_000_000L);
            ReliabilityFigures.record("soak", figures);
        }
        assertThat(differences).as("restores that differ from the live graph").isEmpty();
        assertThat(restoresEqual).isEqualTo(CYCLES + CYCLES / LOCAL_EVERY);
    }

    /** The creation times the policy keeps, computed from the history the test itself recorded. */
    private static List<Instant> kept(RetentionPolicy policy, List<Instant> history) {
        List<io.github.neo4jbackup.core.retention.RetentionCandidate> candidates = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            candidates.add(new io.github.neo4jbackup.core.retention.RetentionCandidate("b" + i, history.get(i)));
        }
        return policy.plan(candidates).keep().stream().map(d -> d.createdAt()).toList();
    }

    // ------------------------------------------------------------------------------ the changes

    private static final List<String> TEXTS = List.of("", " ", "plain", "Grüße 👋🏽 — 日本語", "עברית RTL \u202E",
            "e\u0301 combining", "NUL\u0000inside", "line\nbreaks\r\n\ttabs", "'); MATCH (n) DETACH DELETE n; //",
            "`backtick` \"quote\" \\backslash", "\uD83D\uDE00\uD83D\uDE00", "\uFEFFbom");
    private static final String LONG_TEXT = "long ✓ ".repeat(5_000);
    private static final List<ZoneId> ZONES = List.of(ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York"),
            ZoneId.of("Asia/Kathmandu"), ZoneId.of("Australia/Lord_Howe"), ZoneOffset.UTC, ZoneOffset.ofHours(-11));

    /** One cycle's random changes: creates, updates and deletes, in a few transactions. */
    private static void change(Driver driver, Random random, int cycle) {
        try (Session s = driver.session()) {
            int creates = 2 + random.nextInt(6);
            for (int k = 0; k < creates; k++) {
                int i = k;
                s.executeWrite(tx -> tx.run("CREATE (n:Entity {uuid: $uuid, group_id: 'soak', name: $name, "
                                + "summary: $summary, name_embedding: $embedding, created_at: $createdAt}) SET n += $extra",
                        Map.of("uuid", "soak-" + cycle + "-" + i, "name", text(random), "summary",
                                text(random), "embedding", embedding(random), "createdAt", zoned(random),
                                "extra", awkward(random))).consume());
            }
            s.executeWrite(tx -> tx.run("CREATE (e:Episodic {uuid: $uuid, content: $content, valid_at: $at, "
                            + "entity_edges: $edges})",
                    Map.of("uuid", "soak-ep-" + cycle, "content", text(random), "at", zoned(random),
                            "edges", List.of("a", "", "ü"))).consume());
            // relationships between random entities, with a fact embedding and awkward properties
            s.executeWrite(tx -> tx.run("MATCH (a:Entity), (b:Entity) WITH a, b, rand() AS r ORDER BY r LIMIT $n "
                            + "CREATE (a)-[x:RELATES_TO {uuid: randomUUID(), fact: $fact, fact_embedding: $embedding, "
                            + "valid_at: $at, episodes: ['e1', 'e2']}]->(b) SET x += $extra",
                    Map.of("n", 1 + random.nextInt(5), "fact", text(random), "embedding", embedding(random),
                            "at", zoned(random), "extra", awkward(random))).consume());
            s.executeWrite(tx -> tx.run("MATCH (e:Episodic {uuid: $uuid}), (n:Entity) WITH e, n, rand() AS r "
                    + "ORDER BY r LIMIT 3 CREATE (e)-[:MENTIONS {uuid: randomUUID()}]->(n)",
                    Map.of("uuid", "soak-ep-" + cycle)).consume());
            // updates: set, overwrite with another type, remove, add and remove labels
            s.executeWrite(tx -> tx.run("MATCH (n:Entity) WITH n, rand() AS r ORDER BY r LIMIT 3 "
                    + "SET n.summary = $summary, n.updated = $extra, n.score = $score REMOVE n.group_id SET n:Touched",
                    Map.of("summary", text(random), "extra", awkwardValue(random), "score",
                            pick(random, List.of(Double.NaN, -0.0, Double.POSITIVE_INFINITY, 1e-308, 42.0)))).consume());
            s.executeWrite(tx -> tx.run("MATCH (n:Touched) WITH n, rand() AS r ORDER BY r LIMIT 1 REMOVE n:Touched")
                    .consume());
            // deletes: a relationship and, sometimes, a node with its relationships
            s.executeWrite(tx -> tx.run("MATCH ()-[r:RELATES_TO]->() WITH r, rand() AS x ORDER BY x LIMIT 1 DELETE r")
                    .consume());
            if (random.nextInt(3) == 0) {
                s.executeWrite(tx -> tx.run("MATCH (n:Entity) WHERE n.group_id = 'soak' OR n:Touched "
                        + "WITH n, rand() AS x ORDER BY x LIMIT 1 DETACH DELETE n").consume());
            }
        }
    }

    private static Map<String, Object> awkward(Random random) {
        Map<String, Object> extra = new HashMap<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            extra.put("p" + random.nextInt(8), awkwardValue(random));
        }
        return extra;
    }

    private static Object awkwardValue(Random random) {
        return switch (random.nextInt(22)) {
            case 0 -> Double.NaN;
            case 1 -> -0.0;
            case 2 -> Double.NEGATIVE_INFINITY;
            case 3 -> Long.MIN_VALUE;
            case 4 -> text(random);
            case 5 -> List.of("a", "", "日本");
            case 6 -> List.of(1L, -1L, Long.MAX_VALUE);
            case 7 -> List.of(-0.0, Double.NaN, 0.5);
            case 8 -> zoned(random);
            case 9 -> zoned(random).toOffsetDateTime();
            case 10 -> LocalDateTime.of(1 + random.nextInt(9999), 1 + random.nextInt(12), 1, 0, 0, 0, random.nextInt(1_000_000_000));
            case 11 -> LocalDate.of(-999 + random.nextInt(3000), 2, 28);
            case 12 -> LocalTime.of(random.nextInt(24), random.nextInt(60), 0, random.nextInt(1_000_000_000));
            case 13 -> OffsetTime.of(12, 0, 0, 1, ZoneOffset.ofHoursMinutes(5, 45));
            case 14 -> Values.isoDuration(random.nextInt(30) - 15, random.nextInt(60), random.nextInt(86_400),
                    random.nextInt(1_000_000_000)).asIsoDuration();
            case 15 -> Values.point(4326, random.nextDouble() * 360 - 180, random.nextDouble() * 180 - 90).asPoint();
            case 16 -> Values.point(9157, random.nextGaussian(), random.nextGaussian(), -0.0).asPoint();
            case 17 -> new byte[]{0, (byte) random.nextInt(256), -128};
            case 18 -> random.nextBoolean();
            case 19 -> List.of(zoned(random), zoned(random));
            case 20 -> embedding(random);
            default -> random.nextGaussian();
        };
    }

    private static ZonedDateTime zoned(Random random) {
        // around the 2026 spring-forward and fall-back transitions, in several zones
        ZonedDateTime base = random.nextBoolean()
                ? ZonedDateTime.of(2026, 3, 29, 1, 30, 0, 0, ZoneOffset.UTC)
                : ZonedDateTime.of(2026, 10, 25, 0, 30, 0, 0, ZoneOffset.UTC);
        return base.plusMinutes(random.nextInt(240) - 120).plusNanos(random.nextInt(1_000_000_000))
                .withZoneSameInstant(pick(random, ZONES));
    }

    private static List<Double> embedding(Random random) {
        List<Double> v = new ArrayList<>(GraphitiFixture.DIMENSIONS);
        for (int i = 0; i < GraphitiFixture.DIMENSIONS; i++) {
            v.add(random.nextGaussian());
        }
        return v;
    }

    /** One of the awkward texts; now and then one of 35,000 characters. */
    private static String text(Random random) {
        return random.nextInt(30) == 0 ? LONG_TEXT : pick(random, TEXTS);
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String fingerprint(Driver driver) throws IOException {
        GraphFingerprint f = GraphFingerprint.compute(driver, "neo4j");
        return f.content() + " schema " + f.schema();
    }

    private static long count(Driver driver, String query) {
        try (Session s = driver.session()) {
            return s.run(query).single().get(0).asLong();
        }
    }
}
