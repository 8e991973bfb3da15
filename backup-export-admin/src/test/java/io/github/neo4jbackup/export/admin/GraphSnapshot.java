package io.github.neo4jbackup.export.admin;

import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.Value;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the integration test compares between the original database and the restored one: counts
 * per label and type, a digest of the whole content (every node's labels and typed properties, every
 * relationship's type, properties and endpoints; independent of internal ids and order), the
 * schema as {@code SHOW INDEXES / SHOW CONSTRAINTS} reports it, a few embeddings and the result of
 * a vector index query.
 *
 * @param nodes       node count
 * @param relationships relationship count
 * @param labels      nodes per label
 * @param types       relationships per type
 * @param content     SHA-256 over the sorted entity digests
 * @param indexes     index descriptions (name, type, entity, labels/types, properties, options, state)
 * @param constraints constraint descriptions
 * @param samples     a few entities' embeddings by uuid
 * @param vectorQuery the top 5 of a vector index query (uuid and score)
 */
record GraphSnapshot(long nodes, long relationships, Map<String, Long> labels, Map<String, Long> types, String content,
                     List<String> indexes, List<String> constraints, Map<String, List<Double>> samples,
                     List<String> vectorQuery) {

    static GraphSnapshot of(Driver driver, List<Double> query) {
        try (Session s = driver.session()) {
            s.run("CALL db.awaitIndexes(300)").consume();
            Map<String, Long> labels = new TreeMap<>();
            s.run("MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS c").forEachRemaining(
                    r -> labels.put(r.get("l").asString(), r.get("c").asLong()));
            Map<String, Long> types = new TreeMap<>();
            s.run("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c").forEachRemaining(
                    r -> types.put(r.get("t").asString(), r.get("c").asLong()));
            Map<String, String> nodeDigests = new HashMap<>();
            List<String> digests = new ArrayList<>();
            Result nodes = s.run("MATCH (n) RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props");
            while (nodes.hasNext()) {
                Record r = nodes.next();
                List<String> ls = new ArrayList<>(r.get("labels").asList(Value::asString));
                ls.sort(null);
                String digest = sha256("N" + ls + canonical(r.get("props")));
                nodeDigests.put(r.get("id").asString(), digest);
                digests.add(digest);
            }
            long nodeCount = digests.size();
            Result rels = s.run("MATCH (a)-[r]->(b) RETURN elementId(a) AS a, elementId(b) AS b, type(r) AS t, "
                    + "properties(r) AS props");
            long relCount = 0;
            while (rels.hasNext()) {
                Record r = rels.next();
                digests.add(sha256("R" + r.get("t").asString() + canonical(r.get("props"))
                        + nodeDigests.get(r.get("a").asString()) + nodeDigests.get(r.get("b").asString())));
                relCount++;
            }
            digests.sort(null);
            String content = sha256(String.join(",", digests));
            List<String> indexes = s.run("SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties, "
                            + "options, state RETURN name, type, entityType, labelsOrTypes, properties, options, state "
                            + "ORDER BY name")
                    .list(r -> r.get("name").asString() + "|" + r.get("type").asString() + "|"
                            + r.get("entityType").asString() + "|" + canonical(r.get("labelsOrTypes")) + "|"
                            + canonical(r.get("properties")) + "|" + canonical(r.get("options")) + "|"
                            + r.get("state").asString());
            List<String> constraints = s.run("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties "
                            + "RETURN name, type, labelsOrTypes, properties ORDER BY name")
                    .list(r -> r.get("name").asString() + "|" + r.get("type").asString() + "|"
                            + canonical(r.get("labelsOrTypes")) + "|" + canonical(r.get("properties")));
            Map<String, List<Double>> samples = new TreeMap<>();
            s.run("MATCH (e:Entity) WHERE e.uuid IN ['en-0', 'en-1', 'en-999', 'en-1000', 'en-1999'] "
                    + "RETURN e.uuid AS uuid, e.name_embedding AS v").forEachRemaining(
                    r -> samples.put(r.get("uuid").asString(), r.get("v").asList(Value::asDouble)));
            List<String> top = s.run("CALL db.index.vector.queryNodes('entity_embedding', 5, $q) YIELD node, score "
                    + "RETURN node.uuid AS uuid, score", Map.of("q", query))
                    .list(r -> r.get("uuid").asString() + "=" + r.get("score").asDouble());
            return new GraphSnapshot(nodeCount, relCount, labels, types, content, indexes, constraints, samples, top);
        }
    }

    /** A type-tagged, order-independent rendering of a value (maps sorted by key, doubles bit-exact). */
    static String canonical(Value value) {
        String type = value.type().name();
        return switch (type.startsWith("LIST") ? "LIST" : type) {
            case "NULL" -> "null";
            case "LIST" -> {
                StringBuilder b = new StringBuilder("[");
                for (Value v : value.values()) {
                    b.append(canonical(v)).append(',');
                }
                yield b.append(']').toString();
            }
            case "MAP", "NODE", "RELATIONSHIP" -> {
                TreeMap<String, String> sorted = new TreeMap<>();
                for (String key : value.keys()) {
                    sorted.put(key, canonical(value.get(key)));
                }
                yield sorted.toString();
            }
            case "FLOAT" -> "F:" + Long.toHexString(Double.doubleToRawLongBits(value.asDouble()));
            case "BYTES" -> "B:" + HexFormat.of().formatHex(value.asByteArray());
            default -> type + ":" + value.asObject();
        };
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
