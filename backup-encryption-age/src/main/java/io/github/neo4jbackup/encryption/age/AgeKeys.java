package io.github.neo4jbackup.encryption.age;

import com.exceptionfactory.jagged.x25519.X25519KeyFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.Secret;

import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Parses and checks X25519 recipients ({@code age1...}) and identities ({@code AGE-SECRET-KEY-1...}),
 * alone or in files as {@code age-keygen} writes them. Messages name the origin (argument, file and
 * line, environment variable) and never show an identity or a line that might hold one.
 */
final class AgeKeys {

    static final String RECIPIENT_PREFIX = "age1";
    static final String IDENTITY_PREFIX = "AGE-SECRET-KEY-1";
    static final int RECIPIENT_LENGTH = 62;
    static final int IDENTITY_LENGTH = 74;
    private static final String FINGERPRINT_PREFIX = "sha256:";
    private static final int FINGERPRINT_BYTES = 8;
    private static final long MAX_FILE_BYTES = 1024 * 1024;
    private static final String AGE_HEADER = "age-encryption.org/v1";

    private AgeKeys() {
    }

    /** An X25519 identity: the secret, its public key, and where it came from. */
    static final class X25519Identity {
        private final Secret key;
        private final String recipient;
        private final String origin;

        private X25519Identity(Secret key, String recipient, String origin) {
            this.key = key;
            this.recipient = recipient;
            this.origin = origin;
        }

        Secret key() {
            return key;
        }

        String recipient() {
            return recipient;
        }

        String fingerprint() {
            return AgeKeys.fingerprint(recipient);
        }

        String origin() {
            return origin;
        }

        @Override
        public String toString() {
            return "X25519 identity " + fingerprint() + " (" + origin + ")";
        }
    }

    /**
     * The fingerprint recorded for a recipient: {@code sha256:} and the first 16 hex digits of the
     * SHA-256 of the recipient string (lower case, no line break).
     *
     * @param recipient the {@code age1...} string
     * @return the fingerprint
     */
    static String fingerprint(String recipient) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(recipient.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
            return FINGERPRINT_PREFIX + HexFormat.of().formatHex(digest, 0, FINGERPRINT_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /**
     * Checks an X25519 recipient.
     *
     * @param value  the recipient
     * @param origin where it came from, for messages
     * @return the recipient in lower case
     * @throws InvalidInputException if it is not a valid X25519 recipient
     */
    static String recipient(String value, String origin) {
        String v = value == null ? "" : value.strip();
        if (startsWithIgnoreCase(v, IDENTITY_PREFIX)) {
            throw new InvalidInputException(origin + " is a secret key (an age identity), not a recipient: give its "
                    + "public key instead ('age-keygen -y KEYFILE' prints it). The value is not shown.");
        }
        if (!startsWithIgnoreCase(v, RECIPIENT_PREFIX)) {
            String hint = v.startsWith("ssh-") ? " SSH public keys are not supported;" : "";
            throw new InvalidInputException(origin + " is not an age X25519 recipient:" + hint + " expected '"
                    + RECIPIENT_PREFIX + "' followed by 58 characters, as 'age-keygen' prints after 'public key:'.");
        }
        if (v.length() != RECIPIENT_LENGTH) {
            throw new InvalidInputException(origin + " ('" + shown(v) + "') is not an age X25519 recipient: it has "
                    + v.length() + " characters instead of " + RECIPIENT_LENGTH + " (age plugin recipients are not "
                    + "supported).");
        }
        v = v.toLowerCase(Locale.ROOT); // Bech32 is case-insensitive; jagged reads the lower-case form
        try {
            X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(v);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidInputException(origin + " ('" + shown(v) + "') is not a valid age X25519 recipient ("
                    + e.getMessage() + "); copy it again from 'age-keygen -y KEYFILE'.", e);
        }
        return v;
    }

    /**
     * Checks an X25519 identity and derives its public key. The characters are not kept (a copy is).
     *
     * @param chars  the identity characters
     * @param origin where it came from, for messages
     * @return the identity
     * @throws InvalidInputException if it is not a valid identity; the message does not show it
     */
    static X25519Identity identity(char[] chars, String origin) {
        char[] trimmed = strip(chars);
        for (int i = 0; i < trimmed.length; i++) {
            // Bech32 is case-insensitive; jagged reads the upper-case form age-keygen writes
            if (trimmed[i] >= 'a' && trimmed[i] <= 'z') {
                trimmed[i] = (char) (trimmed[i] - 'a' + 'A');
            }
        }
        try {
            if (!startsWithIgnoreCase(CharBuffer.wrap(trimmed), IDENTITY_PREFIX)) {
                String hint = startsWithIgnoreCase(CharBuffer.wrap(trimmed), RECIPIENT_PREFIX)
                        ? " It looks like a public key (a recipient): decrypting needs the secret key file that "
                        + "'age-keygen -o' wrote."
                        : " Only X25519 identities as 'age-keygen' writes them are supported.";
                throw new InvalidInputException(origin + " is not an age identity: expected '" + IDENTITY_PREFIX
                        + "' followed by 58 characters." + hint + " The value is not shown.");
            }
            if (trimmed.length != IDENTITY_LENGTH) {
                throw new InvalidInputException(origin + " is not a valid age X25519 identity: it has "
                        + trimmed.length + " characters instead of " + IDENTITY_LENGTH + ". The value is not shown.");
            }
            String recipient;
            byte[] ascii = ascii(trimmed);
            try {
                X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(CharBuffer.wrap(trimmed));
                Key publicKey = new X25519KeyFactory().translateKey(new SecretKeySpec(ascii, "X25519"));
                recipient = publicKey.toString().toLowerCase(Locale.ROOT);
            } catch (GeneralSecurityException | RuntimeException e) {
                // the cause is dropped on purpose: its message may quote characters of the key
                throw new InvalidInputException(origin + " is not a valid age X25519 identity (its Bech32 encoding "
                        + "or checksum is wrong); copy it again from the file 'age-keygen' wrote. The value is not "
                        + "shown.");
            } finally {
                Arrays.fill(ascii, (byte) 0);
            }
            return new X25519Identity(Secret.of(trimmed), recipient, origin);
        } finally {
            Arrays.fill(trimmed, '\0');
        }
    }

    /**
     * Reads the identities of an identity file: one {@code AGE-SECRET-KEY-1...} per line, blank
     * lines and {@code #} comments allowed (the format {@code age-keygen} writes).
     *
     * @param file the file
     * @return the identities, at least one
     * @throws InvalidInputException if the file cannot be read or holds anything else
     */
    static List<X25519Identity> identityFile(Path file) {
        char[] text = readText(file, "identity file");
        try {
            String name = "identity file " + file;
            if (startsWith(text, AGE_HEADER)) {
                throw new InvalidInputException("The " + name + " is itself age-encrypted; passphrase-protected "
                        + "identity files are not supported. Decrypt it to a file readable only by you "
                        + "('age -d -o key.txt " + file.getFileName() + "') and use that.");
            }
            if (startsWith(text, "-----BEGIN")) {
                throw new InvalidInputException("The " + name + " holds a PEM block (an SSH key or an armored file); "
                        + "only X25519 identities as 'age-keygen' writes them are supported.");
            }
            List<X25519Identity> identities = new ArrayList<>();
            int lineNumber = 0;
            int start = 0;
            while (start <= text.length) {
                int end = start;
                while (end < text.length && text[end] != '\n') {
                    end++;
                }
                lineNumber++;
                char[] line = Arrays.copyOfRange(text, start, end);
                try {
                    char[] stripped = strip(line);
                    try {
                        if (stripped.length > 0 && stripped[0] != '#') {
                            String origin = name + ", line " + lineNumber;
                            if (startsWithIgnoreCase(CharBuffer.wrap(stripped), "AGE-PLUGIN-")) {
                                throw new InvalidInputException(origin + " holds an age plugin identity; plugins are "
                                        + "not supported, only X25519 identities as 'age-keygen' writes them.");
                            }
                            identities.add(identity(stripped, origin));
                        }
                    } finally {
                        Arrays.fill(stripped, '\0');
                    }
                } finally {
                    Arrays.fill(line, '\0');
                }
                start = end + 1;
            }
            if (identities.isEmpty()) {
                throw new InvalidInputException("The " + name + " holds no identity: expected a line "
                        + IDENTITY_PREFIX + "... as 'age-keygen -o FILE' writes it.");
            }
            return identities;
        } finally {
            Arrays.fill(text, '\0');
        }
    }

    /**
     * Reads a recipients file: one {@code age1...} per line, blank lines and {@code #} comments
     * allowed (the format of {@code age -R}).
     *
     * @param file the file
     * @return the recipients in lower case, at least one
     * @throws InvalidInputException if the file cannot be read or holds anything else
     */
    static List<String> recipientsFile(Path file) {
        char[] text = readText(file, "recipients file");
        try {
            List<String> recipients = new ArrayList<>();
            String[] lines = new String(text).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    recipients.add(recipient(line, "recipients file " + file + ", line " + (i + 1)));
                }
            }
            if (recipients.isEmpty()) {
                throw new InvalidInputException("The recipients file " + file + " holds no recipient: expected "
                        + "lines " + RECIPIENT_PREFIX + "... (the public keys 'age-keygen' prints).");
            }
            return recipients;
        } finally {
            Arrays.fill(text, '\0');
        }
    }

    /**
     * Reads a small text file (UTF-8) into characters; the caller wipes them.
     *
     * @param file the file
     * @param what what the file is, for messages
     * @return the characters
     * @throws InvalidInputException if it cannot be read, is too large or is not UTF-8
     */
    static char[] readText(Path file, String what) {
        byte[] bytes = null;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new InvalidInputException("The " + what + " " + file + " has " + size + " bytes; that is too "
                        + "large for a key file (at most " + MAX_FILE_BYTES + "). Check the path.");
            }
            bytes = Files.readAllBytes(file);
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            char[] result = new char[chars.remaining()];
            chars.get(result);
            Arrays.fill(chars.array(), '\0');
            return result;
        } catch (CharacterCodingException e) {
            throw new InvalidInputException("The " + what + " " + file + " is not UTF-8 text; give the file that "
                    + "'age-keygen' wrote.");
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read the " + what + " " + file + ": " + e
                    + ". Check the path and its permissions.", e);
        } finally {
            if (bytes != null) {
                Arrays.fill(bytes, (byte) 0);
            }
        }
    }

    /**
     * A copy of the characters without leading and trailing white space.
     *
     * @param chars the characters (not changed)
     * @return the stripped copy
     */
    static char[] strip(char[] chars) {
        int start = 0;
        int end = chars.length;
        while (start < end && Character.isWhitespace(chars[start])) {
            start++;
        }
        while (end > start && Character.isWhitespace(chars[end - 1])) {
            end--;
        }
        return Arrays.copyOfRange(chars, start, end);
    }

    private static byte[] ascii(char[] chars) {
        byte[] bytes = new byte[chars.length];
        for (int i = 0; i < chars.length; i++) {
            bytes[i] = chars[i] < 128 ? (byte) chars[i] : (byte) '?';
        }
        return bytes;
    }

    private static boolean startsWith(char[] text, String prefix) {
        int start = 0;
        while (start < text.length && Character.isWhitespace(text[start])) {
            start++;
        }
        if (text.length - start < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (text[start + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWithIgnoreCase(CharSequence value, String prefix) {
        if (value.length() < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.toUpperCase(value.charAt(i)) != Character.toUpperCase(prefix.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** A public value made safe for a message: printable ASCII only, at most 70 characters. */
    private static String shown(String value) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < value.length() && i < 70; i++) {
            char c = value.charAt(i);
            sb.append(c >= 0x21 && c < 0x7f ? c : '?');
        }
        return value.length() > 70 ? sb + "..." : sb.toString();
    }
}
