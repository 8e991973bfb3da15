package io.github.neo4jbackup.export.cypher.driver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Reads a backup stream in the {@link GraphFormat graph format} record by record, in bounded
 * memory (one line at a time, at most {@link GraphFormat#MAX_LINE_CHARS} characters), and checks
 * it as it goes: the header names the format and a supported version, the sections come in order,
 * the trailer's counts match the records read, and nothing follows the trailer. Any problem is a
 * {@link GraphFormatException} naming the line. A stream that ends without a trailer is truncated.
 * Not thread-safe; the caller closes the stream.
 *
 * <p>Lines are split at the {@code '\n'} byte (which never occurs inside a UTF-8 multibyte
 * sequence) and each line is decoded on its own, so a decoding problem names its line.
 */
public final class GraphFileReader {

    private enum Section { START, SCHEMA, NODES, RELATIONSHIPS, END, EOF }

    /** A line's bytes kept between reads beyond this size are released once the line is decoded. */
    private static final int KEEP_PENDING_BYTES = 1024 * 1024;

    private final InputStream in;
    private final int maxLineChars;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private int bufferPos;
    private int bufferLimit;
    private byte[] pending = new byte[0];
    private int pendingLength;
    private long lineNumber;
    private int lastLineChars;
    private Section section = Section.START;
    private GraphRecord.Header header;
    private long nodes;
    private long relationships;
    private long schemaStatements;

    /**
     * Creates a reader over a stream; nothing is read yet.
     *
     * @param in the stream (UTF-8); not closed by this reader
     */
    public GraphFileReader(InputStream in) {
        this(in, GraphFormat.MAX_LINE_CHARS);
    }

    /** A reader with another line-length limit (tests use a small one). */
    GraphFileReader(InputStream in, int maxLineChars) {
        this.in = Objects.requireNonNull(in, "in");
        if (maxLineChars < 1) {
            throw new IllegalArgumentException("maxLineChars must be positive");
        }
        this.maxLineChars = maxLineChars;
        // a character takes at most 3 UTF-8 bytes (a 4-byte sequence decodes to 2 chars)
        this.maxLineBytes = (int) Math.min(3L * maxLineChars, Integer.MAX_VALUE - 16);
    }

    /**
     * Reads the header if not read yet and returns it.
     *
     * @return the header
     * @throws IOException when the stream cannot be read or does not start with a valid header
     */
    public GraphRecord.Header header() throws IOException {
        if (header == null) {
            if (section != Section.START) {
                throw new IllegalStateException("no header was read");
            }
            next();
        }
        return header;
    }

    /**
     * Reads the next record: first the {@link GraphRecord.Header}, last the
     * {@link GraphRecord.Trailer}; after the trailer, {@code null} once the end of the stream has
     * been reached (reading to the end lets a verifying stream check its checksum).
     *
     * @return the record, or {@code null} at the end
     * @throws IOException when the stream is malformed, truncated or cannot be read
     */
    public GraphRecord next() throws IOException {
        if (section == Section.EOF) {
            return null;
        }
        String text = readLine();
        if (text == null) {
            if (section == Section.END) {
                section = Section.EOF;
                return null;
            }
            if (section == Section.START) {
                throw new GraphFormatException(0, "The backup stream is empty; it is not a " + GraphFormat.NAME
                        + " stream or was truncated to nothing");
            }
            throw new GraphFormatException(lineNumber, "the stream ends without a trailer after " + nodes
                    + " nodes and " + relationships + " relationships: the backup is truncated");
        }
        if (section == Section.END) {
            throw new GraphFormatException(lineNumber, "data follows the trailer; the backup is damaged");
        }
        lastLineChars = text.length();
        JsonLine in = new JsonLine(text, lineNumber);
        if (section == Section.START) {
            return readHeader(in);
        }
        if (in.peek() != '{') {
            throw in.error("a record must be a JSON object");
        }
        in.expect('{');
        String first = in.key();
        if (!first.equals("t")) {
            throw in.error("a record must start with its type member \"t\"");
        }
        String t = in.string();
        GraphRecord record = switch (t) {
            case "n" -> readNode(in);
            case "r" -> readRelationship(in);
            case "schema" -> readSchema(in);
            case "end" -> readTrailer(in);
            case "header" -> throw in.error("a second header");
            default -> throw in.error("unknown record type \"" + t + "\"; the backup was written by a newer "
                    + "version of neo4j-backup or is damaged");
        };
        in.expectEnd();
        return record;
    }

    /**
     * The length in characters of the line last read (to bound batches by size).
     *
     * @return the length
     */
    public int lastLineChars() {
        return lastLineChars;
    }

    /**
     * The number of lines read so far.
     *
     * @return the line count
     */
    public long lineNumber() {
        return lineNumber;
    }

    private GraphRecord.Header readHeader(JsonLine in) throws IOException {
        if (in.peek() != '{') {
            throw new GraphFormatException(lineNumber, "the stream does not start with a " + GraphFormat.NAME
                    + " header; it is not a backup of the driver engine (" + GraphFormat.ENGINE + ") or is damaged");
        }
        in.expect('{');
        String format = null;
        String type = null;
        Long version = null;
        String database = null;
        String neo4jVersion = null;
        String neo4jEdition = null;
        String createdAt = null;
        boolean firstMember = true;
        while (in.nextMember(firstMember)) {
            firstMember = false;
            String key = in.key();
            switch (key) {
                case "t" -> type = in.string();
                case "format" -> format = in.string();
                case "version" -> version = in.longValue();
                case "database" -> database = in.string();
                case "neo4jVersion" -> neo4jVersion = in.string();
                case "neo4jEdition" -> neo4jEdition = in.string();
                case "createdAt" -> createdAt = in.string();
                default -> in.skipValue();
            }
        }
        in.expectEnd();
        if (!"header".equals(type) || !GraphFormat.NAME.equals(format)) {
            throw new GraphFormatException(lineNumber, "the stream does not start with a " + GraphFormat.NAME
                    + " header (found format " + (format == null ? "none" : "\"" + format + "\"")
                    + "); it is not a backup of the driver engine or is damaged");
        }
        if (version == null) {
            throw new GraphFormatException(lineNumber, "the header has no format version");
        }
        if (version > GraphFormat.VERSION || version < 1) {
            throw new GraphFormatException(lineNumber, "the backup has format version " + version + " but this "
                    + "version of neo4j-backup reads versions 1 to " + GraphFormat.VERSION
                    + (version > GraphFormat.VERSION ? "; restore it with a newer neo4j-backup" : ""));
        }
        if (database == null) {
            throw new GraphFormatException(lineNumber, "the header names no database");
        }
        header = new GraphRecord.Header(version.intValue(), database, neo4jVersion, neo4jEdition, createdAt);
        section = Section.SCHEMA;
        return header;
    }

    private GraphRecord.SchemaStatement readSchema(JsonLine in) throws IOException {
        if (section != Section.SCHEMA) {
            throw in.error("a schema statement after the " + section.name().toLowerCase(java.util.Locale.ROOT)
                    + "; schema statements come right after the header");
        }
        String kind = null;
        String name = null;
        String cypher = null;
        while (in.nextMember(false)) {
            String key = in.key();
            switch (key) {
                case "kind" -> kind = in.string();
                case "name" -> name = in.string();
                case "cypher" -> cypher = in.string();
                default -> in.skipValue();
            }
        }
        GraphRecord.SchemaKind k = GraphRecord.SchemaKind.fromWireName(kind);
        if (k == null) {
            throw in.error("schema statement of unknown kind " + (kind == null ? "(none)" : "\"" + kind + "\""));
        }
        if (name == null || cypher == null) {
            throw in.error("schema statement without \"name\" or \"cypher\"");
        }
        schemaStatements++;
        return new GraphRecord.SchemaStatement(k, name, cypher);
    }

    private GraphRecord.Node readNode(JsonLine in) throws IOException {
        if (section == Section.SCHEMA) {
            section = Section.NODES;
        }
        if (section != Section.NODES) {
            throw in.error("a node after the relationships; nodes come before relationships");
        }
        long key = 0;
        boolean hasKey = false;
        List<String> labels = List.of();
        Map<String, org.neo4j.driver.Value> properties = Map.of();
        Map<String, String> storedTypes = new java.util.HashMap<>(2);
        while (in.nextMember(false)) {
            String k = in.key();
            switch (k) {
                case "k" -> {
                    key = in.longValue();
                    hasKey = true;
                }
                case "l" -> labels = stringList(in);
                case "p" -> properties = ValueCodec.readProperties(in, storedTypes);
                default -> in.skipValue();
            }
        }
        if (!hasKey) {
            throw in.error("node without key \"k\"");
        }
        nodes++;
        return new GraphRecord.Node(key, labels, properties, storedTypes);
    }

    private GraphRecord.Relationship readRelationship(JsonLine in) throws IOException {
        if (section == Section.SCHEMA || section == Section.NODES) {
            section = Section.RELATIONSHIPS;
        }
        long start = 0;
        long end = 0;
        int seen = 0;
        String type = null;
        Map<String, org.neo4j.driver.Value> properties = Map.of();
        Map<String, String> storedTypes = new java.util.HashMap<>(2);
        while (in.nextMember(false)) {
            String k = in.key();
            switch (k) {
                case "s" -> {
                    start = in.longValue();
                    seen |= 1;
                }
                case "e" -> {
                    end = in.longValue();
                    seen |= 2;
                }
                case "y" -> type = in.string();
                case "p" -> properties = ValueCodec.readProperties(in, storedTypes);
                default -> in.skipValue();
            }
        }
        if (seen != 3 || type == null) {
            throw in.error("relationship without start \"s\", end \"e\" or type \"y\"");
        }
        relationships++;
        return new GraphRecord.Relationship(start, end, type, properties, storedTypes);
    }

    private GraphRecord.Trailer readTrailer(JsonLine in) throws IOException {
        long n = -1;
        long r = -1;
        long s = -1;
        Map<String, Long> labels = Map.of();
        Map<String, Long> types = Map.of();
        String content = null;
        String schema = null;
        while (in.nextMember(false)) {
            String k = in.key();
            switch (k) {
                case "nodes" -> n = in.longValue();
                case "relationships" -> r = in.longValue();
                case "schema" -> s = in.longValue();
                case "labels" -> labels = in.longMap();
                case "types" -> types = in.longMap();
                case "contentFingerprint" -> content = in.consumeNull() ? null : in.string();
                case "schemaFingerprint" -> schema = in.consumeNull() ? null : in.string();
                default -> in.skipValue();
            }
        }
        if (n != nodes || r != relationships || s != schemaStatements) {
            throw in.error("the trailer records " + n + " nodes, " + r + " relationships and " + s
                    + " schema statements but the stream holds " + nodes + ", " + relationships + " and "
                    + schemaStatements + "; the backup is damaged");
        }
        section = Section.END;
        return new GraphRecord.Trailer(n, r, s, new TreeMap<>(labels), new TreeMap<>(types), content, schema);
    }

    private static List<String> stringList(JsonLine in) throws GraphFormatException {
        in.expect('[');
        List<String> list = new ArrayList<>(2);
        boolean first = true;
        while (in.nextElement(first)) {
            first = false;
            list.add(in.string());
        }
        return list;
    }

    /** The next line without its '\n'; null at a clean end; a last line without '\n' is truncation. */
    private String readLine() throws IOException {
        pendingLength = 0;
        while (true) {
            if (bufferPos == bufferLimit) {
                int n = in.read(buffer, 0, buffer.length);
                if (n < 0) {
                    if (pendingLength == 0) {
                        return null;
                    }
                    throw new GraphFormatException(lineNumber + 1, "the last line is incomplete (no line end): the "
                            + "backup is truncated");
                }
                bufferPos = 0;
                bufferLimit = n;
            }
            int start = bufferPos;
            int end = start;
            byte[] b = buffer;
            int limit = bufferLimit;
            while (end < limit && b[end] != '\n') {
                end++;
            }
            if (end < limit) {
                bufferPos = end + 1;
                if (pendingLength == 0) {
                    if (end - start > maxLineBytes) {
                        throw tooLong();
                    }
                    lineNumber++;
                    return decode(b, start, end - start);
                }
                appendPending(b, start, end - start);
                lineNumber++;
                String s = decode(pending, 0, pendingLength);
                if (pending.length > KEEP_PENDING_BYTES) {
                    pending = new byte[0];
                }
                return s;
            }
            appendPending(b, start, limit - start);
            bufferPos = limit;
        }
    }

    private void appendPending(byte[] b, int off, int len) throws GraphFormatException {
        if (len > maxLineBytes - pendingLength) {
            throw tooLong();
        }
        int needed = pendingLength + len;
        if (needed > pending.length) {
            long grown = Math.max(needed, Math.max(8192L, 2L * pending.length));
            pending = java.util.Arrays.copyOf(pending, (int) Math.min(grown, maxLineBytes));
        }
        System.arraycopy(b, off, pending, pendingLength, len);
        pendingLength = needed;
    }

    /**
     * Decodes the current line. The JDK's decoder replaces malformed input with U+FFFD; only a line
     * holding U+FFFD is decoded again, strictly, to tell a U+FFFD in the data from damage.
     */
    private String decode(byte[] b, int off, int len) throws GraphFormatException {
        String s = new String(b, off, len, StandardCharsets.UTF_8);
        if (s.indexOf('\uFFFD') >= 0) {
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, off, len));
            } catch (CharacterCodingException e) {
                throw new GraphFormatException(lineNumber, "the stream is not valid UTF-8; the backup is damaged", e);
            }
        }
        if (s.length() > maxLineChars) {
            throw new GraphFormatException(lineNumber, tooLongMessage());
        }
        return s;
    }

    private GraphFormatException tooLong() {
        return new GraphFormatException(lineNumber + 1, tooLongMessage());
    }

    private String tooLongMessage() {
        return "the line is longer than " + maxLineChars + " characters; the backup is damaged";
    }
}
