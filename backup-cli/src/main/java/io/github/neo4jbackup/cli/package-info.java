/**
 * The {@code neo4j-backup} command line: a thin picocli adapter that translates flags into
 * {@link io.github.neo4jbackup.core.BackupPipeline} builder calls, prints one JSON document with
 * {@code --json}, and maps failures to documented exit codes (see {@code docs/cli.md}). Not an API:
 * embed the library instead of calling these classes.
 */
package io.github.neo4jbackup.cli;
