package io.github.neo4jbackup.encryption.age;

import io.github.neo4jbackup.core.Secret;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Turns secrets into bytes without going through {@link String}, and wipes what it used. */
final class SecretBytes {

    private SecretBytes() {
    }

    /**
     * The UTF-8 bytes of a secret; the caller wipes them after use.
     *
     * @param secret the secret
     * @return the bytes
     * @throws IllegalArgumentException if the secret holds an unpaired surrogate (no message detail)
     */
    static byte[] utf8(Secret secret) {
        char[] chars = secret.reveal();
        try {
            CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            ByteBuffer encoded = encoder.encode(CharBuffer.wrap(chars));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            if (encoded.hasArray()) {
                Arrays.fill(encoded.array(), (byte) 0);
            }
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the secret is not valid Unicode text");
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    /**
     * Removes one trailing line break ({@code \n} or {@code \r\n}), as a line read from a file or
     * a terminal has; the input is wiped.
     *
     * @param chars the characters
     * @return the characters without the trailing line break (a new array)
     */
    static char[] withoutTrailingNewline(char[] chars) {
        int end = chars.length;
        if (end > 0 && chars[end - 1] == '\n') {
            end--;
            if (end > 0 && chars[end - 1] == '\r') {
                end--;
            }
        }
        char[] result = Arrays.copyOf(chars, end);
        Arrays.fill(chars, '\0');
        return result;
    }
}
