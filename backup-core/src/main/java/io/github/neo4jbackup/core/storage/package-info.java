/**
 * Storage targets that ship with the core library.
 *
 * <p>{@link io.github.neo4jbackup.core.storage.InMemoryStorageTarget} keeps objects in memory: it
 * is meant for tests (ours and our users'), follows the full
 * {@link io.github.neo4jbackup.core.spi.StorageTarget} contract and passes the contract suite in
 * {@code backup-testkit}. Targets for real stores live in their own modules
 * ({@code backup-storage-local}, {@code backup-storage-s3}).
 */
package io.github.neo4jbackup.core.storage;
