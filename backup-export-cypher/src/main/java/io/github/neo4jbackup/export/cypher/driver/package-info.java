/**
 * The driver-only logical backup engine ({@code cypher-driver}): needs nothing on the server but
 * Bolt access, no APOC and no file system access.
 *
 * <ul>
 *   <li>{@link io.github.neo4jbackup.export.cypher.driver.DriverExportSource} streams the schema,
 *       all nodes and all relationships of one database in one read transaction into the graph
 *       format, in bounded memory, and records counts, consistency and fingerprints;</li>
 *   <li>{@link io.github.neo4jbackup.export.cypher.driver.DriverRestoreSink} loads such a backup
 *       with parameterised {@code UNWIND} batches (constraints before the data, indexes on
 *       nodes before the relationships, indexes on relationships after them);</li>
 *   <li>{@link io.github.neo4jbackup.export.cypher.driver.GraphFileWriter},
 *       {@link io.github.neo4jbackup.export.cypher.driver.GraphFileReader} and
 *       {@link io.github.neo4jbackup.export.cypher.driver.GraphRecord} implement the versioned,
 *       line-oriented format ({@link io.github.neo4jbackup.export.cypher.driver.GraphFormat},
 *       described in {@code docs/format.md}): a header, schema statements, nodes, relationships and a
 *       trailer with counts, one JSON record a line, every property type exact.</li>
 * </ul>
 *
 * <p>The caller owns the {@link org.neo4j.driver.Driver}; nothing here closes it.
 */
package io.github.neo4jbackup.export.cypher.driver;
