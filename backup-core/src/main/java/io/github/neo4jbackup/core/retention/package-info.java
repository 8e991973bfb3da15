/**
 * Retention: which backups to keep and which to delete, following the semantics of restic's
 * {@code ExpirePolicy}.
 *
 * <p>This package is pure logic, with no I/O and no clock: a
 * {@link io.github.neo4jbackup.core.retention.RetentionPolicy} (keep-last, keep-within,
 * keep-daily, keep-weekly, keep-monthly, keep-yearly, evaluated in a time zone) turns a collection
 * of {@link io.github.neo4jbackup.core.retention.RetentionCandidate}s into an immutable
 * {@link io.github.neo4jbackup.core.retention.RetentionPlan} through
 * {@link io.github.neo4jbackup.core.retention.RetentionPolicy#plan(java.util.Collection)}. Every
 * {@link io.github.neo4jbackup.core.retention.RetentionDecision} in the plan says why a backup is
 * kept or deleted. Deleting is left to the caller, which should only act on a plan after the newest
 * backup has been committed and verified.
 *
 * <p>Two safety properties hold for every policy: the newest backup is always kept, and
 * keep-within is measured from the newest backup rather than from the wall clock, so a scheduler
 * that stopped producing backups never lets retention delete everything.
 */
package io.github.neo4jbackup.core.retention;
