package io.github.neo4jbackup.reliability;

import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.core.spi.SourceDescription;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Data, sources, sinks and a clock shared by the reliability suites. The data looks like a
 * Graphiti knowledge-graph export (JSON lines of entities, episodes and edges with UUIDs, names,
 * summaries, timestamps and embeddings), so compressors see realistic input.
 */
final class ReliabilitySupport {

    private static final String[] NAMES = {"Alice", "Bob", "Acme Corp", "Berlin", "Project Falcon", "Q3 report",
        "Neo4j", "Kubernetes", "invoice 4711", "Dr. Okafor", "Zürich", "the board meeting"};
    private static final String[] RELATIONS = {"WORKS_FOR", "MENTIONS", "LOCATED_IN", "RELATES_TO", "AUTHORED",
        "ATTENDED", "OWNS"};

    private ReliabilitySupport() {
    }

    /**
     * Deterministic Graphiti-like JSON lines of exactly {@code size} bytes.
     *
     * @param size the number of bytes
     * @param seed the seed
     * @return the bytes
     */
    static byte[] graphitiLines(int size, long seed) {
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder(size + 1024);
        long line = 0;
        while (sb.length() < size) {
            String uuid = new java.util.UUID(random.nextLong(), random.nextLong()).toString();
            String name = NAMES[random.nextInt(NAMES.length)];
            switch ((int) (line++ % 3)) {
                case 0 -> {
                    sb.append("{\"kind\":\"node\",\"labels\":[\"Entity\"],\"uuid\":\"").append(uuid)
                            .append("\",\"group_id\":\"tenant-").append(random.nextInt(8))
                            .append("\",\"name\":\"").append(name).append("\",\"summary\":\"")
                            .append(name).append(" was mentioned ").append(random.nextInt(500))
                            .append(" times\",\"created_at\":\"2025-").append(1 + random.nextInt(12))
                            .append('-').append(1 + random.nextInt(28)).append("T12:00:00Z\",\"name_embedding\":[");
                    for (int i = 0; i < 8; i++) {
                        sb.append(i == 0 ? "" : ",").append(String.format(java.util.Locale.ROOT, "%.6f",
                                random.nextGaussian()));
                    }
                    sb.append("]}\n");
                }
                case 1 -> sb.append("{\"kind\":\"node\",\"labels\":[\"Episodic\"],\"uuid\":\"").append(uuid)
                        .append("\",\"source\":\"message\",\"content\":\"").append(name).append(" met ")
                        .append(NAMES[random.nextInt(NAMES.length)]).append(" on day ").append(random.nextInt(365))
                        .append("\",\"valid_at\":\"2025-06-").append(10 + random.nextInt(18)).append("\"}\n");
                default -> sb.append("{\"kind\":\"relationship\",\"type\":\"")
                        .append(RELATIONS[random.nextInt(RELATIONS.length)]).append("\",\"uuid\":\"").append(uuid)
                        .append("\",\"fact\":\"").append(name).append(' ')
                        .append(RELATIONS[random.nextInt(RELATIONS.length)].toLowerCase(java.util.Locale.ROOT))
                        .append(' ').append(NAMES[random.nextInt(NAMES.length)]).append("\",\"weight\":")
                        .append(random.nextInt(1000)).append("}\n");
            }
        }
        byte[] all = sb.toString().getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(all, size);
    }

    /**
     * Lower-case hex SHA-256.
     *
     * @param data the bytes
     * @return the hash
     */
    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A source writing given bytes in 8 KiB writes, calling a hook after each write. */
    static final class BytesSource implements BackupSource {
        private final String database;
        private final byte[] data;
        private final ChunkHook hook;

        BytesSource(String database, byte[] data) {
            this(database, data, written -> { });
        }

        BytesSource(String database, byte[] data, ChunkHook hook) {
            this.database = database;
            this.data = data;
            this.hook = hook;
        }

        @Override
        public String type() {
            return "generated";
        }

        @Override
        public String database() {
            return database;
        }

        @Override
        public String extension() {
            return "ndjson";
        }

        @Override
        public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
            for (int off = 0; off < data.length; off += 8192) {
                int n = Math.min(8192, data.length - off);
                out.write(data, off, n);
                context.recordsExported(1);
                hook.written(off + n);
            }
            return new SourceDescription("generated", "1", "5.26.0", "community", database, GraphCounts.of(3, 4),
                    Map.of());
        }
    }

    /** Called by {@link BytesSource} after each write. */
    @FunctionalInterface
    interface ChunkHook {
        /**
         * A write finished.
         *
         * @param total raw bytes written so far
         * @throws IOException to fail the export
         */
        void written(long total) throws IOException;
    }

    /**
     * Keeps what it restores and whether it reached a clean end of the stream (the point where a
     * real sink would commit).
     */
    static final class RecordingSink implements RestoreSink {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        int calls;
        boolean finished;
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        @Override
        public boolean accepts(String sourceType) {
            return true;
        }

        @Override
        public SinkResult restore(InputStream data, Manifest manifest) throws IOException {
            calls++;
            try {
                data.transferTo(received);
            } catch (IOException | RuntimeException e) {
                failure.set(e);
                throw e;
            }
            finished = true;
            return new SinkResult(GraphCounts.of(3, 4), Map.of());
        }
    }

}
