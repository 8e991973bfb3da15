package io.github.neo4jbackup.examples;

import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.SourceDescription;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A source that generates a deterministic agent-memory-shaped graph as Cypher statements
 * ({@code Episodic} and {@code Entity} nodes with embeddings, {@code RELATES_TO} facts), so the
 * pipeline can be tried without a database. It streams: memory does not grow with its size.
 *
 * <p>SPI example of a custom {@link BackupSource}: a stable {@link #type()} (recorded in the
 * manifest, used to pick a restore sink), a file {@link #extension()}, an {@link #export} that
 * writes to the stream it is given (never closes it), reports progress through the
 * {@link ExportContext}, honours cancellation and returns what it exported as a
 * {@link SourceDescription} (counts end up in the manifest).
 */
public final class SampleGraphSource implements BackupSource {

    private final String database;
    private final int entities;
    private final int dimensions;
    private final long seed;

    /**
     * Creates the source.
     *
     * @param database   the database name to record
     * @param entities   how many entities (and episodes) to generate
     * @param dimensions embedding dimensions
     * @param seed       random seed; the same seed produces the same bytes
     */
    public SampleGraphSource(String database, int entities, int dimensions, long seed) {
        this.database = database;
        this.entities = entities;
        this.dimensions = dimensions;
        this.seed = seed;
    }

    @Override
    public String type() {
        return "sample-cypher";
    }

    @Override
    public String database() {
        return database;
    }

    @Override
    public String extension() {
        return "cypher";
    }

    @Override
    public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
        Random random = new Random(seed);
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        w.write("// sample agent memory graph, " + entities + " entities\n");
        long relationships = 0;
        for (int i = 0; i < entities; i++) {
            w.write("CREATE (:Episodic {uuid: 'ep-" + i + "', content: 'episode " + i
                    + " said something', valid_at: datetime('2025-01-01T00:00:00Z') + duration({minutes: " + i + "})});\n");
            StringBuilder embedding = new StringBuilder();
            for (int d = 0; d < dimensions; d++) {
                if (d > 0) {
                    embedding.append(", ");
                }
                embedding.append(String.format(Locale.ROOT, "%.6f", random.nextGaussian()));
            }
            w.write("CREATE (:Entity {uuid: 'en-" + i + "', name: 'entity " + i + "', name_embedding: ["
                    + embedding + "]});\n");
            if (i > 0) {
                w.write("MATCH (a:Entity {uuid: 'en-" + (i - 1) + "'}), (b:Entity {uuid: 'en-" + i
                        + "'}) CREATE (a)-[:RELATES_TO {fact: 'fact " + i + "'}]->(b);\n");
                relationships++;
            }
            if (i % 1000 == 999) {
                context.recordsExported(1000);
                if (context.cancelled()) {
                    throw new IOException("Sample export cancelled");
                }
            }
        }
        w.flush();
        return new SourceDescription(type(), "1", null, null, database,
                new GraphCounts(2L * entities, relationships, Map.of("Episodic", (long) entities, "Entity", (long) entities),
                        Map.of("RELATES_TO", relationships)), Map.of("generator", "sample"));
    }
}
