package io.github.neo4jbackup.encryption.age;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.Secret;
import io.github.neo4jbackup.encryption.age.AgeDataException.Problem;
import io.github.neo4jbackup.encryption.age.AgeTestSupport.KeyPairStrings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static io.github.neo4jbackup.encryption.age.AgeTestSupport.decrypt;
import static io.github.neo4jbackup.encryption.age.AgeTestSupport.encrypt;
import static io.github.neo4jbackup.encryption.age.AgeTestSupport.readUntilFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transformer's streams on their own: round trips, lifecycle, and every way decryption can fail. */
class AgeStreamTest {

    private static final int CHUNK = 64 * 1024;
    private static KeyPairStrings alice;
    private static KeyPairStrings bob;
    private static KeyPairStrings mallory;
    private static AgeEncryption toAlice;
    private static AgeEncryption aliceDecrypts;

    @BeforeAll
    static void keys() {
        alice = AgeTestSupport.newKeyPair();
        bob = AgeTestSupport.newKeyPair();
        mallory = AgeTestSupport.newKeyPair();
        toAlice = AgeEncryption.toRecipients(alice.recipient());
        aliceDecrypts = AgeEncryption.builder().identity(alice.secret()).build();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 100, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17})
    void x25519RoundTripAtChunkBoundaries(int size) throws IOException {
        byte[] data = AgeTestSupport.random(size, size);

        byte[] encrypted = encrypt(toAlice, data);

        assertThat(new String(encrypted, 0, 22, StandardCharsets.US_ASCII)).isEqualTo("age-encryption.org/v1\n");
        int chunks = Math.max(1, (size + CHUNK - 1) / CHUNK);
        assertThat(encrypted.length - headerLength(encrypted)).as("payload: nonce + chunks with tags")
                .isEqualTo(16 + size + 16L * chunks);
        assertThat(decrypt(aliceDecrypts, encrypted)).isEqualTo(data);
    }

    @Test
    void passphraseRoundTrip() throws IOException {
        byte[] data = AgeTestSupport.text(200_000, 1);
        AgeEncryption age = AgeTestSupport.passphraseTransformer();

        byte[] encrypted = encrypt(age, data);

        String header = new String(encrypted, 0, headerLength(encrypted), StandardCharsets.US_ASCII);
        assertThat(header).contains("\n-> scrypt ").contains(" " + AgeTestSupport.FAST_WORK_FACTOR + "\n");
        assertThat(header.lines().filter(l -> l.startsWith("-> ")).count()).as("scrypt stanza alone").isEqualTo(1);
        assertThat(decrypt(age, encrypted)).isEqualTo(data);
        assertThat(decrypt(AgeEncryption.builder().passphrase(AgeTestSupport.PASSPHRASE.toCharArray()).build(),
                encrypted)).as("a second transformer with the same passphrase").isEqualTo(data);
    }

    @Test
    void severalRecipientsEachIdentityDecrypts() throws IOException {
        byte[] data = AgeTestSupport.text(150_000, 2);
        AgeEncryption both = AgeEncryption.toRecipients(alice.recipient(), bob.recipient());

        byte[] encrypted = encrypt(both, data);

        assertThat(decrypt(aliceDecrypts, encrypted)).isEqualTo(data);
        assertThat(decrypt(AgeEncryption.builder().identity(bob.secret()).build(), encrypted)).isEqualTo(data);
        assertThat(decrypt(AgeEncryption.builder().identity(mallory.secret()).identity(bob.secret()).build(),
                encrypted)).as("a non-matching identity first").isEqualTo(data);
    }

    @Test
    void theMostRecipientsFitInTheHeader() throws IOException {
        java.util.List<String> recipients = new java.util.ArrayList<>();
        while (recipients.size() < AgeEncryption.MAX_RECIPIENTS - 1) {
            recipients.add(AgeTestSupport.newKeyPair().recipient());
        }
        recipients.add(alice.recipient());
        byte[] data = AgeTestSupport.random(CHUNK + 10, 13);

        byte[] encrypted = encrypt(AgeEncryption.builder().recipients(recipients).build(), data);

        assertThat(decrypt(aliceDecrypts, encrypted)).isEqualTo(data);
        recipients.add(bob.recipient());
        assertThatThrownBy(() -> AgeEncryption.builder().recipients(recipients).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("at most 500");
    }

    @Test
    void eachEncryptionUsesAFreshFileKeyAndNonce() throws IOException {
        byte[] data = AgeTestSupport.text(1000, 3);

        assertThat(encrypt(toAlice, data)).isNotEqualTo(encrypt(toAlice, data));
    }

    @Test
    void singleByteWritesAndReads() throws IOException {
        byte[] data = AgeTestSupport.random(CHUNK + 300, 4);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = toAlice.encode(sink)) {
            for (byte b : data) {
                out.write(b);
            }
            out.flush();
        }
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        try (InputStream in = aliceDecrypts.decode(new ByteArrayInputStream(sink.toByteArray()))) {
            int b;
            while ((b = in.read()) >= 0) {
                plain.write(b);
            }
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(plain.toByteArray()).isEqualTo(data);
    }

    @Test
    void streamsInBoundedMemory() throws Exception {
        long size = 48L * 1024 * 1024;
        java.io.PipedOutputStream pipeOut = new java.io.PipedOutputStream();
        java.io.PipedInputStream pipeIn = new java.io.PipedInputStream(pipeOut, CHUNK);
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        Thread writer = new Thread(() -> {
            try (OutputStream out = toAlice.encode(pipeOut)) {
                byte[] buffer = new byte[100_000];
                Random random = new Random(5);
                for (long n = 0; n < size; n += buffer.length) {
                    random.nextBytes(buffer);
                    int len = (int) Math.min(buffer.length, size - n);
                    out.write(buffer, 0, len);
                    written.update(buffer, 0, len);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        MessageDigest read = MessageDigest.getInstance("SHA-256");
        long count = 0;
        try (InputStream in = aliceDecrypts.decode(pipeIn)) {
            byte[] buffer = new byte[77_777];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                read.update(buffer, 0, n);
                count += n;
            }
        }
        writer.join();
        assertThat(count).isEqualTo(size);
        assertThat(read.digest()).isEqualTo(written.digest());
    }

    @Test
    void closeIsIdempotentAndWritesAfterCloseFail() throws IOException {
        CountingSink sink = new CountingSink();
        OutputStream out = toAlice.encode(sink);
        out.write(1);
        out.close();
        out.close();
        assertThat(sink.closes).isEqualTo(1);
        assertThatThrownBy(() -> out.write(2)).isInstanceOf(IOException.class).hasMessageContaining("closed");

        InputStream in = aliceDecrypts.decode(new ByteArrayInputStream(sink.toByteArray()));
        assertThat(in.read()).isEqualTo(1);
        in.close();
        in.close();
        assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("closed");
    }

    @Test
    void aDownstreamFailureNeverLeavesOutputThatLooksComplete() throws IOException {
        CountingSink sink = new CountingSink();
        sink.failAfter = 3 * CHUNK;
        OutputStream out = toAlice.encode(sink);
        byte[] data = AgeTestSupport.random(10 * CHUNK, 6);

        assertThatThrownBy(() -> out.write(data)).isInstanceOf(IOException.class).hasMessageContaining("disk full");
        assertThatThrownBy(() -> out.write(data)).isInstanceOf(IOException.class).hasMessageContaining("failed earlier");
        assertThatThrownBy(out::close).isInstanceOf(IOException.class).hasMessageContaining("incomplete");
        assertThat(sink.closes).as("downstream closed anyway").isEqualTo(1);

        ByteArrayOutputStream released = new ByteArrayOutputStream();
        Exception failure = readUntilFailure(aliceDecrypts, sink.toByteArray(), released);
        assertThat(failure).as("what was written before the failure is not a complete age file")
                .isInstanceOf(AgeDataException.class);
        assertThat(((AgeDataException) failure).problem()).isEqualTo(Problem.AUTHENTICATION_FAILED);
        assertThat(failure).hasMessageContaining("cut short");
    }

    @Test
    void theHeaderIsWrittenWhenEncodingStarts() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream out = toAlice.encode(sink);
        assertThat(sink.toString(StandardCharsets.US_ASCII)).startsWith("age-encryption.org/v1\n-> X25519 ")
                .contains("\n--- ");
        out.close();
    }

    // ------------------------------------------------------------------------------ key problems

    @Test
    void missingKeyFailsBeforeReadingAnything() {
        InputStream untouchable = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("nothing may be read without an identity");
            }
        };

        assertThatThrownBy(() -> toAlice.decode(untouchable)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no identity configured")
                .hasMessageContaining("BackupPipeline.Builder.decoder(AgeEncryption.decrypting(")
                .hasMessageContaining("--age-identity FILE")
                .hasMessageContaining(AgeEncryption.fingerprint(alice.recipient()));
    }

    @Test
    void wrongX25519KeyIsAKeyProblemNotADataProblem() throws IOException {
        byte[] encrypted = encrypt(AgeEncryption.toRecipients(alice.recipient(), bob.recipient()), new byte[100]);
        AgeEncryption wrong = AgeEncryption.builder().identity(mallory.secret()).build();

        assertThatThrownBy(() -> decrypt(wrong, encrypted)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("None of the configured age identities can decrypt")
                .hasMessageContaining("2 X25519 recipients")
                .hasMessageContaining(AgeEncryption.fingerprint(mallory.recipient()))
                .hasMessageContaining("not among the data's X25519 recipients")
                .hasMessageContaining("x25519.fingerprints");
    }

    @Test
    void wrongPassphrase() throws IOException {
        byte[] encrypted = encrypt(AgeTestSupport.passphraseTransformer(), new byte[100]);
        AgeEncryption wrong = AgeEncryption.builder().passphrase(Secret.of("not it")).build();

        assertThatThrownBy(() -> decrypt(wrong, encrypted)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("a passphrase (scrypt, work factor " + AgeTestSupport.FAST_WORK_FACTOR + ")")
                .hasMessageContaining("wrong passphrase")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not it"));
    }

    @Test
    void x25519IdentityForAPassphraseFileAndTheOtherWayRound() throws IOException {
        byte[] byPassphrase = encrypt(AgeTestSupport.passphraseTransformer(), new byte[10]);
        assertThatThrownBy(() -> decrypt(aliceDecrypts, byPassphrase)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("encrypted to a passphrase").hasMessageContaining("has no X25519 recipient");

        byte[] byKey = encrypt(toAlice, new byte[10]);
        assertThatThrownBy(() -> decrypt(AgeTestSupport.passphraseTransformer(), byKey))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("1 X25519 recipient")
                .hasMessageContaining("not passphrase-encrypted");
    }

    @Test
    void aWorkFactorAboveTheLimitIsRefusedBeforeScryptRuns() throws IOException {
        byte[] encrypted = encrypt(AgeTestSupport.passphraseTransformer(), new byte[10]);
        AgeEncryption limited = AgeEncryption.builder().passphrase(Secret.of(AgeTestSupport.PASSPHRASE))
                .maxWorkFactor(AgeTestSupport.FAST_WORK_FACTOR - 1).build();

        assertThatThrownBy(() -> decrypt(limited, encrypted)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("work factor " + AgeTestSupport.FAST_WORK_FACTOR + " is above the limit "
                        + (AgeTestSupport.FAST_WORK_FACTOR - 1))
                .hasMessageContaining("maxWorkFactor(" + AgeTestSupport.FAST_WORK_FACTOR + ")");
    }

    // ----------------------------------------------------------------------------- data problems

    @Test
    void notAnAgeFile() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(new byte[1000]);
        }
        assertProblem(gz.toByteArray(), Problem.NOT_AGE, "looks like gzip");
        assertProblem(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 1, 2, 3}, Problem.NOT_AGE, "looks like zstd");
        assertProblem("hello world, this is plain text\n".getBytes(StandardCharsets.US_ASCII), Problem.NOT_AGE,
                "does not start with the line 'age-encryption.org/v1'");
        assertProblem("-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n"
                .getBytes(StandardCharsets.US_ASCII), Problem.UNSUPPORTED, "ASCII-armored");
        assertProblem(new byte[0], Problem.TRUNCATED, "the input is empty");
        StringBuilder huge = new StringBuilder("age-encryption.org/v1\n-> X25519 abc\n");
        while (huge.length() < 70_000) {
            huge.append("A".repeat(64)).append('\n');
        }
        assertProblem(huge.toString().getBytes(StandardCharsets.US_ASCII), Problem.UNSUPPORTED,
                "header is larger than");
    }

    @Test
    void truncationAtEveryKindOfPlace() throws IOException {
        byte[] encrypted = encrypt(toAlice, AgeTestSupport.random(2 * CHUNK + 1000, 7));
        int header = headerLength(encrypted);

        assertProblem(Arrays.copyOf(encrypted, 10), Problem.TRUNCATED, "inside the age version line");
        assertProblem(Arrays.copyOf(encrypted, 40), Problem.TRUNCATED, "inside the age header");
        assertProblem(Arrays.copyOf(encrypted, header - 3), Problem.TRUNCATED, "inside the age header");
        assertProblem(Arrays.copyOf(encrypted, header + 5), Problem.TRUNCATED, "inside the payload nonce");
        assertProblem(Arrays.copyOf(encrypted, header + 16), Problem.TRUNCATED, "the payload is missing");
        for (int cut : new int[] {header + 17, header + 16 + 100, header + 16 + CHUNK + 16,
            header + 16 + 2 * (CHUNK + 16), encrypted.length - 1}) {
            ByteArrayOutputStream released = new ByteArrayOutputStream();
            Exception e = readUntilFailure(aliceDecrypts, Arrays.copyOf(encrypted, cut), released);
            assertThat(e).as("cut at %d", cut).isInstanceOf(AgeDataException.class)
                    .hasMessageContaining("cut short or its end was altered");
            assertThat(((AgeDataException) e).problem()).isEqualTo(Problem.AUTHENTICATION_FAILED);
            assertThat(released.size() % CHUNK).as("only whole authenticated chunks were released").isZero();
        }
    }

    @Test
    void bytesAppendedAfterTheEndAreDetected() throws IOException {
        byte[] encrypted = encrypt(toAlice, AgeTestSupport.random(1000, 8));
        byte[] extended = Arrays.copyOf(encrypted, encrypted.length + 1);

        ByteArrayOutputStream released = new ByteArrayOutputStream();
        Exception e = readUntilFailure(aliceDecrypts, extended, released);

        assertThat(e).isInstanceOf(AgeDataException.class);
        assertThat(released.size()).isZero();
    }

    @Test
    void aFlippedByteAnywhereInASmallFileNeverYieldsPlaintext() throws IOException {
        byte[] data = AgeTestSupport.text(5000, 9);
        byte[] encrypted = encrypt(AgeEncryption.toRecipients(alice.recipient(), bob.recipient()), data);
        int header = headerLength(encrypted);
        for (int i = 0; i < encrypted.length; i += i < header + 16 ? 1 : 97) {
            byte[] damaged = encrypted.clone();
            damaged[i] ^= 0x01;
            ByteArrayOutputStream released = new ByteArrayOutputStream();

            Exception e = readUntilFailure(aliceDecrypts, damaged, released);

            assertThat(released.size()).as("plaintext released after flipping byte %d", i).isZero();
            assertThat(e).as("flipping byte %d", i).isNotNull()
                    .isInstanceOfAny(AgeDataException.class, InvalidInputException.class);
            if (i >= header) {
                assertThat(e).as("payload byte %d", i).isInstanceOf(AgeDataException.class);
                assertThat(((AgeDataException) e).problem()).isEqualTo(Problem.AUTHENTICATION_FAILED);
            }
        }
    }

    @Test
    void aFlippedByteInTheHeaderMacIsAnAuthenticationFailure() throws IOException {
        byte[] encrypted = encrypt(toAlice, new byte[10]);
        int header = headerLength(encrypted);
        byte[] damaged = encrypted.clone();
        damaged[header - 10] = (byte) (damaged[header - 10] == 'A' ? 'B' : 'A'); // inside the base64 MAC

        assertThatThrownBy(() -> decrypt(aliceDecrypts, damaged)).isInstanceOf(AgeDataException.class)
                .hasMessageContaining("header does not authenticate")
                .satisfies(e -> assertThat(((AgeDataException) e).problem()).isEqualTo(Problem.AUTHENTICATION_FAILED));
    }

    @Test
    void aFlippedByteInALaterChunkFailsWhenReachedAfterTheAuthenticChunks() throws IOException {
        byte[] data = AgeTestSupport.random(4 * CHUNK, 10);
        byte[] encrypted = encrypt(toAlice, data);
        int header = headerLength(encrypted);
        byte[] damaged = encrypted.clone();
        damaged[header + 16 + 2 * (CHUNK + 16) + 500] ^= 0x40; // inside chunk 3

        ByteArrayOutputStream released = new ByteArrayOutputStream();
        Exception e = readUntilFailure(aliceDecrypts, damaged, released);

        assertThat(e).isInstanceOf(AgeDataException.class).hasMessageContaining("Chunk 3 of the age payload")
                .hasMessageContaining("was altered");
        assertThat(released.toByteArray()).as("exactly the two authentic chunks").isEqualTo(Arrays.copyOf(data,
                2 * CHUNK));

        // with reads larger than a chunk the failure is attributed to the same chunk, and a failed
        // read returns nothing
        try (InputStream in = aliceDecrypts.decode(new ByteArrayInputStream(damaged))) {
            byte[] big = new byte[1 << 20];
            long total = 0;
            IOException failure = null;
            try {
                int n;
                while ((n = in.read(big)) >= 0) {
                    total += n;
                }
            } catch (IOException ex) {
                failure = ex;
            }
            assertThat(total).isEqualTo(2 * CHUNK);
            assertThat(failure).hasMessageContaining("Chunk 3 of the age payload");
        }
    }

    @Test
    void afterAFailureEveryReadFails() throws IOException {
        byte[] encrypted = encrypt(toAlice, AgeTestSupport.random(3 * CHUNK, 11));
        encrypted[encrypted.length - 5] ^= 1;
        InputStream in = aliceDecrypts.decode(new ByteArrayInputStream(encrypted));
        byte[] buffer = new byte[CHUNK];
        assertThat(in.readNBytes(buffer, 0, CHUNK)).isEqualTo(CHUNK);
        assertThat(in.readNBytes(buffer, 0, CHUNK)).isEqualTo(CHUNK);

        assertThatThrownBy(in::read).isInstanceOf(AgeDataException.class);
        assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("failed earlier");
        in.close();
    }

    @Test
    void anUpstreamFailureIsPassedOnUnchanged() throws IOException {
        byte[] encrypted = encrypt(toAlice, AgeTestSupport.random(3 * CHUNK, 12));
        IOException storage = new IOException("connection reset by the store");
        InputStream failing = new java.io.FilterInputStream(new ByteArrayInputStream(encrypted)) {
            private int read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read > CHUNK + 500) {
                    throw storage;
                }
                int n = super.read(b, off, Math.min(len, 1000));
                read += Math.max(n, 0);
                return n;
            }
        };
        InputStream in = aliceDecrypts.decode(failing);

        assertThatThrownBy(in::readAllBytes).isSameAs(storage);
    }

    private static void assertProblem(byte[] input, Problem problem, String message) {
        ByteArrayOutputStream released = new ByteArrayOutputStream();
        Exception e = readUntilFailure(aliceDecrypts, input, released);
        assertThat(e).isInstanceOf(AgeDataException.class).hasMessageContaining(message);
        assertThat(((AgeDataException) e).problem()).isEqualTo(problem);
        assertThat(released.size()).isZero();
    }

    /** The length of the header up to and including the MAC line (the nonce follows). */
    static int headerLength(byte[] encrypted) {
        String text = new String(encrypted, 0, Math.min(encrypted.length, 4096), StandardCharsets.ISO_8859_1);
        int footer = text.indexOf("\n---");
        return text.indexOf('\n', footer + 1) + 1;
    }

    /** Collects bytes, counts closes, can fail after a number of bytes. */
    static final class CountingSink extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int closes;
        long failAfter = Long.MAX_VALUE;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (bytes.size() + (long) len > failAfter) {
                throw new IOException("disk full");
            }
            bytes.write(b, off, len);
        }

        @Override
        public void close() {
            closes++;
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }
}
