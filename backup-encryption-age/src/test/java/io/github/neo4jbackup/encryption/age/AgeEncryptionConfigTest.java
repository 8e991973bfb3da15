package io.github.neo4jbackup.encryption.age;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.Secret;
import io.github.neo4jbackup.core.spi.Transformer;
import io.github.neo4jbackup.core.transform.TransformerRegistry;
import io.github.neo4jbackup.encryption.age.AgeTestSupport.KeyPairStrings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Configuration: recipients, identities, passphrases, files, environment, parameters and redaction. */
class AgeEncryptionConfigTest {

    /** The recipient in age's README and its fingerprint, computed with printf %s ... | sha256sum. */
    private static final String README_RECIPIENT = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
    private static final String README_FINGERPRINT = "sha256:cf7e568231315068";
    /** The public key of the test identity in NEO4J_BACKUP_TEST_AGE_IDENTITY, as 'age-keygen -y' prints it. */
    private static final String ENV_IDENTITY_RECIPIENT = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";

    private static KeyPairStrings alice;
    private static KeyPairStrings bob;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() {
        alice = AgeTestSupport.newKeyPair();
        bob = AgeTestSupport.newKeyPair();
    }

    @Test
    void idExtensionAndNoCompression() {
        AgeEncryption age = AgeEncryption.toRecipients(alice.recipient());

        assertThat(age.id()).isEqualTo("age");
        assertThat(age.extension()).isEqualTo("age");
        assertThat(age.compresses()).isFalse();
        assertThat(age.canEncrypt()).isTrue();
        assertThat(age.canDecrypt()).isFalse();
    }

    @Test
    void fingerprintsAreTheShellsSha256Prefix() {
        assertThat(AgeEncryption.fingerprint(README_RECIPIENT)).isEqualTo(README_FINGERPRINT);
        assertThat(AgeEncryption.fingerprint(" " + README_RECIPIENT.toUpperCase() + "\n")).isEqualTo(README_FINGERPRINT);
    }

    @Test
    void parametersRecordTypesFingerprintsAndWorkFactorOnly() {
        AgeEncryption keys = AgeEncryption.builder().recipient(README_RECIPIENT).recipient(alice.recipient()).build();
        assertThat(keys.parameters()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "format", "age-encryption.org/v1",
                "recipient.types", "X25519",
                "x25519.fingerprints", README_FINGERPRINT + "," + AgeEncryption.fingerprint(alice.recipient())));
        assertThat(keys.recipients()).containsExactly(README_RECIPIENT, alice.recipient());

        AgeEncryption passphrase = AgeEncryption.builder().passphrase(Secret.of("pw")).workFactor(15).build();
        assertThat(passphrase.parameters()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "format", "age-encryption.org/v1", "recipient.types", "scrypt", "scrypt.workFactor", "15"));
        assertThat(passphrase.canEncrypt()).isTrue();
        assertThat(passphrase.canDecrypt()).isTrue();

        AgeEncryption decryptOnly = AgeEncryption.builder().identity(alice.secret()).build();
        assertThat(decryptOnly.parameters()).containsExactly(Map.entry("format", "age-encryption.org/v1"));
        assertThat(decryptOnly.canEncrypt()).isFalse();
        assertThat(decryptOnly.identityFingerprints()).containsExactly(AgeEncryption.fingerprint(alice.recipient()));
    }

    @Test
    void aDecryptOnlyTransformerRefusesToEncrypt() {
        AgeEncryption decryptOnly = AgeEncryption.builder().identity(alice.secret()).build();

        assertThatThrownBy(() -> decryptOnly.encode(new ByteArrayOutputStream()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no recipient");
    }

    @Test
    void recipientsAreChecked() {
        assertThatThrownBy(() -> AgeEncryption.builder().recipient(alice.identity()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("is a secret key")
                .hasMessageContaining("age-keygen -y").satisfies(e -> assertNoSecret(e, alice.identity()));
        assertThatThrownBy(() -> AgeEncryption.builder().recipient("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("SSH public keys are not supported");
        assertThatThrownBy(() -> AgeEncryption.builder().recipient(README_RECIPIENT.substring(0, 60)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("60 characters instead of 62");
        char[] broken = README_RECIPIENT.toCharArray();
        broken[30] = broken[30] == 'q' ? 'p' : 'q';
        assertThatThrownBy(() -> AgeEncryption.builder().recipient(new String(broken)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("is not a valid age X25519 recipient");
        assertThatThrownBy(() -> AgeEncryption.toRecipients())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("Nothing configured");
    }

    @Test
    void identitiesAreCheckedWithoutShowingThem() {
        String identity = alice.identity();
        String badChecksum = identity.substring(0, 70) + (identity.charAt(70) == 'Q' ? "P" : "Q") + identity.substring(71);
        for (String bad : List.of(badChecksum, identity + "Q", identity.substring(0, 40), "AGE-SECRET-KEY-1" + "O".repeat(58))) {
            assertThatThrownBy(() -> AgeEncryption.builder().identity(Secret.of(bad)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("The value is not shown")
                    .satisfies(e -> assertNoSecret(e, bad));
        }
        assertThatThrownBy(() -> AgeEncryption.builder().identity(Secret.of(alice.recipient())))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("looks like a public key");
        assertThat(AgeEncryption.builder().identity(Secret.of("  " + identity.toLowerCase() + "\n")).build()
                .identityFingerprints()).as("white space and case do not matter")
                .containsExactly(AgeEncryption.fingerprint(alice.recipient()));
    }

    @Test
    void identityFilesAsAgeKeygenWritesThem() throws IOException {
        Path file = dir.resolve("key.txt");
        Files.writeString(file, "# created: 2025-11-20T10:00:00Z\n# public key: " + alice.recipient() + "\n"
                + alice.identity() + "\n\n# second key\r\n" + bob.identity() + "\r\n");

        AgeEncryption age = AgeEncryption.decrypting(file);

        assertThat(age.identityFingerprints()).containsExactly(AgeEncryption.fingerprint(alice.recipient()),
                AgeEncryption.fingerprint(bob.recipient()));
        assertThat(age.toString()).contains("identity file " + file + ", line 3")
                .contains("identity file " + file + ", line 6");
        assertNoSecret(age.toString(), alice.identity());
        assertNoSecret(age.toString(), bob.identity());
    }

    @Test
    void badIdentityFilesSayWhichLineWithoutShowingIt() throws IOException {
        Path file = dir.resolve("key.txt");
        String secretLooking = "AGE-SECRET-KEY-1" + "Z".repeat(58);
        Files.writeString(file, "# comment\n" + alice.identity() + "\n" + secretLooking + "\n");
        assertThatThrownBy(() -> AgeEncryption.decrypting(file)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("identity file " + file + ", line 3").satisfies(e -> {
                    assertNoSecret(e, secretLooking);
                    assertNoSecret(e, alice.identity());
                });

        Files.writeString(file, "password=hunter2-but-longer\n");
        assertThatThrownBy(() -> AgeEncryption.decrypting(file)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("line 1").satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));

        Files.writeString(file, "# only comments\n\n");
        assertThatThrownBy(() -> AgeEncryption.decrypting(file)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("holds no identity");

        Files.writeString(file, "age-encryption.org/v1\n-> scrypt abc 18\n");
        assertThatThrownBy(() -> AgeEncryption.decrypting(file)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("itself age-encrypted");

        Files.writeString(file, "AGE-PLUGIN-YUBIKEY-1QQQQQQ\n");
        assertThatThrownBy(() -> AgeEncryption.decrypting(file)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("plugin");

        Path missing = dir.resolve("missing.txt");
        assertThatThrownBy(() -> AgeEncryption.decrypting(missing)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Cannot read the identity file " + missing);
    }

    @Test
    void recipientsFiles() throws IOException {
        Path file = dir.resolve("recipients.txt");
        Files.writeString(file, "# team\n" + alice.recipient() + "\n   \n" + bob.recipient().toUpperCase() + "\n");
        assertThat(AgeEncryption.builder().recipientsFile(file).build().recipients())
                .containsExactly(alice.recipient(), bob.recipient());

        Files.writeString(file, alice.recipient() + "\n" + bob.identity() + "\n");
        assertThatThrownBy(() -> AgeEncryption.builder().recipientsFile(file)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("line 2 is a secret key").satisfies(e -> assertNoSecret(e, bob.identity()));
    }

    @Test
    void passphrases() throws IOException {
        assertThatThrownBy(() -> AgeEncryption.withPassphrase(Secret.of(""))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("is empty");
        assertThatThrownBy(() -> AgeEncryption.withPassphrase(Secret.of("two\nlines")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("line break")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("two").doesNotContain("lines"));
        assertThatThrownBy(() -> AgeEncryption.builder().passphrase(Secret.of("x")).recipient(alice.recipient()).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("only as the sole recipient");
        assertThatThrownBy(() -> AgeEncryption.builder().workFactor(23)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> AgeEncryption.builder().workFactor(0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> AgeEncryption.builder().maxWorkFactor(40)).isInstanceOf(InvalidInputException.class);

        // a file: one trailing line break is not part of the passphrase, spaces are
        Path file = dir.resolve("passphrase.txt");
        Files.writeString(file, " spaced passphrase \n");
        AgeEncryption fromFile = AgeEncryption.builder().passphraseFile(file).workFactor(10).build();
        byte[] encrypted = AgeTestSupport.encrypt(fromFile, new byte[] {1, 2, 3});
        assertThat(AgeTestSupport.decrypt(AgeEncryption.builder().passphrase(Secret.of(" spaced passphrase "))
                .build(), encrypted)).containsExactly(1, 2, 3);
        assertThat(fromFile.toString()).contains("file " + file).doesNotContain("spaced");

        // characters are copied: wiping the caller's array does not change the transformer
        char[] chars = "copied passphrase".toCharArray();
        AgeEncryption fromChars = AgeEncryption.builder().passphrase(chars).workFactor(10).build();
        Arrays.fill(chars, '\0');
        byte[] again = AgeTestSupport.encrypt(fromChars, new byte[] {4});
        assertThat(AgeTestSupport.decrypt(AgeEncryption.withPassphrase(Secret.of("copied passphrase")), again))
                .containsExactly(4);
    }

    @Test
    void environmentVariables() throws IOException {
        assumeTrue(System.getenv("NEO4J_BACKUP_TEST_AGE_PASSPHRASE") != null,
                "run through Maven: the surefire configuration sets the test environment variables");
        AgeEncryption fromEnv = AgeEncryption.builder().passphraseFromEnv("NEO4J_BACKUP_TEST_AGE_PASSPHRASE")
                .workFactor(10).build();
        byte[] encrypted = AgeTestSupport.encrypt(fromEnv, new byte[] {7});
        assertThat(AgeTestSupport.decrypt(AgeEncryption.withPassphrase(Secret.of("env passphrase for tests")),
                encrypted)).containsExactly(7);
        assertThat(fromEnv.toString()).contains("environment variable NEO4J_BACKUP_TEST_AGE_PASSPHRASE")
                .doesNotContain("env passphrase");

        AgeEncryption identity = AgeEncryption.builder().identityFromEnv("NEO4J_BACKUP_TEST_AGE_IDENTITY").build();
        assertThat(identity.identityFingerprints()).as("the public key age-keygen -y derives")
                .containsExactly(AgeEncryption.fingerprint(ENV_IDENTITY_RECIPIENT));
        byte[] toEnvKey = AgeTestSupport.encrypt(AgeEncryption.toRecipients(ENV_IDENTITY_RECIPIENT), new byte[] {8});
        assertThat(AgeTestSupport.decrypt(identity, toEnvKey)).containsExactly(8);

        String garbage = System.getenv("NEO4J_BACKUP_TEST_AGE_GARBAGE");
        assertThatThrownBy(() -> AgeEncryption.builder().identityFromEnv("NEO4J_BACKUP_TEST_AGE_GARBAGE"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("environment variable NEO4J_BACKUP_TEST_AGE_GARBAGE")
                .satisfies(e -> assertNoSecret(e, garbage));
        assertThatThrownBy(() -> AgeEncryption.builder().passphraseFromEnv("NEO4J_BACKUP_TEST_AGE_UNSET"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("is not set");
        assertThatThrownBy(() -> AgeEncryption.builder().identityFromEnv("NEO4J_BACKUP_TEST_AGE_UNSET"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("is not set");
    }

    @Test
    void toStringShowsFingerprintsAndOriginsOnly() {
        AgeEncryption age = AgeEncryption.builder().identity(alice.secret()).identity(bob.secret())
                .passphrase(Secret.of(AgeTestSupport.PASSPHRASE)).build();

        String text = age.toString();

        assertThat(text).startsWith("age(").contains(AgeEncryption.fingerprint(alice.recipient()))
                .contains("Identity #2").contains("passphrase (given as a Secret)");
        assertNoSecret(text, alice.identity());
        assertNoSecret(text, bob.identity());
        assertNoSecret(text, AgeTestSupport.PASSPHRASE);
    }

    @Test
    void theServiceLoaderProviderExplainsHowToConfigureAnIdentity() {
        assertThat(TransformerRegistry.knownIds()).contains("age", "gzip", "zstd");
        Map<String, String> recorded = AgeEncryption.toRecipients(alice.recipient(), bob.recipient()).parameters();

        assertThatThrownBy(() -> TransformerRegistry.resolve("age", recorded, List.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("This backup is age-encrypted (to X25519 recipients "
                        + AgeEncryption.fingerprint(alice.recipient()) + "," + AgeEncryption.fingerprint(bob.recipient()))
                .hasMessageContaining("BackupPipeline.Builder.decoder(AgeEncryption.decrypting(")
                .hasMessageContaining("--age-identity FILE");
        assertThatThrownBy(() -> TransformerRegistry.resolve("age", Map.of("scrypt.workFactor", "18"), List.of()))
                .hasMessageContaining("a passphrase (scrypt, work factor 18)");

        Transformer configured = AgeEncryption.builder().identity(alice.secret()).build();
        assertThat(TransformerRegistry.resolve("age", recorded, List.of(configured))).isSameAs(configured);
    }

    private static void assertNoSecret(Throwable e, String secret) {
        for (String message : AgeTestSupport.messages(e)) {
            assertNoSecret(message, secret);
        }
    }

    private static void assertNoSecret(String text, String secret) {
        for (String part : AgeTestSupport.secretParts(secret)) {
            assertThat(text).as("no part of the secret").doesNotContain(part);
        }
    }
}
