/**
 * The schema (indexes and constraints) of a Neo4j 5 database as immutable values:
 * {@link io.github.neo4jbackup.export.cypher.schema.SchemaReader} reads it
 * ({@code SHOW INDEXES}, {@code SHOW CONSTRAINTS}),
 * {@link io.github.neo4jbackup.export.cypher.schema.DatabaseSchema} holds it, writes idempotent DDL with
 * names and full options, and fingerprints it;
 * {@link io.github.neo4jbackup.export.cypher.schema.SchemaWriter} applies it to a target database in
 * the right order and waits for the indexes to come online.
 * {@link io.github.neo4jbackup.export.cypher.schema.SchemaStatements} reads that DDL back, and
 * {@link io.github.neo4jbackup.export.cypher.schema.SchemaCompatibility} moves a schema between Neo4j
 * versions (5.26 and the calendar versions) and compares schemas by substance rather than provider.
 */
package io.github.neo4jbackup.export.cypher.schema;
