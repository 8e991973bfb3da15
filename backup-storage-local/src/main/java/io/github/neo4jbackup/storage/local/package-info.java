/**
 * A {@link io.github.neo4jbackup.core.spi.StorageTarget} on the local file system (or a mounted
 * share): {@link io.github.neo4jbackup.storage.local.LocalStorageTarget}.
 *
 * <p>Objects are regular files under a root directory; writes go to a temporary file in the same
 * directory that is synced, then renamed (or hard-linked, for create-only writes) to its final
 * name, after which the directory is synced, so a crash never leaves a partial object under a
 * final name.
 */
package io.github.neo4jbackup.storage.local;
