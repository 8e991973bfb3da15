package io.github.neo4jbackup.export.cypher.fingerprint;

import org.neo4j.driver.Value;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * The fingerprints of single entities and values, in the type-exact canonical encoding of the
 * content fingerprint (version {@value GraphFingerprinter#CURRENT_VERSION}, see {@link GraphFingerprinter}):
 * two entities have the same fingerprint exactly when they would contribute the same to a database's
 * content fingerprint ({@code 1} and {@code 1.0} differ, a datetime with a zone id differs from the
 * same instant with an offset, a {@code FloatArray} differs from a {@code DoubleArray} with the same
 * numbers when the stored types say so). Used to compare one node of a backup with one node of a live
 * database. Stateless and thread-safe.
 */
public final class EntityFingerprint {

    private EntityFingerprint() {
    }

    /**
     * The fingerprint of a node: the same 32 bytes {@link GraphFingerprinter} adds for it.
     *
     * @param labels      its labels, in any order
     * @param properties  its properties
     * @param storedTypes property key to narrow stored type ({@code FloatArray}, ...); empty when all
     *                    values are stored as the driver shows them
     * @return the SHA-256 fingerprint
     */
    public static byte[] node(Collection<String> labels, Map<String, Value> properties,
                              Map<String, String> storedTypes) {
        MessageDigest digest = sha256();
        CanonicalEncoder encoder = new CanonicalEncoder(digest);
        encoder.writeByte('N');
        String[] sorted = labels.toArray(new String[0]);
        encoder.writeSortedStrings(sorted, sorted.length);
        encoder.writeProperties(properties, storedTypes);
        encoder.flush();
        return digest.digest();
    }

    /**
     * The fingerprint of a relationship's type and properties, without its end nodes (compare the
     * end nodes separately).
     *
     * @param type        its type
     * @param properties  its properties
     * @param storedTypes property key to narrow stored type
     * @return the SHA-256 fingerprint
     */
    public static byte[] relationship(String type, Map<String, Value> properties, Map<String, String> storedTypes) {
        MessageDigest digest = sha256();
        CanonicalEncoder encoder = new CanonicalEncoder(digest);
        encoder.writeByte('R');
        encoder.writeString(Objects.requireNonNull(type, "type"));
        encoder.writeProperties(properties, storedTypes);
        encoder.flush();
        return digest.digest();
    }

    /**
     * Whether two property values are the same value of the same stored type.
     *
     * @param a          one value
     * @param storedA    its narrow stored type, or {@code null} when stored as the driver shows it
     * @param b          the other value
     * @param storedB    its narrow stored type, or {@code null}
     * @return {@code true} when they are identical
     */
    public static boolean sameValue(Value a, String storedA, Value b, String storedB) {
        return Objects.equals(storedA, storedB) && Arrays.equals(value(a), value(b));
    }

    private static byte[] value(Value v) {
        MessageDigest digest = sha256();
        CanonicalEncoder encoder = new CanonicalEncoder(digest);
        encoder.writeValue(v);
        encoder.flush();
        return digest.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
