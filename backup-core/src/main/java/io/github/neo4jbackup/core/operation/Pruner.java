package io.github.neo4jbackup.core.operation;

import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.PruneResult;
import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.repository.Contents;
import io.github.neo4jbackup.core.repository.Repository;
import io.github.neo4jbackup.core.retention.RetentionCandidate;
import io.github.neo4jbackup.core.retention.RetentionDecision;
import io.github.neo4jbackup.core.retention.RetentionPlan;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.spi.ObjectKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies a {@link RetentionPolicy} to the backups of one database, under its lock:
 * <ol>
 *   <li>read the repository once ({@link Repository#contents()});</li>
 *   <li>keep, outside the rules, backups dated in the future (a host with a wrong clock must not
 *       make every real backup look old);</li>
 *   <li>let the {@link io.github.neo4jbackup.core.retention.RetentionPlanner} decide the rest;</li>
 *   <li>keep the newest backup whose data is complete even if the rules would drop it (the newer
 *       ones are damaged or missing);</li>
 *   <li>find leftovers of failed runs older than the grace period;</li>
 *   <li>unless it is a dry run, delete (manifest first), remove the leftovers and what
 *       interrupted writes left on the store.</li>
 * </ol>
 * Immutable and thread-safe.
 */
public final class Pruner {

    /**
     * How far in the future a backup's {@code createdAt} may lie (clock skew between hosts) before
     * prune stops counting it in the retention rules and keeps it.
     */
    public static final Duration FUTURE_TOLERANCE = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(Pruner.class);

    private final Repository repository;
    private final RetentionPolicy retention;
    private final Duration orphanGracePeriod;
    private final Clock clock;
    private final BackupListener listener;
    private final SafetyRetention safety;

    /**
     * How safety backups ({@link Manifest#isSafety()}) are pruned: apart from the retention rules,
     * the {@code keep} newest of each database are kept and older ones deleted; with
     * {@code includeSafety} they are ordinary backups for the rules instead.
     *
     * @param keep          how many safety backups of a database to keep (0 or more)
     * @param includeSafety {@code true} to let the retention rules treat safety backups like any other
     */
    public record SafetyRetention(int keep, boolean includeSafety) {

        /** The default: keep the 3 newest safety backups, apart from the rules. */
        public static final SafetyRetention DEFAULT = new SafetyRetention(3, false);

        /**
         * Creates the record.
         *
         * @param keep          count
         * @param includeSafety include in the rules
         */
        public SafetyRetention {
            if (keep < 0) {
                throw new io.github.neo4jbackup.core.InvalidInputException("The number of safety backups to keep "
                        + "must not be negative, got " + keep);
            }
        }
    }

    /**
     * Creates the pruner.
     *
     * @param repository        where the backups are
     * @param retention         what to keep
     * @param orphanGracePeriod how old a leftover of a failed run must be before it is removed
     * @param clock             the clock
     * @param listener          told what was pruned (must not throw)
     */
    public Pruner(Repository repository, RetentionPolicy retention, Duration orphanGracePeriod, Clock clock,
                  BackupListener listener) {
        this(repository, retention, orphanGracePeriod, clock, listener, SafetyRetention.DEFAULT);
    }

    /**
     * Creates the pruner with a policy for safety backups.
     *
     * @param repository        where the backups are
     * @param retention         what to keep
     * @param orphanGracePeriod how old a leftover of a failed run must be before it is removed
     * @param clock             the clock
     * @param listener          told what was pruned (must not throw)
     * @param safety            how safety backups are kept
     */
    public Pruner(Repository repository, RetentionPolicy retention, Duration orphanGracePeriod, Clock clock,
                  BackupListener listener, SafetyRetention safety) {
        this.safety = Objects.requireNonNull(safety, "safety");
        this.repository = Objects.requireNonNull(repository, "repository");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.orphanGracePeriod = Objects.requireNonNull(orphanGracePeriod, "orphanGracePeriod");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Prunes one database, or every database in the repository (each on its own, under its own
     * lock) with {@code null}, and tells the listener.
     *
     * @param database the database, or {@code null} for all
     * @param dryRun   {@code true} to only compute the plan (no lock is taken)
     * @return the plan (dry run) or what was done
     * @throws io.github.neo4jbackup.core.LockHeldException when another run holds a database's lock
     */
    public PruneResult prune(String database, boolean dryRun) {
        try {
            PruneResult result;
            if (database != null) {
                result = pruneUnderLock(database, dryRun);
            } else {
                Set<String> databases = new TreeSet<>();
                repository.list(null).forEach(m -> databases.add(m.database()));
                List<PruneResult.Decision> decisions = new ArrayList<>();
                List<ObjectKey> orphans = new ArrayList<>();
                int incomplete = 0;
                for (String one : databases) {
                    PruneResult part = pruneUnderLock(one, dryRun);
                    decisions.addAll(part.decisions());
                    orphans.addAll(part.orphans());
                    incomplete += part.incompleteRemoved();
                }
                result = new PruneResult(dryRun, decisions, orphans, incomplete);
            }
            listener.pruned(result);
            return result;
        } catch (BackupException e) {
            listener.pruneFailed(e);
            throw e;
        }
    }

    private PruneResult pruneUnderLock(String database, boolean dryRun) {
        if (dryRun) {
            return pruneDatabase(database, true, null);
        }
        try (Repository.Lock lock = repository.lock(database, "prune")) {
            return pruneDatabase(database, false, lock);
        }
    }

    /**
     * Prunes one database; the caller holds its lock (a backup run prunes under the lock of the
     * backup it just wrote). Does not tell the listener.
     *
     * @param database the database
     * @param dryRun   {@code true} to only compute the plan
     * @param lock     the held lock, refreshed while deleting, or {@code null} in a dry run
     * @return the plan (dry run) or what was done
     */
    public PruneResult pruneDatabase(String database, boolean dryRun, Repository.Lock lock) {
        Contents contents = repository.contents();
        Map<String, Manifest> byId = new LinkedHashMap<>();
        contents.manifests(database).forEach(m -> byId.putIfAbsent(m.id(), m));
        Instant now = clock.instant();
        Instant futureLimit = now.plus(FUTURE_TOLERANCE);
        List<PruneResult.Decision> decisions = new ArrayList<>();
        List<RetentionCandidate> candidates = new ArrayList<>();
        List<Manifest> safetyBackups = new ArrayList<>();
        List<Manifest> ruled = new ArrayList<>();
        for (Manifest m : byId.values()) {
            if (m.isSafety() && !safety.includeSafety()) {
                safetyBackups.add(m);
                continue;
            }
            ruled.add(m);
            if (m.createdAt().isAfter(futureLimit)) {
                LOG.warn("Backup {} is dated {}, after the current time {}: it is kept and not counted by the "
                        + "retention rules; check the clock of host '{}' and delete it by hand if it is wrong",
                        m.id(), m.createdAt(), now, m.host());
                decisions.add(new PruneResult.Decision(m.id(), database, m.createdAt(), true,
                        List.of("dated in the future (after " + now + "): kept, not counted by the rules; check the "
                                + "clock of host '" + m.host() + "'"),
                        List.of(m.manifestKey(), m.object().key())));
            } else {
                candidates.add(new RetentionCandidate(m.id(), m.createdAt()));
            }
        }
        RetentionPlan plan = retention.plan(candidates);
        Manifest newestGood = newestComplete(contents, ruled, futureLimit);
        for (RetentionDecision d : plan.decisions()) {
            Manifest m = byId.get(d.id());
            boolean keep = d.keep();
            List<String> reasons = d.reasons();
            if (!keep && m == newestGood) {
                keep = true;
                reasons = List.of("newest backup whose data object is present and complete (the newer ones are "
                        + "missing or damaged)");
                LOG.warn("Keeping backup {} although the retention policy would remove it: the newer backups "
                        + "of '{}' have missing or incomplete data objects", m.id(), database);
            }
            decisions.add(new PruneResult.Decision(d.id(), database, d.createdAt(), keep, reasons,
                    List.of(m.manifestKey(), m.object().key())));
        }
        safetyBackups.sort(java.util.Comparator.comparing(Manifest::createdAt).thenComparing(Manifest::id).reversed());
        for (int i = 0; i < safetyBackups.size(); i++) {
            Manifest m = safetyBackups.get(i);
            boolean keep = i < safety.keep();
            decisions.add(new PruneResult.Decision(m.id(), database, m.createdAt(), keep,
                    List.of(keep ? "safety backup (before restoring " + m.safetyFor() + "), one of the "
                            + safety.keep() + " newest kept apart from the rules (keep-safety)"
                            : "safety backup (before restoring " + m.safetyFor() + ") beyond the " + safety.keep()
                            + " newest (keep-safety)"),
                    List.of(m.manifestKey(), m.object().key())));
        }
        Instant graceLimit = now.minus(orphanGracePeriod);
        List<ObjectKey> orphans = contents.orphans(database, graceLimit);
        int incomplete = 0;
        if (!dryRun) {
            for (PruneResult.Decision d : decisions) {
                if (d.keep()) {
                    continue;
                }
                repository.delete(byId.get(d.id())); // the manifest first: from then on the backup does not exist
                if (lock != null) {
                    lock.refreshIfDue();
                }
                LOG.info("Pruned backup {} ({})", d.id(), String.join(", ", d.reasons()));
            }
            for (ObjectKey orphan : orphans) {
                repository.deleteOrphan(orphan);
                LOG.info("Removed orphaned data object {} (no manifest, older than {})", orphan, orphanGracePeriod);
            }
            incomplete = repository.removeIncomplete(graceLimit);
        }
        return new PruneResult(dryRun, decisions, orphans, incomplete);
    }

    /**
     * The newest backup (not dated in the future) whose data is complete, or {@code null} when
     * there is none.
     */
    private static Manifest newestComplete(Contents contents, Iterable<Manifest> manifests, Instant futureLimit) {
        Manifest newest = null;
        for (Manifest m : manifests) {
            if (m.createdAt().isAfter(futureLimit) || !contents.isComplete(m)) {
                continue;
            }
            if (newest == null || RetentionCandidate.NEWEST_FIRST.compare(
                    new RetentionCandidate(m.id(), m.createdAt()),
                    new RetentionCandidate(newest.id(), newest.createdAt())) < 0) {
                newest = m;
            }
        }
        return newest;
    }
}
