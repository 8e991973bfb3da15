/**
 * End-to-end measurements run by hand (not part of the test suite): each prints absolute figures
 * and ratios against a baseline measured in the same run.
 */
package io.github.neo4jbackup.benchmarks;
