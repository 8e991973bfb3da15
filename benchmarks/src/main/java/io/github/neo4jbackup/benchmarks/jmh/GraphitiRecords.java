package io.github.neo4jbackup.benchmarks.jmh;

import io.github.neo4jbackup.export.cypher.driver.GraphFileWriter;
import io.github.neo4jbackup.export.cypher.driver.GraphFormat;
import io.github.neo4jbackup.export.cypher.driver.GraphRecord;
import org.neo4j.driver.Value;
import org.neo4j.driver.Values;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * A Graphiti-shaped agent memory graph built in memory with the Neo4j driver's value types, as
 * {@code DriverExportSource} hands its records to the format writer: {@code Entity} nodes (short
 * strings, a summary, a 1024-d {@code name_embedding}, a datetime with a zone id), {@code Episodic}
 * nodes (1 to 4 KiB of message text with non-ASCII characters, datetimes), a few {@code Community}
 * nodes, {@code RELATES_TO} edges (a fact sentence, a 1024-d {@code fact_embedding}, valid / invalid
 * datetimes with offsets) and {@code MENTIONS} edges (uuid, group id, datetime).
 *
 * <p>The default mix ({@link #standard()}) is about 14 MB in the backup format, most of it
 * embeddings, as in a real Graphiti database. The same seed always gives the same records.
 */
public final class GraphitiRecords {

    /** Embedding dimensions (OpenAI {@code text-embedding-3-small} truncated / many local models). */
    public static final int DIMENSIONS = 1024;

    private static final String[] WORDS = {
        "the", "user", "asked", "about", "project", "deadline", "Alice", "Bob", "meeting", "Berlin",
        "agent", "memory", "graph", "prefers", "coffee", "in", "morning", "works", "at", "Acme",
        "Grüße", "naïve", "café", "日本語", "moved", "to", "Zürich", "last", "year", "and", "will",
        "review", "pull", "request", "tomorrow", "—", "budget", "approved", "for", "Q3",
    };
    private static final ZoneId[] ZONES = {
        ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York"), ZoneId.of("Asia/Kathmandu"), ZoneId.of("UTC"),
    };

    private final List<GraphRecord.Node> nodes;
    private final List<GraphRecord.Relationship> relationships;

    private GraphitiRecords(List<GraphRecord.Node> nodes, List<GraphRecord.Relationship> relationships) {
        this.nodes = List.copyOf(nodes);
        this.relationships = List.copyOf(relationships);
    }

    /**
     * The standard mix: 300 entities, 150 episodes, 10 communities, 300 {@code RELATES_TO} and 600
     * {@code MENTIONS} edges.
     *
     * @return the records
     */
    public static GraphitiRecords standard() {
        return generate(300, 150, 10, 300, 600, 42);
    }

    /**
     * Generates a mix.
     *
     * @param entities    number of {@code Entity} nodes
     * @param episodes    number of {@code Episodic} nodes
     * @param communities number of {@code Community} nodes
     * @param facts       number of {@code RELATES_TO} edges between entities
     * @param mentions    number of {@code MENTIONS} edges from episodes to entities
     * @param seed        the random seed
     * @return the records
     */
    public static GraphitiRecords generate(int entities, int episodes, int communities, int facts, int mentions,
            long seed) {
        Random random = new Random(seed);
        ZonedDateTime base = ZonedDateTime.of(2025, 3, 30, 1, 59, 59, 123456789, ZoneId.of("Europe/Berlin"));
        List<GraphRecord.Node> nodes = new ArrayList<>();
        long key = 0;
        for (int i = 0; i < entities; i++) {
            Map<String, Value> p = new LinkedHashMap<>();
            p.put("uuid", Values.value(uuid(random)));
            p.put("group_id", Values.value("default"));
            p.put("name", Values.value(words(random, 1 + random.nextInt(3))));
            p.put("labels", Values.value(List.of("Entity", i % 3 == 0 ? "Person" : "Organization")));
            p.put("summary", Values.value(words(random, 40 + random.nextInt(80))));
            p.put("name_embedding", embedding(random));
            p.put("created_at", Values.value(base.plusMinutes(i).withZoneSameInstant(ZONES[i % ZONES.length])));
            nodes.add(new GraphRecord.Node(key++, List.of("Entity"), p));
        }
        for (int i = 0; i < episodes; i++) {
            Map<String, Value> p = new LinkedHashMap<>();
            p.put("uuid", Values.value(uuid(random)));
            p.put("group_id", Values.value("default"));
            p.put("name", Values.value("episode-" + i));
            p.put("content", Values.value(words(random, 150 + random.nextInt(450))));
            p.put("source", Values.value("message"));
            p.put("source_description", Values.value("chat transcript"));
            ZonedDateTime at = base.plusHours(i).withZoneSameInstant(ZONES[(i + 1) % ZONES.length]);
            p.put("valid_at", Values.value(at));
            p.put("created_at", Values.value(at.plusSeconds(3)));
            p.put("entity_edges", Values.value(List.of(uuid(random), uuid(random), uuid(random))));
            nodes.add(new GraphRecord.Node(key++, List.of("Episodic"), p));
        }
        for (int i = 0; i < communities; i++) {
            Map<String, Value> p = new LinkedHashMap<>();
            p.put("uuid", Values.value(uuid(random)));
            p.put("group_id", Values.value("default"));
            p.put("name", Values.value("Community " + i));
            p.put("summary", Values.value(words(random, 60)));
            p.put("name_embedding", embedding(random));
            p.put("created_at", Values.value(base.plusDays(i)));
            nodes.add(new GraphRecord.Node(key++, List.of("Community"), p));
        }
        List<GraphRecord.Relationship> rels = new ArrayList<>();
        for (int i = 0; i < facts; i++) {
            Map<String, Value> p = new LinkedHashMap<>();
            p.put("uuid", Values.value(uuid(random)));
            p.put("group_id", Values.value("default"));
            p.put("name", Values.value(i % 2 == 0 ? "WORKS_AT" : "KNOWS"));
            p.put("fact", Values.value(words(random, 12 + random.nextInt(20))));
            p.put("fact_embedding", embedding(random));
            p.put("episodes", Values.value(List.of(uuid(random))));
            ZonedDateTime at = base.plusMinutes(7L * i);
            p.put("created_at", Values.value(at));
            p.put("valid_at", Values.value(at.withZoneSameInstant(ZoneOffset.ofHours(2)).toOffsetDateTime()));
            if (i % 4 == 0) {
                p.put("invalid_at", Values.value(at.plusDays(30).withZoneSameInstant(ZoneOffset.UTC)));
            }
            rels.add(new GraphRecord.Relationship(random.nextInt(Math.max(1, entities)),
                    random.nextInt(Math.max(1, entities)), "RELATES_TO", p));
        }
        for (int i = 0; i < mentions; i++) {
            Map<String, Value> p = new LinkedHashMap<>();
            p.put("uuid", Values.value(uuid(random)));
            p.put("group_id", Values.value("default"));
            p.put("created_at", Values.value(base.plusSeconds(i)));
            rels.add(new GraphRecord.Relationship(entities + random.nextInt(Math.max(1, episodes)),
                    random.nextInt(Math.max(1, entities)), "MENTIONS", p));
        }
        return new GraphitiRecords(nodes, rels);
    }

    private static String uuid(Random random) {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    private static String words(Random random, int count) {
        StringBuilder sb = new StringBuilder(count * 7);
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                sb.append(i % 17 == 0 ? ". " : " ");
            }
            sb.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    /** A unit-scale embedding of float32 components widened to double, as embedding APIs return them. */
    private static Value embedding(Random random) {
        double[] v = new double[DIMENSIONS];
        for (int i = 0; i < DIMENSIONS; i++) {
            v[i] = (float) (random.nextGaussian() * 0.03);
        }
        return Values.value(v);
    }

    /**
     * The nodes, in key order.
     *
     * @return the nodes
     */
    public List<GraphRecord.Node> nodes() {
        return nodes;
    }

    /**
     * The relationships.
     *
     * @return the relationships
     */
    public List<GraphRecord.Relationship> relationships() {
        return relationships;
    }

    /**
     * Writes the records as a complete backup stream (header, nodes, relationships, trailer) with
     * {@link GraphFileWriter}, the export engine's writer. The stream is not closed.
     *
     * @param out where to write
     * @throws IOException when writing fails
     */
    public void writeTo(OutputStream out) throws IOException {
        GraphFileWriter writer = new GraphFileWriter(out);
        writer.header(new GraphRecord.Header(GraphFormat.VERSION, "neo4j", "5.26.30", "community",
                "2025-03-30T00:00:00Z"));
        for (GraphRecord.Node n : nodes) {
            writer.node(n.key(), n.labels(), n.properties());
        }
        for (GraphRecord.Relationship r : relationships) {
            writer.relationship(r.start(), r.end(), r.type(), r.properties());
        }
        writer.finish(null, null);
    }

    /**
     * The records as a complete backup stream: the realistic export bytes the transformer and
     * pipeline benchmarks feed through the chain.
     *
     * @return the bytes
     */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024 * 1024);
        try {
            writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
