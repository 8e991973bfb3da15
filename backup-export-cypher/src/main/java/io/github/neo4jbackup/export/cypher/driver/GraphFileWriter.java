package io.github.neo4jbackup.export.cypher.driver;

import org.neo4j.driver.Value;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Writes a backup stream in the {@link GraphFormat graph format}: {@link #header}, then
 * {@link #schema} statements, {@link #node}s, {@link #relationship}s, and {@link #finish} which
 * writes the trailer and flushes. Records are written as they come (bounded memory: only the
 * per-label and per-type counters grow, with the number of distinct labels and types). Calls out
 * of order fail with {@link IllegalStateException}. The output stream is never closed.
 * Not thread-safe.
 */
public final class GraphFileWriter {

    private enum Section { START, SCHEMA, NODES, RELATIONSHIPS, DONE }

    private final Writer writer;
    private final StringBuilder line = new StringBuilder(1024);
    private final Map<String, Long> labels = new TreeMap<>();
    private final Map<String, Long> types = new TreeMap<>();
    private Section section = Section.START;
    private long nodes;
    private long relationships;
    private long schemaStatements;

    /**
     * Creates a writer on a stream (UTF-8, 64 KiB buffer). The stream is flushed by
     * {@link #finish} and {@link #flush()} but never closed.
     *
     * @param out the stream to write to
     */
    public GraphFileWriter(OutputStream out) {
        Objects.requireNonNull(out, "out");
        this.writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)),
                64 * 1024);
    }

    /**
     * Writes the header; must be the first call.
     *
     * @param header the header (its version is ignored: the writer writes {@link GraphFormat#VERSION})
     * @throws IOException when writing fails
     */
    public void header(GraphRecord.Header header) throws IOException {
        require(Section.START, "the header");
        line.setLength(0);
        line.append("{\"t\":\"header\",\"format\":");
        ValueCodec.writeString(line, GraphFormat.NAME);
        line.append(",\"version\":").append(GraphFormat.VERSION).append(",\"database\":");
        ValueCodec.writeString(line, header.database());
        optional("neo4jVersion", header.neo4jVersion());
        optional("neo4jEdition", header.neo4jEdition());
        optional("createdAt", header.createdAt());
        line.append(",\"nodeKeys\":\"id\"}");
        emit("the header");
        section = Section.SCHEMA;
    }

    /**
     * Writes one schema statement; after the header, before any node.
     *
     * @param statement the statement
     * @throws IOException when writing fails
     */
    public void schema(GraphRecord.SchemaStatement statement) throws IOException {
        require(Section.SCHEMA, "a schema statement");
        line.setLength(0);
        line.append("{\"t\":\"schema\",\"kind\":\"").append(statement.kind().wireName()).append("\",\"name\":");
        ValueCodec.writeString(line, statement.name());
        line.append(",\"cypher\":");
        ValueCodec.writeString(line, statement.cypher());
        line.append('}');
        emit("schema statement " + statement.name());
        schemaStatements++;
    }

    /**
     * Writes one node; after the schema, before any relationship.
     *
     * @param key        the backup-local key, unique in this stream
     * @param nodeLabels the labels
     * @param properties the properties
     * @throws IOException              when writing fails
     * @throws IllegalArgumentException when a property value cannot be stored in Neo4j (message names it)
     */
    public void node(long key, List<String> nodeLabels, Map<String, Value> properties) throws IOException {
        node(key, nodeLabels, properties, Map.of());
    }

    /**
     * Writes one node whose properties in {@code storedTypes} are stored narrower than the driver
     * shows them ({@code FloatArray}: written as {@code list<float32>}).
     *
     * @param key         the backup-local key, unique in this stream
     * @param nodeLabels  the labels
     * @param properties  the properties
     * @param storedTypes property key to narrow stored type
     * @throws IOException              when writing fails
     * @throws IllegalArgumentException when a property value cannot be stored in Neo4j (message names it)
     */
    public void node(long key, List<String> nodeLabels, Map<String, Value> properties,
                     Map<String, String> storedTypes) throws IOException {
        if (section == Section.SCHEMA) {
            section = Section.NODES;
        }
        require(Section.NODES, "a node");
        line.setLength(0);
        line.append("{\"t\":\"n\",\"k\":").append(key).append(",\"l\":[");
        for (int i = 0; i < nodeLabels.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            String label = nodeLabels.get(i);
            ValueCodec.writeString(line, label);
            labels.merge(label, 1L, Long::sum);
        }
        line.append("],\"p\":");
        try {
            ValueCodec.writeProperties(line, properties, storedTypes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Node " + key + " " + nodeLabels + ": " + e.getMessage(), e);
        }
        line.append('}');
        emit("node " + key);
        nodes++;
    }

    /**
     * Writes one relationship; after the nodes.
     *
     * @param start      the start node's key
     * @param end        the end node's key
     * @param type       the type
     * @param properties the properties
     * @throws IOException              when writing fails
     * @throws IllegalArgumentException when a property value cannot be stored in Neo4j (message names it)
     */
    public void relationship(long start, long end, String type, Map<String, Value> properties) throws IOException {
        relationship(start, end, type, properties, Map.of());
    }

    /**
     * Writes one relationship whose properties in {@code storedTypes} are stored narrower than the
     * driver shows them.
     *
     * @param start       the start node's key
     * @param end         the end node's key
     * @param type        the type
     * @param properties  the properties
     * @param storedTypes property key to narrow stored type
     * @throws IOException              when writing fails
     * @throws IllegalArgumentException when a property value cannot be stored in Neo4j (message names it)
     */
    public void relationship(long start, long end, String type, Map<String, Value> properties,
                             Map<String, String> storedTypes) throws IOException {
        if (section == Section.SCHEMA || section == Section.NODES) {
            section = Section.RELATIONSHIPS;
        }
        require(Section.RELATIONSHIPS, "a relationship");
        line.setLength(0);
        line.append("{\"t\":\"r\",\"s\":").append(start).append(",\"e\":").append(end).append(",\"y\":");
        ValueCodec.writeString(line, type);
        line.append(",\"p\":");
        try {
            ValueCodec.writeProperties(line, properties, storedTypes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Relationship (" + start + ")-[:" + type + "]->(" + end + "): "
                    + e.getMessage(), e);
        }
        line.append('}');
        emit("relationship " + start + "->" + end);
        types.merge(type, 1L, Long::sum);
        relationships++;
    }

    /**
     * Writes the trailer with the counts of what was written and flushes. Without it a reader
     * treats the stream as truncated.
     *
     * @param contentFingerprint the content fingerprint, or {@code null}
     * @param schemaFingerprint  the schema fingerprint, or {@code null}
     * @return the trailer written
     * @throws IOException when writing fails
     */
    public GraphRecord.Trailer finish(String contentFingerprint, String schemaFingerprint) throws IOException {
        if (section == Section.START || section == Section.DONE) {
            throw new IllegalStateException("finish() needs a header first and may be called once");
        }
        GraphRecord.Trailer trailer = new GraphRecord.Trailer(nodes, relationships, schemaStatements, labels, types,
                contentFingerprint, schemaFingerprint);
        line.setLength(0);
        line.append("{\"t\":\"end\",\"nodes\":").append(nodes).append(",\"relationships\":").append(relationships)
                .append(",\"schema\":").append(schemaStatements).append(",\"labels\":");
        counts(trailer.labels());
        line.append(",\"types\":");
        counts(trailer.types());
        optional("contentFingerprint", contentFingerprint);
        optional("schemaFingerprint", schemaFingerprint);
        line.append('}');
        emit("the trailer");
        section = Section.DONE;
        writer.flush();
        return trailer;
    }

    /**
     * Flushes buffered records to the stream.
     *
     * @throws IOException when writing fails
     */
    public void flush() throws IOException {
        writer.flush();
    }

    /**
     * Nodes written so far.
     *
     * @return the count
     */
    public long nodes() {
        return nodes;
    }

    /**
     * Relationships written so far.
     *
     * @return the count
     */
    public long relationships() {
        return relationships;
    }

    /**
     * Nodes per label written so far.
     *
     * @return a copy of the counts
     */
    public Map<String, Long> labelCounts() {
        return new TreeMap<>(labels);
    }

    /**
     * Relationships per type written so far.
     *
     * @return a copy of the counts
     */
    public Map<String, Long> typeCounts() {
        return new TreeMap<>(types);
    }

    private void counts(Map<String, Long> map) {
        line.append('{');
        boolean first = true;
        for (Map.Entry<String, Long> e : map.entrySet()) {
            if (!first) {
                line.append(',');
            }
            first = false;
            ValueCodec.writeString(line, e.getKey());
            line.append(':').append(e.getValue());
        }
        line.append('}');
    }

    private void optional(String name, String value) {
        if (value != null) {
            line.append(",\"").append(name).append("\":");
            ValueCodec.writeString(line, value);
        }
    }

    private void require(Section expected, String what) {
        if (section != expected) {
            throw new IllegalStateException("Cannot write " + what + " now: the stream is at " + section
                    + "; the order is header, schema, nodes, relationships, finish");
        }
    }

    private void emit(String what) throws IOException {
        if (line.length() > GraphFormat.MAX_LINE_CHARS) {
            throw new IOException("The record of " + what + " has " + line.length() + " characters, more than the "
                    + GraphFormat.MAX_LINE_CHARS + " a backup record may have; it has a property too large to back "
                    + "up with this engine (use neo4j-admin dump)");
        }
        line.append('\n');
        writer.append(line);
    }
}
