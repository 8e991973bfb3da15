package io.github.neo4jbackup.core.retention;

import io.github.neo4jbackup.core.InvalidInputException;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What retention decided for one backup, and why.
 *
 * <p>Reasons for a kept backup name every rule that kept it, for example {@code "newest"},
 * {@code "last 3"}, {@code "within 7d"}, {@code "daily 2025-11-01"}, {@code "weekly 2025-W44"},
 * {@code "monthly 2025-11"} or {@code "yearly 2025"}. A deleted backup has the single reason
 * {@value #NOT_MATCHED}.
 *
 * @param id        the backup's id
 * @param createdAt when the backup was created
 * @param keep      {@code true} to keep the backup, {@code false} to delete it
 * @param reasons   why; never empty
 */
public record RetentionDecision(String id, Instant createdAt, boolean keep, List<String> reasons) {

    /** The reason given for every backup that no keep rule matched. */
    public static final String NOT_MATCHED = "not matched by any keep rule";

    /**
     * Validates and creates a decision.
     *
     * @param id        the backup's id
     * @param createdAt when the backup was created
     * @param keep      whether to keep the backup
     * @param reasons   why (copied); must not be empty
     * @throws NullPointerException  if an argument is {@code null}
     * @throws InvalidInputException if the id is blank or there is no reason
     */
    public RetentionDecision {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(createdAt, "createdAt");
        reasons = List.copyOf(reasons);
        if (id.isBlank()) {
            throw new InvalidInputException("A retention decision needs a non-blank backup id.");
        }
        if (reasons.isEmpty()) {
            throw new InvalidInputException("The retention decision for backup '" + id
                    + "' has no reason; every decision must say why it keeps or deletes a backup.");
        }
    }

    /**
     * The decision to delete a backup that no keep rule matched.
     *
     * @param candidate the backup
     * @return a delete decision with the reason {@value #NOT_MATCHED}
     */
    public static RetentionDecision delete(RetentionCandidate candidate) {
        return new RetentionDecision(candidate.id(), candidate.createdAt(), false, List.of(NOT_MATCHED));
    }

    /**
     * The backup this decision is about.
     *
     * @return the candidate with this decision's id and creation time
     */
    public RetentionCandidate candidate() {
        return new RetentionCandidate(id, createdAt);
    }
}
