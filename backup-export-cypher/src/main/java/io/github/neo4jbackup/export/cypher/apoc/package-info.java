/**
 * The APOC Cypher export engine ({@code cypher-apoc}):
 * {@link io.github.neo4jbackup.export.cypher.apoc.ApocCypherSource} streams
 * {@code apoc.export.cypher.all} into a self-contained cypher-shell script whose schema part is
 * replaced by complete, idempotent DDL. Restore it with
 * {@link io.github.neo4jbackup.export.cypher.script.CypherScriptSink} or {@code cypher-shell -f}.
 */
package io.github.neo4jbackup.export.cypher.apoc;
