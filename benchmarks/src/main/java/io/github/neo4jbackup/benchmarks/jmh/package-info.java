/**
 * JMH micro-benchmarks of the streaming hot path without a database or a disk: the driver-only
 * backup format ({@link io.github.neo4jbackup.benchmarks.jmh.GraphFormatBenchmark}), the transformer
 * chains ({@link io.github.neo4jbackup.benchmarks.jmh.TransformerThroughputBenchmark}), the counting
 * and verifying checksum streams ({@link io.github.neo4jbackup.benchmarks.jmh.ChecksumBenchmark}) and
 * the pipeline's byte path ({@link io.github.neo4jbackup.benchmarks.jmh.PipelineCopyBenchmark}).
 * Each of ours has a baseline doing the same work with the raw library calls, measured in the same
 * run; {@link io.github.neo4jbackup.benchmarks.jmh.JmhReport} prints them as ratios. Run them with
 * {@code benchmarks/run-jmh.sh}.
 */
package io.github.neo4jbackup.benchmarks.jmh;
