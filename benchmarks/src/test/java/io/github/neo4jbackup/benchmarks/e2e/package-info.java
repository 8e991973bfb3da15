/**
 * The end-to-end suite's smoke run, part of the build.
 */
package io.github.neo4jbackup.benchmarks.e2e;
