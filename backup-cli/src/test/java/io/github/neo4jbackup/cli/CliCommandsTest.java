package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.neo4jbackup.core.internal.RepositoryLock;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.export.cypher.GraphitiFixture;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import io.github.neo4jbackup.storage.s3.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every command in-process against a real Neo4j (Bolt, embedded harness), a scratch server, local
 * directories and a real S3 server (S3Proxy).
 */
class CliCommandsTest {

    static Neo4jTestServer server;
    static Neo4jTestServer scratch;
    static S3ProxyServer s3;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = Neo4jTestServer.start(true);
        scratch = Neo4jTestServer.start(false);
        s3 = S3ProxyServer.shared();
        // the AWS default credentials chain reads these system properties before the environment
        System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
    }

    @AfterAll
    static void stop() {
        if (scratch != null) {
            scratch.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** The Graphiti-shaped fixture (every property type, every index kind): a few seconds to build. */
    static void graphiti() {
        server.clear();
        GraphitiFixture.create(server.driver(), "neo4j");
    }

    /** A tiny graph, for tests about exit codes rather than content. */
    static void smallGraph() {
        server.clear();
        try (Session session = server.driver().session()) {
            session.run("CREATE (a:Person {name: 'Ada'})-[:KNOWS {since: 1840}]->(b:Person {name: 'Charles'})").consume();
        }
    }

    @Test
    void closingTheResourcesClosesTheirDriverWithoutWaitingForItsThreads() {
        Resources res = new Resources(CliContext.of(Map.of(), System.out, System.err));
        org.neo4j.driver.Driver driver = res.driver(server.boltUri(), new Options.Credentials());
        assertThat(driver.executableQuery("RETURN 1 AS one").execute().records().get(0).get("one").asInt())
                .isEqualTo(1);

        res.close();

        assertThatThrownBy(driver::session).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("NEO4J_URI", server.boltUri().toString());
        env.put("NEO4J_USER", "neo4j");
        return env;
    }

    static CliRun run(String... args) {
        return CliRun.inProcess(env(), args);
    }

    static long nodes(Neo4jTestServer s) {
        try (Session session = s.driver().session()) {
            return session.run("MATCH (n) RETURN count(n) AS c").single().get("c").asLong();
        }
    }

    @Test
    void agePassphraseComesFromTheCommandsEnvironment() {
        graphiti();
        String repo = dir.resolve("repo-age").toString();
        Map<String, String> env = env();
        env.put("BACKUP_AGE_PASSPHRASE", "correct horse battery staple, in-process");

        CliRun backup = CliRun.inProcess(env, "backup", "--engine", "driver", "--to", repo,
                "--age-passphrase-env", "BACKUP_AGE_PASSPHRASE", "--json");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        String id = backup.json().get("id").asText();

        CliRun verify = CliRun.inProcess(env, "verify", "--from", repo, "--id", id, "--deep",
                "--age-passphrase-env", "BACKUP_AGE_PASSPHRASE");
        assertThat(verify.exitCode()).as(verify.toString()).isZero();

        CliRun unset = run("verify", "--from", repo, "--id", id, "--deep",
                "--age-passphrase-env", "BACKUP_AGE_PASSPHRASE");
        assertThat(unset.exitCode()).as(unset.toString()).isEqualTo(2);
        assertThat(unset.err()).contains("BACKUP_AGE_PASSPHRASE").contains("not set");
    }

    @Test
    void localRoundTripWithTheDriverEngine() {
        graphiti();
        String repo = dir.resolve("repo").toString();
        long before = nodes(server);

        CliRun backup = run("backup", "--engine", "driver", "--to", repo, "--label", "env=test", "--json");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        JsonNode b = backup.json();
        String id = b.get("id").asText();
        assertThat(b.get("engine").asText()).isEqualTo("cypher-driver");
        assertThat(b.get("counts").get("nodes").asLong()).isEqualTo(before);
        assertThat(b.get("manifest").get("labels").get("env").asText()).isEqualTo("test");
        assertThat(b.get("dataKey").asText()).endsWith(".zst");

        CliRun list = run("list", "--from", "file:" + repo, "--json", "--max-age", "26h", "--min-size", "10");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.json().get("count").asInt()).isEqualTo(1);
        assertThat(list.json().get("backups").get(0).get("id").asText()).isEqualTo(id);
        assertThat(list.json().get("staleness").get("ok").asBoolean()).isTrue();

        CliRun deep = run("verify", "--from", repo, "--id", id, "--deep", "--json");
        assertThat(deep.exitCode()).as(deep.toString()).isZero();
        assertThat(deep.json().get("level").asText()).isEqualTo("FULL");
        assertThat(deep.json().get("ok").asBoolean()).isTrue();

        CliRun restoreInto = run("verify", "--from", repo, "--latest", "--restore-into", scratch.boltUri().toString(),
                "--json");
        assertThat(restoreInto.exitCode()).as(restoreInto.toString()).isZero();
        assertThat(restoreInto.json().get("level").asText()).isEqualTo("RESTORE");
        assertThat(nodes(scratch)).isEqualTo(before);

        // without a terminal and without --yes: refused, nothing touched
        CliRun unconfirmed = run("restore", "--from", repo, "--latest", "--wipe");
        assertThat(unconfirmed.exitCode()).as(unconfirmed.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(unconfirmed.err()).contains("--yes");

        // a non-empty database without --wipe: refused with a hint
        CliRun noWipe = run("restore", "--from", repo, "--id", id, "--yes");
        assertThat(noWipe.exitCode()).as(noWipe.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(noWipe.err()).contains("--wipe");

        try (Session session = server.driver().session()) {
            session.run("CREATE (:Extra {x: 1})").consume();
        }
        CliRun restore = run("restore", "--from", repo, "--id", id, "--wipe", "--yes", "--json");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        JsonNode r = restore.json();
        assertThat(r.get("id").asText()).isEqualTo(id);
        assertThat(r.get("countsMatch").asBoolean()).isTrue();
        assertThat(r.get("safetyBackupId").asText()).isNotEmpty();
        // where the time went, in the order the phases ran
        assertThat(r.get("phasesMillis").fieldNames()).toIterable().containsSubsequence("verify", "safetyBackup",
                "prepare", "nodes", "relationships", "indexes", "verification");
        assertThat(r.get("attributes").get("restore.phases").asText()).startsWith("prepare,")
                .endsWith("nodes,relationships,indexes,verification");
        assertThat(nodes(server)).isEqualTo(before);

        // the safety backup is a second backup in the repository, kept apart: it says whose restore it
        // protected, restore --latest and the default keep options leave it aside
        CliRun list2 = run("list", "--from", repo, "--json");
        assertThat(list2.json().get("count").asInt()).isEqualTo(2);
        JsonNode safety = list2.json().get("backups").get(0);
        assertThat(safety.get("id").asText()).isEqualTo(r.get("safetyBackupId").asText());
        assertThat(safety.get("kind").asText()).isEqualTo("safety");
        assertThat(safety.get("protects").asText()).isEqualTo(id);
        assertThat(list2.err()).contains("SAFETY (before restoring " + id + ")");
        CliRun staleness = run("list", "--from", repo, "--max-age", "1h", "--json");
        assertThat(staleness.json().get("staleness").get("newestId").asText()).isEqualTo(id);
        CliRun apart = run("prune", "--from", repo, "--keep-last", "1", "--dry-run", "--json");
        assertThat(apart.json().get("deleted")).isEmpty();

        CliRun dry = run("prune", "--from", repo, "--keep-last", "1", "--include-safety", "--dry-run", "--json");
        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        assertThat(dry.json().get("dryRun").asBoolean()).isTrue();
        assertThat(dry.json().get("deleted")).hasSize(1);
        assertThat(run("list", "--from", repo, "--json").json().get("count").asInt()).isEqualTo(2);

        CliRun prune = run("prune", "--from", repo, "--keep-last", "1", "--include-safety", "--json");
        assertThat(prune.exitCode()).as(prune.toString()).isZero();
        assertThat(prune.json().get("deleted").get(0).get("id").asText()).isEqualTo(id);
        assertThat(run("list", "--from", repo, "--json").json().get("count").asInt()).isEqualTo(1);
    }

    @Test
    void apocBackupRestoresThroughTheScriptSinkChosenFromTheManifest() {
        smallGraph();
        String repo = dir.resolve("apoc").toString();
        CliRun backup = run("backup", "--engine", "apoc", "--to", repo, "--compress", "gzip", "--level", "6", "--json");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        assertThat(backup.json().get("engine").asText()).isEqualTo("cypher-apoc");
        assertThat(backup.json().get("manifest").get("transformers").get(0).get("id").asText()).isEqualTo("gzip");

        CliRun verify = run("verify", "--from", repo, "--latest", "--restore-into", scratch.boltUri().toString(), "--json");
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(nodes(scratch)).isEqualTo(2);
    }

    @Test
    void zstdCompressesOnTheGivenWorkersAndOnOneByDefaultWhenThereAreTwoCores() {
        smallGraph();
        String repo = dir.resolve("zstd").toString();
        CliRun two = run("backup", "--engine", "driver", "--to", repo, "--zstd-workers", "2", "--json");
        assertThat(two.exitCode()).as(two.toString()).isZero();
        JsonNode transformer = two.json().get("manifest").get("transformers").get(0);
        assertThat(transformer.get("id").asText()).isEqualTo("zstd");
        assertThat(transformer.get("parameters").get("workers").asText()).isEqualTo("2");

        CliRun defaults = run("backup", "--engine", "driver", "--to", dir.resolve("zstd-default").toString(), "--json");
        assertThat(defaults.exitCode()).as(defaults.toString()).isZero();
        assertThat(defaults.json().get("manifest").get("transformers").get(0).get("parameters").get("workers").asText())
                .isEqualTo(Runtime.getRuntime().availableProcessors() >= 2 ? "1" : "0");

        // what the workers wrote reads back: the whole backup restores and matches
        CliRun verify = run("verify", "--from", repo, "--id", two.json().get("id").asText(), "--restore-into",
                scratch.boltUri().toString(), "--json");
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(nodes(scratch)).isEqualTo(nodes(server));
    }

    @Test
    void s3RoundTrip() {
        smallGraph();
        String bucket = s3.newBucket("cli");
        String target = "s3://" + bucket + "/backups/prod";
        String[] s3Flags = {"--s3-endpoint", s3.endpoint().toString(), "--s3-region", "us-east-1", "--s3-path-style"};
        long before = nodes(server);

        CliRun backup = run(concat(new String[] {"backup", "--engine", "driver", "--to", target, "--json",
                "--keep-last", "3"}, s3Flags));
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        String id = backup.json().get("id").asText();
        assertThat(backup.json().get("prune").get("kept")).hasSize(1);
        assertThat(s3.client().listObjectsV2(r -> r.bucket(bucket).prefix("backups/prod/")).contents())
                .anySatisfy(o -> assertThat(o.key()).endsWith(".manifest.json"));

        CliRun list = run(concat(new String[] {"list", "--from", target, "--json"}, s3Flags));
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.json().get("backups").get(0).get("id").asText()).isEqualTo(id);

        CliRun verify = run(concat(new String[] {"verify", "--from", target, "--id", id, "--deep", "--json"}, s3Flags));
        assertThat(verify.exitCode()).as(verify.toString()).isZero();

        CliRun restore = run(concat(new String[] {"restore", "--from", target, "--latest", "--wipe", "--yes",
                "--no-safety-backup", "--json"}, s3Flags));
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.json().get("safetyBackupId").isNull()).isTrue();
        assertThat(nodes(server)).isEqualTo(before);

        CliRun prune = run(concat(new String[] {"prune", "--from", target, "--keep-within", "1d", "--json"}, s3Flags));
        assertThat(prune.exitCode()).as(prune.toString()).isZero();
        assertThat(prune.json().get("kept")).hasSize(1);
    }

    @Test
    void missingBucketIsAConfigurationErrorThatSaysSo() {
        CliRun list = run("list", "--from", "s3://no-such-bucket-here/x", "--s3-endpoint", s3.endpoint().toString(),
                "--s3-path-style", "--json");
        assertThat(list.exitCode()).as(list.toString()).isIn(ExitCodes.USAGE, ExitCodes.FAILED);
        assertThat(list.json().get("error").asText()).contains("no-such-bucket-here").containsIgnoringCase("bucket");
        assertThat(list.json().get("exitCode").asInt()).isEqualTo(list.exitCode());
    }

    @Test
    void tamperedBackupFailsVerificationAndIsNotRestored() throws IOException {
        smallGraph();
        Path repo = dir.resolve("tampered");
        CliRun backup = run("backup", "--engine", "driver", "--to", repo.toString(), "--json");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        Path data = repo.resolve(backup.json().get("dataKey").asText());
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(data, bytes);

        CliRun verify = run("verify", "--from", repo.toString(), "--latest", "--deep", "--json");
        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(ExitCodes.VERIFICATION);
        assertThat(verify.json().get("ok").asBoolean()).isFalse();
        assertThat(verify.json().get("problems")).isNotEmpty();

        CliRun restore = run("restore", "--from", repo.toString(), "--latest", "--wipe", "--yes",
                "--no-safety-backup", "--json");
        assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(ExitCodes.VERIFICATION);
        assertThat(restore.json().get("type").asText()).isEqualTo("IntegrityException");
        assertThat(nodes(server)).isPositive();
    }

    @Test
    void lockedRepositoryExitsWith4() {
        Path repo = dir.resolve("locked");
        try (RepositoryLock lock = RepositoryLock.acquire(LocalStorageTarget.of(repo), ObjectKey.of("locks/neo4j.lock"),
                Clock.systemUTC(), Duration.ofHours(1), "someone@elsewhere", "backup by another run")) {
            CliRun backup = run("backup", "--engine", "driver", "--to", repo.toString(), "--json");
            assertThat(lock).as("held by this test").isNotNull();
            assertThat(backup.exitCode()).as(backup.toString()).isEqualTo(ExitCodes.LOCKED);
            assertThat(backup.json().get("error").asText()).contains("someone@elsewhere");
            assertThat(backup.json().get("type").asText()).isEqualTo("LockHeldException");
        }
    }

    @Test
    void staleOrSmallNewestBackupExitsWith3() throws InterruptedException {
        smallGraph();
        String repo = dir.resolve("stale").toString();
        assertThat(run("backup", "--engine", "driver", "--to", repo).exitCode()).isZero();
        CliRun small = run("list", "--from", repo, "--min-size", "1000000000", "--json");
        assertThat(small.exitCode()).as(small.toString()).isEqualTo(ExitCodes.VERIFICATION);
        assertThat(small.json().get("staleness").get("reason").asText()).contains("floor");
        Thread.sleep(1100);
        CliRun old = run("list", "--from", repo, "--max-age", "PT1S");
        assertThat(old.exitCode()).as(old.toString()).isEqualTo(ExitCodes.VERIFICATION);
        assertThat(old.err()).contains("STALE").contains("older than the limit");
        CliRun empty = run("list", "--from", dir.toString(), "--database", "other", "--max-age", "26h");
        assertThat(empty.exitCode()).isEqualTo(ExitCodes.VERIFICATION);
    }

    @Test
    void unreachableServerIsAnOperationFailureThatSaysWhatToCheck() {
        CliRun r = run("backup", "--engine", "driver", "--uri", "bolt://127.0.0.1:1", "--to", dir.toString(), "--json");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.json().get("error").asText()).contains("Cannot reach Neo4j").contains("--uri");
    }

    @Test
    void usageErrorsExitWith2() {
        String repo = dir.toString();
        List<String[]> bad = List.of(
                new String[] {"backup", "--to", repo},                                          // no --engine
                new String[] {"backup", "--engine", "driver", "--to", repo, "--bogus"},
                new String[] {"backup", "--engine", "nope", "--to", repo},
                new String[] {"backup", "--engine", "driver", "--to", repo, "--compress", "lz4"},
                new String[] {"backup", "--engine", "driver", "--to", repo, "--compress", "gzip", "--zstd-workers", "1"},
                new String[] {"backup", "--engine", "driver", "--to", repo, "--zstd-workers", "-1"},
                new String[] {"backup", "--engine", "driver", "--to", repo, "--zstd-workers", "201"},
                new String[] {"backup", "--engine", "driver", "--to", repo, "--keep-within", "soon"},
                new String[] {"backup", "--engine", "driver", "--to", repo, "--label", "novalue"},
                new String[] {"backup", "--engine", "driver", "--to", repo, "--password-env", "NOT_SET_ANYWHERE"},
                new String[] {"backup", "--engine", "admin", "--to", repo},                    // no neo4j-admin
                new String[] {"backup", "--engine", "admin", "--to", repo, "--admin-command", "neo4j-admin 'x"},
                new String[] {"backup", "--engine", "driver", "--to", "gs://bucket/x"},
                new String[] {"verify", "--from", repo, "--id", "x", "--latest"},
                new String[] {"verify", "--from", repo},
                new String[] {"list", "--from", repo + "/missing"},
                new String[] {"prune", "--from", repo},
                new String[] {"list", "--from", repo, "--max-age", "-3h"},
                new String[] {"restore", "--from", repo, "--latest", "--safety-backup-to", repo, "--no-safety-backup"},
                new String[] {"backup", "--engine", "driver", "--to", repo, "--age-recipient", "age1abc"},
                new String[] {"restore", "--from", repo, "--latest", "--age-identity", "/key.txt"},
                new String[] {"frobnicate"},
                new String[] {});
        for (String[] args : bad) {
            CliRun r = run(args);
            assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).as(String.join(" ", args)).isNotBlank();
        }
        CliRun json = run("backup", "--to", repo, "--json");
        assertThat(json.json().get("exitCode").asInt()).isEqualTo(2);
        assertThat(json.json().get("error").asText()).contains("--engine");
        CliRun workers = run("backup", "--engine", "driver", "--to", repo, "--zstd-workers", "201", "--json");
        assertThat(workers.json().get("error").asText()).contains("--zstd-workers 201");
        CliRun gzipWorkers = run("backup", "--engine", "driver", "--to", repo, "--compress", "gzip", "--zstd-workers", "1",
                "--json");
        assertThat(gzipWorkers.json().get("error").asText()).contains("--zstd-workers needs --compress zstd");
    }

    @Test
    void environmentSuppliesRetentionAndPasswordFile() throws IOException {
        smallGraph();
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "any-password\n");
        Map<String, String> env = env();
        env.put("BACKUP_RETENTION_DAYS", "7");
        String repo = dir.resolve("env").toString();
        CliRun r = CliRun.inProcess(env, "backup", "--engine", "driver", "--to", repo, "--password-file", pw.toString(),
                "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.json().get("prune").get("kept").get(0).get("reasons").toString()).contains("7d");
        env.put("BACKUP_RETENTION_DAYS", "a week");
        assertThat(CliRun.inProcess(env, "prune", "--from", repo).exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    /** age's published test key pair (all bytes 0x42): not a secret. */
    static final String TEST_IDENTITY = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
    static final String TEST_RECIPIENT = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";

    @Test
    void encryptedBackupNeedsTheIdentityToVerifyAndRestore() throws java.io.IOException {
        smallGraph();
        String repo = dir.resolve("encrypted").toString();
        Path identity = dir.resolve("key.txt");
        java.nio.file.Files.writeString(identity, "# test key\n" + TEST_IDENTITY + "\n");

        CliRun backup = run("backup", "--engine", "driver", "--to", repo, "--age-recipient", TEST_RECIPIENT, "--json");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        assertThat(backup.json().get("dataKey").asText()).endsWith(".zst.age");
        assertThat(backup.toString()).doesNotContain(TEST_IDENTITY);

        CliRun withoutKey = run("verify", "--from", repo, "--latest", "--deep", "--json");
        assertThat(withoutKey.exitCode()).as(withoutKey.toString()).isEqualTo(2);
        assertThat(withoutKey.toString()).contains("--age-identity");

        CliRun deep = run("verify", "--from", repo, "--latest", "--deep", "--age-identity", identity.toString(), "--json");
        assertThat(deep.exitCode()).as(deep.toString()).isZero();
        assertThat(deep.json().get("ok").asBoolean()).isTrue();

        CliRun restore = run("restore", "--from", repo, "--latest", "--wipe", "--yes", "--no-safety-backup",
                "--age-identity", identity.toString(), "--json");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(nodes(server)).isEqualTo(2);
        assertThat(restore.toString()).doesNotContain(TEST_IDENTITY);
    }
}
