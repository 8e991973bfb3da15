package io.github.neo4jbackup.core.lock;

import java.util.List;
import java.util.Objects;

/**
 * What {@code BackupPipeline.unlock} found and did: the locks it removed (stale ones, and live ones
 * when forced) and the live locks it left in place.
 *
 * @param removed the locks removed
 * @param kept    the live locks left in place (empty when forced)
 */
public record UnlockResult(List<Entry> removed, List<Entry> kept) {

    /**
     * Copies the lists.
     *
     * @param removed the removed locks
     * @param kept    the kept locks
     */
    public UnlockResult {
        removed = List.copyOf(removed);
        kept = List.copyOf(kept);
    }

    /**
     * Whether a live lock was removed (by force).
     *
     * @return {@code true} when any removed entry was forced
     */
    public boolean forcedAny() {
        return removed.stream().anyMatch(Entry::forced);
    }

    /**
     * One lock and what happened to it.
     *
     * @param lock   the lock as read
     * @param state  how it was judged
     * @param forced whether it was live and removed only because of {@code force}
     */
    public record Entry(LockInfo lock, LockState state, boolean forced) {

        /**
         * Validates the components.
         *
         * @param lock   the lock
         * @param state  the state
         * @param forced whether forced
         */
        public Entry {
            Objects.requireNonNull(lock, "lock");
            Objects.requireNonNull(state, "state");
        }
    }
}
