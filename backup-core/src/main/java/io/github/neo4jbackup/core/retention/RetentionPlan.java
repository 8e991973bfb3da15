package io.github.neo4jbackup.core.retention;

import io.github.neo4jbackup.core.InvalidInputException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The outcome of applying a {@link RetentionPolicy} to a set of backups: one
 * {@link RetentionDecision} per backup, newest first. Immutable.
 *
 * <p>A plan only describes what to do; it deletes nothing. Produce one with
 * {@link RetentionPolicy#plan(Collection)}.
 */
public final class RetentionPlan {

    private static final RetentionPlan EMPTY = new RetentionPlan(List.of());

    private static final Comparator<RetentionDecision> NEWEST_FIRST =
            Comparator.comparing(RetentionDecision::createdAt)
                    .thenComparing(RetentionDecision::id)
                    .reversed();

    private final List<RetentionDecision> decisions;
    private final List<RetentionDecision> keep;
    private final List<RetentionDecision> delete;

    private RetentionPlan(List<RetentionDecision> sortedDecisions) {
        this.decisions = List.copyOf(sortedDecisions);
        List<RetentionDecision> kept = new ArrayList<>();
        List<RetentionDecision> deleted = new ArrayList<>();
        for (RetentionDecision decision : decisions) {
            (decision.keep() ? kept : deleted).add(decision);
        }
        this.keep = List.copyOf(kept);
        this.delete = List.copyOf(deleted);
    }

    /**
     * The plan for no backups at all.
     *
     * @return the empty plan
     */
    public static RetentionPlan empty() {
        return EMPTY;
    }

    /**
     * Creates a plan from decisions, for example in tests of code that executes plans. The
     * decisions are put in the plan's order: newest first, ties broken by id descending.
     *
     * @param decisions the decisions (copied), one per backup
     * @return the plan
     * @throws NullPointerException  if the collection or one of its elements is {@code null}
     * @throws InvalidInputException if two decisions have the same backup id
     */
    public static RetentionPlan of(Collection<RetentionDecision> decisions) {
        Objects.requireNonNull(decisions, "decisions");
        List<RetentionDecision> sorted = new ArrayList<>(decisions.size());
        Set<String> ids = new HashSet<>();
        for (RetentionDecision decision : decisions) {
            Objects.requireNonNull(decision, "decisions must not contain null");
            if (!ids.add(decision.id())) {
                throw new InvalidInputException("A retention plan has two decisions for backup '" + decision.id()
                        + "'; a plan must contain exactly one decision per backup.");
            }
            sorted.add(decision);
        }
        sorted.sort(NEWEST_FIRST);
        return sorted.isEmpty() ? EMPTY : new RetentionPlan(sorted);
    }

    /**
     * Every decision, newest backup first (ties broken by id descending).
     *
     * @return the decisions, unmodifiable
     */
    public List<RetentionDecision> decisions() {
        return decisions;
    }

    /**
     * The decisions to keep a backup, newest first.
     *
     * @return the kept backups' decisions, unmodifiable
     */
    public List<RetentionDecision> keep() {
        return keep;
    }

    /**
     * The decisions to delete a backup, newest first.
     *
     * @return the deleted backups' decisions, unmodifiable
     */
    public List<RetentionDecision> delete() {
        return delete;
    }

    /**
     * The decision for one backup.
     *
     * @param id the backup's id
     * @return the decision, or empty if the backup was not part of the plan
     */
    public Optional<RetentionDecision> decision(String id) {
        Objects.requireNonNull(id, "id");
        return decisions.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    /**
     * Tells whether the plan covers no backup at all.
     *
     * @return {@code true} for a plan made from no candidates
     */
    public boolean isEmpty() {
        return decisions.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RetentionPlan plan && decisions.equals(plan.decisions);
    }

    @Override
    public int hashCode() {
        return decisions.hashCode();
    }

    @Override
    public String toString() {
        return "RetentionPlan[keep=" + keep.size() + ", delete=" + delete.size() + "]";
    }
}
