/**
 * Reading a stored driver-format backup without a server, and selecting part of it.
 *
 * <ul>
 *   <li>{@link io.github.neo4jbackup.export.cypher.select.GraphSelection}: which nodes (labels, property
 *       equality, set membership, ranges on numbers, strings and temporal values, a Graphiti
 *       {@code group_id}) and which of their relationships ({@link
 *       io.github.neo4jbackup.export.cypher.select.RelationshipScope}); a
 *       {@code Predicate<GraphRecord.Node>}.</li>
 *   <li>{@link io.github.neo4jbackup.export.cypher.select.PropertyPredicate}: one condition on one
 *       property, compared the way Cypher compares values
 *       ({@link io.github.neo4jbackup.export.cypher.select.ValueOrder}).</li>
 *   <li>{@link io.github.neo4jbackup.export.cypher.select.SelectedGraphReader}: streams the schema, the
 *       selected nodes and their relationships from a backup as typed
 *       {@link io.github.neo4jbackup.export.cypher.driver.GraphRecord}s in bounded memory, decoding
 *       (decompressing, decrypting) the stored bytes as the manifest records and checking them
 *       against the manifest; backups of other engines are refused with a message saying how to get
 *       a driver-format backup of them.</li>
 * </ul>
 */
package io.github.neo4jbackup.export.cypher.select;
