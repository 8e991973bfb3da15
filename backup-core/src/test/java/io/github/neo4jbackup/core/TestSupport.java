package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.internal.Sha256;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectPage;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.core.storage.ForwardingStorageTarget;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;

/** Sources, sinks, clocks and faulty targets for pipeline tests. */
final class TestSupport {

    private TestSupport() {
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        void set(Instant value) {
            now = value;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Deterministic pseudo-random, partly compressible bytes of a given size. */
    static final class GeneratedSource implements BackupSource {
        final String database;
        final long size;
        final long seed;
        long failAfter = -1;
        IOException failure;
        RuntimeException runtimeFailure;

        GeneratedSource(String database, long size, long seed) {
            this.database = database;
            this.size = size;
            this.seed = seed;
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
            return "bin";
        }

        @Override
        public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
            Random random = new Random(seed);
            byte[] chunk = new byte[8192];
            long written = 0;
            while (written < size) {
                int n = (int) Math.min(chunk.length, size - written);
                fill(random, chunk, n);
                if (failAfter >= 0 && written + n > failAfter) {
                    out.write(chunk, 0, (int) (failAfter - written));
                    if (runtimeFailure != null) {
                        throw runtimeFailure;
                    }
                    throw failure != null ? failure : new IOException("simulated export failure after " + failAfter);
                }
                out.write(chunk, 0, n);
                written += n;
                context.recordsExported(1);
            }
            return new SourceDescription("generated", "1.0", "5.26.0", "community", database,
                    new GraphCounts(size / 100, size / 200, Map.of("Entity", size / 100), Map.of("RELATES_TO", size / 200)),
                    Map.of("note", "generated"));
        }

        static void fill(Random random, byte[] chunk, int n) {
            for (int i = 0; i < n; i++) {
                chunk[i] = (byte) (i % 3 == 0 ? random.nextInt(256) : 'a' + (i % 7));
            }
        }

        String sha256() {
            MessageDigest d = Sha256.newDigest();
            Random random = new Random(seed);
            byte[] chunk = new byte[8192];
            long written = 0;
            while (written < size) {
                int n = (int) Math.min(chunk.length, size - written);
                fill(random, chunk, n);
                d.update(chunk, 0, n);
                written += n;
            }
            return HexFormat.of().formatHex(d.digest());
        }
    }

    /** A sink that hashes what it receives. */
    static class HashingSink implements RestoreSink {
        String sha256;
        long bytes;
        boolean called;
        boolean finished;
        GraphCounts reportCounts = GraphCounts.UNKNOWN;
        Map<String, String> reportAttributes = Map.of();

        @Override
        public boolean accepts(String sourceType) {
            return true;
        }

        @Override
        public SinkResult restore(InputStream data, Manifest manifest) throws IOException {
            called = true;
            MessageDigest d = Sha256.newDigest();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = data.read(buffer)) >= 0) {
                d.update(buffer, 0, n);
                bytes += n;
            }
            sha256 = HexFormat.of().formatHex(d.digest());
            finished = true;
            return new SinkResult(reportCounts, reportAttributes);
        }
    }

    /** A target decorator that fails chosen operations. */
    static class FaultyTarget extends ForwardingStorageTarget {
        Predicate<ObjectKey> failCommit = k -> false;
        Predicate<ObjectKey> failCreate = k -> false;
        long failWriteAfter = -1;

        FaultyTarget(StorageTarget delegate) {
            super(delegate);
        }

        @Override
        public String describe() {
            return "faulty:" + delegate().describe();
        }

        @Override
        public PendingObject create(ObjectKey key, Map<String, String> metadata, WriteMode mode) throws IOException {
            if (failCreate.test(key)) {
                throw new IOException("simulated create failure for " + key);
            }
            PendingObject inner = delegate().create(key, metadata, mode);
            OutputStream stream = new java.io.FilterOutputStream(inner.stream()) {
                long written;

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (failWriteAfter >= 0 && written + len > failWriteAfter) {
                        throw new IOException("simulated write failure (disk full)");
                    }
                    out.write(b, off, len);
                    written += len;
                }

                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }
            };
            return new PendingObject() {
                @Override
                public ObjectKey key() {
                    return key;
                }

                @Override
                public OutputStream stream() {
                    return stream;
                }

                @Override
                public ObjectInfo commit() throws IOException {
                    if (failCommit.test(key)) {
                        throw new IOException("simulated commit failure for " + key);
                    }
                    return inner.commit();
                }

                @Override
                public void abort() {
                    inner.abort();
                }

                @Override
                public void close() {
                    inner.close();
                }
            };
        }
    }
}
