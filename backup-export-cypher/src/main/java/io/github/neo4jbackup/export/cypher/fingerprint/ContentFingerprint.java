package io.github.neo4jbackup.export.cypher.fingerprint;

import java.util.Objects;

/**
 * The content fingerprint of a graph.
 *
 * @param hex           lower-case hex SHA-256 over the multiset of node and relationship fingerprints
 *                      and the two counts
 * @param nodes         number of nodes fingerprinted
 * @param relationships number of relationships fingerprinted
 */
public record ContentFingerprint(String hex, long nodes, long relationships) {

    /**
     * Creates a fingerprint value.
     *
     * @param hex           64 lower-case hex digits
     * @param nodes         node count
     * @param relationships relationship count
     */
    public ContentFingerprint {
        Objects.requireNonNull(hex, "hex");
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("Not a lower-case hex SHA-256: " + hex);
        }
    }

    @Override
    public String toString() {
        return hex + " (" + nodes + " nodes, " + relationships + " relationships)";
    }
}
