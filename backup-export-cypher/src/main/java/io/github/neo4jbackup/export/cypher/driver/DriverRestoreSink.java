package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.DatabaseName;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.RestoreFailedException;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.export.cypher.census.CensusAttributes;
import io.github.neo4jbackup.export.cypher.internal.Durations;
import io.github.neo4jbackup.export.cypher.restore.RestoreGuard;
import io.github.neo4jbackup.export.cypher.restore.RestorePhases;
import io.github.neo4jbackup.export.cypher.restore.TargetDatabase;
import org.neo4j.driver.Driver;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.exceptions.Neo4jException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Restores a backup of the driver-only engine ({@value GraphFormat#ENGINE}) into a database over
 * Bolt, fast: parameterised {@code UNWIND $rows} batches, no literals in query text.
 *
 * <pre>{@code
 * RestoreSink sink = DriverRestoreSink.builder(driver).database("neo4j").wipe(true).build();
 * pipeline.restore(backupId, sink);
 * }</pre>
 *
 * <p>Order of work ({@link GraphLoad}), each phase timed in the result ({@code restore.phase.*}): the
 * target must be empty (or is wiped when {@link Builder#wipe(boolean)} is set); the backup's
 * constraints are created before the data (together, in one schema transaction), so uniqueness holds
 * while loading and a duplicate fails the restore; nodes are created in batches grouped by label set
 * (labels cannot be parameters, so there is one cached query text per label combination, names
 * quoted), written by {@link Builder#writers(int)} concurrent sessions, each batch returning the
 * internal ids the target gave its nodes, which a compact primitive map keeps ({@link NodeIdMap});
 * once every node batch has committed, the other indexes on nodes are created in one transaction
 * and populate while the relationships are created by internal id
 * ({@link Builder#relationshipWriters(int)} sessions); then the indexes on relationships are created;
 * finally, while the indexes populate, the counts, the stored-type census (read once) and, unless
 * disabled, the content and schema fingerprints are read for comparison with the manifest
 * ({@link RestoreCheck}); the restore returns once every index is online. Nothing temporary is
 * written to the database.
 *
 * <p>Across versions: before the target is inspected or wiped, the schema statements (the start of
 * the stream) are checked against the target server's version; options a Neo4j 5.26 target
 * expresses differently are translated, and a schema it cannot hold refuses the restore with both
 * versions named, nothing changed. After the load the schema is compared by substance, so a
 * restore onto a newer server reports it as equivalent together with what the target chose
 * (result attributes {@code restore.schema}, {@code restore.schema.targetChoices},
 * {@code restore.note}); see {@code docs/compatibility.md}.
 *
 * <p>Stored types: values the backup marked as 32-bit float arrays ({@code list<float32>}) are
 * written through {@code db.create.setNodeVectorProperty} / {@code setRelationshipVectorProperty} in
 * the same batches, so they are stored as {@code FloatArray} again, bit for bit; a target without
 * those procedures, or a vector with NaN or an infinity, gets them as 64-bit lists with a warning
 * naming label set and key. After the load the census of the restored database is compared with
 * the manifest's (see {@code docs/manifest.md}).
 *
 * <p>Everything streams: one line is parsed at a time; at most {@code 2 × writers + 1} batches exist
 * at once (their total bounded by about 16 Mi characters of backup text); the node id map costs about
 * 8 bytes per node, on the heap up to 4 Mi nodes and in a memory-mapped temporary file beyond. The last
 * batch is written only after the whole stream was read, its trailer checked and its end reached
 * (where the pipeline's verifying stream checks the checksum). Committed batches cannot be rolled
 * back: when the stream turns out to be damaged or truncated, or the server fails, the restore
 * throws and its message says that the database holds a partial restore, with the numbers of nodes
 * and relationships committed, that must be wiped and restored again; it never reports success. A
 * failure of one concurrent batch stops the others: no batch is started after it.
 *
 * <p>The driver belongs to the caller and is never closed. Instances are immutable.
 */
public final class DriverRestoreSink implements RestoreSink {

    private static final Logger LOG = LoggerFactory.getLogger(DriverRestoreSink.class);
    /** Characters of backup text all batches in memory may come from together. */
    private static final long MAX_BATCH_CHARS = 16 * 1024 * 1024;
    private static final long MIN_BATCH_CHARS = 1024 * 1024;
    private static final int WIPE_BATCH = 10_000;
    private static final int DEFAULT_BATCH_SIZE = 2000;
    private static final int DEFAULT_WRITERS = 2;
    private static final int DEFAULT_RELATIONSHIP_WRITERS = 2;


    private final Driver driver;
    private final String database;
    private final int batchSize;
    private final int writers;
    private final int relationshipWriters;
    private final boolean wipe;
    private final boolean computeFingerprint;
    private final Duration transactionTimeout;
    private final Duration indexTimeout;

    private DriverRestoreSink(Builder b) {
        this.driver = b.driver;
        this.database = b.database;
        this.batchSize = b.batchSize;
        this.writers = b.writers;
        this.relationshipWriters = b.relationshipWriters;
        this.wipe = b.wipe;
        this.computeFingerprint = b.computeFingerprint;
        this.transactionTimeout = b.transactionTimeout;
        this.indexTimeout = b.indexTimeout;
    }

    /**
     * A builder for a sink writing through the given driver.
     *
     * @param driver the driver; owned by the caller, never closed by this library
     * @return the builder
     */
    public static Builder builder(Driver driver) {
        return new Builder(driver);
    }

    /**
     * A builder holding this sink's configuration.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(driver);
        b.database = database;
        b.batchSize = batchSize;
        b.writers = writers;
        b.relationshipWriters = relationshipWriters;
        b.wipe = wipe;
        b.computeFingerprint = computeFingerprint;
        b.transactionTimeout = transactionTimeout;
        b.indexTimeout = indexTimeout;
        return b;
    }

    /**
     * Accepts backups of the driver-only engine.
     *
     * @param sourceType the engine id from the manifest
     * @return {@code true} for {@value GraphFormat#ENGINE}
     */
    @Override
    public boolean accepts(String sourceType) {
        return GraphFormat.ENGINE.equals(sourceType);
    }

    /**
     * The target database.
     *
     * @return the database name
     */
    public String database() {
        return database;
    }

    /**
     * Rows per write transaction.
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Concurrent write sessions for node batches.
     *
     * @return the number of node writers
     */
    public int writers() {
        return writers;
    }

    /**
     * Concurrent write sessions for relationship batches.
     *
     * @return the number of relationship writers
     */
    public int relationshipWriters() {
        return relationshipWriters;
    }

    /**
     * Whether a non-empty target is wiped first.
     *
     * @return {@code true} to wipe
     */
    public boolean wipe() {
        return wipe;
    }

    /**
     * Whether the fingerprints are computed after the restore.
     *
     * @return {@code true} to compute them
     */
    public boolean computeFingerprint() {
        return computeFingerprint;
    }

    /**
     * Restores the backup stream into the database.
     *
     * @param data     the decoded stream in the graph format
     * @param manifest the backup's manifest, or {@code null} when restoring a bare stream
     * @return counts after the restore and attributes: {@code restore.nodesCreated},
     *         {@code restore.relationshipsCreated}, {@code restore.duration}, {@code restore.writers},
     *         {@code restore.retries}, the phases ({@code restore.phases}, {@code restore.phase.prepare},
     *         {@code .schema}, {@code .nodes}, {@code .relationships}, {@code .indexes} (creating them),
     *         {@code .verification} (counts, census and fingerprints, read while the indexes populate,
     *         until every index is online)), {@code restore.indexesOnline} (from creating the indexes
     *         until all were online), and the
     *         {@link Attributes#CONTENT_FINGERPRINT} and {@link Attributes#SCHEMA_FINGERPRINT} of
     *         the restored database (unless disabled; the content fingerprint in the version the
     *         manifest records), {@code restore.float32Values}, and the stored-type check
     *         ({@link CensusAttributes#CENSUS}, {@link CensusAttributes#MATCHES},
     *         {@link CensusAttributes#DIFFERENCES}, {@link CensusAttributes#WARNINGS})
     * @throws RestoreFailedException when stored types changed that the restore should have kept
     * @throws IOException         when the stream is not a valid backup or the server fails
     * @throws IntegrityException  when the verifying stream reports damage (the message says
     *                             whether the database holds a partial restore)
     * @throws BackupException     when the target is not empty and wiping is not enabled
     */
    @Override
    public SinkResult restore(InputStream data, Manifest manifest) throws IOException {
        Objects.requireNonNull(data, "data");
        String what = manifest == null ? "the backup" : "backup " + manifest.id();
        long started = System.nanoTime();
        RestorePhases phases = new RestorePhases();
        phases.start("prepare");
        GraphFileReader reader = new GraphFileReader(data);
        GraphRecord.Header header = reader.header();
        if (!header.database().equals(database)) {
            LOG.info("Restoring {} of database '{}' into database '{}'", what, header.database(), database);
        }
        SchemaPlan schemaPlan = SchemaPlan.prepare(driver, database, what, header, reader);
        TargetDatabase.Contents wiped = RestoreGuard.requireEmptyOrWipe(driver, database, wipe, WIPE_BATCH);
        GraphLoad load = new GraphLoad(driver, database, what, batchSize, batchChars(), writers, relationshipWriters,
                txConfig(), schemaPlan, phases);
        try {
            load.run(reader);
        } catch (IntegrityException e) {
            throw new IntegrityException(load.partial(e.getMessage(), !wiped.isEmpty()), e);
        } catch (IOException e) {
            throw new IOException(load.partial(e.getMessage(), !wiped.isEmpty()), e);
        } catch (Neo4jException e) {
            throw new IOException(load.partial("the server failed: " + e.getMessage(), !wiped.isEmpty()), e);
        } catch (RestoreFailedException e) {
            throw new RestoreFailedException(load.partial(e.getMessage(), !wiped.isEmpty()), e.getCause());
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new IOException(load.partial(e.getMessage(), !wiped.isEmpty()), e);
        }
        load.requireComplete();
        Map<String, String> attributes = new LinkedHashMap<>(load.attributes());
        // the indexes populate while the counts, census and fingerprints are read
        phases.start("verification");
        RestoreCheck.Outcome checked = new RestoreCheck(driver, database, what, LOG).run(manifest, load, schemaPlan,
                computeFingerprint, indexTimeout, attributes);
        GraphCounts counts = checked.counts();
        phases.stop();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        attributes.put("restore.duration", took.toString());
        attributes.putAll(phases.attributes());
        LOG.info("Restored {} into database '{}': {} nodes, {} relationships, {} schema statements in {} ({}; {} "
                + "writers, {} retried transactions)", what, database, load.nodesCreated(), load.relationshipsCreated(),
                load.schemaApplied, took, phases.describe(), writers + "/" + relationshipWriters, load.retries());
        return new SinkResult(counts, attributes);
    }

    /** Characters of backup text one batch may come from, so that all batches in memory stay bounded. */
    private long batchChars() {
        return Math.max(MIN_BATCH_CHARS, MAX_BATCH_CHARS / (2L * Math.max(writers, relationshipWriters) + 1));
    }

    private TransactionConfig txConfig() {
        TransactionConfig.Builder b = TransactionConfig.builder().withMetadata(Map.of("app", "neo4j-backup"));
        if (transactionTimeout != null) {
            b.withTimeout(transactionTimeout);
        }
        return b.build();
    }

    @Override
    public String toString() {
        return "DriverRestoreSink[database=" + database + ", batchSize=" + batchSize + ", writers=" + writers + "/"
                + relationshipWriters + ", wipe=" + wipe
                + ", computeFingerprint=" + computeFingerprint + "]";
    }

    /** Builds an immutable {@link DriverRestoreSink}. Not thread-safe. */
    public static final class Builder {
        private static final String DEFAULT_WRITERS_TEXT = "2";
        private static final String DEFAULT_RELATIONSHIP_WRITERS_TEXT = "2";
        private final Driver driver;
        private String database = "neo4j";
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int writers = DEFAULT_WRITERS;
        private int relationshipWriters = DEFAULT_RELATIONSHIP_WRITERS;
        private boolean wipe;
        private boolean computeFingerprint = true;
        private Duration transactionTimeout;
        private Duration indexTimeout = Duration.ofHours(1);

        private Builder(Driver driver) {
            this.driver = Objects.requireNonNull(driver, "driver");
        }

        /**
         * The database to restore into (default {@code neo4j}); it must exist.
         *
         * @param value the database name
         * @return this builder
         * @throws InvalidInputException when the name is not valid
         */
        public Builder database(String value) {
            this.database = DatabaseName.validate(value);
            return this;
        }

        /**
         * Concurrent write sessions (threads) for node batches (default {@value #DEFAULT_WRITERS_TEXT}).
         * Even one overlaps the writing with reading the next batch.
         *
         * @param value 1 to 16
         * @return this builder
         * @throws InvalidInputException when out of range
         */
        public Builder writers(int value) {
            this.writers = writers("writers", value);
            return this;
        }

        /**
         * Concurrent write sessions (threads) for relationship batches (default
         * {@value #DEFAULT_RELATIONSHIP_WRITERS_TEXT}). Concurrent batches may lock the same nodes; a
         * deadlock between them is a transient failure the driver retries (counted in
         * {@code restore.retries}).
         *
         * @param value 1 to 16
         * @return this builder
         * @throws InvalidInputException when out of range
         */
        public Builder relationshipWriters(int value) {
            this.relationshipWriters = writers("relationshipWriters", value);
            return this;
        }

        private static int writers(String name, int value) {
            if (value < 1 || value > 16) {
                throw new InvalidInputException(name + " must be between 1 and 16, was " + value);
            }
            return value;
        }

        /**
         * Rows (nodes or relationships) per write transaction (default 2000); a batch is also
         * cut by the characters of backup text it came from (16 Mi characters shared by all batches in
         * memory), so embedding-heavy graphs stay bounded.
         *
         * @param value 1 to 100,000
         * @return this builder
         * @throws InvalidInputException when out of range
         */
        public Builder batchSize(int value) {
            if (value < 1 || value > 100_000) {
                throw new InvalidInputException("batchSize must be between 1 and 100000, was " + value);
            }
            this.batchSize = value;
            return this;
        }

        /**
         * Whether to wipe a non-empty target database first (default {@code false}: a non-empty
         * database is refused and left untouched).
         *
         * @param value {@code true} to delete all data, indexes and constraints of the target first
         * @return this builder
         */
        public Builder wipe(boolean value) {
            this.wipe = value;
            return this;
        }

        /**
         * Whether to compute the content and schema fingerprints of the restored database
         * (default {@code true}; costs one more read of the whole graph).
         *
         * @param value {@code true} to compute them
         * @return this builder
         */
        public Builder computeFingerprint(boolean value) {
            this.computeFingerprint = value;
            return this;
        }

        /**
         * The timeout of each write transaction (default: the server's {@code db.transaction.timeout}).
         *
         * @param value a positive duration, or {@code null} for the server default
         * @return this builder
         * @throws InvalidInputException when not positive
         */
        public Builder transactionTimeout(Duration value) {
            this.transactionTimeout = Durations.positiveOrNull("transactionTimeout", value);
            return this;
        }

        /**
         * How long to wait for indexes to come online after the data is loaded (default 1 hour).
         *
         * @param value a positive duration
         * @return this builder
         * @throws InvalidInputException when not positive
         */
        public Builder indexTimeout(Duration value) {
            this.indexTimeout = Durations.positive("indexTimeout", value);
            return this;
        }

        /**
         * Builds the sink.
         *
         * @return the sink
         */
        public DriverRestoreSink build() {
            return new DriverRestoreSink(this);
        }
    }
}
