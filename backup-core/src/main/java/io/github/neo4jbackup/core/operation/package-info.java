/**
 * The operations on a repository, one class each, each readable on its own:
 * <ul>
 *   <li>{@link io.github.neo4jbackup.core.operation.BackupRun} — one backup: source → transformers →
 *       {@link io.github.neo4jbackup.core.repository.BackupWriter} (data, check, manifest last) →
 *       retention;</li>
 *   <li>{@link io.github.neo4jbackup.core.operation.Verifier} — MANIFEST, FULL and RESTORE checks;</li>
 *   <li>{@link io.github.neo4jbackup.core.operation.Restorer} — verify first, then stream the decoded
 *       backup into a {@link io.github.neo4jbackup.core.spi.RestoreSink} and compare counts;</li>
 *   <li>{@link io.github.neo4jbackup.core.operation.Pruner} — the retention plan applied under the
 *       lock (the plan itself comes from {@link io.github.neo4jbackup.core.retention});</li>
 *   <li>{@link io.github.neo4jbackup.core.operation.Copier} — a backup copied into another
 *       repository as stored, read back, manifest last;</li>
 *   <li>{@link io.github.neo4jbackup.core.operation.Importer} — an existing neo4j-admin dump or
 *       Cypher script adopted as a backup ({@link io.github.neo4jbackup.core.operation.ImportFormat}
 *       tells which from its header);</li>
 *   <li>{@link io.github.neo4jbackup.core.operation.BackupReader} — reading a backup back through
 *       its decoding chain, shared by the verifier and the restorer.</li>
 * </ul>
 * Every operation works through {@link io.github.neo4jbackup.core.repository.Repository} and never
 * addresses the store or a key itself. A new operation (copy between repositories, import of an
 * existing dump, selective restore) is a new class here built the same way, a method on
 * {@link io.github.neo4jbackup.core.BackupPipeline} that delegates to it, and a command in the
 * command line.
 *
 * <p>The classes are public so that the facade in {@code io.github.neo4jbackup.core} can wire them;
 * the stable API is {@link io.github.neo4jbackup.core.BackupPipeline}.
 */
package io.github.neo4jbackup.core.operation;
