/**
 * The parts of {@code neo4j-backup run} (service mode) that do not depend on picocli: the schedule
 * (cron or fixed interval), the scheduler that never lets two runs overlap, the per-run log lines,
 * the service state behind {@code /health}, the Prometheus metrics and the small JDK HTTP server
 * that exposes both. Not an API: the command line wires these together; library users schedule
 * {@link io.github.neo4jbackup.core.BackupPipeline#backup()} themselves.
 */
package io.github.neo4jbackup.cli.service;
