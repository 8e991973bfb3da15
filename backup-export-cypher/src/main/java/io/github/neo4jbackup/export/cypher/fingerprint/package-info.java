/**
 * An order-independent, internal-id-independent SHA-256 fingerprint of a graph's content, computed
 * in bounded heap.
 *
 * <p>{@link io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprinter} is the streaming
 * accumulator (feed it every node, then every relationship); it keeps per-node fingerprints in a
 * memory-mapped temporary file, not on the heap.
 * {@link io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprint#compute} reads a whole
 * database in one read transaction and also fingerprints its schema. Two databases with the same
 * nodes (labels and properties) connected by the same relationships (type, properties, direction)
 * have the same {@link io.github.neo4jbackup.export.cypher.fingerprint.ContentFingerprint}, whatever
 * their internal ids and creation order.
 */
package io.github.neo4jbackup.export.cypher.fingerprint;
