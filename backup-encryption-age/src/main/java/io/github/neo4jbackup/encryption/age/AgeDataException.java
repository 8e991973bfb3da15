package io.github.neo4jbackup.encryption.age;

import java.io.IOException;
import java.util.Objects;

/**
 * Encrypted input that cannot be decrypted because of the data itself: it is not an age file, it
 * is truncated, it does not authenticate (altered, or cut short inside the final chunk), its header
 * is malformed, or it uses an age feature this library does not read. {@link #problem()} tells
 * which. Problems with the keys (none configured, none matching) are
 * {@link io.github.neo4jbackup.core.InvalidInputException}s instead, because the data is fine.
 *
 * <p>Messages describe positions, sizes and recipient types; they never contain key material or
 * plaintext.
 */
public final class AgeDataException extends IOException {

    private static final long serialVersionUID = 1L;

    /** What is wrong with the data. */
    public enum Problem {
        /** The input does not start with the age header line {@code age-encryption.org/v1}. */
        NOT_AGE,
        /** The input ends before the age structure does: inside the header, or with no payload. */
        TRUNCATED,
        /**
         * The header MAC or a payload chunk does not authenticate: the data was altered (or, for
         * the final chunk, possibly cut short inside it). No plaintext of that chunk was released.
         */
        AUTHENTICATION_FAILED,
        /** The header does not follow the age format (bad stanza, bad encoding, missing parts). */
        MALFORMED,
        /** A valid age feature this library does not read (ASCII armor, a header over 64 KiB). */
        UNSUPPORTED
    }

    /** What is wrong with the data. */
    private final Problem problem;

    /**
     * Creates the exception.
     *
     * @param problem what is wrong
     * @param message what failed and what to do; never secrets
     * @param cause   the underlying failure, or {@code null}
     */
    AgeDataException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /**
     * What is wrong with the data.
     *
     * @return the problem
     */
    public Problem problem() {
        return problem;
    }
}
