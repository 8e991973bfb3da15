/**
 * Helpers every restore sink of this module shares: inspecting the target database
 * ({@link io.github.neo4jbackup.export.cypher.restore.TargetDatabase}: is it empty, what is in it, its
 * counts), wiping it in batches, and the guard that refuses to restore into a non-empty database
 * unless wiping was asked for ({@link io.github.neo4jbackup.export.cypher.restore.RestoreGuard}).
 */
package io.github.neo4jbackup.export.cypher.restore;
