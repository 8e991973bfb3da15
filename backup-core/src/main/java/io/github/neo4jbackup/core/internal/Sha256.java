package io.github.neo4jbackup.core.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers. Not API. */
public final class Sha256 {

    private Sha256() {
    }

    /**
     * A new SHA-256 digest.
     *
     * @return the digest
     */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /**
     * Lower-case hex of a digest's result.
     *
     * @param digest the digest (finished by this call)
     * @return the hex text
     */
    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * SHA-256 of bytes as lower-case hex.
     *
     * @param bytes the bytes
     * @return the hex text
     */
    public static String of(byte[] bytes) {
        MessageDigest d = newDigest();
        d.update(bytes);
        return hex(d);
    }
}
