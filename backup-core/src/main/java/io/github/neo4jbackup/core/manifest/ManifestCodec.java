package io.github.neo4jbackup.core.manifest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.neo4jbackup.core.DatabaseName;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.ObjectKey;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads and writes manifests as JSON (format described in {@code docs/manifest.md}).
 *
 * <p>Reading is strict about what it needs (a missing or malformed field is an
 * {@link IntegrityException} naming the field) and tolerant of fields it does not know, so newer
 * writers of the same format version stay readable. A manifest of a newer format version is
 * refused with a message asking for a newer neo4j-backup.
 */
public final class ManifestCodec {

    /** Largest manifest accepted when reading, in bytes. */
    public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength(1_000_000).maxNumberLength(100).build());
    }

    private ManifestCodec() {
    }

    /**
     * Serializes a manifest.
     *
     * @param manifest the manifest
     * @return UTF-8 JSON bytes
     */
    public static byte[] write(Manifest manifest) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("formatVersion", manifest.formatVersion());
        root.put("id", manifest.id());
        root.put("database", manifest.database());
        root.put("createdAt", manifest.createdAt().toString());
        root.put("finishedAt", manifest.finishedAt().toString());
        ObjectNode source = root.putObject("source");
        source.put("type", manifest.source().type());
        putNullable(source, "engineVersion", manifest.source().engineVersion());
        putNullable(source, "neo4jVersion", manifest.source().neo4jVersion());
        putNullable(source, "neo4jEdition", manifest.source().neo4jEdition());
        putMap(source.putObject("attributes"), manifest.source().attributes());
        ObjectNode tool = root.putObject("tool");
        tool.put("name", "neo4j-backup");
        tool.put("version", manifest.toolVersion());
        root.put("host", manifest.host());
        ArrayNode chain = root.putArray("transformers");
        for (TransformerSpec spec : manifest.transformers()) {
            ObjectNode step = chain.addObject();
            step.put("id", spec.id());
            putMap(step.putObject("parameters"), spec.parameters());
        }
        ObjectNode object = root.putObject("object");
        object.put("key", manifest.object().key().value());
        object.put("rawSize", manifest.object().rawSize());
        object.put("storedSize", manifest.object().storedSize());
        object.put("rawSha256", manifest.object().rawSha256());
        object.put("storedSha256", manifest.object().storedSha256());
        ObjectNode counts = root.putObject("counts");
        GraphCounts c = manifest.counts();
        if (c.nodes() >= 0) {
            counts.put("nodes", c.nodes());
        }
        if (c.relationships() >= 0) {
            counts.put("relationships", c.relationships());
        }
        ObjectNode labels = counts.putObject("labels");
        c.labels().forEach(labels::put);
        ObjectNode types = counts.putObject("types");
        c.types().forEach(types::put);
        putMap(root.putObject("labels"), manifest.labels());
        putMap(root.putObject("metadata"), manifest.metadata());
        if (manifest.isSafety()) {
            root.put("kind", "safety");
            root.put("protects", manifest.safetyFor());
        }
        if (manifest.isSuspect()) {
            ArrayNode reasons = root.putArray("suspect");
            manifest.suspect().forEach(reasons::add);
        }
        if (manifest.copiedFrom() != null) {
            ObjectNode from = root.putObject("copiedFrom");
            from.put("repository", manifest.copiedFrom().repository());
            from.put("key", manifest.copiedFrom().key());
            from.put("copiedAt", manifest.copiedFrom().copiedAt().toString());
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize manifest " + manifest.id(), e);
        }
    }

    /**
     * Parses a manifest.
     *
     * @param bytes  UTF-8 JSON
     * @param origin where the bytes came from, for error messages (an object key)
     * @return the manifest
     * @throws IntegrityException when the bytes are not a valid manifest (not UTF-8, not JSON, a
     *                            duplicate field, a missing or malformed field, an invalid database name)
     */
    public static Manifest read(byte[] bytes, String origin) {
        if (bytes.length > MAX_MANIFEST_BYTES) {
            throw new IntegrityException("Manifest " + origin + " is " + bytes.length
                    + " bytes, larger than the " + MAX_MANIFEST_BYTES + " bytes a manifest may have; it is not a "
                    + "manifest written by neo4j-backup");
        }
        String text;
        try {
            // strict: Jackson alone accepts some malformed sequences (e.g. the overlong C0 AF as '/')
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IntegrityException("Manifest " + origin + " is not valid UTF-8 text; the file is damaged or was "
                    + "not written by neo4j-backup", e);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IntegrityException("Manifest " + origin + " is not valid JSON (" + firstLine(e.getMessage())
                    + "); the file is damaged or was not written by neo4j-backup", e);
        }
        if (root == null || !root.isObject()) {
            throw new IntegrityException("Manifest " + origin + " is not a JSON object");
        }
        Reader r = new Reader(origin);
        int version = r.integer(root, "formatVersion");
        if (version > Manifest.FORMAT_VERSION) {
            throw new IntegrityException("Manifest " + origin + " has format version " + version
                    + " but this neo4j-backup reads up to " + Manifest.FORMAT_VERSION
                    + "; use a newer neo4j-backup to read it");
        }
        if (version < 1) {
            throw new IntegrityException("Manifest " + origin + " has invalid format version " + version);
        }
        JsonNode src = r.object(root, "source");
        Manifest.SourceInfo source = new Manifest.SourceInfo(r.text(src, "type"),
                r.optionalText(src, "engineVersion"), r.optionalText(src, "neo4jVersion"),
                r.optionalText(src, "neo4jEdition"), r.stringMap(src, "attributes"));
        JsonNode tool = root.get("tool");
        String toolVersion = tool != null && tool.isObject() ? r.optionalText(tool, "version") : null;
        List<TransformerSpec> chain = new ArrayList<>();
        JsonNode steps = root.get("transformers");
        if (steps == null || !steps.isArray()) {
            throw r.problem("transformers", "is missing or not an array");
        }
        for (JsonNode step : steps) {
            if (!step.isObject()) {
                throw r.problem("transformers", "contains an entry that is not an object");
            }
            chain.add(new TransformerSpec(r.text(step, "id"), r.stringMap(step, "parameters")));
        }
        JsonNode obj = r.object(root, "object");
        ObjectKey key;
        try {
            key = ObjectKey.of(r.text(obj, "key"));
        } catch (InvalidInputException e) {
            throw r.problem("object.key", "is not a valid object key: " + e.getMessage());
        }
        StoredObject object = new StoredObject(key, r.size(obj, "rawSize"), r.size(obj, "storedSize"),
                r.sha256(obj, "rawSha256"), r.sha256(obj, "storedSha256"));
        GraphCounts counts = GraphCounts.UNKNOWN;
        JsonNode cn = root.get("counts");
        if (cn != null && cn.isObject()) {
            counts = new GraphCounts(cn.has("nodes") ? r.size(cn, "nodes") : -1,
                    cn.has("relationships") ? r.size(cn, "relationships") : -1,
                    r.longMap(cn, "labels"), r.longMap(cn, "types"));
        }
        String database = r.text(root, "database");
        try {
            DatabaseName.validate(database);
        } catch (InvalidInputException e) {
            throw r.problem("database", "is not a valid database name (1 to 63 characters: an ASCII letter, then "
                    + "ASCII letters, digits, '.', '-' or '_')");
        }
        Manifest.CopiedFrom copiedFrom = null;
        JsonNode from = root.get("copiedFrom");
        if (from != null && !from.isNull()) {
            if (!from.isObject()) {
                throw r.problem("copiedFrom", "is not an object");
            }
            copiedFrom = new Manifest.CopiedFrom(r.text(from, "repository"), r.text(from, "key"),
                    r.instant(from, "copiedAt"));
        }
        List<String> suspect = new ArrayList<>();
        JsonNode reasons = root.get("suspect");
        if (reasons != null && !reasons.isNull()) {
            if (!reasons.isArray()) {
                throw r.problem("suspect", "is not an array");
            }
            for (JsonNode reason : reasons) {
                if (!reason.isTextual() || reason.asText().isEmpty()) {
                    throw r.problem("suspect", "contains an entry that is not a non-empty string");
                }
                suspect.add(reason.asText());
            }
        }
        String safetyFor = null;
        String kind = r.optionalText(root, "kind");
        if ("safety".equals(kind)) {
            safetyFor = r.text(root, "protects");
        } else if (kind != null && !kind.equals("backup")) {
            throw r.problem("kind", "is '" + kind + "', not 'backup' or 'safety'");
        }
        return new Manifest(version, r.text(root, "id"), database,
                r.instant(root, "createdAt"), r.instant(root, "finishedAt"), source, toolVersion,
                r.optionalText(root, "host"), chain, object, counts, r.stringMap(root, "labels"),
                r.stringMap(root, "metadata"), copiedFrom, suspect, safetyFor);
    }

    private static void putNullable(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void putMap(ObjectNode node, Map<String, String> map) {
        map.forEach(node::put);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** Field readers producing errors that name the manifest and the field. */
    private record Reader(String origin) {

        IntegrityException problem(String field, String what) {
            return new IntegrityException("Manifest " + origin + ": field '" + field + "' " + what
                    + "; the manifest is damaged or was not written by neo4j-backup");
        }

        JsonNode object(JsonNode parent, String field) {
            JsonNode n = parent.get(field);
            if (n == null || !n.isObject()) {
                throw problem(field, "is missing or not an object");
            }
            return n;
        }

        String text(JsonNode parent, String field) {
            JsonNode n = parent.get(field);
            if (n == null || !n.isTextual() || n.asText().isEmpty()) {
                throw problem(field, "is missing or not a non-empty string");
            }
            return n.asText();
        }

        String optionalText(JsonNode parent, String field) {
            JsonNode n = parent.get(field);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isTextual()) {
                throw problem(field, "is not a string");
            }
            return n.asText();
        }

        int integer(JsonNode parent, String field) {
            JsonNode n = parent.get(field);
            if (n == null || !n.canConvertToInt() || !n.isIntegralNumber()) {
                throw problem(field, "is missing or not an integer");
            }
            return n.intValue();
        }

        long size(JsonNode parent, String field) {
            JsonNode n = parent.get(field);
            if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
                throw problem(field, "is missing or not a non-negative integer");
            }
            return n.longValue();
        }

        String sha256(JsonNode parent, String field) {
            String value = text(parent, field);
            if (!SHA256.matcher(value).matches()) {
                throw problem(field, "is not a lower-case hex SHA-256");
            }
            return value;
        }

        Instant instant(JsonNode parent, String field) {
            String value = text(parent, field);
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw problem(field, "is not an ISO-8601 UTC instant");
            }
        }

        Map<String, String> stringMap(JsonNode parent, String field) {
            JsonNode n = parent.get(field);
            Map<String, String> map = new LinkedHashMap<>();
            if (n == null || n.isNull()) {
                return map;
            }
            if (!n.isObject()) {
                throw problem(field, "is not an object");
            }
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    throw problem(field + "." + e.getKey(), "is not a string");
                }
                map.put(e.getKey(), e.getValue().asText());
            }
            return map;
        }

        Map<String, Long> longMap(JsonNode parent, String field) {
            JsonNode n = parent.get(field);
            Map<String, Long> map = new LinkedHashMap<>();
            if (n == null || n.isNull()) {
                return map;
            }
            if (!n.isObject()) {
                throw problem(field, "is not an object");
            }
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                map.put(e.getKey(), size(n, e.getKey()));
            }
            return map;
        }
    }

    /**
     * Parses a manifest from a UTF-8 string (convenience for tools and tests).
     *
     * @param json   the JSON text
     * @param origin where it came from
     * @return the manifest
     */
    public static Manifest read(String json, String origin) {
        return read(json.getBytes(StandardCharsets.UTF_8), origin);
    }
}
