/**
 * The repository: the backups on one store, their layout and the commit protocol.
 *
 * <p>{@link io.github.neo4jbackup.core.repository.Repository} is the only code that knows where
 * things are on a {@link io.github.neo4jbackup.core.spi.StorageTarget}: data, manifests, leftovers
 * of failed runs, interrupted writes and locks. The operations in
 * {@link io.github.neo4jbackup.core.operation} (backup run, verifier, restorer, pruner) go through
 * it and never address a key themselves. Its vocabulary is the backup's
 * {@link io.github.neo4jbackup.core.manifest.Manifest}: list, find and latest return manifests;
 * {@code open(manifest)} returns the stored bytes checked against it; {@code newBackup} returns a
 * {@link io.github.neo4jbackup.core.repository.BackupWriter} that enforces the order data → check →
 * manifest and removes everything when a run fails; {@code delete(manifest)} removes the manifest
 * first; {@code lock(database, operation)} is the seam to the lock implementation.
 *
 * <h2>The layout today</h2>
 * {@link io.github.neo4jbackup.core.repository.ObjectPerBackupRepository}: one data object per
 * backup at the key the {@link io.github.neo4jbackup.core.KeyTemplate} renders, its manifest
 * beside it ({@code <key>.manifest.json}), locks under {@code <prefix>locks/}. Documented for
 * users in {@code docs/manifest.md}.
 *
 * <h2>How a deduplicating layout would fit</h2>
 * A content-addressed layout, as restic and kopia store data, would be a second implementation of
 * the same interface, chosen when the repository is created:
 * <ul>
 *   <li>{@link io.github.neo4jbackup.core.repository.BackupWriter#open} would return a stream that
 *       cuts the bytes into content-defined chunks, hashes each chunk, skips chunks the index
 *       already holds and appends new ones to pack files; {@code commitData} would flush the
 *       packs, check them and write the index entries for them, returning the size and hash of
 *       the whole stream exactly as today; {@code commitManifest} would write the manifest
 *       (the snapshot), which then lists the chunks it is made of. Data first, manifest last is
 *       unchanged: a pack or index written by a failed run is unreferenced, not visible.</li>
 *   <li>{@code open(manifest)} would look the chunks up in the index and read them from their
 *       packs in order; the operations still see one stream checked against the manifest's
 *       size and SHA-256.</li>
 *   <li>{@code delete(manifest)} would delete only the snapshot; {@link
 *       io.github.neo4jbackup.core.repository.Contents#orphans} would report packs no snapshot
 *       references any more (garbage collection, with repacking of partly used packs as a later
 *       refinement); {@code check} would stat the packs a snapshot uses.</li>
 *   <li>The manifest would gain a list of chunk ids (a new format version); the
 *       {@link io.github.neo4jbackup.core.manifest.StoredObject} key would name the snapshot.</li>
 * </ul>
 * The backup run, verifier, restorer and pruner would not change. One caveat belongs to the
 * transformer chain, not to this interface: deduplication finds little in a stream that is
 * compressed or encrypted as a whole, so such a layout would move the chain inside the
 * repository and apply it per chunk (as restic does), and the backup run would hand it the raw
 * stream and the chain instead of encoding first.
 *
 * <p>The package is public so that the facade and future operations can use it; the stable API is
 * {@link io.github.neo4jbackup.core.BackupPipeline}.
 */
package io.github.neo4jbackup.core.repository;
