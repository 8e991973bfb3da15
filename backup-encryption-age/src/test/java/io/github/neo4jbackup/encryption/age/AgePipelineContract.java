package io.github.neo4jbackup.encryption.age;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.Secret;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.manifest.TransformerSpec;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.Transformer;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.encryption.age.AgeTestSupport.BytesSource;
import io.github.neo4jbackup.encryption.age.AgeTestSupport.CapturingSink;
import io.github.neo4jbackup.encryption.age.AgeTestSupport.KeyPairStrings;
import io.github.neo4jbackup.testkit.ManualClock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The age transformer through the real {@link BackupPipeline} on a storage target: round trips with
 * and without compression, several recipients, tampering, truncation, wrong and missing keys, and
 * secrets that never leak. Each storage module's test extends it.
 */
abstract class AgePipelineContract {

    private static final java.util.concurrent.atomic.AtomicLong PIPELINES = new java.util.concurrent.atomic.AtomicLong();
    static KeyPairStrings alice;
    static KeyPairStrings bob;
    static KeyPairStrings mallory;

    /** The target under test, new and empty for each test. */
    abstract StorageTarget target();

    /** Reads a stored object directly, bypassing the target. */
    abstract byte[] readStored(ObjectKey key) throws IOException;

    /** Replaces a stored object's bytes directly, keeping whatever the store records beside them. */
    abstract void replaceStored(ObjectKey key, byte[] bytes) throws IOException;

    /** How many tamper positions to sample. */
    abstract int tamperSamples();

    @BeforeAll
    static void keys() {
        alice = AgeTestSupport.newKeyPair();
        bob = AgeTestSupport.newKeyPair();
        mallory = AgeTestSupport.newKeyPair();
    }

    static Stream<Arguments> chains() {
        List<Arguments> chains = new ArrayList<>();
        for (String recipient : List.of("x25519", "passphrase")) {
            chains.add(Arguments.of(recipient, "none"));
            chains.add(Arguments.of(recipient, "zstd"));
            chains.add(Arguments.of(recipient, "gzip"));
        }
        return chains.stream();
    }

    @ParameterizedTest(name = "{0} recipient, compression {1}")
    @MethodSource("chains")
    void roundTripCompressThenEncrypt(String recipient, String compression) throws IOException {
        byte[] data = AgeTestSupport.text(700_000, 21);
        boolean passphrase = recipient.equals("passphrase");
        AgeEncryption encrypting = passphrase ? AgeTestSupport.passphraseTransformer()
                : AgeEncryption.toRecipients(alice.recipient());
        List<Transformer> chain = new ArrayList<>();
        switch (compression) {
            case "zstd" -> chain.add(Compression.zstd());
            case "gzip" -> chain.add(Compression.gzip());
            default -> { }
        }
        chain.add(encrypting);
        BackupPipeline backupHost = pipeline(data).transformers(chain).build();

        BackupResult result = backupHost.backup();

        String ext = switch (compression) {
            case "zstd" -> ".ndjson.zst.age";
            case "gzip" -> ".ndjson.gz.age";
            default -> ".ndjson.age";
        };
        assertThat(result.dataKey().value()).endsWith(ext);
        byte[] stored = readStored(result.dataKey());
        assertThat(new String(stored, 0, 22, StandardCharsets.US_ASCII)).isEqualTo("age-encryption.org/v1\n");
        assertThat(result.storedSha256()).as("the checksum covers the stored, encrypted bytes")
                .isEqualTo(AgeTestSupport.sha256(stored));
        if (!compression.equals("none")) {
            assertThat(result.storedSize()).as("compressed before encrypting").isLessThan(data.length / 2);
        }
        List<TransformerSpec> specs = result.manifest().transformers();
        assertThat(specs).extracting(TransformerSpec::id).endsWith("age");
        TransformerSpec age = specs.get(specs.size() - 1);
        assertThat(age.parameters()).containsEntry(AgeEncryption.FORMAT_PARAMETER, AgeEncryption.FORMAT);
        if (passphrase) {
            assertThat(age.parameters()).containsEntry(AgeEncryption.RECIPIENT_TYPES, "scrypt")
                    .containsEntry(AgeEncryption.SCRYPT_WORK_FACTOR, Integer.toString(AgeTestSupport.FAST_WORK_FACTOR));
        } else {
            assertThat(age.parameters()).containsEntry(AgeEncryption.RECIPIENT_TYPES, "X25519")
                    .containsEntry(AgeEncryption.X25519_FINGERPRINTS, AgeEncryption.fingerprint(alice.recipient()));
        }

        // the restoring host: the passphrase transformer decrypts itself, X25519 needs the identity
        BackupPipeline.Builder restoring = BackupPipeline.builder().target(target());
        if (passphrase) {
            restoring.decoder(AgeEncryption.builder().passphrase(Secret.of(AgeTestSupport.PASSPHRASE)).build());
        } else {
            restoring.decoder(AgeEncryption.builder().identity(alice.secret()).build());
        }
        BackupPipeline restoreHost = restoring.build();
        VerifyReport report = restoreHost.verify(result.id(), VerifyLevel.FULL);
        assertThat(report.problems()).isEmpty();
        assertThat(report.rawBytes()).isEqualTo(data.length);
        CapturingSink sink = new CapturingSink();
        RestoreResult restored = restoreHost.restore(result.id(), sink);
        assertThat(sink.received.toByteArray()).isEqualTo(data);
        assertThat(restored.rawBytes()).isEqualTo(data.length);
    }

    @Test
    void theBackupHostVerifiesFullyWhenItAlsoHoldsAnIdentity() {
        byte[] data = AgeTestSupport.text(100_000, 22);
        BackupPipeline pipeline = pipeline(data).transform(Compression.zstd())
                .transform(AgeEncryption.toRecipients(alice.recipient()))
                .decoder(AgeEncryption.builder().identity(alice.secret()).build())
                .verifyAfterBackup(VerifyLevel.FULL).build();

        BackupResult result = pipeline.backup();

        assertThat(pipeline.list()).extracting(Manifest::id).containsExactly(result.id());
    }

    @Test
    void anEncryptOnlyHostCannotVerifyFullyAfterBackupAndWritesNoManifest() {
        BackupPipeline pipeline = pipeline(AgeTestSupport.text(10_000, 23))
                .transform(AgeEncryption.toRecipients(alice.recipient())).verifyAfterBackup(VerifyLevel.FULL).build();

        assertThatThrownBy(pipeline::backup).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no identity configured");
        assertThat(pipeline.list()).isEmpty();
    }

    @Test
    void severalRecipientsEitherIdentityRestores() {
        byte[] data = AgeTestSupport.text(300_000, 24);
        BackupResult result = pipeline(data).transform(Compression.gzip(1))
                .transform(AgeEncryption.toRecipients(alice.recipient(), bob.recipient())).build().backup();
        assertThat(result.manifest().transformers().get(1).parameters().get(AgeEncryption.X25519_FINGERPRINTS))
                .isEqualTo(AgeEncryption.fingerprint(alice.recipient()) + ","
                        + AgeEncryption.fingerprint(bob.recipient()));

        for (KeyPairStrings who : List.of(alice, bob)) {
            CapturingSink sink = new CapturingSink();
            BackupPipeline.builder().target(target()).decoder(AgeEncryption.builder().identity(who.secret()).build())
                    .build().restore(result.id(), sink);
            assertThat(sink.received.toByteArray()).as("restored with %s", who).isEqualTo(data);
        }
    }

    @Test
    void aFlippedByteAtSampledPositionsFailsVerificationAndTheRestoreIsRefused() throws IOException {
        for (boolean passphrase : List.of(false, true)) {
            AgeEncryption age = passphrase ? AgeTestSupport.passphraseTransformer()
                    : AgeEncryption.toRecipients(alice.recipient());
            AgeEncryption decoder = passphrase ? age : AgeEncryption.builder().identity(alice.secret()).build();
            BackupResult result = pipeline(AgeTestSupport.text(400_000, 25)).transform(Compression.zstd())
                    .transform(age).build().backup();
            BackupPipeline restoring = BackupPipeline.builder().target(target()).decoder(decoder).build();
            byte[] original = readStored(result.dataKey());
            int header = AgeStreamTest.headerLength(original);
            List<Integer> positions = new ArrayList<>(List.of(0, 5, 30, header / 2, header - 20, header - 2,
                    header + 3, header + 20, original.length / 2, original.length - 1));
            java.util.Random random = new java.util.Random(26);
            while (positions.size() < tamperSamples()) {
                positions.add(random.nextInt(original.length));
            }
            for (int position : positions.subList(0, Math.max(tamperSamples(), 4))) {
                byte[] damaged = original.clone();
                damaged[position] ^= 0x01;
                replaceStored(result.dataKey(), damaged);

                VerifyReport report = restoring.verify(result.id(), VerifyLevel.FULL);
                assertThat(report.ok()).as("verify with byte %d flipped (passphrase %s)", position, passphrase)
                        .isFalse();
                assertThat(report.problems()).isNotEmpty();
                CapturingSink sink = new CapturingSink();
                assertThatThrownBy(() -> restoring.restore(result.id(), sink)).as("restore, byte %d", position)
                        .isInstanceOf(IntegrityException.class).hasMessageContaining("Refusing to restore");
                assertThat(sink.calls).as("the sink never ran").isZero();
            }
            replaceStored(result.dataKey(), original);
            assertThat(restoring.verify(result.id(), VerifyLevel.FULL).ok()).as("intact again").isTrue();
        }
    }

    @Test
    void aTruncatedObjectFailsVerificationAndTheRestoreIsRefused() throws IOException {
        BackupResult result = pipeline(AgeTestSupport.text(400_000, 27)).transform(Compression.gzip(1))
                .transform(AgeEncryption.toRecipients(alice.recipient())).build().backup();
        BackupPipeline restoring = BackupPipeline.builder().target(target())
                .decoder(AgeEncryption.builder().identity(alice.secret()).build()).build();
        byte[] original = readStored(result.dataKey());

        for (int length : new int[] {0, 100, original.length / 2, original.length - 1}) {
            replaceStored(result.dataKey(), Arrays.copyOf(original, length));

            VerifyReport report = restoring.verify(result.id(), VerifyLevel.FULL);
            assertThat(report.ok()).as("truncated to %d", length).isFalse();
            CapturingSink sink = new CapturingSink();
            assertThatThrownBy(() -> restoring.restore(result.id(), sink)).isInstanceOf(IntegrityException.class);
            assertThat(sink.calls).isZero();
        }
    }

    @Test
    void aWrongKeyIsAClearKeyErrorAndNothingIsRestored() {
        BackupResult result = pipeline(AgeTestSupport.text(50_000, 28))
                .transform(AgeEncryption.toRecipients(alice.recipient())).build().backup();
        BackupPipeline wrong = BackupPipeline.builder().target(target())
                .decoder(AgeEncryption.builder().identity(mallory.secret()).build()).build();
        CapturingSink sink = new CapturingSink();

        assertThatThrownBy(() -> wrong.restore(result.id(), sink)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("None of the configured age identities can decrypt")
                .hasMessageContaining(AgeEncryption.fingerprint(mallory.recipient()));
        assertThatThrownBy(() -> wrong.verify(result.id(), VerifyLevel.FULL))
                .as("the backup is fine: no failed report, a key error").isInstanceOf(InvalidInputException.class);
        assertThat(sink.calls).isZero();

        BackupPipeline wrongPassphrase = BackupPipeline.builder().target(target())
                .decoder(AgeEncryption.builder().passphrase(Secret.of("guess")).build()).build();
        assertThatThrownBy(() -> wrongPassphrase.restore(result.id(), sink)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not passphrase-encrypted");
    }

    @Test
    void aMissingKeyIsAClearKeyErrorAndNothingIsRestored() {
        AgeEncryption toAlice = AgeEncryption.toRecipients(alice.recipient());
        BackupPipeline backupHost = pipeline(AgeTestSupport.text(50_000, 29)).transform(Compression.zstd())
                .transform(toAlice).build();
        BackupResult result = backupHost.backup();
        CapturingSink sink = new CapturingSink();

        // the host that made the backup holds only the public key
        assertThatThrownBy(() -> backupHost.restore(result.id(), sink)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no identity configured")
                .hasMessageContaining("BackupPipeline.Builder.decoder(AgeEncryption.decrypting(");
        // a host with no age transformer at all: the ServiceLoader provider explains
        BackupPipeline bare = BackupPipeline.builder().target(target()).build();
        assertThatThrownBy(() -> bare.restore(result.id(), sink)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("This backup is age-encrypted (to X25519 recipients "
                        + AgeEncryption.fingerprint(alice.recipient()) + ")")
                .hasMessageContaining("--age-identity FILE");
        assertThatThrownBy(() -> bare.verify(result.id(), VerifyLevel.FULL)).isInstanceOf(InvalidInputException.class);
        assertThat(sink.calls).isZero();
    }

    @Test
    void secretsNeverAppearInManifestsMessagesToStringOrLogs() throws IOException {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger ours = (Logger) LoggerFactory.getLogger("io.github.neo4jbackup");
        Level oldLevel = ours.getLevel();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        ours.setLevel(Level.DEBUG);
        List<String> seen = new ArrayList<>();
        try {
            AgeEncryption byPassphrase = AgeTestSupport.passphraseTransformer();
            AgeEncryption aliceDecrypts = AgeEncryption.builder().identity(alice.secret()).build();
            AgeEncryption malloryDecrypts = AgeEncryption.builder().identity(mallory.secret())
                    .passphrase(Secret.of(AgeTestSupport.PASSPHRASE + "x")).build();
            BackupPipeline passphraseHost = pipeline(AgeTestSupport.text(20_000, 30)).transform(byPassphrase).build();
            BackupPipeline keyHost = pipeline(AgeTestSupport.text(20_000, 31))
                    .transform(AgeEncryption.toRecipients(alice.recipient())).decoder(aliceDecrypts).build();
            List<BackupResult> results = List.of(passphraseHost.backup(), keyHost.backup());
            for (BackupResult r : results) {
                try (InputStream in = target().open(r.manifestKey())) {
                    seen.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            assertThat(passphraseHost.verify(results.get(0).id(), VerifyLevel.FULL).ok()).isTrue();
            assertThat(keyHost.verify(results.get(1).id(), VerifyLevel.FULL).ok()).isTrue();
            seen.add(byPassphrase.toString());
            seen.add(aliceDecrypts.toString());
            seen.add(malloryDecrypts.toString());
            seen.add(passphraseHost.toString());
            seen.add(keyHost.toString());
            List<Supplier<Object>> failing = List.of(
                    () -> BackupPipeline.builder().target(target()).decoder(malloryDecrypts).build()
                            .restore(results.get(0).id(), new CapturingSink()),
                    () -> BackupPipeline.builder().target(target()).decoder(malloryDecrypts).build()
                            .restore(results.get(1).id(), new CapturingSink()),
                    () -> BackupPipeline.builder().target(target()).build().restore(results.get(1).id(),
                            new CapturingSink()),
                    () -> AgeEncryption.builder().recipient(alice.identity()),
                    () -> AgeEncryption.builder().identity(Secret.of(alice.identity().substring(0, 73)
                            + (alice.identity().charAt(73) == 'x' ? "y" : "x"))),
                    () -> AgeEncryption.builder().identity(Secret.of(alice.identity() + "q")),
                    () -> AgeEncryption.builder().identity(Secret.of(alice.recipient())),
                    () -> AgeEncryption.builder().passphrase(Secret.of(AgeTestSupport.PASSPHRASE))
                            .recipient(alice.recipient()).build());
            for (Supplier<Object> f : failing) {
                try {
                    f.get();
                    throw new AssertionError("expected a failure");
                } catch (BackupException e) {
                    seen.addAll(AgeTestSupport.messages(e));
                }
            }
        } finally {
            root.detachAppender(logs);
            ours.setLevel(oldLevel);
        }
        for (ILoggingEvent event : logs.list) {
            seen.add(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                seen.add(event.getThrowableProxy().getMessage());
            }
        }
        assertThat(logs.list).as("the failures were logged").isNotEmpty();
        List<String> secrets = new ArrayList<>(AgeTestSupport.secretParts(alice.identity()));
        secrets.addAll(AgeTestSupport.secretParts(mallory.identity()));
        secrets.addAll(AgeTestSupport.secretParts(AgeTestSupport.PASSPHRASE));
        for (String text : seen) {
            for (String secret : secrets) {
                assertThat(text).as("no part of a secret").doesNotContain(secret);
            }
        }
        assertThat(String.join("\n", seen)).contains(AgeEncryption.fingerprint(alice.recipient()));
    }

    BackupPipeline.Builder pipeline(byte[] data) {
        return BackupPipeline.builder().source(new BytesSource("neo4j", data)).target(target())
                .clock(ManualClock.ticking(Instant.parse("2025-11-20T10:00:00Z").plusSeconds(
                        1000 * PIPELINES.incrementAndGet()), Duration.ofSeconds(1)));
    }
}
