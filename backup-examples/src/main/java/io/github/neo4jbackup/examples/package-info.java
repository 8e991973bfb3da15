/**
 * Compiled examples of embedding the library, and the demo run by the README's first command.
 */
package io.github.neo4jbackup.examples;
