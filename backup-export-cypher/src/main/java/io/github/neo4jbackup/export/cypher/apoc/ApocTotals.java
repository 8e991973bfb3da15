package io.github.neo4jbackup.export.cypher.apoc;

import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.export.cypher.schema.DatabaseSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The APOC export compared with the database: APOC 5.26 reports running totals of the exported
 * nodes and relationships on each row, and the totals of the last row must match the database's
 * counts (count store) taken before or after the export, or lie between them when the database
 * changed. A stream that ended early (APOC's producer failing or timing out ends the stream without
 * an error) thus fails the backup instead of storing a truncated script. Also tells whether the
 * database changed during the export (counts, labels, types or schema).
 */
final class ApocTotals {

    private static final Logger LOG = LoggerFactory.getLogger(ApocCypherSource.class);

    private ApocTotals() {
    }

    /** {@link #check(String, long, long, long, String, GraphCounts, GraphCounts)} for what a copy saw. */
    static GraphCounts check(String database, ApocScript.Copy copy, GraphCounts before, GraphCounts after) {
        return check(database, copy.rows(), copy.nodes(), copy.relationships(), copy.apocSource(), before, after);
    }

    /**
     * Compares APOC's totals (those of its last row) with the database counts taken before and after
     * the export, and picks the counts for the manifest.
     *
     * @throws SourceFailedException when APOC exported fewer or more entities than the database had
     */
    static GraphCounts check(String database, long rows, long apocNodes, long apocRelationships,
                             String apocSource, GraphCounts before, GraphCounts after) {
        if (rows == 0) {
            if (before.nodes() == 0 && before.relationships() == 0 && after.nodes() == 0 && after.relationships() == 0) {
                return after;
            }
            throw new SourceFailedException("APOC returned no rows for database '" + database + "', which has "
                    + before.nodes() + " nodes: the export produced nothing. Nothing was stored. Check the server log; "
                    + "or use " + ApocFailures.DRIVER_ALTERNATIVE + ".", null);
        }
        long nodes = Math.max(0, apocNodes);
        long relationships = Math.max(0, apocRelationships);
        if (nodes == before.nodes() && relationships == before.relationships()) {
            return before;
        }
        if (nodes == after.nodes() && relationships == after.relationships()) {
            return after;
        }
        boolean changed = before.nodes() != after.nodes() || before.relationships() != after.relationships();
        boolean between = nodes >= Math.min(before.nodes(), after.nodes()) && nodes <= Math.max(before.nodes(), after.nodes())
                && relationships >= Math.min(before.relationships(), after.relationships())
                && relationships <= Math.max(before.relationships(), after.relationships());
        if (changed && between) {
            return new GraphCounts(nodes, relationships, after.labels(), after.types());
        }
        throw new SourceFailedException("APOC exported " + nodes + " nodes and " + relationships + " relationships of "
                + "database '" + database + "' in " + rows + " rows, but the database had " + before.nodes() + " / "
                + before.relationships() + " before and " + after.nodes() + " / " + after.relationships()
                + " after the export" + (apocSource == null ? "" : " (APOC: " + apocSource + ")")
                + ". The stream is incomplete (APOC ends a streaming export early without an error when its producer "
                + "fails or times out) or the database changed during the export. Nothing was stored; run the backup "
                + "again while the database is quiet, or raise apocTimeout.", null);
    }

    /**
     * Whether the database changed while APOC exported it (counts, labels, types or schema); logs a
     * warning when it did.
     */
    static boolean changed(String database, GraphCounts before, GraphCounts after, DatabaseSchema schema,
                           DatabaseSchema schemaAfter) {
        boolean changed = before.nodes() != after.nodes() || before.relationships() != after.relationships()
                || !before.labels().equals(after.labels()) || !before.types().equals(after.types())
                || !schema.fingerprint().equals(schemaAfter.fingerprint());
        if (changed) {
            LOG.warn("Database '{}' changed while APOC exported it (before: {} nodes, {} relationships, schema {}; "
                            + "after: {} nodes, {} relationships, schema {}): the backup is not a consistent snapshot",
                    database, before.nodes(), before.relationships(), schema.fingerprint(), after.nodes(),
                    after.relationships(), schemaAfter.fingerprint());
        }
        return changed;
    }
}
