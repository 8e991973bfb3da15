/**
 * The stored-type census of a database: for every label set and relationship type, the stored
 * types of each property key as Neo4j reports them ({@code db.schema.nodeTypeProperties()},
 * {@code db.schema.relTypeProperties()}), e.g. {@code FloatArray} (32-bit floats, as
 * {@code db.create.setNodeVectorProperty} writes them) versus {@code DoubleArray}. Bolt has one
 * float and one integer type, so this is how a logical backup learns what it must bring back
 * narrower than Bolt shows it, and what it cannot. See {@code docs/manifest.md}.
 */
package io.github.neo4jbackup.export.cypher.census;
