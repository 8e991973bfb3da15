package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.export.cypher.CypherLanguage;
import io.github.neo4jbackup.export.cypher.internal.StallWatchdog;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps a driver export self-consistent while the database is written: every relationship in the
 * backup has both end nodes in it. Neo4j reads at read-committed isolation, so the relationship
 * scan of the export's transaction sees relationships committed after the node scan passed their
 * end nodes. In the same transaction, after the node scan:
 * <ol>
 *   <li><b>closure pass</b>: one aggregate over all node ids ({@value #CHECK_QUERY}) is compared
 *       with the same figures of the node scan: the number of nodes and two sums of the ids (one
 *       modulo a prime, one of a mixed product modulo another; every term stays below 1,000,037,
 *       so the sums cannot overflow below trillions of nodes). When they are equal, no node was
 *       created or deleted since the scan and nothing else is read. Otherwise a light scan of the node ids
 *       ({@value #NODE_IDS_QUERY}) collects the ones the node scan did not export; those nodes are
 *       read by id ({@value #NODES_BY_ID_QUERY}, {@value #BATCH} at a time) and written after the
 *       scanned nodes. A node deleted in between is simply not found. The aggregate costs one
 *       record instead of one per node, which is most of the pass's time when nothing changed.</li>
 *   <li><b>relationship scan</b>: a relationship whose end node is still not in the backup (it was
 *       created after the closure pass, or the figures matched by coincidence) is
 *       <em>dropped</em> at export time and counted.</li>
 * </ol>
 * Both sets of ids are {@link NodeIdSet}s (a bit per id), so memory stays bounded by the highest
 * node id, not by a hash set of the graph. Within one transaction Neo4j does not hand out the id
 * of a node deleted during it again, so an id names one node for the whole export. The counts go
 * into the manifest: {@value #CLOSURE_NODES}, {@value #DROPPED_RELATIONSHIPS},
 * {@value #DUPLICATE_NODES} (only when not zero) and {@value #CLOSURE_MILLIS}.
 */
final class ExportClosure {

    private static final Logger LOG = LoggerFactory.getLogger(ExportClosure.class);

    static final String CHECK_QUERY = CypherLanguage.PREFIX + "MATCH (n) RETURN count(n) AS c, "
            + "sum(id(n) % 1000003) AS a, sum((id(n) % 999983) * (id(n) % 1000033) % 1000037) AS b";
    static final String NODE_IDS_QUERY = CypherLanguage.PREFIX + "MATCH (n) RETURN id(n) AS k";
    static final String NODES_BY_ID_QUERY = CypherLanguage.PREFIX + "MATCH (n) WHERE id(n) IN $ids "
            + "RETURN id(n) AS k, labels(n) AS l, properties(n) AS p";
    static final int BATCH = 1000;

    /** Manifest attribute: nodes added by the closure pass (created during the export, referred to by relationships). */
    static final String CLOSURE_NODES = "consistency.closureNodes";
    /** Manifest attribute: relationships dropped at export time because an end node is not in the backup. */
    static final String DROPPED_RELATIONSHIPS = "consistency.droppedRelationships";
    /** Manifest attribute: nodes the node scan returned twice and that were written once. */
    static final String DUPLICATE_NODES = "consistency.duplicateNodesSkipped";
    /** Manifest attribute: how long the closure pass took. */
    static final String CLOSURE_MILLIS = "consistency.closurePassMillis";
    /** Manifest attribute: {@code unchanged} when the node ids at the closure pass were those of the node scan, else {@code changed}. */
    static final String CLOSURE_CHECK = "consistency.closureCheck";

    /** Writes one node into the backup. */
    @FunctionalInterface
    interface NodeWriter {
        void node(long key, Value labels, Value properties) throws IOException;
    }

    private final String database;
    private final NodeIdSet exported = new NodeIdSet();
    private NodeIdSet missing = new NodeIdSet();
    private long duplicateNodes;
    private long closureNodes;
    private long closureNodesGone;
    private long droppedRelationships;
    private long closureMillis;
    /** The node scan's figures, compared with {@link #CHECK_QUERY}'s. */
    private long scannedCount;
    private long scannedSumA;
    private long scannedSumB;
    private Boolean nodesChanged;

    ExportClosure(String database) {
        this.database = database;
    }

    /**
     * Records a node of the node scan.
     *
     * @return {@code false} when the scan returned this node before (it must not be written again)
     */
    boolean exported(long key) {
        if (exported.add(key)) {
            scannedCount++;
            scannedSumA += key % 1_000_003L;
            scannedSumB += (key % 999_983L) * (key % 1_000_033L) % 1_000_037L;
            return true;
        }
        duplicateNodes++;
        return false;
    }

    /**
     * Runs the closure pass in the export's transaction: when the node ids changed since the node
     * scan, finds the nodes that the scan did not export, reads them and writes them with
     * {@code writer}.
     */
    void close(Transaction tx, StallWatchdog watchdog, NodeWriter writer) throws IOException {
        long started = System.nanoTime();
        Record figures = watchdog.call("the node ids' figures", () -> tx.run(CHECK_QUERY).single());
        nodesChanged = figures.get("c").asLong() != scannedCount || figures.get("a").asLong(0) != scannedSumA
                || figures.get("b").asLong(0) != scannedSumB;
        if (nodesChanged) {
            Result ids = watchdog.call("the node ids", () -> tx.run(NODE_IDS_QUERY));
            while (watchdog.hasNext(ids, "the node ids")) {
                long id = ids.next().get(0).asLong();
                if (!exported.contains(id)) {
                    missing.add(id);
                }
            }
        }
        if (missing.size() > 0) {
            long wanted = missing.size();
            List<Long> batch = new ArrayList<>(BATCH);
            IOException[] failure = {null};
            missing.forEach(id -> {
                if (failure[0] != null) {
                    return;
                }
                batch.add(id);
                if (batch.size() == BATCH) {
                    failure[0] = fetch(tx, watchdog, batch, writer);
                    batch.clear();
                }
            });
            if (failure[0] == null && !batch.isEmpty()) {
                failure[0] = fetch(tx, watchdog, batch, writer);
            }
            if (failure[0] != null) {
                throw failure[0];
            }
            closureNodesGone = wanted - closureNodes;
            LOG.info("Database '{}' changed during the export: {} nodes created after the node scan were added to the "
                    + "backup{}", database, closureNodes, closureNodesGone == 0 ? ""
                    : " (" + closureNodesGone + " more were deleted before they could be read)");
        }
        missing = null;
        closureMillis = (System.nanoTime() - started) / 1_000_000;
    }

    private IOException fetch(Transaction tx, StallWatchdog watchdog, List<Long> ids, NodeWriter writer) {
        try {
            Result nodes = watchdog.call("the nodes created during the export",
                    () -> tx.run(NODES_BY_ID_QUERY, Map.of("ids", List.copyOf(ids))));
            while (watchdog.hasNext(nodes, "the nodes created during the export")) {
                Record r = nodes.next();
                long key = r.get(0).asLong();
                if (exported.add(key)) {
                    writer.node(key, r.get(1), r.get(2));
                    closureNodes++;
                }
            }
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    /**
     * Whether a relationship of the relationship scan goes into the backup: both end nodes are in
     * it. Otherwise it is counted as dropped.
     */
    boolean keep(long start, long end) {
        if (exported.contains(start) && exported.contains(end)) {
            return true;
        }
        if (droppedRelationships++ == 0) {
            LOG.warn("Database '{}' changed during the export: a relationship between node ids {} and {} refers to a "
                    + "node created after the closure pass; it is left out of the backup (dropped relationships are "
                    + "counted in {})", database, start, end, DROPPED_RELATIONSHIPS);
        }
        return false;
    }

    /**
     * Whether the export saw the database change (node ids different at the closure pass, nodes
     * added, relationships dropped or nodes read twice).
     */
    boolean sawChange() {
        return closureNodes > 0 || closureNodesGone > 0 || droppedRelationships > 0 || duplicateNodes > 0
                || Boolean.TRUE.equals(nodesChanged);
    }

    long closureNodes() {
        return closureNodes;
    }

    long droppedRelationships() {
        return droppedRelationships;
    }

    /** The manifest attributes of the closure. */
    Map<String, String> attributes() {
        Map<String, String> a = new TreeMap<>();
        a.put(CLOSURE_NODES, Long.toString(closureNodes));
        a.put(DROPPED_RELATIONSHIPS, Long.toString(droppedRelationships));
        a.put(CLOSURE_MILLIS, Long.toString(closureMillis));
        if (nodesChanged != null) {
            a.put(CLOSURE_CHECK, nodesChanged ? "changed" : "unchanged");
        }
        if (duplicateNodes > 0) {
            a.put(DUPLICATE_NODES, Long.toString(duplicateNodes));
        }
        return a;
    }

    /** A sentence for the change warning. */
    String describe() {
        return closureNodes + " nodes created during the export added by the closure pass, " + droppedRelationships
                + " relationships to nodes created later dropped";
    }
}
