/**
 * Health checks over a repository's backups, usable from a health endpoint, a monitoring job or
 * the command line ({@code neo4j-backup list --max-age 26h}): is the newest backup recent enough
 * and large enough? Pure functions over {@link io.github.neo4jbackup.core.manifest.Manifest}s; no I/O.
 */
package io.github.neo4jbackup.core.health;
