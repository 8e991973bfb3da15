package io.github.neo4jbackup.export.cypher.census;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** The JSON form of a {@link StoredTypeCensus} (see its class comment). */
final class CensusJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CensusJson() {
    }

    static StoredTypeCensus read(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a stored-type census: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject() || root.path("version").asInt(-1) < 1) {
            throw new IllegalArgumentException("not a stored-type census (no version)");
        }
        if (root.path("version").asInt() > StoredTypeCensus.VERSION) {
            throw new IllegalArgumentException("stored-type census version " + root.path("version").asInt()
                    + " is newer than this neo4j-backup reads (" + StoredTypeCensus.VERSION + ")");
        }
        Map<List<String>, Map<String, SortedSet<String>>> nodes = new HashMap<>();
        for (JsonNode n : root.path("nodes")) {
            List<String> labels = new ArrayList<>();
            n.path("labels").forEach(l -> labels.add(l.asText()));
            Collections.sort(labels);
            nodes.put(List.copyOf(labels), properties(n.path("properties")));
        }
        Map<String, Map<String, SortedSet<String>>> rels = new TreeMap<>();
        for (JsonNode r : root.path("relationships")) {
            rels.put(r.path("type").asText(), properties(r.path("properties")));
        }
        return StoredTypeCensus.of(nodes, rels);
    }

    private static Map<String, SortedSet<String>> properties(JsonNode node) {
        Map<String, SortedSet<String>> keys = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            SortedSet<String> types = new TreeSet<>();
            e.getValue().forEach(t -> types.add(t.asText()));
            keys.put(e.getKey(), types);
        }
        return keys;
    }

    static String write(StoredTypeCensus census) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", StoredTypeCensus.VERSION);
        ArrayNode n = root.putArray("nodes");
        census.labelSets().forEach((labels, keys) -> {
            ObjectNode entry = n.addObject();
            ArrayNode l = entry.putArray("labels");
            labels.forEach(l::add);
            putProperties(entry.putObject("properties"), keys);
        });
        ArrayNode r = root.putArray("relationships");
        census.relationshipTypeSets().forEach((type, keys) -> {
            ObjectNode entry = r.addObject();
            entry.put("type", type);
            putProperties(entry.putObject("properties"), keys);
        });
        return root.toString();
    }

    private static void putProperties(ObjectNode node, Map<String, SortedSet<String>> keys) {
        keys.forEach((key, types) -> {
            ArrayNode a = node.putArray(key);
            types.forEach(a::add);
        });
    }
}
