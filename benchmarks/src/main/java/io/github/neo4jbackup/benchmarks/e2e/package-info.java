/**
 * The end-to-end suite: Graphiti-shaped graphs in a real Neo4j server process, the command line's
 * backups and restores as small-heap child JVMs, and the baselines (APOC export to a file,
 * neo4j-admin dump and load, cypher-shell replay) measured side by side in one run, written up as
 * Markdown. Entry point: {@link io.github.neo4jbackup.benchmarks.e2e.EndToEndSuite}.
 */
package io.github.neo4jbackup.benchmarks.e2e;
