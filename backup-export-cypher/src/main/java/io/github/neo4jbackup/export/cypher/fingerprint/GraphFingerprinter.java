package io.github.neo4jbackup.export.cypher.fingerprint;

import org.neo4j.driver.Value;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * Streaming accumulator of a {@link ContentFingerprint}: feed it every node, then every relationship,
 * then call {@link #finish()}; {@link #close()} releases the temporary file.
 *
 * <pre>{@code
 * try (GraphFingerprinter fp = GraphFingerprinter.open()) {
 *     for (each node)         fp.node(id(n), labels(n), properties(n));
 *     for (each relationship) fp.relationship(id(a), id(b), type(r), properties(r));
 *     ContentFingerprint result = fp.finish();
 * }
 * }</pre>
 *
 * <h2>Definition</h2>
 * <ul>
 *   <li>node fingerprint = SHA-256({@code "N"}, sorted labels, properties sorted by key with type-tagged
 *       values) — see {@link CanonicalEncoder} for the exact encoding of every Neo4j type;</li>
 *   <li>relationship fingerprint = SHA-256({@code "R"}, type, properties, fingerprint of the start node,
 *       fingerprint of the end node) — so direction matters, internal ids do not;</li>
 *   <li>content fingerprint = SHA-256({@code "neo4j-backup-content/<version>"}, node count, sum of all node
 *       fingerprints modulo 2<sup>256</sup>, relationship count, sum of all relationship fingerprints
 *       modulo 2<sup>256</sup>): a multiset hash, so order does not matter and duplicates count.</li>
 * </ul>
 * Version 2 ({@link #CURRENT_VERSION}) adds the stored type of every property value stored narrower
 * than the driver shows it (a {@code FloatArray} written by {@code db.create.setNodeVectorProperty}
 * and the same numbers as a {@code DoubleArray} differ), given by the caller per entity
 * ({@code storedTypes}, decided from the stored-type census); version 1 ignores them. Open an
 * accumulator of version 1 to compare with a manifest that recorded a version-1 fingerprint.
 * The sums detect accidental differences (lost, duplicated, altered entities); they are not meant to
 * resist someone who crafts a colliding graph on purpose.
 *
 * <h2>Bounded heap</h2>
 * Relationship fingerprints need their endpoints' fingerprints. They are kept in a sparse,
 * memory-mapped temporary file indexed by the node's numeric id (Neo4j 5 {@code id(n)}: stable
 * within one transaction), 32 bytes per id up to the largest id, so the OS page cache holds them and
 * the heap use is constant. Ids must come from one consistent view of the database (one read
 * transaction).
 *
 * <h2>Rules</h2>
 * All {@code node} calls come before the first {@code relationship} call; a node id may be fed once;
 * a relationship's endpoints must have been fed. Violations throw {@link IllegalStateException}.
 * Not thread-safe. Failures of the temporary file throw {@link java.io.UncheckedIOException}.
 */
public final class GraphFingerprinter implements AutoCloseable {

    /** The content fingerprint version computed by default: 2, with stored types. */
    public static final int CURRENT_VERSION = 2;

    private static final int HASH = 32;

    private final byte[] version;
    private final boolean storedTypes;

    private final MessageDigest digest;
    private final CanonicalEncoder encoder;
    private final NodeFingerprintStore store;
    private final byte[] hash = new byte[HASH];
    private final byte[] endpoints = new byte[2 * HASH];
    private final long[] nodeSum = new long[4];
    private final long[] relationshipSum = new long[4];
    private String[] labels = new String[8];
    private long nodes;
    private long relationships;
    private boolean relationshipPhase;
    private boolean finished;

    private GraphFingerprinter(Path tempDirectory, int version) {
        if (version < 1 || version > CURRENT_VERSION) {
            throw new IllegalArgumentException("Content fingerprint version " + version + " is not known (1 to "
                    + CURRENT_VERSION + ")");
        }
        this.version = ("neo4j-backup-content/" + version).getBytes(StandardCharsets.US_ASCII);
        this.storedTypes = version >= 2;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        this.encoder = new CanonicalEncoder(digest);
        this.store = new NodeFingerprintStore(tempDirectory, HASH);
    }

    /**
     * Opens an accumulator whose temporary file goes to {@code java.io.tmpdir} (created on the first node).
     *
     * @return the accumulator; close it
     */
    public static GraphFingerprinter open() {
        return new GraphFingerprinter(null, CURRENT_VERSION);
    }

    /**
     * Opens an accumulator of a given content fingerprint version.
     *
     * @param tempDirectory the directory of the temporary file, or {@code null} for {@code java.io.tmpdir}
     * @param version       1 or 2
     * @return the accumulator; close it
     * @throws IllegalArgumentException for an unknown version
     */
    public static GraphFingerprinter open(Path tempDirectory, int version) {
        return new GraphFingerprinter(tempDirectory, version);
    }

    /**
     * The content fingerprint version this accumulator computes.
     *
     * @return 1 or 2
     */
    public int version() {
        return storedTypes ? 2 : 1;
    }

    /**
     * Opens an accumulator whose temporary file goes to the given directory.
     *
     * @param tempDirectory an existing directory with room for 32 bytes per node id
     * @return the accumulator; close it
     */
    public static GraphFingerprinter open(Path tempDirectory) {
        return new GraphFingerprinter(Objects.requireNonNull(tempDirectory, "tempDirectory"), CURRENT_VERSION);
    }

    /**
     * Adds a node.
     *
     * @param nodeId     the node's numeric id ({@code id(n)}) within the current transaction
     * @param labels     its labels, in any order
     * @param properties its properties (driver values), in any order
     * @throws IllegalStateException after the first relationship, after {@link #finish()}, or for an id fed twice
     */
    public void node(long nodeId, Iterable<String> labels, Map<String, Value> properties) {
        node(nodeId, labels, properties, Map.of());
    }

    /**
     * Adds a node whose properties in {@code storedTypes} are stored narrower than the driver shows
     * them (ignored by version 1).
     *
     * @param nodeId      the node's numeric id ({@code id(n)}) within the current transaction
     * @param labels      its labels, in any order
     * @param properties  its properties (driver values), in any order
     * @param storedTypes property key to narrow stored type ({@code FloatArray}, ...)
     * @throws IllegalStateException after the first relationship, after {@link #finish()}, or for an id fed twice
     */
    public void node(long nodeId, Iterable<String> labels, Map<String, Value> properties,
                     Map<String, String> storedTypes) {
        beginNode();
        int n = 0;
        for (String label : labels) {
            n = addLabel(n, label);
        }
        encoder.writeSortedStrings(this.labels, n);
        encoder.writeProperties(properties, this.storedTypes ? storedTypes : Map.of());
        endNode(nodeId, n);
    }

    /**
     * Adds a node from the values a record holds, without converting them to Java collections:
     * {@code RETURN id(n), labels(n), properties(n)}.
     *
     * @param nodeId     the node's numeric id within the current transaction
     * @param labels     a list value of strings
     * @param properties a map value ({@code null} or a null value means no properties)
     * @throws IllegalStateException after the first relationship, after {@link #finish()}, or for an id fed twice
     */
    public void node(long nodeId, Value labels, Value properties) {
        node(nodeId, labels, properties, Map.of());
    }

    /**
     * As {@link #node(long, Value, Value)}, with the properties stored narrower than the driver shows them.
     *
     * @param nodeId      the node's numeric id within the current transaction
     * @param labels      a list value of strings
     * @param properties  a map value ({@code null} or a null value means no properties)
     * @param storedTypes property key to narrow stored type
     * @throws IllegalStateException after the first relationship, after {@link #finish()}, or for an id fed twice
     */
    public void node(long nodeId, Value labels, Value properties, Map<String, String> storedTypes) {
        beginNode();
        int n = 0;
        for (Value label : labels.values()) {
            n = addLabel(n, label.asString());
        }
        encoder.writeSortedStrings(this.labels, n);
        encoder.writeProperties(properties, this.storedTypes ? storedTypes : Map.of());
        endNode(nodeId, n);
    }

    private void beginNode() {
        if (finished) {
            throw new IllegalStateException("finish() was called");
        }
        if (relationshipPhase) {
            throw new IllegalStateException("All nodes must be fed before the first relationship");
        }
        encoder.reset();
        digest.reset();
        encoder.writeByte('N');
    }

    private int addLabel(int n, String label) {
        if (n == labels.length) {
            labels = java.util.Arrays.copyOf(labels, n * 2);
        }
        labels[n] = Objects.requireNonNull(label, "label");
        return n + 1;
    }

    private void endNode(long nodeId, int labelCount) {
        java.util.Arrays.fill(labels, 0, labelCount, null);
        digestInto(hash);
        if (!store.put(nodeId, hash)) {
            throw new IllegalStateException("Node id " + nodeId + " was fed twice; feed every node once, "
                    + "with ids from one transaction");
        }
        add(nodeSum, hash);
        nodes++;
    }

    /**
     * Adds a relationship.
     *
     * @param startNodeId id of its start node (fed before)
     * @param endNodeId   id of its end node (fed before)
     * @param type        its type
     * @param properties  its properties (driver values)
     * @throws IllegalStateException when an endpoint was not fed, or after {@link #finish()}
     */
    public void relationship(long startNodeId, long endNodeId, String type, Map<String, Value> properties) {
        relationship(startNodeId, endNodeId, type, properties, Map.of());
    }

    /**
     * Adds a relationship whose properties in {@code storedTypes} are stored narrower than the driver
     * shows them (ignored by version 1).
     *
     * @param startNodeId id of its start node (fed before)
     * @param endNodeId   id of its end node (fed before)
     * @param type        its type
     * @param properties  its properties (driver values)
     * @param storedTypes property key to narrow stored type
     * @throws IllegalStateException when an endpoint was not fed, or after {@link #finish()}
     */
    public void relationship(long startNodeId, long endNodeId, String type, Map<String, Value> properties,
                             Map<String, String> storedTypes) {
        beginRelationship(startNodeId, endNodeId, type);
        encoder.writeProperties(properties, this.storedTypes ? storedTypes : Map.of());
        endRelationship();
    }

    /**
     * Adds a relationship from the values a record holds: {@code RETURN id(a), id(b), type(r), properties(r)}.
     *
     * @param startNodeId id of its start node (fed before)
     * @param endNodeId   id of its end node (fed before)
     * @param type        its type
     * @param properties  a map value ({@code null} or a null value means no properties)
     * @throws IllegalStateException when an endpoint was not fed, or after {@link #finish()}
     */
    public void relationship(long startNodeId, long endNodeId, String type, Value properties) {
        relationship(startNodeId, endNodeId, type, properties, Map.of());
    }

    /**
     * As {@link #relationship(long, long, String, Value)}, with the properties stored narrower than
     * the driver shows them.
     *
     * @param startNodeId id of its start node (fed before)
     * @param endNodeId   id of its end node (fed before)
     * @param type        its type
     * @param properties  a map value ({@code null} or a null value means no properties)
     * @param storedTypes property key to narrow stored type
     * @throws IllegalStateException when an endpoint was not fed, or after {@link #finish()}
     */
    public void relationship(long startNodeId, long endNodeId, String type, Value properties,
                             Map<String, String> storedTypes) {
        beginRelationship(startNodeId, endNodeId, type);
        encoder.writeProperties(properties, this.storedTypes ? storedTypes : Map.of());
        endRelationship();
    }

    private void beginRelationship(long startNodeId, long endNodeId, String type) {
        if (finished) {
            throw new IllegalStateException("finish() was called");
        }
        Objects.requireNonNull(type, "type");
        relationshipPhase = true;
        if (!store.get(startNodeId, endpoints, 0)) {
            throw missing(startNodeId);
        }
        if (!store.get(endNodeId, endpoints, HASH)) {
            throw missing(endNodeId);
        }
        encoder.reset();
        digest.reset();
        encoder.writeByte('R');
        encoder.writeString(type);
    }

    private static IllegalStateException missing(long id) {
        return new IllegalStateException("A relationship refers to node id " + id + " that was not fed; feed all "
                + "nodes first, with ids from the same transaction as the relationships");
    }

    private void endRelationship() {
        encoder.writeBytes(endpoints, 0, endpoints.length);
        digestInto(hash);
        add(relationshipSum, hash);
        relationships++;
    }

    private void digestInto(byte[] out) {
        encoder.flush();
        try {
            digest.digest(out, 0, HASH);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    /** sum += value (both 256-bit big-endian), modulo 2^256; sum[0] is the most significant word. */
    private static void add(long[] sum, byte[] value) {
        long carry = 0;
        for (int word = 3; word >= 0; word--) {
            long v = 0;
            for (int b = 0; b < 8; b++) {
                v = (v << 8) | (value[word * 8 + b] & 0xFF);
            }
            long s = sum[word] + v;
            long carryOut = (Long.compareUnsigned(s, sum[word]) < 0 ? 1 : 0);
            long s2 = s + carry;
            if (Long.compareUnsigned(s2, s) < 0) {
                carryOut = 1;
            }
            sum[word] = s2;
            carry = carryOut;
        }
    }

    /**
     * Number of nodes fed so far.
     *
     * @return the count
     */
    public long nodeCount() {
        return nodes;
    }

    /**
     * Number of relationships fed so far.
     *
     * @return the count
     */
    public long relationshipCount() {
        return relationships;
    }

    /**
     * Completes the fingerprint. Further feeding is refused; the accumulator must still be closed.
     *
     * @return the fingerprint
     * @throws IllegalStateException if called twice
     */
    public ContentFingerprint finish() {
        if (finished) {
            throw new IllegalStateException("finish() was already called");
        }
        finished = true;
        encoder.reset();
        digest.reset();
        encoder.writeBytes(version, 0, version.length);
        encoder.writeLong(nodes);
        for (long w : nodeSum) {
            encoder.writeLong(w);
        }
        encoder.writeLong(relationships);
        for (long w : relationshipSum) {
            encoder.writeLong(w);
        }
        digestInto(hash);
        return new ContentFingerprint(HexFormat.of().formatHex(hash), nodes, relationships);
    }

    /** Deletes the temporary file. Idempotent. */
    @Override
    public void close() {
        store.close();
    }

    /** The temporary file in use, or {@code null}; for tests. */
    Path temporaryFile() {
        return store.file();
    }
}
