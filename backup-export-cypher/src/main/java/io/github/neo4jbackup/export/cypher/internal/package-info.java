/**
 * Implementation details shared by the engines of this module; not API, may change without notice.
 */
package io.github.neo4jbackup.export.cypher.internal;
