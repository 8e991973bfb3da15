package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.core.RestoreFailedException;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.export.cypher.census.StoredTypeCensus;
import io.github.neo4jbackup.export.cypher.restore.RestorePhases;
import io.github.neo4jbackup.export.cypher.schema.EntityType;
import io.github.neo4jbackup.export.cypher.schema.IndexDefinition;
import io.github.neo4jbackup.export.cypher.schema.SchemaStatements;
import io.github.neo4jbackup.export.cypher.schema.SchemaWriter;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.TransactionConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * One driver restore's data load, after the target was checked: reads the stream on the calling
 * thread and hands batches to {@link BatchWriters}. Phases, each timed:
 * <ol>
 *   <li>{@code schema}: constraints and LOOKUP indexes (they come first in the stream) before the data,
 *       so uniqueness holds while loading and a duplicate fails the restore; the constraints together
 *       in one schema transaction ({@link SchemaWriter#applyTogether});</li>
 *   <li>{@code nodes}: batches per label set on {@code writers} sessions; each batch returns the
 *       internal ids the target gave, kept in a {@link NodeIdMap};</li>
 *   <li>{@code relationships}: batches by internal id on {@code relationshipWriters} sessions
 *       (concurrent batches may lock the same nodes: a deadlock is a transient failure the driver
 *       retries). At the same time, on a thread of its own, the other indexes on nodes are created
 *       together in one transaction, as soon as every node batch committed; the server populates them
 *       (one scan of the node store) while the relationships are written, which do not change them;</li>
 *   <li>{@code indexes}: waits until the node indexes were created, then creates the indexes on
 *       relationships (and any index statement this version cannot read) together, once the stream
 *       was read to its verified end; {@link RestoreCheck} waits for all indexes while it reads the
 *       fingerprints.</li>
 * </ol>
 * A failure to create the node indexes fails the restore: noticed while the relationships load, no
 * batch is submitted after it and the message says how many nodes and relationships were committed;
 * noticed after the data, the message says that all data was written but the indexes failed. A
 * failed batch waits for the node index creation to end before the restore reports it.
 * Every batch but the last is written while reading; the last only after the trailer was read and the
 * stream's end reached (where the pipeline's verifying stream checks the checksum).
 */
final class GraphLoad {

    private static final Logger LOG = LoggerFactory.getLogger(DriverRestoreSink.class);
    private static final int QUERY_CACHE_SIZE = 1024;
    /** The pattern of an index on nodes, {@code FOR (n:Label...}, in a statement the schema parser does not read. */
    private static final Pattern NODE_PATTERN = Pattern.compile("(?i)\\bFOR\\s*\\(\\s*[^\\s:()]+\\s*:");
    /** Node id map pages kept on the heap (each 32 KiB: 1024 pages = 32 MiB, 4 Mi node keys); more go to a file. */
    private static final int HEAP_PAGES = 1024;

    private final Driver driver;
    private final String database;
    private final String what;
    private final int batchSize;
    private final long batchChars;
    private final int writers;
    private final int relationshipWriters;
    private final TransactionConfig txConfig;
    private final SchemaPlan schemaPlan;
    private final RestorePhases phases;
    final Float32Writes float32;

    private final List<GraphRecord.SchemaStatement> indexes = new ArrayList<>();
    private final List<String> beforeData = new ArrayList<>();
    private final Map<LoadBatches.Group<List<String>>, String> nodeQueries = lru();
    private final Map<LoadBatches.Group<String>, String> relationshipQueries = lru();
    private final AtomicLong nodesCreated = new AtomicLong();
    private final AtomicLong relationshipsCreated = new AtomicLong();
    private final AtomicLong relationshipsMissing = new AtomicLong();
    private long relationshipsUnresolved;
    private long retries;
    long schemaApplied;
    GraphRecord.Trailer trailer;
    boolean touched;
    boolean dataComplete;

    private String phase;
    /** Creating the indexes on nodes, on its own thread while the relationships load; null when done. */
    private FutureTask<Integer> nodeIndexes;
    private NodeIdMap ids;
    private BatchWriters pool;
    private LoadBatches.NodeBatch nodeBatch;
    private LoadBatches.RelationshipBatch relationshipBatch;
    private boolean relationshipsStarted;

    GraphLoad(Driver driver, String database, String what, int batchSize, long batchChars, int writers,
              int relationshipWriters, TransactionConfig txConfig, SchemaPlan schemaPlan,
              RestorePhases phases) {
        this.driver = driver;
        this.database = database;
        this.what = what;
        this.batchSize = batchSize;
        this.batchChars = batchChars;
        this.writers = writers;
        this.relationshipWriters = relationshipWriters;
        this.txConfig = txConfig;
        this.schemaPlan = schemaPlan;
        this.phases = phases;
        this.float32 = new Float32Writes(what, database);
    }

    long nodesCreated() {
        return nodesCreated.get();
    }

    long relationshipsCreated() {
        return relationshipsCreated.get();
    }

    long relationshipsSkipped() {
        return relationshipsUnresolved + relationshipsMissing.get();
    }

    /** Transactions the driver retried after transient failures (deadlocks between concurrent batches). */
    long retries() {
        return retries + (pool == null ? 0 : pool.retries());
    }

    void run(GraphFileReader reader) throws IOException {
        ids = new NodeIdMap(HEAP_PAGES);
        try (Session session = driver.session(SessionConfig.builder().withDatabase(database)
                .withDefaultAccessMode(AccessMode.WRITE).build())) {
            GraphRecord record;
            while ((record = schemaPlan.next(reader)) != null) {
                if (record instanceof GraphRecord.SchemaStatement s) {
                    phase("schema");
                    if (s.kind() == GraphRecord.SchemaKind.INDEX) {
                        indexes.add(s);
                    } else {
                        beforeData.add(s.cypher()); // LOOKUP indexes and constraints, applied before the data
                    }
                    continue;
                }
                applyBeforeData();
                if (record instanceof GraphRecord.Node n) {
                    addNode(session, n, reader.lastLineChars());
                } else if (record instanceof GraphRecord.Relationship r) {
                    addRelationship(session, r, reader.lastLineChars());
                } else if (record instanceof GraphRecord.Trailer t) {
                    trailer = t;
                }
            }
            applyBeforeData();
            // The stream was read to its verified end: only now write the last batch and finish.
            if (!relationshipsStarted) {
                finishNodes();
            }
            submitRelationships();
            if (pool != null) {
                pool.await();
            }
            dataComplete = true;
            phase("indexes");
            checkNodeIndexes(true);
            schemaApplied += createIndexes(indexes); // populated while the restore is checked (RestoreCheck)
            indexes.clear();
        } finally {
            closePool();
            ids.close();
            abandonNodeIndexes();
        }
    }

    /** The constraints and LOOKUP indexes read so far, before the first node. */
    private void applyBeforeData() {
        if (beforeData.isEmpty()) {
            return;
        }
        touched = true;
        SchemaWriter.applyTogether(driver, database, beforeData);
        schemaApplied += beforeData.size();
        beforeData.clear();
    }

    private void phase(String name) {
        if (!name.equals(phase)) {
            phase = name;
            phases.start(name);
        }
    }

    private BatchWriters pool(int threads, String kind) {
        if (pool == null) {
            touched = true;
            pool = new BatchWriters(driver, database, threads, txConfig, "restore-" + kind);
        }
        return pool;
    }

    private void closePool() {
        if (pool != null) {
            retries += pool.retries();
            pool.close();
            pool = null;
        }
    }

    private void addNode(Session session, GraphRecord.Node n, int chars) throws IOException {
        if (relationshipsStarted) {
            throw new IOException("node " + n.key() + " comes after the relationships; the stream is not in the "
                    + "order the driver engine writes");
        }
        phase("nodes");
        if (nodeBatch != null && (nodeBatch.rows >= batchSize || nodeBatch.chars + chars > batchChars)) {
            pool(writers, "nodes").submit(nodeBatch);
            nodeBatch = null;
        }
        if (nodeBatch == null) {
            nodeBatch = new LoadBatches.NodeBatch(ids, nodesCreated);
        }
        Map<String, Object> row = new HashMap<>(4);
        row.put("k", n.key());
        boolean vectors = float32.split(session, row, n.properties(), n.storedTypes(), true,
                n.storedTypes().isEmpty() ? null : StoredTypeCensus.nodeName(n.labels()));
        String query = nodeQueries.computeIfAbsent(new LoadBatches.Group<>(n.labels(), vectors), LoadBatches::nodeQuery);
        nodeBatch.add(query, row, chars);
    }

    /**
     * Submits the last node batch and waits until every node batch committed (relationships need
     * their ids); then creates the indexes on nodes, which populate while the relationships are written.
     */
    private void finishNodes() {
        if (nodeBatch != null) {
            pool(writers, "nodes").submit(nodeBatch);
            nodeBatch = null;
        }
        if (pool != null) {
            pool.await();
        }
        closePool();
        List<GraphRecord.SchemaStatement> onNodes = indexes.stream().filter(GraphLoad::onNodes).toList();
        if (!onNodes.isEmpty()) {
            indexes.removeAll(onNodes);
            touched = true;
            nodeIndexes = new FutureTask<>(() -> createIndexes(onNodes));
            Thread t = new Thread(nodeIndexes, "restore-node-indexes");
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * Rethrows the failure of the node index creation once it is known (waiting for it first if
     * {@code wait}), so that the restore fails: while the relationships load, with the numbers
     * committed so far; after the data, as a failure to create the indexes.
     */
    private void checkNodeIndexes(boolean wait) {
        if (nodeIndexes == null || (!wait && !nodeIndexes.isDone())) {
            return;
        }
        FutureTask<Integer> task = nodeIndexes;
        nodeIndexes = null;
        try {
            schemaApplied += task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the indexes on nodes", e);
        }
    }

    /**
     * After another failure: waits until the node index creation ends, so that nothing of this restore
     * still runs when it reports its failure (which is the one reported; the database is partial anyway).
     */
    private void abandonNodeIndexes() {
        if (nodeIndexes == null) {
            return;
        }
        try {
            nodeIndexes.get();
        } catch (ExecutionException e) {
            LOG.info("Restore of {}: creating the indexes on nodes failed too: {}", what, e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            nodeIndexes = null;
        }
    }

    /** Whether the statement creates an index on nodes: by its definition, or by its pattern {@code FOR (n:...}. */
    private static boolean onNodes(GraphRecord.SchemaStatement s) {
        return SchemaStatements.parse(s.cypher()).map(d -> d instanceof IndexDefinition i
                && i.entityType() == EntityType.NODE).orElseGet(() -> NODE_PATTERN.matcher(s.cypher()).find());
    }

    private void addRelationship(Session session, GraphRecord.Relationship r, int chars) {
        if (!relationshipsStarted) {
            finishNodes();
            relationshipsStarted = true;
        }
        phase("relationships");
        long start = ids.get(r.start());
        long end = ids.get(r.end());
        if (start < 0 || end < 0) {
            if (relationshipsUnresolved++ == 0) {
                LOG.error("Restore of {}: a relationship refers to node {}, which is not in the backup; the restore "
                        + "will fail", what, start < 0 ? r.start() : r.end());
            }
            return;
        }
        if (relationshipBatch != null && (relationshipBatch.rows >= batchSize
                || relationshipBatch.chars + chars > batchChars)) {
            checkNodeIndexes(false);
            pool(relationshipWriters, "relationships").submit(relationshipBatch);
            relationshipBatch = null;
        }
        if (relationshipBatch == null) {
            relationshipBatch = new LoadBatches.RelationshipBatch(relationshipsCreated, relationshipsMissing);
        }
        Map<String, Object> row = new HashMap<>(4);
        row.put("s", start);
        row.put("e", end);
        boolean vectors = float32.split(session, row, r.properties(), r.storedTypes(), false,
                r.storedTypes().isEmpty() ? null : StoredTypeCensus.relationshipName(r.type()));
        String query = relationshipQueries.computeIfAbsent(new LoadBatches.Group<>(r.type(), vectors),
                LoadBatches::relationshipQuery);
        relationshipBatch.add(query, row, chars);
    }

    private void submitRelationships() {
        if (relationshipBatch != null) {
            pool(relationshipWriters, "relationships").submit(relationshipBatch);
            relationshipBatch = null;
        }
    }

    /**
     * Creates indexes that follow the data in one schema transaction, so the server populates them
     * in one scan of the store; if that transaction fails, one by one, for a message naming the statement.
     * Runs on the reader's thread or, for the indexes on nodes, on one of its own.
     *
     * @return the number of statements applied
     */
    private int createIndexes(List<GraphRecord.SchemaStatement> indexes) {
        List<String> statements = indexes.stream().map(GraphRecord.SchemaStatement::cypher)
                .filter(s -> !s.isBlank()).toList();
        SchemaWriter.applyTogether(driver, database, statements, txConfig);
        return statements.size();
    }

    /**
     * Fails the restore when it did not create everything the backup holds: relationships whose
     * end nodes are not in the backup (a backup of an older version taken while the database
     * changed), or totals that differ from the trailer's.
     */
    void requireComplete() {
        long nodes = nodesCreated();
        long relationships = relationshipsCreated();
        long skipped = relationshipsSkipped();
        if (skipped == 0 && nodes == trailer.nodes() && relationships == trailer.relationships()) {
            return;
        }
        throw new RestoreFailedException("Restore of " + what + " into database '" + database + "' could not "
                + "create everything the backup holds: it created " + nodes + " of " + trailer.nodes()
                + " nodes and " + relationships + " of " + trailer.relationships() + " relationships"
                + (skipped > 0 ? " (" + skipped + " relationships refer to nodes that are "
                + "not in the backup: it was taken while the database changed, by a version without the export "
                + "closure)" : "") + ". The database holds this incomplete restore; do not use it as a copy of the "
                + "backup: wipe it and restore another backup, or keep it knowing what is missing.", null,
                GraphCounts.of(trailer.nodes(), trailer.relationships()), GraphCounts.of(nodes, relationships));
    }

    /** The message for a failure, saying whether the database holds a partial restore and what it holds. */
    String partial(String cause, boolean wiped) {
        String c = cause == null ? "unknown error" : cause.strip();
        while (c.endsWith(".")) {
            c = c.substring(0, c.length() - 1);
        }
        if (!touched) {
            return "Restore of " + what + " into database '" + database + "' failed before anything was written: "
                    + c + "." + (wiped ? " The database had been wiped and is empty." : "");
        }
        if (dataComplete) {
            return "Restore of " + what + " into database '" + database + "' wrote all data (" + nodesCreated()
                    + " nodes, " + relationshipsCreated() + " relationships), but creating or populating the "
                    + "indexes failed: " + c + ". Check SHOW INDEXES and create the missing ones, or wipe the "
                    + "database and restore again.";
        }
        return "Restore of " + what + " into database '" + database + "' failed: " + c + ". The database now "
                + "holds a PARTIAL restore: " + nodesCreated() + " nodes and " + relationshipsCreated()
                + " relationships were committed (the backup holds " + (trailer == null ? "more"
                : trailer.nodes() + " nodes and " + trailer.relationships() + " relationships") + "). Do not use it: "
                + "wipe it and restore a good backup again (e.g. with wipe(true)).";
    }

    /** Attributes describing the load. */
    Map<String, String> attributes() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("restore.nodesCreated", Long.toString(nodesCreated()));
        a.put("restore.relationshipsCreated", Long.toString(relationshipsCreated()));
        a.put("restore.schemaStatements", Long.toString(schemaApplied));
        a.put("restore.writers", writers + "/" + relationshipWriters);
        a.put("restore.retries", Long.toString(retries()));
        return a;
    }

    private static <K> Map<K, String> lru() {
        return new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, String> eldest) {
                return size() > QUERY_CACHE_SIZE;
            }
        };
    }
}
