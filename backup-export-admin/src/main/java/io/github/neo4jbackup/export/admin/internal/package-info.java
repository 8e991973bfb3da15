/**
 * Not API: the process runner behind the neo4j-admin engine (argument vectors, stderr drained on
 * its own thread with the tail kept, timeouts, killing the whole process tree), the dump format
 * checker and the stream helpers. May change in any release.
 */
package io.github.neo4jbackup.export.admin.internal;
