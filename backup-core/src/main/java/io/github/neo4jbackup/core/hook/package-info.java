/**
 * Built-in {@link io.github.neo4jbackup.core.spi.BackupHook}s: run commands (argument vectors,
 * never a shell), call Java callbacks, or declare the database already offline.
 */
package io.github.neo4jbackup.core.hook;
