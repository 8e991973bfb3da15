package io.github.neo4jbackup.export.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code neo4j-admin database info <db>} reports about a database's store.
 *
 * @param database                 the database name
 * @param inUse                    whether a running server has the database open
 * @param storeFormat              the store format, e.g. {@code record-aligned-1.1} or {@code block-block-1.1}
 * @param storeFormatIntroducedIn  the Neo4j version that introduced the format, or {@code null}
 * @param storeFormatSupersededBy  the version that superseded it, or {@code null}
 * @param lastCommittedTransaction the id of the last committed transaction, or {@code null}
 * @param recoveryRequired         whether the store was not shut down cleanly and needs recovery
 */
public record DatabaseInfo(String database, boolean inUse, String storeFormat, String storeFormatIntroducedIn,
                           String storeFormatSupersededBy, String lastCommittedTransaction, boolean recoveryRequired) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Parses the output of {@code neo4j-admin database info --format=json <db>} (or, failing that,
     * of the text format: {@code Store format version:   record-aligned-1.1} lines).
     *
     * @param output   the standard output of the command
     * @param database the database asked about
     * @return the information
     * @throws IOException when the output is neither
     */
    public static DatabaseInfo parse(String output, String database) throws IOException {
        String text = output == null ? "" : output.strip();
        int start = firstOf(text, '{', '[');
        if (start >= 0) {
            JsonNode node = JSON.readTree(text.substring(start));
            if (node.isArray()) {
                JsonNode match = null;
                for (JsonNode element : node) {
                    if (database.equals(element.path("databaseName").asText(null))) {
                        match = element;
                    }
                }
                if (match == null) {
                    throw new IOException("neo4j-admin database info did not report database '" + database + "'");
                }
                node = match;
            }
            return new DatabaseInfo(textOr(node, "databaseName", database), bool(node, "inUse"),
                    textOr(node, "storeFormat", null), textOr(node, "storeFormatIntroduced", null),
                    textOr(node, "storeFormatSuperseded", null), textOr(node, "lastCommittedTransaction", null),
                    bool(node, "recoveryRequired"));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\\R")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT),
                        line.substring(colon + 1).strip());
            }
        }
        if (!fields.containsKey("store format version")) {
            throw new IOException("Unexpected output of neo4j-admin database info (no store format): "
                    + (text.length() > 300 ? text.substring(0, 300) + "…" : text));
        }
        return new DatabaseInfo(fields.getOrDefault("database name", database),
                Boolean.parseBoolean(fields.get("database in use")), fields.get("store format version"),
                fields.get("store format introduced in"), fields.get("store format superseded in"),
                fields.get("last committed transaction id"), Boolean.parseBoolean(fields.get("store needs recovery")));
    }

    private static int firstOf(String text, char a, char b) {
        int i = text.indexOf(a);
        int j = text.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    private static String textOr(JsonNode node, String field, String fallback) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? fallback : value.asText();
    }

    private static boolean bool(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && (value.isBoolean() ? value.booleanValue() : Boolean.parseBoolean(value.asText()));
    }

    /**
     * The facts worth recording in a manifest, under stable names ({@code neo4j.storeFormat},
     * {@code neo4j.storeFormatIntroducedIn}, {@code neo4j.storeFormatSupersededBy},
     * {@code neo4j.lastCommittedTransaction}, {@code neo4j.recoveryRequired}).
     *
     * @return the attributes (absent values left out)
     */
    public Map<String, String> attributes() {
        Map<String, String> a = new TreeMap<>();
        put(a, "neo4j.storeFormat", storeFormat);
        put(a, "neo4j.storeFormatIntroducedIn", storeFormatIntroducedIn);
        put(a, "neo4j.storeFormatSupersededBy", storeFormatSupersededBy);
        put(a, "neo4j.lastCommittedTransaction", lastCommittedTransaction);
        a.put("neo4j.recoveryRequired", Boolean.toString(recoveryRequired));
        return a;
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value);
        }
    }
}
