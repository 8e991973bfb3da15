package io.github.neo4jbackup.encryption.age;

import com.exceptionfactory.jagged.FileKey;
import com.exceptionfactory.jagged.RecipientStanza;
import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.codec.CanonicalBase64;
import com.exceptionfactory.jagged.framework.crypto.CipherKey;
import com.exceptionfactory.jagged.framework.crypto.EncryptedFileKey;
import com.exceptionfactory.jagged.framework.crypto.FileKeyDecryptorFactory;
import com.exceptionfactory.jagged.framework.crypto.FileKeyEncryptorFactory;
import io.github.neo4jbackup.core.Secret;
import org.bouncycastle.crypto.generators.SCrypt;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The age passphrase recipient (C2SP age-encryption.org/v1, "The scrypt recipient type"), on
 * jagged's recipient SPI. jagged 1.0 has no scrypt module on Maven Central, so the stanza is
 * implemented here from two well-kept parts, exactly as the specification composes them:
 *
 * <ul>
 *   <li>the wrap key is BouncyCastle's scrypt of the passphrase (UTF-8) with salt
 *       {@code "age-encryption.org/v1/scrypt" || salt}, N = 2^workFactor, r = 8, p = 1, 32 bytes;</li>
 *   <li>the file key is wrapped with jagged's file-key encryptor (ChaCha20-Poly1305, zero nonce),
 *       the same one its X25519 recipient uses.</li>
 * </ul>
 *
 * <p>The stanza is {@code -> scrypt <base64 salt of 16 bytes> <work factor>} with the 32-byte
 * wrapped key as body. Readers enforce the specification's rules: the scrypt stanza must be the
 * only one, the work factor is a decimal without leading zeros, and it must not exceed a limit
 * (scrypt needs 2^workFactor KiB of memory, so an altered header must not exhaust the heap).
 */
final class ScryptStanza {

    /** The stanza type. */
    static final String TYPE = "scrypt";
    /** The smallest work factor accepted when encrypting. */
    static final int MIN_WORK_FACTOR = 1;
    /** The largest work factor accepted at all (age's own decryption limit). */
    static final int MAX_WORK_FACTOR = 22;

    private static final byte[] LABEL = "age-encryption.org/v1/scrypt".getBytes(StandardCharsets.US_ASCII);
    private static final int SALT_LENGTH = 16;
    private static final int BLOCK_SIZE = 8;
    private static final int PARALLELISM = 1;
    private static final int KEY_LENGTH = 32;
    private static final int WRAPPED_KEY_LENGTH = 32;
    private static final Pattern WORK_FACTOR = Pattern.compile("[1-9][0-9]?");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ScryptStanza() {
    }

    /**
     * A writer that wraps the file key with a passphrase.
     *
     * @param passphrase the passphrase
     * @param workFactor log2 of scrypt's N
     * @return the writer
     */
    static RecipientStanzaWriter writer(Secret passphrase, int workFactor) {
        return fileKey -> {
            byte[] salt = new byte[SALT_LENGTH];
            RANDOM.nextBytes(salt);
            CipherKey wrapKey = wrapKey(passphrase, salt, workFactor);
            try {
                EncryptedFileKey wrapped = new FileKeyEncryptorFactory().newFileKeyEncryptor()
                        .getEncryptedFileKey(fileKey, wrapKey);
                return List.of(new Stanza(TYPE, List.of(CanonicalBase64.getEncoder().encodeToString(salt),
                        Integer.toString(workFactor)), wrapped.getEncoded()));
            } finally {
                wrapKey.destroy();
            }
        };
    }

    /**
     * A reader that unwraps the file key with a passphrase.
     *
     * @param passphrase    the passphrase
     * @param maxWorkFactor the largest work factor accepted
     * @return the reader; it throws a {@link StanzaException} (safe message) or another
     *         {@link GeneralSecurityException} when the passphrase is wrong
     */
    static RecipientStanzaReader reader(Secret passphrase, int maxWorkFactor) {
        return stanzas -> unwrap(passphrase, maxWorkFactor, stanzas);
    }

    private static FileKey unwrap(Secret passphrase, int maxWorkFactor, Iterable<RecipientStanza> stanzas)
            throws GeneralSecurityException {
        List<RecipientStanza> all = new ArrayList<>();
        stanzas.forEach(all::add);
        RecipientStanza stanza = all.stream().filter(s -> TYPE.equals(s.getType())).findFirst()
                .orElseThrow(() -> new StanzaException(StanzaException.Kind.REJECTED,
                        "the data is not passphrase-encrypted (it has no scrypt stanza)"));
        if (all.size() != 1) {
            throw new StanzaException(StanzaException.Kind.MALFORMED, "an scrypt stanza must be the only stanza "
                    + "of an age header, but this one has " + all.size());
        }
        List<String> args = stanza.getArguments();
        if (args.size() != 2) {
            throw new StanzaException(StanzaException.Kind.MALFORMED, "the scrypt stanza has " + args.size()
                    + " arguments instead of 2 (salt, work factor)");
        }
        byte[] salt;
        try {
            salt = CanonicalBase64.getDecoder().decode(args.get(0).getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new StanzaException(StanzaException.Kind.MALFORMED, "the scrypt salt is not canonical base64");
        }
        if (salt.length != SALT_LENGTH) {
            throw new StanzaException(StanzaException.Kind.MALFORMED, "the scrypt salt has " + salt.length
                    + " bytes instead of " + SALT_LENGTH);
        }
        if (!WORK_FACTOR.matcher(args.get(1)).matches()) {
            throw new StanzaException(StanzaException.Kind.MALFORMED, "the scrypt work factor is not a decimal "
                    + "from 1 to 99 without leading zeros");
        }
        int workFactor = Integer.parseInt(args.get(1));
        if (workFactor > maxWorkFactor) {
            throw new StanzaException(StanzaException.Kind.REJECTED, "the scrypt work factor " + workFactor
                    + " is above the limit " + maxWorkFactor + " (it would need " + memoryMiB(workFactor)
                    + " MiB); if the data is yours, raise the limit with maxWorkFactor(" + workFactor + ")");
        }
        byte[] body = stanza.getBody();
        if (body.length != WRAPPED_KEY_LENGTH) {
            throw new StanzaException(StanzaException.Kind.MALFORMED, "the scrypt stanza body has " + body.length
                    + " bytes instead of " + WRAPPED_KEY_LENGTH);
        }
        CipherKey wrapKey = wrapKey(passphrase, salt, workFactor);
        try {
            return new FileKeyDecryptorFactory().newFileKeyDecryptor().getFileKey(new EncryptedFileKey(body), wrapKey);
        } finally {
            wrapKey.destroy();
        }
    }

    /**
     * The memory scrypt needs for a work factor (128 * r * N bytes).
     *
     * @param workFactor log2 of N
     * @return MiB
     */
    static long memoryMiB(int workFactor) {
        return (128L * BLOCK_SIZE << workFactor) >> 20;
    }

    private static CipherKey wrapKey(Secret passphrase, byte[] salt, int workFactor) {
        byte[] password = SecretBytes.utf8(passphrase);
        byte[] fullSalt = new byte[LABEL.length + salt.length];
        System.arraycopy(LABEL, 0, fullSalt, 0, LABEL.length);
        System.arraycopy(salt, 0, fullSalt, LABEL.length, salt.length);
        try {
            // CipherKey keeps this array (no copy); destroy() wipes it
            return new CipherKey(SCrypt.generate(password, fullSalt, 1 << workFactor, BLOCK_SIZE, PARALLELISM,
                    KEY_LENGTH));
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }
}
