/**
 * The backup manifest: the record written last for each backup, and its JSON codec.
 * The format is documented in {@code docs/manifest.md}.
 */
package io.github.neo4jbackup.core.manifest;
