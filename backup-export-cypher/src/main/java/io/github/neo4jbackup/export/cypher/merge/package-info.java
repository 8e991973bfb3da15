/**
 * Selective restore: merges a selected subgraph of a driver-format backup into a live, non-empty
 * database without touching anything else, matching nodes on a merge key property (Graphiti:
 * {@code uuid}, one group selected by {@code group_id}).
 *
 * <ul>
 *   <li>{@link io.github.neo4jbackup.export.cypher.merge.MergeRestore} is the operation: a checking
 *       pass over the backup (key coverage by constraints, duplicate keys, conflicts, what would be
 *       created), then, when allowed, a writing pass in bounded batches; see its class comment;</li>
 *   <li>{@link io.github.neo4jbackup.export.cypher.merge.MergeResult} says what was found and done,
 *       with the first {@link io.github.neo4jbackup.export.cypher.merge.MergeConflict}s;</li>
 *   <li>{@link io.github.neo4jbackup.export.cypher.merge.OnConflict} says what to do with nodes that
 *       exist with other content;</li>
 *   <li>{@link io.github.neo4jbackup.export.cypher.merge.BackupStreams} opens the backup once per pass.</li>
 * </ul>
 *
 * <p>The selection is any {@code Predicate<GraphRecord.Node>}. Described for users in
 * {@code docs/selective-restore.md}.
 */
package io.github.neo4jbackup.export.cypher.merge;
