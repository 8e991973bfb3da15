package io.github.neo4jbackup.core.operation;

import io.github.neo4jbackup.core.InvalidInputException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What kind of existing file {@link Importer} is asked to adopt, told from its first bytes:
 * <ul>
 *   <li>a {@code neo4j-admin database dump}: the header {@code DZV1} followed by a zstd frame
 *       (Neo4j 5 and later), or {@code DGV1} followed by a gzip stream — engine {@code neo4j-admin},
 *       extension {@code dump}, already compressed;</li>
 *   <li>an APOC Cypher export ({@code apoc.export.cypher.*}, cypher-shell format): UTF-8 text whose
 *       first statement is Cypher and which uses APOC's {@code UNIQUE IMPORT} markers — engine
 *       {@code cypher-apoc}, extension {@code cypher};</li>
 *   <li>another Cypher script (cypher-shell syntax) — engine {@code cypher-script}, extension
 *       {@code cypher}.</li>
 * </ul>
 * Anything else is refused. The engine ids are those of the engines that restore them
 * ({@code AdminDumpSource.TYPE}, {@code ApocCypherSource.TYPE}, {@code CypherScriptSink.SCRIPT_TYPE}).
 * A dump does not hold the Neo4j version that wrote it in readable form, so none is recorded.
 *
 * @param engine     the engine id recorded in the manifest
 * @param extension  the file extension of the raw bytes, no leading dot
 * @param compressed whether the bytes are compressed already (compression is then skipped)
 * @param attributes facts about the file for the manifest's source attributes
 */
public record ImportFormat(String engine, String extension, boolean compressed, Map<String, String> attributes) {

    /** Engine id of neo4j-admin dumps. */
    public static final String ADMIN = "neo4j-admin";
    /** Engine id of APOC Cypher exports. */
    public static final String APOC = "cypher-apoc";
    /** Engine id of other Cypher scripts. */
    public static final String SCRIPT = "cypher-script";

    private static final int SNIFF = 64 * 1024;
    private static final Pattern FIRST_STATEMENT = Pattern.compile(
            "^(:begin|:commit|:param|:params|create|merge|match|unwind|call|with|set|drop|cypher|optional|foreach"
                    + "|load|using)\\b.*", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /**
     * Creates the record.
     *
     * @param engine     engine id
     * @param extension  extension
     * @param compressed already compressed
     * @param attributes attributes (copied)
     */
    public ImportFormat {
        attributes = java.util.Collections.unmodifiableMap(new TreeMap<>(attributes));
    }

    /**
     * Tells what a file is.
     *
     * @param file the file
     * @return its format
     * @throws InvalidInputException when it is neither a dump nor a Cypher script, is empty, or cannot be read
     */
    public static ImportFormat detect(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(SNIFF);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read " + file + ": " + e.getMessage()
                    + "; give a readable neo4j-admin dump or Cypher script", e);
        }
        return detect(head, file.toString());
    }

    /**
     * Tells what a file is from its first bytes (up to 64 KiB).
     *
     * @param head   the first bytes
     * @param origin the file, for messages
     * @return its format
     * @throws InvalidInputException when it is neither a dump nor a Cypher script
     */
    static ImportFormat detect(byte[] head, String origin) {
        if (head.length == 0) {
            throw new InvalidInputException(origin + " is empty: it is neither a neo4j-admin dump nor a Cypher script");
        }
        if (startsWith(head, 0, 'D', 'Z', 'V', '1')) {
            if (!startsWith(head, 4, 0x28, 0xb5, 0x2f, 0xfd)) {
                throw new InvalidInputException(origin + " starts like a neo4j-admin dump (DZV1) but no zstd frame "
                        + "follows: the dump is damaged or truncated");
            }
            return new ImportFormat(ADMIN, "dump", true, Map.of("dump.format", "DZV1", "dump.compression", "zstd"));
        }
        if (startsWith(head, 0, 'D', 'G', 'V', '1')) {
            if (!startsWith(head, 4, 0x1f, 0x8b)) {
                throw new InvalidInputException(origin + " starts like a neo4j-admin dump (DGV1) but no gzip stream "
                        + "follows: the dump is damaged or truncated");
            }
            return new ImportFormat(ADMIN, "dump", true, Map.of("dump.format", "DGV1", "dump.compression", "gzip"));
        }
        if (startsWith(head, 0, 0x1f, 0x8b) || startsWith(head, 0, 0x28, 0xb5, 0x2f, 0xfd)) {
            throw new InvalidInputException(origin + " is a gzip or zstd compressed file: decompress it first (gunzip, "
                    + "zstd -d) if it holds a Cypher script; a neo4j-admin dump starts with DZV1 or DGV1");
        }
        String text = utf8(head, head.length == SNIFF, origin);
        String first = firstStatement(text);
        if (first == null || !FIRST_STATEMENT.matcher(first).matches()) {
            throw new InvalidInputException(origin + " is neither a neo4j-admin dump (no DZV1/DGV1 header) nor a "
                    + "Cypher script (its first statement" + (first == null ? " is missing" : " starts with '"
                    + shown(first) + "'") + "); nothing was written");
        }
        boolean apoc = text.contains("UNIQUE IMPORT");
        return new ImportFormat(apoc ? APOC : SCRIPT, "cypher", false,
                Map.of("script.kind", apoc ? "apoc.export.cypher" : "cypher"));
    }

    private static boolean startsWith(byte[] bytes, int offset, int... expected) {
        if (bytes.length < offset + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((bytes[offset + i] & 0xff) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static String utf8(byte[] head, boolean cut, String origin) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(head);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(head.length);
        java.nio.charset.CoderResult r = decoder.decode(in, out, !cut);
        if (r.isError() || (!cut && in.hasRemaining())) {
            throw new InvalidInputException(origin + " is neither a neo4j-admin dump (no DZV1/DGV1 header) nor a "
                    + "Cypher script (not UTF-8 text); nothing was written");
        }
        out.flip();
        String text = out.toString();
        if (text.indexOf('\0') >= 0) {
            throw new InvalidInputException(origin + " is neither a neo4j-admin dump nor a Cypher script (binary "
                    + "data); nothing was written");
        }
        return text;
    }

    /** The first line that is not blank and not a comment, stripped, or {@code null}. */
    private static String firstStatement(String text) {
        for (String line : text.split("\n", 200)) {
            String s = line.strip();
            if (s.startsWith("\uFEFF")) {
                s = s.substring(1).strip();
            }
            if (!s.isEmpty() && !s.startsWith("//")) {
                return s;
            }
        }
        return null;
    }

    private static String shown(String line) {
        String s = line.length() > 40 ? line.substring(0, 40) + "..." : line;
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.append(Character.isISOControl(cp) ? "?" : new String(Character.toChars(cp))));
        return sb.toString();
    }
}
