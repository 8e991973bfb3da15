package io.github.neo4jbackup.export.cypher.merge;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link MergeRestore} found and did. Immutable.
 *
 * <p>For {@link Outcome#DRY_RUN} and {@link Outcome#REFUSED} the node and relationship counts say what
 * the check found (nodes that <em>would be</em> created, left alone, in conflict); nothing was written.
 * For {@link Outcome#APPLIED} and {@link Outcome#FAILED} they say what the writing pass did: the
 * {@code created}/{@code overwritten} counts are exactly what was committed, so after a failure they
 * say what the database now holds of the backup. A merge is idempotent: running it again after a
 * failure completes it.
 */
public final class MergeResult {

    /** How a merge ended. */
    public enum Outcome {
        /** Everything selected is in the target now (created, unchanged, kept or overwritten). */
        APPLIED,
        /** Only checked (dry run): nothing was written; {@link #problems()} says whether it would be refused. */
        DRY_RUN,
        /** Refused before anything was written; {@link #problems()} says why. */
        REFUSED,
        /** Failed while writing: the counts say what was committed; {@link #problems()} says what failed. */
        FAILED
    }

    private final Outcome outcome;
    private final String backup;
    private final String database;
    private final String mergeKey;
    private final OnConflict onConflict;
    private final Tally t;
    private final List<MergeConflict> conflicts;
    private final List<String> constraintSuggestions;
    private final List<String> problems;
    private final List<String> warnings;
    private final Duration duration;

    MergeResult(Outcome outcome, String backup, String database, String mergeKey, OnConflict onConflict, Tally tally,
                List<String> constraintSuggestions, List<String> problems, Duration duration) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.backup = backup;
        this.database = database;
        this.mergeKey = mergeKey;
        this.onConflict = onConflict;
        this.t = tally;
        this.conflicts = List.copyOf(tally.conflictList);
        this.constraintSuggestions = List.copyOf(constraintSuggestions);
        this.problems = List.copyOf(problems);
        this.warnings = List.copyOf(tally.warnings);
        this.duration = duration;
    }

    /**
     * How the merge ended.
     *
     * @return the outcome
     */
    public Outcome outcome() {
        return outcome;
    }

    /**
     * Whether the selection is now in the target ({@link Outcome#APPLIED}).
     *
     * @return {@code true} when applied
     */
    public boolean applied() {
        return outcome == Outcome.APPLIED;
    }

    /**
     * Whether anything was written to the target (only possible for {@link Outcome#APPLIED} and
     * {@link Outcome#FAILED}).
     *
     * @return {@code true} when a node or relationship was created or a node overwritten
     */
    public boolean wroteAnything() {
        return t.nodesCreated + t.nodesOverwritten + t.relationshipsCreated > 0
                && (outcome == Outcome.APPLIED || outcome == Outcome.FAILED);
    }

    /**
     * What was merged: the backup id or a description of the stream.
     *
     * @return the description
     */
    public String backup() {
        return backup;
    }

    /**
     * The target database.
     *
     * @return its name
     */
    public String database() {
        return database;
    }

    /**
     * The property the nodes were matched on.
     *
     * @return the merge key
     */
    public String mergeKey() {
        return mergeKey;
    }

    /**
     * The conflict policy the merge ran with.
     *
     * @return the policy
     */
    public OnConflict onConflict() {
        return onConflict;
    }

    /**
     * Selected nodes in the backup.
     *
     * @return the count
     */
    public long selectedNodes() {
        return t.selectedNodes;
    }

    /**
     * Relationships in the backup whose both end nodes are selected.
     *
     * @return the count
     */
    public long selectedRelationships() {
        return t.selectedRelationships;
    }

    /**
     * Nodes created (would be created, for a dry run or a refusal): their key was absent in the target.
     *
     * @return the count
     */
    public long nodesCreated() {
        return t.nodesCreated;
    }

    /**
     * Nodes whose key exists in the target with identical labels and properties (left alone).
     *
     * @return the count
     */
    public long nodesUnchanged() {
        return t.nodesUnchanged;
    }

    /**
     * Conflicting nodes set to the backup's content ({@link OnConflict#OVERWRITE}).
     *
     * @return the count
     */
    public long nodesOverwritten() {
        return t.nodesOverwritten;
    }

    /**
     * Conflicting nodes left as the target has them ({@link OnConflict#KEEP}).
     *
     * @return the count
     */
    public long nodesKept() {
        return t.nodesKept;
    }

    /**
     * Conflicts found: nodes whose key exists in the target with different labels or properties.
     *
     * @return the count
     */
    public long conflictCount() {
        return t.conflicts;
    }

    /**
     * The first conflicts (as many as the merge was configured to list), in backup order.
     *
     * @return the conflicts
     */
    public List<MergeConflict> conflicts() {
        return conflicts;
    }

    /**
     * Relationships created (would be created): no relationship with the same type, end nodes and
     * properties existed.
     *
     * @return the count
     */
    public long relationshipsCreated() {
        return t.relationshipsCreated;
    }

    /**
     * Relationships that already existed with identical type, end nodes and properties.
     *
     * @return the count
     */
    public long relationshipsUnchanged() {
        return t.relationshipsUnchanged;
    }

    /**
     * Relationships that could not be created because an end node was no longer found in the target
     * (deleted by someone else while the merge ran).
     *
     * @return the count
     */
    public long relationshipsWithoutEnds() {
        return t.relationshipsWithoutEnds;
    }

    /**
     * Selected nodes without the merge key property.
     *
     * @return the count
     */
    public long nodesWithoutKey() {
        return t.nodesWithoutKey;
    }

    /**
     * Merge key values that more than one selected node of the backup holds.
     *
     * @return the count
     */
    public long duplicateKeysInBackup() {
        return t.duplicateKeysInBackup;
    }

    /**
     * Merge key values of selected nodes that more than one node of the target holds.
     *
     * @return the count
     */
    public long duplicateKeysInTarget() {
        return t.duplicateKeysInTarget;
    }

    /**
     * {@code CREATE CONSTRAINT} statements for labels of the selected nodes whose merge key has no
     * uniqueness constraint in the target (run them, then merge again).
     *
     * @return the statements
     */
    public List<String> constraintSuggestions() {
        return constraintSuggestions;
    }

    /**
     * Why the merge was refused, would be refused (dry run) or failed; empty when it applied cleanly.
     *
     * @return the problems, each a sentence
     */
    public List<String> problems() {
        return problems;
    }

    /**
     * Warnings that did not stop the merge (a key covered only by an index, 32-bit vectors written as
     * 64-bit lists).
     *
     * @return the warnings
     */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * How long the merge took.
     *
     * @return the duration
     */
    public Duration duration() {
        return duration;
    }

    /**
     * One line saying what happened, for logs and the command line.
     *
     * @return the summary
     */
    public String summary() {
        String verb = switch (outcome) {
            case APPLIED -> "Merged";
            case DRY_RUN -> "Dry run of the merge of";
            case REFUSED -> "Refused to merge";
            case FAILED -> "FAILED merging";
        };
        boolean would = outcome == Outcome.DRY_RUN || outcome == Outcome.REFUSED;
        return verb + " " + backup + " into database '" + database + "' on key '" + mergeKey + "': "
                + t.selectedNodes + " selected nodes (" + t.nodesCreated + (would ? " to create, " : " created, ")
                + t.nodesUnchanged + " unchanged, " + t.conflicts + " in conflict"
                + (t.nodesOverwritten > 0 ? ", " + t.nodesOverwritten + " overwritten" : "")
                + (t.nodesKept > 0 ? ", " + t.nodesKept + " kept" : "") + "), " + t.selectedRelationships
                + " selected relationships (" + t.relationshipsCreated + (would ? " to create, " : " created, ")
                + t.relationshipsUnchanged + " already present)";
    }

    @Override
    public String toString() {
        return summary() + (problems.isEmpty() ? "" : "; problems: " + problems);
    }
}
