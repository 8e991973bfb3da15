/**
 * The service provider interfaces: what engines, stream filters and stores implement.
 *
 * <ul>
 *   <li>{@link io.github.neo4jbackup.core.spi.BackupSource} produces a database's backup stream;
 *       {@link io.github.neo4jbackup.core.spi.RestoreSink} consumes it on restore.</li>
 *   <li>{@link io.github.neo4jbackup.core.spi.Transformer} is an invertible stream filter
 *       (compression, encryption) identified by a stable id recorded in the manifest.</li>
 *   <li>{@link io.github.neo4jbackup.core.spi.StorageTarget} keeps immutable objects under keys,
 *       with pending writes that become visible only on commit.</li>
 * </ul>
 * New methods arrive as {@code default} methods so implementations keep compiling.
 */
package io.github.neo4jbackup.core.spi;
