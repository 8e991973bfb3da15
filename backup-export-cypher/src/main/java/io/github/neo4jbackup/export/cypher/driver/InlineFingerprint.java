package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprinter;
import org.neo4j.driver.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The content fingerprint of a driver export, computed while it streams. The closure keeps every
 * relationship's end nodes in the backup, so only a failing temporary file leaves the backup without
 * a content fingerprint (with a warning) instead of failing it.
 */
final class InlineFingerprint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DriverExportSource.class);

    private final String database;
    private GraphFingerprinter fingerprinter = GraphFingerprinter.open();
    private String hex;
    private boolean danglingRelationship;

    InlineFingerprint(String database) {
        this.database = database;
    }

    void node(long key, List<String> labels, Map<String, Value> properties, Map<String, String> storedTypes) {
        if (fingerprinter != null) {
            try {
                fingerprinter.node(key, labels, properties, storedTypes);
            } catch (UncheckedIOException | IllegalStateException e) {
                give(e);
            }
        }
    }

    void relationship(long start, long end, String type, Map<String, Value> properties,
                      Map<String, String> storedTypes) {
        if (fingerprinter != null) {
            try {
                fingerprinter.relationship(start, end, type, properties, storedTypes);
            } catch (IllegalStateException e) {
                danglingRelationship = true;
                give(e);
            } catch (UncheckedIOException e) {
                give(e);
            }
        }
    }

    void finish() {
        if (fingerprinter != null) {
            hex = fingerprinter.finish().hex();
        }
    }

    /** The fingerprint in hex after {@link #finish()}; {@code null} when it was given up. */
    String hex() {
        return hex;
    }

    /** Whether a relationship referred to a node the fingerprint had not seen. */
    boolean danglingRelationship() {
        return danglingRelationship;
    }

    private void give(RuntimeException e) {
        LOG.warn("The backup of database '{}' gets no content fingerprint: {}", database, e.getMessage());
        close();
    }

    @Override
    public void close() {
        if (fingerprinter != null) {
            fingerprinter.close();
            fingerprinter = null;
        }
    }
}
