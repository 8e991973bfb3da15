package io.github.neo4jbackup.encryption.age;

import com.exceptionfactory.jagged.FileKey;
import com.exceptionfactory.jagged.RecipientStanza;
import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import io.github.neo4jbackup.core.Secret;

import java.nio.CharBuffer;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The decryption side of an {@link AgeEncryption}: X25519 identities and an optional passphrase,
 * tried in turn as one jagged {@link RecipientStanzaReader}. When none opens the header it throws a
 * {@link StanzaException} of kind {@code NO_MATCH} whose message says, per identity, why (never
 * with key material), and what the file is encrypted to.
 */
final class IdentitySet {

    private static final String X25519 = "X25519";

    private final List<AgeKeys.X25519Identity> x25519;
    private final Secret passphrase;
    private final String passphraseOrigin;
    private final int maxWorkFactor;

    IdentitySet(List<AgeKeys.X25519Identity> x25519, Secret passphrase, String passphraseOrigin, int maxWorkFactor) {
        this.x25519 = List.copyOf(x25519);
        this.passphrase = passphrase;
        this.passphraseOrigin = passphraseOrigin;
        this.maxWorkFactor = maxWorkFactor;
    }

    boolean isEmpty() {
        return x25519.isEmpty() && passphrase == null;
    }

    int x25519Count() {
        return x25519.size();
    }

    boolean hasPassphrase() {
        return passphrase != null;
    }

    List<String> x25519Fingerprints() {
        return x25519.stream().map(AgeKeys.X25519Identity::fingerprint).toList();
    }

    /**
     * What is configured, for messages and {@code toString()}: fingerprints and origins only.
     *
     * @return the description
     */
    String describe() {
        List<String> parts = new ArrayList<>();
        x25519.forEach(i -> parts.add(i.toString()));
        if (passphrase != null) {
            parts.add("passphrase (" + passphraseOrigin + ")");
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    /**
     * A reader trying every identity; create one per decryption (it is not shared between threads).
     *
     * @return the reader
     */
    RecipientStanzaReader reader() {
        return this::fileKey;
    }

    private FileKey fileKey(Iterable<RecipientStanza> stanzas) throws GeneralSecurityException {
        List<RecipientStanza> all = new ArrayList<>();
        stanzas.forEach(all::add);
        if (all.isEmpty()) {
            throw new StanzaException(StanzaException.Kind.MALFORMED, "the age header has no recipient stanza");
        }
        long x25519Stanzas = all.stream().filter(s -> X25519.equals(s.getType())).count();
        boolean scrypt = all.stream().anyMatch(s -> ScryptStanza.TYPE.equals(s.getType()));
        if (scrypt && all.size() != 1) {
            throw new StanzaException(StanzaException.Kind.MALFORMED, "an scrypt stanza must be the only stanza of "
                    + "an age header, but this one has " + all.size());
        }
        List<String> reasons = new ArrayList<>();
        for (AgeKeys.X25519Identity identity : x25519) {
            char[] key = identity.key().reveal();
            try {
                RecipientStanzaReader reader = X25519RecipientStanzaReaderFactory
                        .newRecipientStanzaReader(CharBuffer.wrap(key));
                return reader.getFileKey(all);
            } catch (GeneralSecurityException | RuntimeException e) {
                reasons.add(identity + ": " + (x25519Stanzas == 0 ? "the data has no X25519 recipient"
                        : "not among the data's X25519 recipients"));
            } finally {
                Arrays.fill(key, '\0');
            }
        }
        if (passphrase != null) {
            try {
                return ScryptStanza.reader(passphrase, maxWorkFactor).getFileKey(all);
            } catch (StanzaException e) {
                if (e.kind() == StanzaException.Kind.MALFORMED) {
                    throw e;
                }
                reasons.add("passphrase (" + passphraseOrigin + "): " + e.getMessage());
            } catch (GeneralSecurityException | RuntimeException e) {
                reasons.add("passphrase (" + passphraseOrigin + "): wrong passphrase");
            }
        }
        throw new StanzaException(StanzaException.Kind.NO_MATCH, "None of the configured age identities can decrypt "
                + "this data. It is encrypted to " + describeStanzas(all) + "; tried: " + String.join("; ", reasons)
                + ". Configure the identity or passphrase it was encrypted to: the manifest records the recipients' "
                + "public-key fingerprints (parameter '" + AgeEncryption.X25519_FINGERPRINTS + "'); a key file's "
                + "fingerprint is the first 16 hex digits of \"age-keygen -y key.txt | tr -d '\\n' | sha256sum\". "
                + "If the identity is the right one, the header of the data was altered. Nothing was decrypted.");
    }

    /**
     * What a header's stanzas say about the recipients, safe to show.
     *
     * @param stanzas the stanzas
     * @return for example {@code "2 X25519 recipients"} or {@code "a passphrase (scrypt, work factor 18)"}
     */
    static String describeStanzas(List<RecipientStanza> stanzas) {
        List<String> parts = new ArrayList<>();
        long x25519 = stanzas.stream().filter(s -> X25519.equals(s.getType())).count();
        if (x25519 > 0) {
            parts.add(x25519 + " X25519 recipient" + (x25519 == 1 ? "" : "s"));
        }
        for (RecipientStanza s : stanzas) {
            if (ScryptStanza.TYPE.equals(s.getType())) {
                String factor = s.getArguments().size() == 2 ? safe(s.getArguments().get(1)) : "?";
                parts.add("a passphrase (scrypt, work factor " + factor + ")");
            } else if (!X25519.equals(s.getType())) {
                parts.add("a recipient of type '" + safe(s.getType()) + "' (not supported here)");
            }
        }
        return String.join(", ", parts);
    }

    private static String safe(String value) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < value.length() && i < 24; i++) {
            char c = value.charAt(i);
            sb.append(Character.isLetterOrDigit(c) || "-_.+/".indexOf(c) >= 0 ? c : '?');
        }
        return sb.toString();
    }
}
