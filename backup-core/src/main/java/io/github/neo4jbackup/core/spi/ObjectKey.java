package io.github.neo4jbackup.core.spi;

import io.github.neo4jbackup.core.InvalidInputException;

import java.util.Objects;

/**
 * The key of one object on a {@link StorageTarget}: a relative, slash-separated path.
 *
 * <p>Keys are validated on construction so that no target can be tricked into writing outside its
 * root: no empty key, no leading or trailing slash, no empty, {@code .} or {@code ..} segment, no
 * backslash and no control character.
 *
 * @param value the key, for example {@code neo4j/neo4j-20251101T230000Z.cypher.zst}
 */
public record ObjectKey(String value) implements Comparable<ObjectKey> {

    /** Largest key length accepted, in characters and in UTF-8 bytes (the S3 limit is 1024 bytes). */
    public static final int MAX_LENGTH = 1024;

    /**
     * Validates and creates a key.
     *
     * @param value the key text
     * @throws InvalidInputException if the key is not a safe relative path
     */
    public ObjectKey {
        Objects.requireNonNull(value, "value");
        String problem = problem(value);
        if (problem != null) {
            throw new InvalidInputException("Invalid object key '" + printable(value) + "': " + problem
                    + ". Use a relative path of non-empty segments separated by '/'.");
        }
    }

    /**
     * Creates a key.
     *
     * @param value the key text
     * @return the key
     * @throws InvalidInputException if the key is not a safe relative path
     */
    public static ObjectKey of(String value) {
        return new ObjectKey(value);
    }

    /**
     * Returns a key with a suffix appended to this key's last segment.
     *
     * @param suffix the suffix, for example {@code .manifest.json}
     * @return the new key
     */
    public ObjectKey withSuffix(String suffix) {
        return new ObjectKey(value + suffix);
    }

    /**
     * Returns the last segment of this key.
     *
     * @return the file name part
     */
    public String fileName() {
        int slash = value.lastIndexOf('/');
        return slash < 0 ? value : value.substring(slash + 1);
    }

    /**
     * Tells whether a text would be a valid key, and if not, why.
     *
     * @param value the text
     * @return {@code null} when valid, else a description of the problem
     */
    public static String problem(String value) {
        if (value.isEmpty()) {
            return "it is empty";
        }
        if (value.length() > MAX_LENGTH) {
            return "it is longer than " + MAX_LENGTH + " characters";
        }
        int utf8 = java.nio.charset.StandardCharsets.UTF_8.encode(value).remaining();
        if (utf8 > MAX_LENGTH) {
            return "it is " + utf8 + " bytes long in UTF-8, longer than the " + MAX_LENGTH
                    + " bytes S3 allows for a key";
        }
        if (value.startsWith("/")) {
            return "it is an absolute path";
        }
        if (value.endsWith("/")) {
            return "it ends with '/'";
        }
        if (value.length() >= 2 && value.charAt(1) == ':' && Character.isLetter(value.charAt(0))) {
            return "it looks like a drive-letter path";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                return "it contains a backslash";
            }
            if (Character.isISOControl(c)) {
                return "it contains a control character";
            }
        }
        for (String segment : value.split("/", -1)) {
            if (segment.isEmpty()) {
                return "it contains an empty segment ('//')";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "it contains a '" + segment + "' segment (path traversal)";
            }
        }
        return null;
    }

    private static String printable(String value) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(value.length(), 200);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        if (value.length() > n) {
            sb.append("...");
        }
        return sb.toString();
    }

    @Override
    public int compareTo(ObjectKey other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
