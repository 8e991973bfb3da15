/**
 * JMH micro-benchmarks of the streaming hot path (transformer chains). Results are reported as ratios
 * against the {@code none} baseline measured in the same run.
 */
package io.github.neo4jbackup.benchmarks.jmh;
