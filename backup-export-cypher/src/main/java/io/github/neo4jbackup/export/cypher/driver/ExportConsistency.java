package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.spi.GraphCounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.TreeMap;

/**
 * The consistency verdict of a driver export, once its transaction ended: the database changed
 * during the export when the count-store counts before and after differ, the exported counts differ
 * from those after, the fingerprint met a relationship to a node it had not seen, or the
 * {@link ExportClosure closure} had work to do. Gives the consistency attributes of the manifest,
 * and warns about a change or fails on it.
 */
final class ExportConsistency {

    private static final Logger LOG = LoggerFactory.getLogger(DriverExportSource.class);

    private ExportConsistency() {
    }

    /**
     * The consistency attributes of an export, the closure's included.
     *
     * @param database               the database exported
     * @param before                 the count-store counts before the export
     * @param exported               what the backup holds
     * @param after                  the count-store counts after the export
     * @param closure                the export's closure
     * @param danglingRelationship   whether the fingerprint met a relationship to a node it had not seen
     * @param failOnConcurrentChange whether a change fails the export (otherwise it is logged)
     * @return the attributes (sorted by name)
     * @throws SourceFailedException when the database changed and {@code failOnConcurrentChange} is set
     */
    static Map<String, String> attributes(String database, GraphCounts before, GraphCounts exported,
                                          GraphCounts after, ExportClosure closure, boolean danglingRelationship,
                                          boolean failOnConcurrentChange) {
        boolean changed = !before.equals(after) || !exported.equals(after) || danglingRelationship
                || closure.sawChange();
        Map<String, String> attributes = new TreeMap<>(closure.attributes());
        attributes.put(Attributes.CONSISTENCY, "single-read-transaction");
        attributes.put(Attributes.CHANGED_DURING_EXPORT, Boolean.toString(changed));
        attributes.put("consistency.countsBefore", describe(before));
        attributes.put("consistency.countsAfter", describe(after));
        if (changed) {
            String message = "Database '" + database + "' changed during the export (counts before: "
                    + describe(before) + "; exported: " + describe(exported) + "; after: " + describe(after)
                    + "; " + closure.describe() + "). Neo4j reads at read-committed isolation, so the backup is "
                    + "self-consistent (every relationship's end nodes are in it) but not a point-in-time copy";
            if (failOnConcurrentChange) {
                throw new SourceFailedException(message + ". Run the backup again when the application does not "
                        + "write, or allow such backups with failOnConcurrentChange(false).", null);
            }
            LOG.warn("{}; the export is marked {}=true (the change policy decides whether it is kept).", message,
                    Attributes.CHANGED_DURING_EXPORT);
        }
        return attributes;
    }

    /** Counts for messages and attributes: {@code "3 nodes {A=3}, 2 relationships {R=2}"}. */
    static String describe(GraphCounts counts) {
        return counts.nodes() + " nodes " + counts.labels() + ", " + counts.relationships() + " relationships "
                + counts.types();
    }
}
