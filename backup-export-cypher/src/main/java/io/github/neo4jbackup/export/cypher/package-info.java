/**
 * Online logical backups of Neo4j 5 databases over the Bolt driver, their restore sinks and the
 * tools they share.
 *
 * <ul>
 *   <li>{@link io.github.neo4jbackup.export.cypher.CypherNames}: quoting of identifiers and string
 *       literals for generated Cypher.</li>
 *   <li>{@link io.github.neo4jbackup.export.cypher.CypherLanguage}: the {@code CYPHER 5} prefix every
 *       query carries, so servers whose default language is Cypher 25 run it the same way;
 *       {@link io.github.neo4jbackup.export.cypher.Neo4jVersion} and
 *       {@link io.github.neo4jbackup.export.cypher.ServerInfo}: server versions (5.x and calendar
 *       versions), edition and default language.</li>
 *   <li>{@code schema}: reads indexes and constraints, writes them back as idempotent DDL, and
 *       fingerprints them.</li>
 *   <li>{@code fingerprint}: an order- and id-independent content fingerprint of a whole graph,
 *       computed in bounded heap.</li>
 *   <li>{@code restore}: helpers every restore sink needs (is the target empty, wipe it, count it).</li>
 *   <li>{@code driver}, {@code apoc}, {@code script}: the export engines and restore sinks.</li>
 * </ul>
 *
 * <p>Every class that talks to Neo4j takes a {@link org.neo4j.driver.Driver} owned by the caller and
 * never closes it.
 */
package io.github.neo4jbackup.export.cypher;
