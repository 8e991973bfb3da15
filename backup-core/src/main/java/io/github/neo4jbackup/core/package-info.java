/**
 * The library's entry point and public vocabulary: {@link io.github.neo4jbackup.core.BackupPipeline}
 * (backup, list, verify, restore, prune), its results, the key template and the exception
 * hierarchy rooted at {@link io.github.neo4jbackup.core.BackupException}.
 */
package io.github.neo4jbackup.core;
