/**
 * Cypher scripts: a streaming statement splitter that understands cypher-shell's script syntax
 * ({@link io.github.neo4jbackup.export.cypher.script.CypherStatementSplitter}) and a restore sink that
 * replays such scripts over the Neo4j driver
 * ({@link io.github.neo4jbackup.export.cypher.script.CypherScriptSink}), for backups made by the APOC
 * Cypher export engine ({@code cypher-apoc}) and for plain Cypher scripts ({@code cypher-script}).
 */
package io.github.neo4jbackup.export.cypher.script;
