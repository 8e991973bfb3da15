package io.github.neo4jbackup.core.retention;

import io.github.neo4jbackup.core.InvalidInputException;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * A backup that retention may keep or delete: its id and the time it was created.
 *
 * @param id        the backup's id, unique among the candidates of one plan; not blank
 * @param createdAt when the backup was created
 */
public record RetentionCandidate(String id, Instant createdAt) {

    /**
     * The order retention walks candidates in: newest {@code createdAt} first, ties broken by
     * {@code id} descending so the order is total and deterministic.
     */
    public static final Comparator<RetentionCandidate> NEWEST_FIRST =
            Comparator.comparing(RetentionCandidate::createdAt)
                    .thenComparing(RetentionCandidate::id)
                    .reversed();

    /**
     * Validates and creates a candidate.
     *
     * @param id        the backup's id
     * @param createdAt when the backup was created
     * @throws NullPointerException  if an argument is {@code null}
     * @throws InvalidInputException if the id is blank
     */
    public RetentionCandidate {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(createdAt, "createdAt");
        if (id.isBlank()) {
            throw new InvalidInputException("A retention candidate needs a non-blank backup id (created at "
                    + createdAt + ").");
        }
    }
}
