/**
 * Reusable test support for implementations of this library's SPIs.
 *
 * <p>{@link io.github.neo4jbackup.testkit.StorageTargetContract} is the conformance suite every
 * {@link io.github.neo4jbackup.core.spi.StorageTarget} must pass: extend it in a JUnit 5 test,
 * return a fresh, empty target from {@code newTarget()}, and override the hooks that describe what
 * the target supports (metadata, cheap listings, clock tolerance).
 *
 * <p>{@link io.github.neo4jbackup.testkit.FaultyTcpProxy} is a loopback TCP proxy that injects
 * network faults (resets after N bytes, stalls, cut connections, canned answers) between a client
 * and a real server, for fault tests of sources (Bolt) and targets (S3).
 *
 * <p>{@link io.github.neo4jbackup.testkit.Neo4jServerProcess} runs a real Neo4j Community server
 * (5.x, or a calendar version such as 2026.08.1 on a Java 21+ JDK that
 * {@link io.github.neo4jbackup.testkit.JavaHomes} finds) as a separate process from jars a build
 * copied out of Maven Central, with a generated {@code bin/neo4j-admin} and, optionally, a linked
 * plugins folder (APOC for the benchmarks' end-to-end suite).
 *
 * <p>This module depends on JUnit Jupiter and AssertJ at compile scope; add it with
 * {@code <scope>test</scope>}.
 */
package io.github.neo4jbackup.testkit;
