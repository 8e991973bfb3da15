package io.github.neo4jbackup.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * A password or key that never prints: {@link #toString()} returns {@code **redacted**}.
 * The characters are copied in and can be wiped with {@link #clear()}.
 */
public final class Secret {

    /** What a secret prints as. */
    public static final String REDACTED = "**redacted**";

    private final char[] value;

    private Secret(char[] value) {
        this.value = value.clone();
    }

    /**
     * Wraps characters (copied).
     *
     * @param value the secret characters
     * @return the secret
     */
    public static Secret of(char[] value) {
        return new Secret(Objects.requireNonNull(value, "value"));
    }

    /**
     * Wraps a string.
     *
     * @param value the secret text
     * @return the secret
     */
    public static Secret of(String value) {
        return new Secret(Objects.requireNonNull(value, "value").toCharArray());
    }

    /**
     * A copy of the characters; the caller should wipe it after use.
     *
     * @return the characters
     */
    public char[] reveal() {
        return value.clone();
    }

    /**
     * The secret as a string, for APIs that only take strings.
     *
     * @return the text
     */
    public String revealString() {
        return new String(value);
    }

    /** Overwrites the characters with zeros. */
    public void clear() {
        Arrays.fill(value, '\0');
    }

    @Override
    public String toString() {
        return REDACTED;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret s && java.security.MessageDigest.isEqual(
                new String(value).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                new String(s.value).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0;
    }
}
