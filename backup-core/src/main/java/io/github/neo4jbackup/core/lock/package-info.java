/**
 * What a repository lock says about its holder, and what happened to locks: the holder's process
 * identity ({@link io.github.neo4jbackup.core.lock.ProcessIdentity}: host, PID, process start time),
 * a lock as read from the repository ({@link io.github.neo4jbackup.core.lock.LockInfo}), how a lock
 * was judged ({@link io.github.neo4jbackup.core.lock.LockState}), a lock taken over from a dead or
 * stale holder ({@link io.github.neo4jbackup.core.lock.LockTakeover}) and the outcome of
 * {@code BackupPipeline.unlock} ({@link io.github.neo4jbackup.core.lock.UnlockResult}).
 *
 * <p>A lock is an object under {@code <prefix>locks/<database>.lock}. Its holder rewrites it
 * (its heartbeat) every refresh interval while it works. A lock is stale when its holder ran on this
 * machine and no longer runs (no such PID, or the PID now belongs to a process started at another
 * time), or, anywhere, when its heartbeat is older than the bound it records. See
 * {@code docs/manifest.md} for the format.
 */
package io.github.neo4jbackup.core.lock;
