package io.github.neo4jbackup.export.cypher.merge;

import io.github.neo4jbackup.export.cypher.CypherLanguage;
import io.github.neo4jbackup.export.cypher.CypherNames;
import io.github.neo4jbackup.export.cypher.census.StoredTypeCensus;
import io.github.neo4jbackup.export.cypher.driver.GraphFileReader;
import io.github.neo4jbackup.export.cypher.driver.GraphRecord;
import io.github.neo4jbackup.export.cypher.fingerprint.EntityFingerprint;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.Value;
import org.neo4j.driver.Values;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One pass of a {@link MergeRestore} over the backup stream: the checking pass (writes nothing,
 * classifies every selected node and relationship against the target) or the writing pass (classifies
 * each batch again inside its write transaction and writes it). At most one batch of records is held;
 * besides it, the pass keeps the merge key and lookup label of every selected node (to find the end
 * nodes of relationships, which come after all nodes in the stream). Not thread-safe.
 */
final class MergePass {

    private static final int MAX_BATCH_CHARS = 16 * 1024 * 1024;
    private static final String NODE_VECTORS = " WITH n, row UNWIND keys(coalesce(row.v, {})) AS vk CALL "
            + "db.create.setNodeVectorProperty(n, vk, row.v[vk])";
    private static final String RELATIONSHIP_VECTORS = " WITH r, row UNWIND keys(coalesce(row.v, {})) AS vk CALL "
            + "db.create.setRelationshipVectorProperty(r, vk, row.v[vk])";

    /** A selected node's merge key value and the label it is looked up by (null: not covered). */
    record Endpoint(Value key, String anchor) {
    }

    /** A node of the target found by its merge key. */
    private record TargetNode(String id, List<String> labels, Map<String, Value> properties,
                              Map<String, String> storedTypes) {
    }

    /** Thrown inside the writing pass when the target changed since the check in a way that stops it. */
    static final class ChangedSinceCheck extends Exception {
        private static final long serialVersionUID = 1L;

        ChangedSinceCheck(String message) {
            super(message, null, false, false);
        }
    }

    private final MergeRestore config;
    private final Driver driver;
    private final boolean write;
    private final KeyCoverage coverage;
    private final Map<Long, Endpoint> selected;
    private final Set<Value> seenKeys;
    private final Tally tally = new Tally();
    private final String quotedKey;
    private StoredTypeCensus census;
    private List<String> mixedNodeKeys;
    private List<String> mixedRelationshipKeys;
    private boolean nodeVectors;
    private boolean relationshipVectors;
    private final List<GraphRecord.Node> nodes = new ArrayList<>();
    private final List<GraphRecord.Relationship> relationships = new ArrayList<>();
    private long pendingChars;
    private Session session;

    /**
     * @param selected the selected nodes found by the checking pass (writing pass), or {@code null}
     *                 for the checking pass, which finds them
     */
    MergePass(MergeRestore config, Driver driver, KeyCoverage coverage, Map<Long, Endpoint> selected) {
        this.config = config;
        this.driver = driver;
        this.write = selected != null;
        this.coverage = coverage;
        this.selected = selected != null ? selected : new HashMap<>();
        this.seenKeys = selected != null ? null : new HashSet<>();
        this.quotedKey = CypherNames.quote(config.mergeKey());
    }

    Tally tally() {
        return tally;
    }

    Map<Long, Endpoint> selected() {
        return selected;
    }

    /**
     * Reads the stream to its end and closes it.
     *
     * @throws IOException        when the stream is not a valid backup
     * @throws ChangedSinceCheck  (writing pass) when the target changed so that the merge must stop
     */
    void run(InputStream in) throws IOException, ChangedSinceCheck {
        try (InputStream stream = in; Session s = driver.session(config.sessionConfig(write))) {
            this.session = s;
            census = StoredTypeCensus.read(s);
            mixedNodeKeys = census.mixedFloatArrayKeys(true);
            mixedRelationshipKeys = census.mixedFloatArrayKeys(false);
            if (write) {
                nodeVectors = procedure(s, "db.create.setNodeVectorProperty");
                relationshipVectors = procedure(s, "db.create.setRelationshipVectorProperty");
            }
            GraphFileReader reader = new GraphFileReader(stream);
            reader.header();
            GraphRecord record;
            while ((record = reader.next()) != null) {
                if (record instanceof GraphRecord.Node n) {
                    node(n, reader.lastLineChars());
                } else if (record instanceof GraphRecord.Relationship r) {
                    if (!nodes.isEmpty()) {
                        flushNodes();
                    }
                    relationship(r, reader.lastLineChars());
                }
            }
            // the stream was read to its verified end: only now the last batches
            flushNodes();
            flushRelationships();
        }
    }

    private static boolean procedure(Session s, String name) {
        try {
            return !s.run("SHOW PROCEDURES YIELD name WHERE name = $name RETURN name", Map.of("name", name))
                    .list().isEmpty();
        } catch (org.neo4j.driver.exceptions.ClientException e) {
            return true; // not allowed to list procedures: try, and fail loudly if it is missing
        }
    }

    private void node(GraphRecord.Node n, int chars) throws ChangedSinceCheck {
        Endpoint endpoint;
        if (write) {
            endpoint = selected.get(n.key());
            if (endpoint == null) {
                return;
            }
            tally.selectedNodes++;
        } else {
            if (!config.selection().test(n)) {
                return;
            }
            tally.selectedNodes++;
            Value key = n.properties().get(config.mergeKey());
            if (key == null || key.isNull()) {
                tally.nodesWithoutKey++;
                Tally.addFirst(tally.nodesWithoutKeyList, sorted(n.labels()) + " " + describe(n.properties()),
                        config.listLimit());
                return;
            }
            if (!seenKeys.add(key)) {
                tally.duplicateKeysInBackup++;
                Tally.addFirst(tally.duplicateKeysInBackupList, text(key), config.listLimit());
                return;
            }
            endpoint = new Endpoint(key, coverage.anchor(sorted(n.labels())));
            selected.put(n.key(), endpoint);
        }
        if (endpoint.anchor() == null) {
            return; // no constraint or index to find it by: the merge is refused
        }
        if (nodes.size() >= config.batchSize() || pendingChars + chars > MAX_BATCH_CHARS) {
            flushNodes();
        }
        nodes.add(n);
        pendingChars += chars;
    }

    private void relationship(GraphRecord.Relationship r, int chars) throws ChangedSinceCheck {
        Endpoint s = selected.get(r.start());
        Endpoint e = selected.get(r.end());
        if (s == null || e == null) {
            return;
        }
        tally.selectedRelationships++;
        if (s.anchor() == null || e.anchor() == null) {
            return;
        }
        if (relationships.size() >= config.batchSize() || pendingChars + chars > MAX_BATCH_CHARS) {
            flushRelationships();
        }
        relationships.add(r);
        pendingChars += chars;
    }

    // ---- nodes -------------------------------------------------------------------------------

    private void flushNodes() throws ChangedSinceCheck {
        if (nodes.isEmpty()) {
            return;
        }
        try (Transaction tx = session.beginTransaction(config.txConfig())) {
            Map<Value, List<TargetNode>> found = lookUp(tx);
            Map<List<Object>, List<Value>> creates = new LinkedHashMap<>();
            Map<List<Object>, List<Value>> overwrites = new LinkedHashMap<>();
            long created = 0;
            long unchanged = 0;
            long overwritten = 0;
            long kept = 0;
            long conflicts = 0;
            List<MergeConflict> conflictList = new ArrayList<>();
            for (GraphRecord.Node n : nodes) {
                Value key = selected.get(n.key()).key();
                List<String> labels = sorted(n.labels());
                List<TargetNode> targets = found.getOrDefault(key, List.of());
                if (targets.size() > 1) {
                    if (write) {
                        throw new ChangedSinceCheck("the key " + text(key) + " is now held by " + targets.size()
                                + " nodes of the target");
                    }
                    tally.duplicateKeysInTarget++;
                    Tally.addFirst(tally.duplicateKeysInTargetList, text(key) + " (" + targets.size() + " nodes)",
                            config.listLimit());
                    continue;
                }
                if (targets.isEmpty()) {
                    created++;
                    if (write) {
                        Map<String, Object> row = new HashMap<>(4);
                        boolean v = split(row, n.properties(), n.storedTypes(), true, labels);
                        creates.computeIfAbsent(List.of(labels, v), g -> new ArrayList<>()).add(Values.value(row));
                    }
                    continue;
                }
                TargetNode t = targets.get(0);
                if (labels.equals(t.labels()) && Arrays.equals(
                        EntityFingerprint.node(labels, n.properties(), n.storedTypes()),
                        EntityFingerprint.node(t.labels(), t.properties(), t.storedTypes()))) {
                    unchanged++;
                    continue;
                }
                conflicts++;
                MergeConflict conflict = new MergeConflict(text(key), labels, t.labels(), differences(n, t));
                if (conflictList.size() + tally.conflictList.size() < config.listLimit()) {
                    conflictList.add(conflict);
                }
                switch (config.onConflict()) {
                    case KEEP -> kept++;
                    case OVERWRITE -> {
                        overwritten++;
                        if (write) {
                            Map<String, Object> row = new HashMap<>(4);
                            row.put("id", t.id());
                            boolean v = split(row, n.properties(), n.storedTypes(), true, labels);
                            List<String> remove = new ArrayList<>(t.labels());
                            remove.removeAll(labels);
                            List<String> add = new ArrayList<>(labels);
                            add.removeAll(t.labels());
                            overwrites.computeIfAbsent(List.of(remove, add, v), g -> new ArrayList<>())
                                    .add(Values.value(row));
                        }
                    }
                    case REFUSE -> {
                        if (write) {
                            throw new ChangedSinceCheck("the node with key " + text(key) + " was changed in the "
                                    + "target since the check: " + conflict);
                        }
                    }
                }
            }
            if (write) {
                long nodesCreated = 0;
                for (Map.Entry<List<Object>, List<Value>> g : creates.entrySet()) {
                    nodesCreated += tx.run(createNodes(g.getKey()), Map.of("rows", g.getValue())).consume()
                            .counters().nodesCreated();
                }
                for (Map.Entry<List<Object>, List<Value>> g : overwrites.entrySet()) {
                    tx.run(overwriteNodes(g.getKey()), Map.of("rows", g.getValue())).consume();
                }
                tx.commit();
                created = nodesCreated;
            }
            tally.nodesCreated += created;
            tally.nodesUnchanged += unchanged;
            tally.nodesOverwritten += overwritten;
            tally.nodesKept += kept;
            tally.conflicts += conflicts;
            tally.conflictList.addAll(conflictList);
        }
        nodes.clear();
        pendingChars = 0;
    }

    /** The target's nodes holding the batch's keys, found through each anchor label's constraint or index. */
    private Map<Value, List<TargetNode>> lookUp(Transaction tx) {
        Map<String, List<Value>> byAnchor = new TreeMap<>();
        for (GraphRecord.Node n : nodes) {
            Endpoint e = selected.get(n.key());
            byAnchor.computeIfAbsent(e.anchor(), a -> new ArrayList<>()).add(e.key());
        }
        Map<Value, Map<String, TargetNode>> found = new HashMap<>();
        for (Map.Entry<String, List<Value>> a : byAnchor.entrySet()) {
            boolean evidence = !mixedNodeKeys.isEmpty();
            String query = CypherLanguage.PREFIX + "UNWIND $keys AS k MATCH (n:" + CypherNames.quote(a.getKey())
                    + ") WHERE n." + quotedKey + " = k RETURN k, elementId(n), labels(n), properties(n)"
                    + (evidence ? ", " + StoredTypeCensus.float32EvidenceExpression("n", "mixed") : "");
            Map<String, Object> params = new HashMap<>();
            params.put("keys", a.getValue());
            if (evidence) {
                params.put("mixed", mixedNodeKeys);
            }
            for (Record r : tx.run(query, params).list()) {
                List<String> labels = sorted(r.get(2).asList(Value::asString));
                Map<String, Value> properties = r.get(3).asMap(v -> v);
                Map<String, String> storedTypes = census.nodeStoredTypes(labels, properties);
                if (evidence) {
                    storedTypes = StoredTypeCensus.withEvidence(storedTypes, r.get(4), properties);
                }
                String id = r.get(1).asString();
                found.computeIfAbsent(r.get(0), k -> new LinkedHashMap<>())
                        .putIfAbsent(id, new TargetNode(id, labels, properties, storedTypes));
            }
        }
        Map<Value, List<TargetNode>> out = new HashMap<>();
        found.forEach((k, v) -> out.put(k, List.copyOf(v.values())));
        return out;
    }

    private static List<String> differences(GraphRecord.Node n, TargetNode t) {
        Set<String> keys = new TreeSet<>(n.properties().keySet());
        keys.addAll(t.properties().keySet());
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            Value a = n.properties().get(k);
            Value b = t.properties().get(k);
            if (a == null || b == null || !EntityFingerprint.sameValue(a, n.storedTypes().get(k), b,
                    t.storedTypes().get(k))) {
                out.add(k);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static String createNodes(List<Object> group) {
        StringBuilder sb = new StringBuilder(CypherLanguage.PREFIX + "UNWIND $rows AS row CREATE (n");
        for (String label : (List<String>) group.get(0)) {
            sb.append(':').append(CypherNames.quote(label));
        }
        sb.append(") SET n = row.p");
        return (Boolean) group.get(1) ? sb + NODE_VECTORS : sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static String overwriteNodes(List<Object> group) {
        StringBuilder sb = new StringBuilder(CypherLanguage.PREFIX
                + "UNWIND $rows AS row MATCH (n) WHERE elementId(n) = row.id SET n = row.p");
        List<String> remove = (List<String>) group.get(0);
        List<String> add = (List<String>) group.get(1);
        if (!remove.isEmpty()) {
            sb.append(" REMOVE n");
            remove.forEach(l -> sb.append(':').append(CypherNames.quote(l)));
        }
        if (!add.isEmpty()) {
            sb.append(" SET n");
            add.forEach(l -> sb.append(':').append(CypherNames.quote(l)));
        }
        return (Boolean) group.get(2) ? sb + NODE_VECTORS : sb.toString();
    }

    // ---- relationships -----------------------------------------------------------------------

    private void flushRelationships() {
        if (relationships.isEmpty()) {
            return;
        }
        try (Transaction tx = session.beginTransaction(config.txConfig())) {
            boolean[] present = present(tx);
            Map<List<Object>, List<Value>> creates = new LinkedHashMap<>();
            long toCreate = 0;
            long unchanged = 0;
            for (int i = 0; i < relationships.size(); i++) {
                if (present[i]) {
                    unchanged++;
                    continue;
                }
                toCreate++;
                if (write) {
                    GraphRecord.Relationship r = relationships.get(i);
                    Endpoint s = selected.get(r.start());
                    Endpoint e = selected.get(r.end());
                    Map<String, Object> row = new HashMap<>(4);
                    row.put("s", s.key());
                    row.put("e", e.key());
                    boolean v = split(row, r.properties(), r.storedTypes(), false, List.of(r.type()));
                    creates.computeIfAbsent(List.of(r.type(), s.anchor(), e.anchor(), v), g -> new ArrayList<>())
                            .add(Values.value(row));
                }
            }
            long created = toCreate;
            if (write) {
                created = 0;
                for (Map.Entry<List<Object>, List<Value>> g : creates.entrySet()) {
                    created += tx.run(createRelationships(g.getKey()), Map.of("rows", g.getValue())).consume()
                            .counters().relationshipsCreated();
                }
                tx.commit();
                tally.relationshipsWithoutEnds += toCreate - created;
            }
            tally.relationshipsCreated += created;
            tally.relationshipsUnchanged += unchanged;
        }
        relationships.clear();
        pendingChars = 0;
    }

    /** Which of the batch's relationships exist in the target with identical type, end nodes and properties. */
    private boolean[] present(Transaction tx) {
        boolean[] present = new boolean[relationships.size()];
        Map<List<String>, List<Value>> groups = new LinkedHashMap<>();
        for (int i = 0; i < relationships.size(); i++) {
            GraphRecord.Relationship r = relationships.get(i);
            Endpoint s = selected.get(r.start());
            Endpoint e = selected.get(r.end());
            groups.computeIfAbsent(List.of(r.type(), s.anchor(), e.anchor()), g -> new ArrayList<>())
                    .add(Values.value(Map.of("i", i, "s", s.key(), "e", e.key())));
        }
        boolean evidence = !mixedRelationshipKeys.isEmpty();
        for (Map.Entry<List<String>, List<Value>> g : groups.entrySet()) {
            String type = g.getKey().get(0);
            String query = CypherLanguage.PREFIX + "UNWIND $rows AS row MATCH (a:" + CypherNames.quote(g.getKey().get(1))
                    + " {" + quotedKey + ": row.s})-[r:" + CypherNames.quote(type) + "]->(b:"
                    + CypherNames.quote(g.getKey().get(2)) + " {" + quotedKey + ": row.e}) RETURN row.i, properties(r)"
                    + (evidence ? ", " + StoredTypeCensus.float32EvidenceExpression("r", "mixed") : "");
            Map<String, Object> params = new HashMap<>();
            params.put("rows", g.getValue());
            if (evidence) {
                params.put("mixed", mixedRelationshipKeys);
            }
            Map<Integer, List<byte[]>> existing = new HashMap<>();
            for (Record rec : tx.run(query, params).list()) {
                Map<String, Value> properties = rec.get(1).asMap(v -> v);
                Map<String, String> storedTypes = census.relationshipStoredTypes(type, properties);
                if (evidence) {
                    storedTypes = StoredTypeCensus.withEvidence(storedTypes, rec.get(2), properties);
                }
                existing.computeIfAbsent(rec.get(0).asInt(), i -> new ArrayList<>())
                        .add(EntityFingerprint.relationship(type, properties, storedTypes));
            }
            existing.forEach((i, fingerprints) -> {
                GraphRecord.Relationship r = relationships.get(i);
                byte[] mine = EntityFingerprint.relationship(r.type(), r.properties(), r.storedTypes());
                for (byte[] f : fingerprints) {
                    if (Arrays.equals(f, mine)) {
                        present[i] = true;
                        break;
                    }
                }
            });
        }
        return present;
    }

    @SuppressWarnings("unchecked")
    private String createRelationships(List<Object> group) {
        String query = CypherLanguage.PREFIX + "UNWIND $rows AS row MATCH (a:" + CypherNames.quote((String) group.get(1))
                + " {" + quotedKey + ": row.s}) MATCH (b:" + CypherNames.quote((String) group.get(2)) + " {"
                + quotedKey + ": row.e}) CREATE (a)-[r:" + CypherNames.quote((String) group.get(0))
                + "]->(b) SET r = row.p";
        return (Boolean) group.get(3) ? query + RELATIONSHIP_VECTORS : query;
    }

    // ---- values ------------------------------------------------------------------------------

    /**
     * Puts the properties into the row: {@code p} those written with SET, {@code v} the 32-bit float
     * arrays written through the vector-property procedure (stored as {@code FloatArray}, as
     * {@code DriverRestoreSink} does). Returns whether the row has such vectors.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private boolean split(Map<String, Object> row, Map<String, Value> properties, Map<String, String> storedTypes,
                          boolean node, List<String> labelsOrType) {
        Map<String, Value> p = properties;
        Map<String, Value> v = null;
        for (Map.Entry<String, String> e : storedTypes.entrySet()) {
            Value value = properties.get(e.getKey());
            if (value == null || !StoredTypeCensus.FLOAT_ARRAY.equals(e.getValue())) {
                continue;
            }
            String problem = !(node ? nodeVectors : relationshipVectors)
                    ? "the target has no vector-property procedure" : finite(value) ? null
                    : "a vector holds NaN or an infinity, which the vector-property procedures refuse";
            if (problem != null) {
                tally.warnings.add((node ? "nodes " + labelsOrType : "relationships " + labelsOrType.get(0))
                        + " property '" + e.getKey() + "': FloatArray values are written as DoubleArray (" + problem
                        + ")");
                continue;
            }
            if (v == null) {
                v = new HashMap<>(4);
                p = new HashMap<>(properties);
            }
            v.put(e.getKey(), p.remove(e.getKey()));
        }
        row.put("p", Values.value((Map) p));
        if (v == null) {
            return false;
        }
        row.put("v", Values.value((Map) v));
        return true;
    }

    private static boolean finite(Value vector) {
        for (Value e : vector.values()) {
            if (!Double.isFinite(e.asDouble())) {
                return false;
            }
        }
        return true;
    }

    static List<String> sorted(List<String> labels) {
        List<String> out = new ArrayList<>(labels);
        out.sort(null);
        return List.copyOf(out);
    }

    /** A key value as text: strings as they are, other values as Cypher shows them. */
    static String text(Value key) {
        return key.hasType(org.neo4j.driver.types.TypeSystem.getDefault().STRING()) ? key.asString() : key.toString();
    }

    private static String describe(Map<String, Value> properties) {
        String s = new TreeMap<>(properties).keySet().toString();
        return "with properties " + (s.length() > 200 ? s.substring(0, 200) + "…" : s);
    }
}
