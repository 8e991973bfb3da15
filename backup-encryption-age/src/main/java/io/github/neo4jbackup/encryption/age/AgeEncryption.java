package io.github.neo4jbackup.encryption.age;

import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.Secret;
import io.github.neo4jbackup.core.spi.Transformer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Client-side encryption in the age format ({@code age-encryption.org/v1}): id {@value #ID},
 * extension {@value #EXTENSION}. What it writes, the {@code age} command-line tool decrypts
 * ({@code age -d -i key.txt}), and it decrypts what {@code age} writes.
 *
 * <p><b>Encrypting</b> needs recipients: X25519 public keys ({@code age1...}, any number; the
 * backup host needs no secret) or one passphrase (scrypt; the age format allows a passphrase only
 * as the sole recipient). The payload is ChaCha20-Poly1305 in 64 KiB chunks (age's STREAM), so a
 * backup of any size is encrypted in bounded memory. Put this transformer <em>last</em> in the
 * chain, after compression: encrypted data does not compress.
 *
 * <p><b>Decrypting</b> needs identities: X25519 secret keys ({@code AGE-SECRET-KEY-1...}, as
 * {@code age-keygen} writes them) or the passphrase. A transformer without identities cannot
 * decrypt: {@link #decode(InputStream)} fails with an {@link InvalidInputException} that says how to
 * configure one. Register a decrypting transformer with
 * {@code BackupPipeline.Builder.decoder(..)}; a pipeline uses the first configured transformer with
 * id {@code age}, so give that one every identity you need (for example the current key and the key
 * of older backups).
 *
 * <p><b>Integrity</b>: the header is authenticated (HMAC) and every chunk carries a Poly1305 tag
 * with a final-chunk flag, so altered, truncated or extended data is detected. Decryption releases
 * a chunk's plaintext only after the chunk has been authenticated; a problem in a later chunk is
 * detected when it is reached, so a reader may have consumed the authentic chunks before it (the
 * pipeline's restore checks the stored SHA-256 before the sink commits, and verifies first by
 * default). Errors are distinct: not an age file, truncated, authentication failure, malformed
 * header ({@link AgeDataException} with its {@link AgeDataException.Problem}); no identity
 * configured, no identity matching ({@link InvalidInputException}).
 *
 * <p><b>Manifest</b>: {@link #parameters()} records the format, the recipient types, the X25519
 * recipients' fingerprints ({@link #fingerprint(String)}) and the scrypt work factor, never keys or
 * passphrases. {@link #toString()} shows the same plus the identities' fingerprints and where they
 * came from.
 *
 * <p>Instances are immutable and thread-safe; each stream they create is for one thread.
 */
public final class AgeEncryption implements Transformer {

    /** The id recorded in manifests. */
    public static final String ID = "age";
    /** The file extension, without a dot. */
    public static final String EXTENSION = "age";
    /** The format version written and read. */
    public static final String FORMAT = "age-encryption.org/v1";
    /** Parameter: the format version. */
    public static final String FORMAT_PARAMETER = "format";
    /** Parameter: the recipient types, comma-separated ({@code X25519}, {@code scrypt}). */
    public static final String RECIPIENT_TYPES = "recipient.types";
    /** Parameter: the X25519 recipients' fingerprints, comma-separated, in configuration order. */
    public static final String X25519_FINGERPRINTS = "x25519.fingerprints";
    /** Parameter: the scrypt work factor (log2 of N) of a passphrase recipient. */
    public static final String SCRYPT_WORK_FACTOR = "scrypt.workFactor";
    /** The scrypt work factor used when encrypting with a passphrase, as the age tool does (256 MiB). */
    public static final int DEFAULT_WORK_FACTOR = 18;
    /** The highest scrypt work factor accepted when decrypting unless raised (1 GiB of memory). */
    public static final int DEFAULT_MAX_WORK_FACTOR = 20;
    /** The most X25519 recipients of one file (the header must fit the first 64 KiB chunk buffer). */
    public static final int MAX_RECIPIENTS = 500;
    /** The highest scrypt work factor this library accepts at all (age's own limit, 4 GiB). */
    public static final int MAX_WORK_FACTOR = ScryptStanza.MAX_WORK_FACTOR;

    private final List<String> recipients;
    private final Secret passphrase;
    private final String passphraseOrigin;
    private final int workFactor;
    private final IdentitySet identities;
    private final Map<String, String> parameters;

    private AgeEncryption(Builder b) {
        this.recipients = List.copyOf(b.recipients);
        this.passphrase = b.passphrase;
        this.passphraseOrigin = b.passphraseOrigin;
        this.workFactor = b.workFactor;
        this.identities = new IdentitySet(b.identities, b.passphrase, b.passphraseOrigin, b.maxWorkFactor);
        Map<String, String> p = new LinkedHashMap<>();
        p.put(FORMAT_PARAMETER, FORMAT);
        if (!recipients.isEmpty()) {
            p.put(RECIPIENT_TYPES, "X25519");
            p.put(X25519_FINGERPRINTS, String.join(",", recipientFingerprints()));
        } else if (passphrase != null) {
            p.put(RECIPIENT_TYPES, ScryptStanza.TYPE);
            p.put(SCRYPT_WORK_FACTOR, Integer.toString(workFactor));
        }
        this.parameters = Collections.unmodifiableMap(p);
    }

    /**
     * A builder for any combination of recipients, passphrase and identities.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Encrypts to X25519 recipients; cannot decrypt (the host holds no secret).
     *
     * @param recipients one or more {@code age1...} public keys
     * @return the transformer
     * @throws InvalidInputException if a recipient is invalid or none is given
     */
    public static AgeEncryption toRecipients(String... recipients) {
        return builder().recipients(Arrays.asList(recipients)).build();
    }

    /**
     * Encrypts and decrypts with a passphrase (scrypt, work factor {@value #DEFAULT_WORK_FACTOR}).
     *
     * @param passphrase the passphrase (copied)
     * @return the transformer
     * @throws InvalidInputException if the passphrase is empty
     */
    public static AgeEncryption withPassphrase(Secret passphrase) {
        return builder().passphrase(passphrase).build();
    }

    /**
     * Decrypts with the identities of an identity file as {@code age-keygen -o FILE} writes it; for
     * {@code BackupPipeline.Builder.decoder(..)}.
     *
     * @param identityFile the file
     * @return the transformer
     * @throws InvalidInputException if the file cannot be read or holds no valid identity
     */
    public static AgeEncryption decrypting(Path identityFile) {
        return builder().identityFile(identityFile).build();
    }

    /**
     * The fingerprint recorded in manifests for an X25519 recipient: {@code sha256:} followed by the
     * first 16 hex digits of the SHA-256 of the {@code age1...} string in lower case. The shell
     * equivalent: {@code printf %s age1... | sha256sum | cut -c1-16}.
     *
     * @param recipient an {@code age1...} public key
     * @return the fingerprint, for example {@code sha256:3f2a9c1d5e6b7a80}
     */
    public static String fingerprint(String recipient) {
        return AgeKeys.fingerprint(Objects.requireNonNull(recipient, "recipient"));
    }

    /**
     * Returns {@value #ID}.
     *
     * @return the id
     */
    @Override
    public String id() {
        return ID;
    }

    /**
     * The format, recipient types, X25519 fingerprints and scrypt work factor; never secrets. A
     * transformer that can only decrypt records just the format.
     *
     * @return the parameters, unmodifiable
     */
    @Override
    public Map<String, String> parameters() {
        return parameters;
    }

    /**
     * Returns {@value #EXTENSION}.
     *
     * @return the extension
     */
    @Override
    public String extension() {
        return EXTENSION;
    }

    /**
     * Returns {@code false}: encryption does not compress (compress before encrypting).
     *
     * @return {@code false}
     */
    @Override
    public boolean compresses() {
        return false;
    }

    /**
     * The X25519 recipients, in lower case.
     *
     * @return the {@code age1...} strings, unmodifiable
     */
    public List<String> recipients() {
        return recipients;
    }

    /**
     * The fingerprints of the X25519 recipients ({@link #fingerprint(String)}).
     *
     * @return the fingerprints, in recipient order
     */
    public List<String> recipientFingerprints() {
        return recipients.stream().map(AgeKeys::fingerprint).toList();
    }

    /**
     * The fingerprints of the X25519 identities' public keys, to compare with a manifest's
     * {@value #X25519_FINGERPRINTS}.
     *
     * @return the fingerprints, in configuration order
     */
    public List<String> identityFingerprints() {
        return identities.x25519Fingerprints();
    }

    /**
     * Whether {@link #encode(OutputStream)} can be used: recipients or a passphrase are configured.
     *
     * @return {@code true} if this transformer can encrypt
     */
    public boolean canEncrypt() {
        return !recipients.isEmpty() || passphrase != null;
    }

    /**
     * Whether {@link #decode(InputStream)} can be used: identities or a passphrase are configured.
     *
     * @return {@code true} if this transformer can decrypt
     */
    public boolean canDecrypt() {
        return !identities.isEmpty();
    }

    /**
     * Starts an age file: writes the header (one stanza per recipient, authenticated) to
     * {@code out} at once. Closing the returned stream encrypts the final chunk and closes
     * {@code out}.
     *
     * @param out the downstream
     * @return the encrypting stream
     * @throws InvalidInputException if no recipient or passphrase is configured
     * @throws IOException           when the header cannot be written; {@code out} is then left open
     */
    @Override
    public OutputStream encode(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        if (!canEncrypt()) {
            throw new InvalidInputException("This age transformer has no recipient, so it can only decrypt: add "
                    + "recipients (AgeEncryption.builder().recipient(\"age1...\") or recipientsFile(..)) or a "
                    + "passphrase to encrypt backups.");
        }
        List<RecipientStanzaWriter> writers = new ArrayList<>();
        if (passphrase != null) {
            writers.add(ScryptStanza.writer(passphrase, workFactor));
        }
        for (String recipient : recipients) {
            try {
                writers.add(X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(recipient));
            } catch (GeneralSecurityException e) {
                throw new IOException("Could not use the X25519 recipient " + AgeKeys.fingerprint(recipient) + ": "
                        + e.getMessage(), e);
            }
        }
        return AgeEncryptingOutputStream.open(out, writers);
    }

    /**
     * Reads the age header from {@code in} at once and opens it with the configured identities,
     * then returns a stream that decrypts and authenticates the payload chunk by chunk.
     *
     * <p>Before reporting a problem found in the header (including "no identity matches") the rest
     * of {@code in} is read and discarded, so that a checksum-verifying input, as the pipeline's,
     * reports a damaged object as damaged rather than as a key problem.
     *
     * @param in the age file
     * @return the decrypting stream; closing it closes {@code in}
     * @throws InvalidInputException when no identity is configured (nothing is read) or none
     *                               of them can decrypt the data
     * @throws AgeDataException      when the data is not an age file, is truncated, malformed or
     *                               does not authenticate
     * @throws IOException           when reading {@code in} fails
     */
    @Override
    public InputStream decode(InputStream in) throws IOException {
        Objects.requireNonNull(in, "in");
        if (identities.isEmpty()) {
            throw new InvalidInputException(noIdentityMessage("This age transformer has no identity configured, so "
                    + "it can only encrypt" + (recipients.isEmpty() ? "" : " (to " + String.join(", ",
                    recipientFingerprints()) + ")")));
        }
        return AgeDecryptingInputStream.open(in, identities);
    }

    /**
     * The advice for configuring an identity, after a first sentence.
     *
     * @param what the first sentence, without a period
     * @return the message
     */
    static String noIdentityMessage(String what) {
        return what + ". Give an identity to decrypt: on the command line --age-identity FILE (written by "
                + "'age-keygen') or --age-passphrase-env VAR; in Java BackupPipeline.Builder.decoder("
                + "AgeEncryption.decrypting(Path.of(\"key.txt\"))) or AgeEncryption.builder().identity(..)/"
                + "identityFromEnv(..)/passphrase(..)/passphraseFromEnv(..).build(). Nothing was decrypted.";
    }

    /**
     * The recipients (fingerprints and types) and identities (fingerprints and origins); never
     * secrets. For example {@code age(recipient.types=X25519,x25519.fingerprints=sha256:..;
     * identities: X25519 identity sha256:.. (identity file key.txt, line 3))}.
     *
     * @return the description
     */
    @Override
    public String toString() {
        String d = describe(); // never empty: the format is always recorded
        return d.substring(0, d.length() - 1) + "; identities: " + identities.describe() + ")";
    }

    /** Builds an {@link AgeEncryption}. Not thread-safe; values are checked as they are given. */
    public static final class Builder {
        private final List<String> recipients = new ArrayList<>();
        private final List<AgeKeys.X25519Identity> identities = new ArrayList<>();
        private Secret passphrase;
        private String passphraseOrigin;
        private int workFactor = DEFAULT_WORK_FACTOR;
        private int maxWorkFactor = DEFAULT_MAX_WORK_FACTOR;

        private Builder() {
        }

        /**
         * Adds an X25519 recipient to encrypt to.
         *
         * @param recipient an {@code age1...} public key, as {@code age-keygen} prints it
         * @return this builder
         * @throws InvalidInputException if it is not a valid X25519 recipient (a secret key given
         *                               here by mistake is refused without being shown)
         */
        public Builder recipient(String recipient) {
            recipients.add(AgeKeys.recipient(recipient, "Recipient #" + (recipients.size() + 1)));
            return this;
        }

        /**
         * Adds X25519 recipients to encrypt to.
         *
         * @param values {@code age1...} public keys
         * @return this builder
         * @throws InvalidInputException if one is not a valid X25519 recipient
         */
        public Builder recipients(Collection<String> values) {
            Objects.requireNonNull(values, "recipients").forEach(this::recipient);
            return this;
        }

        /**
         * Adds the recipients of a recipients file, as {@code age -R FILE} reads it: one
         * {@code age1...} per line, blank lines and {@code #} comments allowed.
         *
         * @param file the file
         * @return this builder
         * @throws InvalidInputException if the file cannot be read or a line is not a recipient
         */
        public Builder recipientsFile(Path file) {
            recipients.addAll(AgeKeys.recipientsFile(Objects.requireNonNull(file, "file")));
            return this;
        }

        /**
         * Sets the passphrase: encrypts with it (as the only recipient: the age format does not
         * combine a passphrase with other recipients) and decrypts with it.
         *
         * @param value the passphrase (copied; wipe yours after the call)
         * @return this builder
         * @throws InvalidInputException if it is empty or not valid Unicode
         */
        public Builder passphrase(Secret value) {
            return passphrase(Objects.requireNonNull(value, "passphrase").reveal(), "given as a Secret");
        }

        /**
         * Sets the passphrase, see {@link #passphrase(Secret)}.
         *
         * @param value the passphrase characters (copied; wipe yours after the call)
         * @return this builder
         * @throws InvalidInputException if it is empty or not valid Unicode
         */
        public Builder passphrase(char[] value) {
            return passphrase(Objects.requireNonNull(value, "passphrase").clone(), "given as characters");
        }

        /**
         * Sets the passphrase from an environment variable, read now; see {@link #passphrase(Secret)}.
         *
         * @param name the variable's name
         * @return this builder
         * @throws InvalidInputException if the variable is not set or empty
         */
        public Builder passphraseFromEnv(String name) {
            return passphraseFromEnv(name, System.getenv());
        }

        /**
         * Sets the passphrase from a variable of the given environment, read now (for callers
         * that keep their own view of the environment, such as a command line run in-process);
         * see {@link #passphrase(Secret)}.
         *
         * @param name        the variable's name
         * @param environment the environment to read it from
         * @return this builder
         * @throws InvalidInputException if the variable is not set or empty
         */
        public Builder passphraseFromEnv(String name, java.util.Map<String, String> environment) {
            String value = Objects.requireNonNull(environment, "environment").get(Objects.requireNonNull(name, "name"));
            if (value == null || value.isEmpty()) {
                throw new InvalidInputException("The environment variable " + name + " that should hold the age "
                        + "passphrase is not set or empty; export it before running the backup.");
            }
            return passphrase(value.toCharArray(), "environment variable " + name);
        }

        /**
         * Sets the passphrase from the first line of a file (one trailing line break is removed;
         * everything else, spaces included, is part of the passphrase); see
         * {@link #passphrase(Secret)}.
         *
         * @param file the file, which should be readable only by the backup's user
         * @return this builder
         * @throws InvalidInputException if the file cannot be read or the passphrase is empty
         */
        public Builder passphraseFile(Path file) {
            Objects.requireNonNull(file, "file");
            char[] text = AgeKeys.readText(file, "passphrase file");
            return passphrase(SecretBytes.withoutTrailingNewline(text), "file " + file);
        }

        private Builder passphrase(char[] chars, String origin) {
            try {
                if (chars.length == 0) {
                    throw new InvalidInputException("The age passphrase (" + origin + ") is empty; use a long "
                            + "random passphrase, or X25519 keys from 'age-keygen'.");
                }
                for (char c : chars) {
                    if (c == '\n' || c == '\r') {
                        throw new InvalidInputException("The age passphrase (" + origin + ") holds a line break; "
                                + "the age tool reads a passphrase as one line, so it could not decrypt. Use one "
                                + "line.");
                    }
                }
                Secret secret = Secret.of(chars);
                try {
                    Arrays.fill(SecretBytes.utf8(secret), (byte) 0);
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException("The age passphrase (" + origin + ") is not valid Unicode text "
                            + "(an unpaired surrogate character); the value is not shown.");
                }
                this.passphrase = secret;
                this.passphraseOrigin = origin;
                return this;
            } finally {
                Arrays.fill(chars, '\0');
            }
        }

        /**
         * The scrypt work factor used when encrypting with the passphrase: scrypt's N is
         * 2^workFactor and needs 2^workFactor KiB of memory and time to match. Default
         * {@value AgeEncryption#DEFAULT_WORK_FACTOR} (what {@code age -p} uses); lower values make a
         * guessed passphrase cheaper to test.
         *
         * @param value 1 to {@value AgeEncryption#MAX_WORK_FACTOR}
         * @return this builder
         * @throws InvalidInputException if out of range
         */
        public Builder workFactor(int value) {
            if (value < ScryptStanza.MIN_WORK_FACTOR || value > MAX_WORK_FACTOR) {
                throw new InvalidInputException("Invalid scrypt work factor " + value + ": use "
                        + ScryptStanza.MIN_WORK_FACTOR + " to " + MAX_WORK_FACTOR + "; the default is "
                        + DEFAULT_WORK_FACTOR + " (256 MiB, as 'age -p').");
            }
            this.workFactor = value;
            return this;
        }

        /**
         * The highest scrypt work factor accepted when decrypting with the passphrase (default
         * {@value AgeEncryption#DEFAULT_MAX_WORK_FACTOR}, 1 GiB). A header asking for more is refused
         * before scrypt runs, so altered data cannot exhaust the heap.
         *
         * @param value 1 to {@value AgeEncryption#MAX_WORK_FACTOR}
         * @return this builder
         * @throws InvalidInputException if out of range
         */
        public Builder maxWorkFactor(int value) {
            if (value < ScryptStanza.MIN_WORK_FACTOR || value > MAX_WORK_FACTOR) {
                throw new InvalidInputException("Invalid maximum scrypt work factor " + value + ": use "
                        + ScryptStanza.MIN_WORK_FACTOR + " to " + MAX_WORK_FACTOR + " (scrypt needs 2^value KiB "
                        + "of heap); the default is " + DEFAULT_MAX_WORK_FACTOR + ".");
            }
            this.maxWorkFactor = value;
            return this;
        }

        /**
         * Adds an X25519 identity to decrypt with.
         *
         * @param value {@code AGE-SECRET-KEY-1...} (copied; wipe yours after the call)
         * @return this builder
         * @throws InvalidInputException if it is not a valid identity; the message does not show it
         */
        public Builder identity(Secret value) {
            char[] chars = Objects.requireNonNull(value, "identity").reveal();
            try {
                identities.add(AgeKeys.identity(chars, "Identity #" + (identities.size() + 1)));
            } finally {
                Arrays.fill(chars, '\0');
            }
            return this;
        }

        /**
         * Adds the identities of an identity file as {@code age-keygen -o FILE} writes it: lines
         * {@code AGE-SECRET-KEY-1...}, blank lines and {@code #} comments allowed.
         *
         * @param file the file, which should be readable only by the restoring user
         * @return this builder
         * @throws InvalidInputException if the file cannot be read or a line is not an X25519
         *                               identity (the line is not shown)
         */
        public Builder identityFile(Path file) {
            identities.addAll(AgeKeys.identityFile(Objects.requireNonNull(file, "file")));
            return this;
        }

        /**
         * Adds an X25519 identity held by an environment variable, read now.
         *
         * @param name the variable's name
         * @return this builder
         * @throws InvalidInputException if the variable is not set or is not a valid identity
         */
        public Builder identityFromEnv(String name) {
            String value = System.getenv(Objects.requireNonNull(name, "name"));
            if (value == null || value.isBlank()) {
                throw new InvalidInputException("The environment variable " + name + " that should hold an age "
                        + "identity (AGE-SECRET-KEY-1...) is not set or empty; export it before running.");
            }
            char[] chars = value.toCharArray();
            try {
                identities.add(AgeKeys.identity(chars, "environment variable " + name));
            } finally {
                Arrays.fill(chars, '\0');
            }
            return this;
        }

        /**
         * Builds the transformer.
         *
         * @return the transformer
         * @throws InvalidInputException if nothing is configured, or a passphrase is combined with
         *                               X25519 recipients
         */
        public AgeEncryption build() {
            if (recipients.isEmpty() && passphrase == null && identities.isEmpty()) {
                throw new InvalidInputException("Nothing configured for age encryption: add recipients (age1... "
                        + "public keys) to encrypt, identities (AGE-SECRET-KEY-1... or an identity file) to decrypt, "
                        + "or a passphrase for both.");
            }
            if (recipients.size() > MAX_RECIPIENTS) {
                throw new InvalidInputException(recipients.size() + " age recipients are configured; at most "
                        + MAX_RECIPIENTS + " fit in an age header. Share a key among the people who restore.");
            }
            if (passphrase != null && !recipients.isEmpty()) {
                throw new InvalidInputException("An age passphrase cannot be combined with X25519 recipients: the "
                        + "age format allows a passphrase (scrypt) only as the sole recipient. Encrypt to keys with "
                        + "transform(AgeEncryption.toRecipients(..)) and keep decrypting passphrase backups with "
                        + "decoder(AgeEncryption.builder().passphrase(..).identityFile(..).build()).");
            }
            return new AgeEncryption(this);
        }
    }
}
