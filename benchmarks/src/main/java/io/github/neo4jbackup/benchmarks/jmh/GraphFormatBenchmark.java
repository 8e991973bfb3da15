package io.github.neo4jbackup.benchmarks.jmh;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.github.neo4jbackup.export.cypher.driver.GraphFileReader;
import io.github.neo4jbackup.export.cypher.driver.GraphRecord;
import org.neo4j.driver.Value;
import org.neo4j.driver.types.Type;
import org.neo4j.driver.types.TypeSystem;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The export hot path without a database: encoding a Graphiti-shaped mix of records (short strings,
 * long texts, 1024-d float embeddings, datetimes with zones; see {@link GraphitiRecords}) into the
 * driver-only backup format with {@code GraphFileWriter}, and decoding it back into driver values with
 * {@code GraphFileReader}, the classes {@code DriverExportSource} and {@code DriverRestoreSink} use.
 *
 * <p>Reference (not a target): Jackson writing the same records as plain JSON lines with its
 * streaming generator, and Jackson reading our exact bytes into trees. Ours does more than Jackson
 * here (type tags, exact round-trip of every Neo4j type, driver values out, format checks), so a
 * ratio near 1 means the format costs what generic JSON costs. Every method counts the size of our
 * encoded stream as its {@code bytes}, so MB/s are MB of backup stream per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class GraphFormatBenchmark {

    private static final TypeSystem TYPES = TypeSystem.getDefault();
    private static final Type T_LIST = TYPES.LIST();
    private static final Type T_STRING = TYPES.STRING();
    private static final Type T_INTEGER = TYPES.INTEGER();
    private static final Type T_FLOAT = TYPES.FLOAT();
    private static final Type T_BOOLEAN = TYPES.BOOLEAN();

    private GraphitiRecords records;
    private byte[] encoded;
    private final JsonFactory factory = new JsonFactory();
    private ObjectReader treeReader;

    /** Builds the records and their encoded form once per trial. */
    @Setup(Level.Trial)
    public void setUp() {
        records = GraphitiRecords.standard();
        encoded = records.encode();
        treeReader = new ObjectMapper(factory).readerFor(JsonNode.class);
        System.out.printf(Locale.ROOT, "%n%d nodes, %d relationships: %,d bytes in the backup format%n",
                records.nodes().size(), records.relationships().size(), encoded.length);
    }

    /**
     * Ours: the records through {@code GraphFileWriter} into a discarding stream.
     *
     * @param counter the byte counter
     * @return bytes written
     * @throws IOException never in practice
     */
    @Benchmark
    public long encode(ByteCounter counter) throws IOException {
        Streams.CountingSink sink = new Streams.CountingSink();
        records.writeTo(sink);
        counter.bytes += encoded.length;
        return sink.count();
    }

    /**
     * Reference: Jackson's streaming generator writes the same records as untagged JSON lines.
     *
     * @param counter the byte counter
     * @return bytes written
     * @throws IOException never in practice
     */
    @Benchmark
    public long encodeJackson(ByteCounter counter) throws IOException {
        Streams.CountingSink sink = new Streams.CountingSink();
        try (JsonGenerator g = factory.createGenerator(sink, JsonEncoding.UTF8)) {
            g.setRootValueSeparator(null);
            for (GraphRecord.Node n : records.nodes()) {
                g.writeStartObject();
                g.writeStringField("t", "n");
                g.writeNumberField("k", n.key());
                g.writeArrayFieldStart("l");
                for (String label : n.labels()) {
                    g.writeString(label);
                }
                g.writeEndArray();
                properties(g, n.properties());
                g.writeEndObject();
                g.writeRaw('\n');
            }
            for (GraphRecord.Relationship r : records.relationships()) {
                g.writeStartObject();
                g.writeStringField("t", "r");
                g.writeNumberField("s", r.start());
                g.writeNumberField("e", r.end());
                g.writeStringField("y", r.type());
                properties(g, r.properties());
                g.writeEndObject();
                g.writeRaw('\n');
            }
        }
        counter.bytes += encoded.length;
        return sink.count();
    }

    private static void properties(JsonGenerator g, Map<String, Value> properties) throws IOException {
        g.writeObjectFieldStart("p");
        for (Map.Entry<String, Value> e : properties.entrySet()) {
            g.writeFieldName(e.getKey());
            value(g, e.getValue());
        }
        g.writeEndObject();
    }

    private static void value(JsonGenerator g, Value v) throws IOException {
        Type type = v.type();
        if (T_STRING.equals(type)) {
            g.writeString(v.asString());
        } else if (T_FLOAT.equals(type)) {
            g.writeNumber(v.asDouble());
        } else if (T_INTEGER.equals(type)) {
            g.writeNumber(v.asLong());
        } else if (T_BOOLEAN.equals(type)) {
            g.writeBoolean(v.asBoolean());
        } else if (T_LIST.equals(type)) {
            g.writeStartArray();
            for (int i = 0, n = v.size(); i < n; i++) {
                value(g, v.get(i));
            }
            g.writeEndArray();
        } else {
            // temporal values: their ISO text, as a JSON exporter would write them
            g.writeString(v.asObject().toString());
        }
    }

    /**
     * Ours: our bytes back into records with driver values through {@code GraphFileReader}.
     *
     * @param counter the byte counter
     * @param bh      consumes every record
     * @return records read
     * @throws IOException never in practice
     */
    @Benchmark
    public long decode(ByteCounter counter, Blackhole bh) throws IOException {
        GraphFileReader reader = new GraphFileReader(new ByteArrayInputStream(encoded));
        long n = 0;
        GraphRecord record;
        while ((record = reader.next()) != null) {
            bh.consume(record);
            n++;
        }
        counter.bytes += encoded.length;
        return n;
    }

    /**
     * Reference: Jackson reads our exact bytes, one tree per line.
     *
     * @param counter the byte counter
     * @param bh      consumes every tree
     * @return lines read
     * @throws IOException never in practice
     */
    @Benchmark
    public long decodeJackson(ByteCounter counter, Blackhole bh) throws IOException {
        long n = 0;
        try (MappingIterator<JsonNode> it = treeReader.readValues(new ByteArrayInputStream(encoded))) {
            while (it.hasNext()) {
                bh.consume(it.next());
                n++;
            }
        }
        counter.bytes += encoded.length;
        return n;
    }
}
