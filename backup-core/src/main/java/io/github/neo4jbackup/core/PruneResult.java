package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.spi.ObjectKey;

import java.time.Instant;
import java.util.List;

/**
 * The plan, or the outcome, of applying retention to a repository.
 *
 * @param dryRun            {@code true} if nothing was deleted
 * @param decisions         one decision per backup, newest first, grouped by database
 * @param orphans           data objects without a manifest older than the grace period (deleted unless dry run)
 * @param incompleteRemoved leftovers of incomplete writes removed from the store
 */
public record PruneResult(boolean dryRun, List<Decision> decisions, List<ObjectKey> orphans, int incompleteRemoved) {

    /**
     * Creates a result.
     *
     * @param dryRun            dry run
     * @param decisions         decisions (copied)
     * @param orphans           orphans (copied)
     * @param incompleteRemoved count
     */
    public PruneResult {
        decisions = List.copyOf(decisions);
        orphans = List.copyOf(orphans);
    }

    /**
     * The backups kept.
     *
     * @return decisions with {@code keep} true
     */
    public List<Decision> kept() {
        return decisions.stream().filter(Decision::keep).toList();
    }

    /**
     * The backups deleted (or to delete, in a dry run).
     *
     * @return decisions with {@code keep} false
     */
    public List<Decision> deleted() {
        return decisions.stream().filter(d -> !d.keep()).toList();
    }

    /**
     * What retention decided for one backup.
     *
     * @param id        backup id
     * @param database  database
     * @param createdAt backup time
     * @param keep      whether it is kept
     * @param reasons   why (the keep rules that matched, or why it goes)
     * @param keys      the objects of the backup (data object and manifest)
     */
    public record Decision(String id, String database, Instant createdAt, boolean keep, List<String> reasons,
                           List<ObjectKey> keys) {
        /**
         * Creates a decision.
         *
         * @param id        id
         * @param database  database
         * @param createdAt time
         * @param keep      keep
         * @param reasons   reasons (copied)
         * @param keys      keys (copied)
         */
        public Decision {
            reasons = List.copyOf(reasons);
            keys = List.copyOf(keys);
        }
    }
}
