package io.github.neo4jbackup.encryption.age;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.Transformer;
import io.github.neo4jbackup.core.spi.TransformerProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@link java.util.ServiceLoader} entry for id {@value AgeEncryption#ID}. Decrypting needs a
 * secret that a manifest never holds, so this provider cannot create a working transformer: it is
 * only reached when the pipeline has no configured {@code age} transformer, and then it fails with
 * an {@link InvalidInputException} that names the recipients recorded in the manifest and says how
 * to configure an identity. Without it the restore would fail with "unknown transformer id".
 */
public final class AgeTransformerProvider implements TransformerProvider {

    /** Creates the provider (called by {@link java.util.ServiceLoader}). */
    public AgeTransformerProvider() {
    }

    /**
     * Returns {@value AgeEncryption#ID}.
     *
     * @return the id
     */
    @Override
    public String id() {
        return AgeEncryption.ID;
    }

    /**
     * Always fails: an age-encrypted backup needs an identity configured on the pipeline.
     *
     * @param parameters the recorded parameters (used for the message only)
     * @return never
     * @throws InvalidInputException always, saying what the backup is encrypted to and how to
     *                               configure an identity
     */
    @Override
    public Transformer create(Map<String, String> parameters) {
        throw new InvalidInputException(AgeEncryption.noIdentityMessage("This backup is age-encrypted"
                + encryptedTo(parameters == null ? Map.of() : parameters) + " and no age identity is configured"));
    }

    private static String encryptedTo(Map<String, String> parameters) {
        List<String> parts = new ArrayList<>();
        String fingerprints = parameters.get(AgeEncryption.X25519_FINGERPRINTS);
        if (fingerprints != null && !fingerprints.isBlank()) {
            parts.add("X25519 recipients " + printable(fingerprints));
        }
        String workFactor = parameters.get(AgeEncryption.SCRYPT_WORK_FACTOR);
        if (workFactor != null) {
            parts.add("a passphrase (scrypt, work factor " + printable(workFactor) + ")");
        }
        return parts.isEmpty() ? "" : " (to " + String.join(" and ", parts) + ")";
    }

    private static String printable(String value) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < value.length() && i < 400; i++) {
            char c = value.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
