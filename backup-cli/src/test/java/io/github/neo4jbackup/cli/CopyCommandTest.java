package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.manifest.ManifestCodec;
import io.github.neo4jbackup.export.cypher.GraphitiFixture;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.storage.s3.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code neo4j-backup copy} in-process against a real Neo4j (harness), local directories and two
 * real S3 servers (S3Proxy) with different credentials.
 */
class CopyCommandTest {

    static final String DR_ACCESS = "dr-access";
    static final String DR_SECRET = "dr-secret-that-must-not-leak";

    static Neo4jTestServer server;
    static Neo4jTestServer scratch;
    static S3ProxyServer s3;
    static S3ProxyServer drS3;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = Neo4jTestServer.start(true);
        scratch = Neo4jTestServer.start(false);
        s3 = S3ProxyServer.shared();
        drS3 = S3ProxyServer.start(DR_ACCESS, DR_SECRET);
        // the AWS default credentials chain reads these system properties before the environment
        System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
    }

    @AfterAll
    static void stop() {
        if (drS3 != null) {
            drS3.close();
        }
        if (scratch != null) {
            scratch.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("NEO4J_URI", server.boltUri().toString());
        env.put("NEO4J_USER", "neo4j");
        env.put("DR_KEY_ID", DR_ACCESS);
        env.put("DR_SECRET", DR_SECRET);
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

    static String[] args(Object... parts) {
        List<String> out = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof String[] many) {
                out.addAll(List.of(many));
            } else {
                out.add(String.valueOf(p));
            }
        }
        return out.toArray(String[]::new);
    }

    /** Every regular file under a directory with its bytes' SHA-256. */
    static Map<String, String> files(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        if (!Files.exists(root)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), sha256(Files.readAllBytes(p)));
            }
        }
        return files;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void localToS3ToOtherS3ToLocalKeepsTheBytesAndTheCopyRestoresExactly() throws IOException {
        server.clear();
        GraphitiFixture.create(server.driver(), "neo4j");
        long before = nodes(server);
        Path local = dir.resolve("local");
        String offsiteBucket = s3.newBucket("offsite");
        String drBucket = drS3.newBucket("dr");
        String offsite = "s3://" + offsiteBucket + "/neo4j";
        String dr = "s3://" + drBucket + "/dr";
        String[] toOffsite = {"--to-s3-endpoint", s3.endpoint().toString(), "--to-s3-region", "us-east-1",
                "--to-s3-path-style"};
        String[] fromOffsite = {"--s3-endpoint", s3.endpoint().toString(), "--s3-region", "us-east-1", "--s3-path-style"};
        String[] toDr = {"--to-s3-endpoint", drS3.endpoint().toString(), "--to-s3-path-style",
                "--to-s3-access-key-env", "DR_KEY_ID", "--to-s3-secret-key-env", "DR_SECRET"};
        String[] fromDr = {"--s3-endpoint", drS3.endpoint().toString(), "--s3-path-style",
                "--s3-access-key-env", "DR_KEY_ID", "--s3-secret-key-env", "DR_SECRET"};

        CliRun backup = run("backup", "--engine", "driver", "--to", local.toString(), "--json");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        String id = backup.json().get("id").asText();
        String storedSha = backup.json().get("storedSha256").asText();
        Path localData = local.resolve(backup.json().get("dataKey").asText());

        CliRun first = run(args("copy", "--from", local, "--to", offsite, "--latest", "--json", toOffsite));
        assertThat(first.exitCode()).as(first.toString()).isZero();
        JsonNode c1 = first.json().get("copies").get(0);
        assertThat(c1.get("outcome").asText()).isEqualTo("COPIED");
        assertThat(c1.get("storedSha256").asText()).isEqualTo(storedSha);
        assertThat(c1.get("bytesCopied").asLong()).isEqualTo(Files.size(localData));

        CliRun second = run(args("copy", "--from", offsite, "--to", dr, "--all", "--json", fromOffsite, toDr));
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.json().get("copies").get(0).get("outcome").asText()).isEqualTo("COPIED");
        assertThat(second.toString()).doesNotContain(DR_SECRET);
        assertThat(drS3.allKeys(drBucket)).anySatisfy(k -> assertThat(k).endsWith(".manifest.json"))
                .noneSatisfy(k -> assertThat(k).contains("locks/"));

        Path back = dir.resolve("back");
        CliRun third = run(args("copy", "--from", dr, "--to", back, "--id", id, "--to-key-template",
                "copies/{database}/{id}.{ext}", "--json", fromDr));
        assertThat(third.exitCode()).as(third.toString()).isZero();
        String backKey = third.json().get("copies").get(0).get("destinationKey").asText();
        assertThat(backKey).startsWith("copies/neo4j/" + id + ".");
        assertThat(Files.readAllBytes(back.resolve(backKey))).isEqualTo(Files.readAllBytes(localData));
        Manifest copied = ManifestCodec.read(Files.readAllBytes(back.resolve(backKey + Manifest.KEY_SUFFIX)), "copy");
        assertThat(copied.object().storedSha256()).isEqualTo(storedSha);
        assertThat(copied.copiedFrom().repository()).contains(drBucket);
        assertThat(copied.id()).isEqualTo(id);

        // the copy is a backup like any other: verify it, restore it exactly
        String[] backLayout = {"--key-template", "copies/{database}/{id}.{ext}"};
        CliRun deep = run(args("verify", "--from", back, "--id", id, "--deep", "--json", backLayout));
        assertThat(deep.exitCode()).as(deep.toString()).isZero();
        CliRun compare = run(args("verify", "--from", back, "--id", id, "--restore-into", scratch.boltUri(), "--json",
                backLayout));
        assertThat(compare.exitCode()).as(compare.toString()).isZero();
        assertThat(compare.json().get("level").asText()).isEqualTo("RESTORE");
        assertThat(nodes(scratch)).isEqualTo(before);
        try (Session session = server.driver().session()) {
            session.run("MATCH (n) DETACH DELETE n").consume();
        }
        CliRun restore = run(args("restore", "--from", back, "--latest", "--wipe", "--yes", "--no-safety-backup",
                "--json", backLayout));
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.json().get("countsMatch").asBoolean()).isTrue();
        assertThat(nodes(server)).isEqualTo(before);

        // again: nothing to do, nothing written
        List<String> offsiteKeys = s3.allKeys(offsiteBucket);
        CliRun again = run(args("copy", "--from", local, "--to", offsite, "--all", "--json", toOffsite));
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.json().get("copies").get(0).get("outcome").asText()).isEqualTo("ALREADY_PRESENT");
        assertThat(again.err()).contains("skipped " + id);
        assertThat(s3.allKeys(offsiteBucket)).isEqualTo(offsiteKeys);

        // a dry run writes nothing
        Path nowhere = dir.resolve("nowhere");
        CliRun dry = run("copy", "--from", local.toString(), "--to", nowhere.toString(), "--all", "--dry-run", "--json");
        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        assertThat(dry.json().get("copies").get(0).get("outcome").asText()).isEqualTo("WOULD_COPY");
        assertThat(files(nowhere)).isEmpty();
    }

    @Test
    void theSameIdWithOtherBytesIsRefusedAndNothingIsOverwritten() throws IOException {
        smallGraph();
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        CliRun backup = run("backup", "--engine", "driver", "--to", a.toString(), "--json");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        String id = backup.json().get("id").asText();
        String manifestKey = backup.json().get("manifestKey").asText();
        assertThat(run("copy", "--from", a.toString(), "--to", b.toString(), "--id", id).exitCode()).isZero();
        // the backup in b is now "another backup with the same id": its manifest records other bytes
        Path manifest = b.resolve(manifestKey);
        String storedSha = backup.json().get("storedSha256").asText();
        Files.writeString(manifest, Files.readString(manifest).replace(storedSha, "0".repeat(64)));
        Map<String, String> before = files(b);

        CliRun conflict = run("copy", "--from", a.toString(), "--to", b.toString(), "--id", id, "--json");
        assertThat(conflict.exitCode()).as(conflict.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(conflict.json().get("ok").asBoolean()).isFalse();
        assertThat(conflict.json().get("failures").get(0).get("error").asText()).contains(id)
                .contains("already exists").contains("Nothing was overwritten");
        assertThat(files(b)).isEqualTo(before);

        CliRun missing = run("copy", "--from", a.toString(), "--to", b.toString(), "--id", "neo4j-20000101T000000Z");
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(missing.err()).contains("neo4j-20000101T000000Z");

        CliRun noSelection = run("copy", "--from", a.toString(), "--to", b.toString());
        assertThat(noSelection.exitCode()).isEqualTo(ExitCodes.USAGE);
        CliRun halfCredentials = run("copy", "--from", a.toString(), "--to", "s3://x/y", "--latest",
                "--to-s3-endpoint", s3.endpoint().toString(), "--to-s3-access-key-env", "DR_KEY_ID");
        assertThat(halfCredentials.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(halfCredentials.err()).contains("--to-s3-secret-key-env");
    }

    @Test
    void anEncryptedCopyNeedsNoKeyAndStillDecryptsWithTheAgeTool() throws Exception {
        assumeTrue(onPath("age") && onPath("zstd"), "the age and zstd command-line tools are not installed");
        smallGraph();
        Path a = dir.resolve("encrypted");
        Path identity = dir.resolve("key.txt");
        Files.writeString(identity, "# test key\n" + CliCommandsTest.TEST_IDENTITY + "\n");
        CliRun backup = run("backup", "--engine", "driver", "--to", a.toString(), "--age-recipient",
                CliCommandsTest.TEST_RECIPIENT, "--json");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        String rawSha = backup.json().get("manifest").get("object").get("rawSha256").asText();
        String bucket = s3.newBucket("encrypted");

        CliRun copy = run("copy", "--from", a.toString(), "--to", "s3://" + bucket + "/enc", "--latest", "--json",
                "--to-s3-endpoint", s3.endpoint().toString(), "--to-s3-path-style");
        assertThat(copy.exitCode()).as(copy.toString()).isZero();
        String key = copy.json().get("copies").get(0).get("destinationKey").asText();
        assertThat(key).endsWith(".zst.age");

        Path downloaded = dir.resolve("downloaded.age");
        Files.write(downloaded, s3.client().getObjectAsBytes(r -> r.bucket(bucket).key("enc/" + key)).asByteArray());
        Path zst = dir.resolve("decrypted.zst");
        exec(List.of("age", "-d", "-i", identity.toString(), "-o", zst.toString(), downloaded.toString()));
        Path raw = dir.resolve("raw");
        exec(List.of("zstd", "-q", "-d", zst.toString(), "-o", raw.toString()));
        assertThat(sha256(Files.readAllBytes(raw))).isEqualTo(rawSha);
    }

    @Test
    void backupCopiesToEveryTargetAndAFailedCopyExits1WithThePrimaryIntact() throws Exception {
        smallGraph();
        Path primary = dir.resolve("primary");
        Path second = dir.resolve("second");
        String bucket = s3.newBucket("copy-to");
        String offsite = "s3://" + bucket + "/offsite";

        CliRun both = run("backup", "--engine", "driver", "--to", primary.toString(), "--copy-to", second.toString(),
                "--copy-to", offsite, "--copy-s3-endpoint", s3.endpoint().toString(), "--copy-s3-path-style", "--json");
        assertThat(both.exitCode()).as(both.toString()).isZero();
        JsonNode copies = both.json().get("copies");
        assertThat(copies).hasSize(2);
        assertThat(copies.get(0).get("outcome").asText()).isEqualTo("COPIED");
        assertThat(copies.get(1).get("outcome").asText()).isEqualTo("COPIED");
        String dataKey = both.json().get("dataKey").asText();
        assertThat(Files.readAllBytes(second.resolve(dataKey))).isEqualTo(Files.readAllBytes(primary.resolve(dataKey)));
        assertThat(s3.allKeys(bucket)).contains("offsite/" + dataKey, "offsite/" + dataKey + Manifest.KEY_SUFFIX);

        Thread.sleep(1100); // backup ids have second precision
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        CliRun oneDown = run("backup", "--engine", "driver", "--to", primary.toString(), "--copy-to",
                second.toString(), "--copy-to", offsite, "--copy-s3-endpoint", "http://127.0.0.1:" + closedPort,
                "--copy-s3-path-style", "--json");
        assertThat(oneDown.exitCode()).as(oneDown.toString()).isEqualTo(ExitCodes.FAILED);
        JsonNode result = oneDown.json();
        String id = result.get("id").asText();
        assertThat(result.get("copies").get(0).get("outcome").asText()).isEqualTo("COPIED");
        assertThat(result.get("copies").get(1).get("outcome").asText()).isEqualTo("FAILED");
        assertThat(result.get("copies").get(1).get("to").asText()).isEqualTo(offsite);
        assertThat(oneDown.err()).contains("COPY FAILED").contains(offsite).contains(id)
                .contains("is stored in");

        CliRun primaryList = run("list", "--from", primary.toString(), "--json");
        assertThat(primaryList.json().get("backups").get(0).get("id").asText()).isEqualTo(id);
        CliRun deep = run("verify", "--from", primary.toString(), "--id", id, "--deep");
        assertThat(deep.exitCode()).as(deep.toString()).isZero();
        assertThat(run("list", "--from", second.toString(), "--json").json().get("count").asInt()).isEqualTo(2);
        assertThat(s3.allKeys(bucket)).noneMatch(k -> k.contains(id));
    }

    static void smallGraph() {
        server.clear();
        try (Session session = server.driver().session()) {
            session.run("CREATE (a:Person {name: 'Ada'})-[:KNOWS {since: 1840}]->(b:Person {name: 'Charles'})").consume();
        }
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    static void exec(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(argv + ": " + output).isZero();
    }
}
