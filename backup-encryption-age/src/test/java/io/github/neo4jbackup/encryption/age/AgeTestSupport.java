package io.github.neo4jbackup.encryption.age;

import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import io.github.neo4jbackup.core.Secret;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.core.spi.Transformer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Keys, data, sources and sinks shared by the age tests. */
final class AgeTestSupport {

    /** A passphrase used by the tests; it must never show up anywhere. */
    static final String PASSPHRASE = "correct horse battery staple 7Qz!";
    /** A low scrypt work factor so that tests run fast (the default is 18). */
    static final int FAST_WORK_FACTOR = 10;

    private AgeTestSupport() {
    }

    /** An X25519 key pair as strings. */
    record KeyPairStrings(String recipient, String identity) {
        Secret secret() {
            return Secret.of(identity);
        }

        @Override
        public String toString() {
            return "KeyPair[" + recipient + "]";
        }
    }

    static KeyPairStrings newKeyPair() {
        try {
            KeyPair pair = new X25519KeyPairGenerator().generateKeyPair();
            return new KeyPairStrings(pair.getPublic().toString(), pair.getPrivate().toString());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static AgeEncryption passphraseTransformer() {
        return AgeEncryption.builder().passphrase(Secret.of(PASSPHRASE)).workFactor(FAST_WORK_FACTOR).build();
    }

    /** Text-like bytes that compress (JSON lines with numbers and repeated words). */
    static byte[] text(int size, long seed) {
        Random random = new Random(seed);
        String[] words = {"Entity", "Episodic", "MENTIONS", "RELATES_TO", "name", "summary", "valid_at", "uuid"};
        StringBuilder sb = new StringBuilder(size + 200);
        while (sb.length() < size) {
            sb.append("{\"").append(words[random.nextInt(words.length)]).append("\":").append(random.nextInt(100000))
                    .append(",\"v\":").append(random.nextDouble()).append("}\n");
        }
        return sb.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    static byte[] encrypt(Transformer t, byte[] data) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = t.encode(sink)) {
            out.write(data);
        }
        return sink.toByteArray();
    }

    static byte[] decrypt(Transformer t, byte[] encrypted) throws IOException {
        try (InputStream in = t.decode(new ByteArrayInputStream(encrypted))) {
            return in.readAllBytes();
        }
    }

    /** Reads until the stream fails; returns what was read before the failure in {@code released}. */
    static Exception readUntilFailure(Transformer t, byte[] encrypted, ByteArrayOutputStream released) {
        try (InputStream in = t.decode(new ByteArrayInputStream(encrypted))) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                released.write(buffer, 0, n);
            }
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every exception message in a chain (causes and suppressed), for secret checks. */
    static List<String> messages(Throwable t) {
        List<String> messages = new ArrayList<>();
        collect(t, messages, 0);
        return messages;
    }

    private static void collect(Throwable t, List<String> out, int depth) {
        if (t == null || depth > 20) {
            return;
        }
        out.add(String.valueOf(t.getMessage()));
        out.add(t.toString());
        collect(t.getCause(), out, depth + 1);
        for (Throwable s : t.getSuppressed()) {
            collect(s, out, depth + 1);
        }
    }

    /**
     * Pieces of a secret that must not appear anywhere: the whole and every 8-character window
     * (after the well-known prefix of identities).
     */
    static List<String> secretParts(String secret) {
        List<String> parts = new ArrayList<>();
        parts.add(secret);
        String body = secret.startsWith("AGE-SECRET-KEY-1") ? secret.substring("AGE-SECRET-KEY-1".length()) : secret;
        for (int i = 0; i + 8 <= body.length(); i += 4) {
            parts.add(body.substring(i, i + 8));
        }
        return parts;
    }

    /** A source writing given bytes. */
    static final class BytesSource implements BackupSource {
        private final String database;
        final byte[] data;

        BytesSource(String database, byte[] data) {
            this.database = database;
            this.data = data;
        }

        @Override
        public String type() {
            return "generated";
        }

        @Override
        public String database() {
            return database;
        }

        @Override
        public String extension() {
            return "ndjson";
        }

        @Override
        public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
            for (int off = 0; off < data.length; off += 10_000) {
                out.write(data, off, Math.min(10_000, data.length - off));
            }
            return new SourceDescription("generated", "1", "5.26.0", "community", database, GraphCounts.of(3, 4),
                    Map.of());
        }
    }

    /** Keeps what it restores. */
    static final class CapturingSink implements RestoreSink {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        int calls;

        @Override
        public boolean accepts(String sourceType) {
            return true;
        }

        @Override
        public SinkResult restore(InputStream data, Manifest manifest) throws IOException {
            calls++;
            data.transferTo(received);
            return new SinkResult(GraphCounts.of(3, 4), Map.of());
        }
    }

}
