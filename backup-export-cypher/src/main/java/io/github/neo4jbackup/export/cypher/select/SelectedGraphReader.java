package io.github.neo4jbackup.export.cypher.select;

import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.operation.BackupReader;
import io.github.neo4jbackup.core.operation.DecodedBackup;
import io.github.neo4jbackup.core.repository.Repository;
import io.github.neo4jbackup.core.spi.Transformer;
import io.github.neo4jbackup.export.cypher.driver.GraphFileReader;
import io.github.neo4jbackup.export.cypher.driver.GraphFormat;
import io.github.neo4jbackup.export.cypher.driver.GraphFormatException;
import io.github.neo4jbackup.export.cypher.driver.GraphRecord;
import io.github.neo4jbackup.export.cypher.driver.NodeIdSet;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Streams part of a driver-format backup ({@value GraphFormat#ENGINE}) as typed records, without a
 * server and in bounded memory: {@link #next()} returns every schema statement, then the nodes the
 * {@link GraphSelection} selects, then the relationships its {@link RelationshipScope} keeps, then
 * {@code null}. The source's trailer is checked (a truncated or damaged stream fails) and kept in
 * {@link #trailer()}; it is not returned, since its counts describe the whole backup.
 * <p>Memory: one record at a time, plus the keys of the selected nodes in a {@link NodeIdSet} (one bit
 * per key up to the highest selected key, in 4096-key pages allocated only where selected keys occur:
 * at most about 12.5 MB for 100 million nodes). The format stores every node before every
 * relationship, so both ends of a relationship are decided when it is read; {@link
 * RelationshipScope#ANY_END} therefore needs no second pass, and its relationships may name an end
 * node that is not among the selected nodes.
 * <p>{@link #open} reads a backup from a {@link Repository}: the stored bytes are checked against
 * the manifest's size and SHA-256 and decoded (decompressed, decrypted) through the transformer chain
 * the manifest records, in reverse. The checks complete when the last record has been read: only
 * after {@link #next()} has returned {@code null} is everything read known to be the backup's
 * content. A consumer that writes records as they come should therefore write to a temporary place
 * and keep it only after the end (the CLI's {@code extract --out FILE} does).
 * <p>Not thread-safe.
 */
public final class SelectedGraphReader implements AutoCloseable {

    private final GraphFileReader reader;
    private final GraphSelection selection;
    private final DecodedBackup decoded;
    private final Manifest manifest;
    private final NodeIdSet selectedKeys = new NodeIdSet();
    private final Set<Long> selectedNegativeKeys = new HashSet<>();
    private GraphRecord.Trailer trailer;
    private boolean finished;
    private long nodesRead;
    private long nodesSelected;
    private long relationshipsRead;
    private long relationshipsSelected;
    private long schemaStatements;

    private SelectedGraphReader(InputStream in, GraphSelection selection, DecodedBackup decoded, Manifest manifest) {
        this.reader = new GraphFileReader(in);
        this.selection = Objects.requireNonNull(selection, "selection");
        this.decoded = decoded;
        this.manifest = manifest;
    }

    /**
     * A reader over a decoded graph-format stream (e.g. an uncompressed {@code .ndjson} file).
     *
     * @param in        the stream; not closed by this reader
     * @param selection what to return
     * @return the reader; nothing is read yet
     */
    public static SelectedGraphReader over(InputStream in, GraphSelection selection) {
        return new SelectedGraphReader(Objects.requireNonNull(in, "in"), selection, null, null);
    }

    /**
     * Opens a backup stored in a repository.
     *
     * @param repository where the backup is (the caller owns its store)
     * @param manifest   the backup
     * @param decoders   transformers that can decode what the manifest records beyond the built-in ones,
     *                   e.g. the age transformer holding an identity for an encrypted backup; may be empty
     * @param selection  what to return
     * @return the reader; close it
     * @throws InvalidInputException when the backup was not made by the driver engine (see
     *                               {@link #requireReadable}) or a transformer it names is not available
     *                               (an encrypted backup without an identity)
     * @throws IntegrityException    when the data is missing
     * @throws IOException           when the store or a decoder failed to start
     */
    public static SelectedGraphReader open(Repository repository, Manifest manifest, List<Transformer> decoders,
                                           GraphSelection selection) throws IOException {
        Objects.requireNonNull(repository, "repository");
        requireReadable(manifest);
        Objects.requireNonNull(selection, "selection");
        DecodedBackup decoded = new BackupReader(repository, decoders, List.of()).open(manifest);
        return new SelectedGraphReader(decoded.raw(), selection, decoded, manifest);
    }

    /**
     * Refuses a backup this reader cannot read: only backups of the driver engine
     * ({@value GraphFormat#ENGINE}) hold a graph that can be read without a server.
     *
     * @param manifest the backup
     * @throws InvalidInputException for any other engine, saying how to get a driver-format backup of it
     */
    public static void requireReadable(Manifest manifest) {
        Objects.requireNonNull(manifest, "manifest");
        String engine = manifest.source().type();
        if (GraphFormat.ENGINE.equals(engine)) {
            return;
        }
        String id = manifest.id();
        String how;
        if ("cypher-apoc".equals(engine)) {
            how = "it is a Cypher script (APOC engine), which only a Neo4j server can interpret. Restore it into a "
                    + "scratch server (neo4j-backup verify --id " + id + " --restore-into bolt://SCRATCH:7687, which "
                    + "WIPES that server's database), back the scratch database up with neo4j-backup backup --engine "
                    + "driver, then select from that backup";
        } else if (engine.startsWith("neo4j-admin")) {
            how = "it holds neo4j-admin store files, which only Neo4j can read. Load it into a scratch server "
                    + "(neo4j-backup restore --id " + id + " --engine admin with that server's --neo4j-home, which "
                    + "REPLACES its database), start it, back it up with neo4j-backup backup --engine driver, then "
                    + "select from that backup";
        } else {
            how = "it was made by engine '" + engine + "'. Restore it into a scratch server, back that up with "
                    + "neo4j-backup backup --engine driver, then select from that backup";
        }
        throw new InvalidInputException("Backup " + id + " cannot be read without a server: " + how + ".");
    }

    /**
     * The header of the stream (read on first call).
     *
     * @return the header
     * @throws IOException when the stream cannot be read or is not a graph-format stream
     */
    public GraphRecord.Header header() throws IOException {
        try {
            return reader.header();
        } catch (IOException e) {
            throw damage(e);
        }
    }

    /**
     * The next selected record: a {@link GraphRecord.SchemaStatement}, {@link GraphRecord.Node} or
     * {@link GraphRecord.Relationship}, in stream order (schema, nodes, relationships).
     *
     * @return the record, or {@code null} once the whole stream has been read and checked
     * @throws IOException           when the stream cannot be read or is malformed or truncated
     * @throws IntegrityException    (from {@link #open}) when the stored or decoded bytes differ from the
     *                               manifest, or the data cannot be decoded or parsed
     */
    public GraphRecord next() throws IOException {
        if (finished) {
            return null;
        }
        header();
        try {
            while (true) {
                GraphRecord r = reader.next();
                if (r == null) {
                    finish();
                    return null;
                }
                if (r instanceof GraphRecord.SchemaStatement) {
                    schemaStatements++;
                    return r;
                }
                if (r instanceof GraphRecord.Node n) {
                    nodesRead++;
                    if (selection.test(n)) {
                        mark(n.key());
                        nodesSelected++;
                        return r;
                    }
                } else if (r instanceof GraphRecord.Relationship rel) {
                    relationshipsRead++;
                    if (selection.keeps(isSelected(rel.start()), isSelected(rel.end()))) {
                        relationshipsSelected++;
                        return r;
                    }
                } else if (r instanceof GraphRecord.Trailer t) {
                    trailer = t;
                }
            }
        } catch (IOException e) {
            throw damage(e);
        }
    }

    private void finish() throws IOException {
        finished = true;
        if (decoded != null) {
            decoded.drain();
        }
    }

    private IOException damage(IOException e) {
        if (decoded == null) {
            return e;
        }
        IOException decodeFailure = decoded.decodeFailure();
        if (decodeFailure != null || e instanceof GraphFormatException) {
            throw new IntegrityException("Backup " + manifest.id() + " could not be read: " + e.getMessage()
                    + (decodeFailure != null && decodeFailure != e ? " (decoding failed: "
                    + decodeFailure.getMessage() + ")" : ""), e);
        }
        return e;
    }

    private void mark(long key) {
        if (key >= 0) {
            selectedKeys.add(key);
        } else {
            selectedNegativeKeys.add(key);
        }
    }

    /**
     * Whether a node key was selected so far (all nodes are read before the first relationship).
     *
     * @param key the node key
     * @return {@code true} when that node was selected
     */
    public boolean isSelected(long key) {
        return key >= 0 ? selectedKeys.contains(key) : selectedNegativeKeys.contains(key);
    }

    /**
     * The trailer of the whole stream, once read.
     *
     * @return the trailer, or {@code null} before the end
     */
    public GraphRecord.Trailer trailer() {
        return trailer;
    }

    /**
     * The selection this reader applies.
     *
     * @return the selection
     */
    public GraphSelection selection() {
        return selection;
    }

    /**
     * The backup being read, when opened from a repository.
     *
     * @return its manifest, or {@code null} for {@link #over}
     */
    public Manifest manifest() {
        return manifest;
    }

    /**
     * Node records read so far.
     *
     * @return the count
     */
    public long nodesRead() {
        return nodesRead;
    }

    /**
     * Node records selected so far.
     *
     * @return the count
     */
    public long nodesSelected() {
        return nodesSelected;
    }

    /**
     * Relationship records read so far.
     *
     * @return the count
     */
    public long relationshipsRead() {
        return relationshipsRead;
    }

    /**
     * Relationship records kept so far.
     *
     * @return the count
     */
    public long relationshipsSelected() {
        return relationshipsSelected;
    }

    /**
     * Schema statements returned so far.
     *
     * @return the count
     */
    public long schemaStatements() {
        return schemaStatements;
    }

    /**
     * Closes the backup when opened by {@link #open}; a reader made by {@link #over} leaves its stream
     * open.
     *
     * @throws IOException when closing the store's stream failed
     */
    @Override
    public void close() throws IOException {
        if (decoded != null) {
            decoded.close();
        }
    }
}
