/**
 * A Micrometer binding: {@link io.github.neo4jbackup.metrics.micrometer.MicrometerBackupListener}
 * publishes per-database (and per-tier) backup metrics — last success time, duration, stored and raw
 * size, failures — and restore, verification and prune outcomes to any
 * {@link io.micrometer.core.instrument.MeterRegistry} (Prometheus, OTLP, JMX, ...).
 */
package io.github.neo4jbackup.metrics.micrometer;
