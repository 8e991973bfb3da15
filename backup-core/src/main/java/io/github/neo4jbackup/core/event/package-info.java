/**
 * Observability: the {@link io.github.neo4jbackup.core.event.BackupListener} SPI through which
 * applications get progress, outcomes and failures (for metrics, alerts and logs).
 */
package io.github.neo4jbackup.core.event;
