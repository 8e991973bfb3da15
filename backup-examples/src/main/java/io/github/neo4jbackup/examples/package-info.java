/**
 * The demo run by the README's first command ({@link io.github.neo4jbackup.examples.Demo}: embedded
 * Neo4j, Graphiti-shaped sample graph, driver engine + zstd to a local repository, list, full verify,
 * restore into a second embedded Neo4j, fingerprints side by side) and compiled, tested examples of
 * embedding the library: {@link io.github.neo4jbackup.examples.CronBackupScheduler} (cron schedule in
 * an application, no overlapping runs), {@link io.github.neo4jbackup.examples.SampleGraphSource} (a
 * custom {@code BackupSource}), {@link io.github.neo4jbackup.examples.AuditingStorageTarget} (a custom
 * {@code StorageTarget} decorator); the test {@code BackupAroundEachTestExampleTest} shows backing up
 * and restoring a fixture database around integration tests.
 *
 * <p>{@link io.github.neo4jbackup.examples.EmbeddedNeo4j} runs Neo4j inside the JVM only so that the
 * examples need no server; applications pass the {@code Driver} of their own server.
 */
package io.github.neo4jbackup.examples;
