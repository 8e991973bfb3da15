/**
 * Implementation details of the core (streams, key templates, locks). Not API: may change in any release.
 */
package io.github.neo4jbackup.core.internal;
