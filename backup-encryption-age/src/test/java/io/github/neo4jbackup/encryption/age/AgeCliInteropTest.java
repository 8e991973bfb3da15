package io.github.neo4jbackup.encryption.age;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.core.transform.ZstdTransformer;
import io.github.neo4jbackup.encryption.age.AgeTestSupport.BytesSource;
import io.github.neo4jbackup.encryption.age.AgeTestSupport.CapturingSink;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the library encrypts, the real {@code age} tool decrypts, and the other way round, for X25519
 * keys made by {@code age-keygen} and for passphrases. Skipped when {@code age} is not installed
 * (Debian package {@code age}; {@code .ci/run} installs it). {@code age} reads passphrases only from
 * a terminal, so those tests run it under {@code script}, which gives it a pseudo-terminal fed from
 * our standard input.
 */
class AgeCliInteropTest {

    private static final byte[] DATA = AgeTestSupport.text(300_000, 41);

    @TempDir
    Path dir;

    @BeforeEach
    void requireAge() {
        assumeTrue(onPath("age") && onPath("age-keygen"),
                "the age command-line tool is not installed (Debian package 'age', installed by .ci/run): "
                        + "interoperability tests skipped");
    }

    @Test
    void ageDecryptsWhatTheLibraryEncryptsToAnAgeKeygenKey() throws Exception {
        Path key = keygen("key.txt");
        String recipient = publicKey(key);
        for (byte[] data : List.of(DATA, new byte[0], AgeTestSupport.random(64 * 1024, 42))) {
            Path encrypted = write("data.age", AgeTestSupport.encrypt(AgeEncryption.toRecipients(recipient), data));

            assertThat(run(List.of("age", "-d", "-i", key.toString(), encrypted.toString()), null))
                    .as("%d bytes", data.length).isEqualTo(data);
        }
    }

    @Test
    void theLibraryDecryptsWhatAgeEncryptsToAnAgeKeygenKey() throws Exception {
        Path key = keygen("key.txt");
        Path plain = write("data", DATA);

        byte[] encrypted = run(List.of("age", "-r", publicKey(key), plain.toString()), null);

        assertThat(AgeTestSupport.decrypt(AgeEncryption.decrypting(key), encrypted)).isEqualTo(DATA);
        byte[] empty = run(List.of("age", "-r", publicKey(key), write("empty", new byte[0]).toString()), null);
        assertThat(AgeTestSupport.decrypt(AgeEncryption.decrypting(key), empty)).isEmpty();
    }

    @Test
    void severalRecipientsAndRecipientFilesBothWays() throws Exception {
        Path key1 = keygen("key1.txt");
        Path key2 = keygen("key2.txt");
        Path recipients = dir.resolve("recipients.txt");
        Files.writeString(recipients, "# backup keys\n" + publicKey(key1) + "\n\n" + publicKey(key2) + "\n");

        AgeEncryption library = AgeEncryption.builder().recipientsFile(recipients).build();
        Path encrypted = write("lib.age", AgeTestSupport.encrypt(library, DATA));
        assertThat(run(List.of("age", "-d", "-i", key1.toString(), encrypted.toString()), null)).isEqualTo(DATA);
        assertThat(run(List.of("age", "-d", "-i", key2.toString(), encrypted.toString()), null)).isEqualTo(DATA);

        byte[] byAge = run(List.of("age", "-R", recipients.toString(), write("data", DATA).toString()), null);
        assertThat(AgeTestSupport.decrypt(AgeEncryption.decrypting(key2), byAge)).isEqualTo(DATA);
        assertThat(AgeTestSupport.decrypt(AgeEncryption.decrypting(key1), byAge)).isEqualTo(DATA);
    }

    @Test
    void ageRejectsTamperedLibraryOutputAsWell() throws Exception {
        Path key = keygen("key.txt");
        byte[] encrypted = AgeTestSupport.encrypt(AgeEncryption.toRecipients(publicKey(key)), DATA);
        encrypted[encrypted.length / 2] ^= 1;
        Path file = write("bad.age", encrypted);

        Result result = exec(List.of("age", "-d", "-i", key.toString(), file.toString()), null);

        assertThat(result.exit).isNotZero();
    }

    @Test
    void ageDecryptsWhatTheLibraryEncryptsWithAPassphrase() throws Exception {
        assumeTrue(onPath("script"), "'script' (util-linux) is needed to give age a terminal");
        Path encrypted = write("data.age", AgeTestSupport.encrypt(AgeTestSupport.passphraseTransformer(), DATA));
        Path decrypted = dir.resolve("data.out");

        underTerminal("age -d -o " + quote(decrypted) + " " + quote(encrypted), AgeTestSupport.PASSPHRASE + "\n");

        assertThat(Files.readAllBytes(decrypted)).isEqualTo(DATA);
    }

    @Test
    void theLibraryDecryptsWhatAgeEncryptsWithAPassphrase() throws Exception {
        assumeTrue(onPath("script"), "'script' (util-linux) is needed to give age a terminal");
        Path plain = write("data", DATA);
        Path encrypted = dir.resolve("data.age");

        underTerminal("age -p -o " + quote(encrypted) + " " + quote(plain),
                AgeTestSupport.PASSPHRASE + "\n" + AgeTestSupport.PASSPHRASE + "\n");

        byte[] bytes = Files.readAllBytes(encrypted);
        assertThat(new String(bytes, 0, 40, StandardCharsets.US_ASCII)).contains("-> scrypt ");
        Path passphraseFile = dir.resolve("passphrase.txt");
        Files.writeString(passphraseFile, AgeTestSupport.PASSPHRASE + "\n");
        assertThat(AgeTestSupport.decrypt(AgeEncryption.builder().passphraseFile(passphraseFile).build(), bytes))
                .as("age's default work factor 18").isEqualTo(DATA);
    }

    @Test
    void aBackupIsRecoveredByHandWithAgeAndZstd() throws Exception {
        assumeTrue(onPath("zstd") && ZstdTransformer.available(), "zstd is not installed");
        Path key = keygen("key.txt");
        LocalStorageTarget target = LocalStorageTarget.of(dir.resolve("repo"));
        BackupResult result = BackupPipeline.builder().source(new BytesSource("neo4j", DATA)).target(target)
                .transform(Compression.zstd()).transform(AgeEncryption.toRecipients(publicKey(key))).build().backup();
        Path object = dir.resolve("repo").resolve(result.dataKey().value());
        assertThat(object.getFileName().toString()).endsWith(".ndjson.zst.age");

        // age -d -i key.txt file.ndjson.zst.age | zstd -d > file.ndjson, in two steps
        Path compressed = dir.resolve("file.ndjson.zst");
        run(List.of("age", "-d", "-i", key.toString(), "-o", compressed.toString(), object.toString()), null);
        byte[] raw = run(List.of("zstd", "-q", "-d", "-c", compressed.toString()), null);

        assertThat(raw).isEqualTo(DATA);
        CapturingSink sink = new CapturingSink();
        BackupPipeline.builder().target(target).decoder(AgeEncryption.decrypting(key)).build()
                .restore(result.id(), sink);
        assertThat(sink.received.toByteArray()).isEqualTo(DATA);
    }

    @Test
    void identityFilesWithSeveralKeysAndComments() throws Exception {
        Path key1 = keygen("key1.txt");
        Path key2 = keygen("key2.txt");
        Path both = dir.resolve("both.txt");
        Files.writeString(both, Files.readString(key1) + "\n# the old key\n" + Files.readString(key2));
        byte[] encrypted = run(List.of("age", "-r", publicKey(key2), write("data", DATA).toString()), null);

        AgeEncryption decrypting = AgeEncryption.decrypting(both);

        assertThat(decrypting.identityFingerprints()).containsExactly(AgeEncryption.fingerprint(publicKey(key1)),
                AgeEncryption.fingerprint(publicKey(key2)));
        assertThat(AgeTestSupport.decrypt(decrypting, encrypted)).isEqualTo(DATA);
        assertThat(decrypting.toString()).contains("identity file " + both + ", line 3")
                .doesNotContain(Files.readString(key1).lines().filter(l -> l.startsWith("AGE-SECRET-KEY-"))
                        .findFirst().orElseThrow());
    }

    // -------------------------------------------------------------------------------- helpers

    private Path keygen(String name) throws Exception {
        Path key = dir.resolve(name);
        run(List.of("age-keygen", "-o", key.toString()), null);
        assertThat(Files.readString(key)).startsWith("# created: ").contains("# public key: age1");
        return key;
    }

    private String publicKey(Path key) throws Exception {
        return new String(run(List.of("age-keygen", "-y", key.toString()), null), StandardCharsets.US_ASCII).strip();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    /** Runs a command line under a pseudo-terminal fed with {@code typed}; fails on a non-zero exit. */
    private void underTerminal(String commandLine, String typed) throws Exception {
        Result result = exec(List.of("script", "-q", "-e", "-c", commandLine, "/dev/null"),
                typed.getBytes(StandardCharsets.UTF_8));
        assertThat(result.exit).as("%s: %s", commandLine, result.stderr + new String(result.stdout,
                StandardCharsets.UTF_8).replace(AgeTestSupport.PASSPHRASE, "**")).isZero();
    }

    private static String quote(Path path) {
        return "'" + path.toString().replace("'", "'\\''") + "'";
    }

    private static byte[] run(List<String> command, byte[] stdin) throws Exception {
        Result result = exec(command, stdin);
        assertThat(result.exit).as("%s failed: %s", command, result.stderr).isZero();
        return result.stdout;
    }

    private record Result(int exit, byte[] stdout, String stderr) {
    }

    /** Runs a command (argument vector, no shell); keeps stdin open until it exits so a pty sees no EOF. */
    private static Result exec(List<String> command, byte[] stdin) throws Exception {
        Process process = new ProcessBuilder(new ArrayList<>(command)).start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
                in.flush();
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish within 60 s");
            }
        } catch (IOException e) {
            // the process may exit before reading its input
        }
        return new Result(process.exitValue(), out.get(30, TimeUnit.SECONDS),
                new String(err.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(entry, tool))) {
                return true;
            }
        }
        return false;
    }
}
