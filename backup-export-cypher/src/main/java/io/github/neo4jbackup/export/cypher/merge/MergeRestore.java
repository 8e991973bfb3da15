package io.github.neo4jbackup.export.cypher.merge;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.DatabaseName;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.RestoreFailedException;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.operation.DecodedBackup;
import io.github.neo4jbackup.export.cypher.driver.GraphFormat;
import io.github.neo4jbackup.export.cypher.driver.GraphRecord;
import io.github.neo4jbackup.export.cypher.internal.Durations;
import io.github.neo4jbackup.export.cypher.schema.SchemaReader;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Driver;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.Value;
import org.neo4j.driver.exceptions.Neo4jException;
import org.neo4j.driver.types.TypeSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Restores a selected subgraph of a driver-format backup ({@value GraphFormat#ENGINE}) into a live,
 * non-empty database without touching anything else, matching nodes on a merge key property (for
 * Graphiti: {@code uuid}).
 *
 * <pre>{@code
 * MergeResult result = MergeRestore.builder(driver)
 *         .database("neo4j")
 *         .select(MergeRestore.graphitiGroup("tenant-42"))
 *         .mergeOn("uuid")
 *         .onConflict(OnConflict.REFUSE)        // the default: any conflict writes nothing
 *         .build()
 *         .restore(pipeline, pipeline.find(backupId));
 * }</pre>
 *
 * <h2>Why an operation of its own and not a {@code RestoreSink}</h2>
 * A sink gets the backup stream once; a merge must decide before it writes anything whether it may
 * write at all (conflicts, duplicate keys, missing constraints), and it must not hold the selection in
 * memory. So it reads the backup twice through {@link BackupPipeline#open(Manifest)}, each time
 * decoded and checked against the manifest: the <b>checking pass</b> writes nothing, and the
 * <b>writing pass</b> runs only when the check allows it.
 *
 * <h2>Checking pass</h2>
 * <ul>
 *   <li>the selection ({@link Builder#select}) is applied to every node of the backup; every selected
 *       node must hold the merge key, and no two selected nodes may share a key value;</li>
 *   <li>for each label set of the selected nodes, one of its labels must have the key covered in the
 *       target by a uniqueness (or node key) constraint, or at least by a range or text index (a warning,
 *       since nothing then stops a concurrent writer from adding a duplicate); the result suggests the
 *       {@code CREATE CONSTRAINT} statements for the labels lacking a constraint;</li>
 *   <li>each selected node is looked up in the target by its key (through that label), in batches:
 *       absent → to create; present once with identical labels and properties (type-exact, as the
 *       content fingerprint compares them: {@code 1} ≠ {@code 1.0}, a float32 vector ≠ the same numbers
 *       as float64, see {@link io.github.neo4jbackup.export.cypher.fingerprint.EntityFingerprint}) →
 *       unchanged; present with other content → a <b>conflict</b> (key, labels, the differing
 *       properties); present more than once → a duplicate key in the target;</li>
 *   <li>each relationship whose both end nodes are selected is looked up between the matched nodes:
 *       present with identical type, direction and properties → unchanged, else to create.</li>
 * </ul>
 * Any problem (a selection that matches no node, a node without the key, a duplicate key, a label set
 * without constraint or index, or a conflict under {@link OnConflict#REFUSE}) ends the merge with {@link MergeResult.Outcome#REFUSED}
 * and nothing written. A {@link Builder#dryRun dry run} stops here and reports the same counts.
 *
 * <h2>Writing pass</h2>
 * Nodes, then relationships, in batches of {@link Builder#batchSize} rows ({@code UNWIND $rows}, one
 * transaction each), each batch classified again inside its transaction so that a change made by
 * someone else in between is seen: nodes to create are created with the backup's labels and
 * properties, 32-bit float vectors through {@code db.create.setNodeVectorProperty} /
 * {@code setRelationshipVectorProperty} (stored as {@code FloatArray} again); conflicting nodes are left
 * ({@link OnConflict#KEEP}) or get exactly the backup's labels and properties ({@link OnConflict#OVERWRITE},
 * extra labels and properties removed); missing relationships are created. Relationships are never
 * changed or deleted: one whose properties differ in the target is kept, and the backup's is created
 * beside it (the rule is "create unless an identical one exists"; a backup holding several identical
 * parallel relationships between two nodes gets one of them back where the target already has one).
 * Nodes and relationships outside the selection are never read for writing, changed or deleted.
 *
 * <p>Committed batches stay: when the writing pass fails (the server, the connection, a damaged
 * backup, a conflict that appeared since the check), the result has outcome
 * {@link MergeResult.Outcome#FAILED} and its counts say exactly what was committed. The merge is
 * idempotent, so running it again completes it.
 *
 * <p>Memory: one batch of records, plus the merge key value and lookup label of every selected
 * node (about 200 bytes each: the relationships come after all nodes in the stream and name their
 * end nodes by backup-local keys); never the selected nodes' properties. The driver belongs to the
 * caller. Instances are immutable and thread-safe.
 */
public final class MergeRestore {

    private static final Logger LOG = LoggerFactory.getLogger(MergeRestore.class);

    /** The merge key of Graphiti graphs: every node has a unique {@code uuid}. */
    public static final String GRAPHITI_KEY = "uuid";

    /** The property holding a Graphiti node's group (tenant). */
    public static final String GRAPHITI_GROUP_PROPERTY = "group_id";

    private final Driver driver;
    private final String database;
    private final Predicate<GraphRecord.Node> selection;
    private final String mergeKey;
    private final OnConflict onConflict;
    private final boolean dryRun;
    private final int batchSize;
    private final int listLimit;
    private final Duration transactionTimeout;

    private MergeRestore(Builder b) {
        this.driver = b.driver;
        this.database = b.database;
        this.selection = b.selection;
        this.mergeKey = b.mergeKey;
        this.onConflict = b.onConflict;
        this.dryRun = b.dryRun;
        this.batchSize = b.batchSize;
        this.listLimit = b.listLimit;
        this.transactionTimeout = b.transactionTimeout;
    }

    /**
     * A builder for a merge writing through the given driver.
     *
     * @param driver the driver; owned by the caller, never closed by this library
     * @return the builder
     */
    public static Builder builder(Driver driver) {
        return new Builder(driver);
    }

    /**
     * The selection of one Graphiti group: the nodes whose {@value #GRAPHITI_GROUP_PROPERTY} is the
     * given string (merge them on {@value #GRAPHITI_KEY}).
     *
     * @param groupId the group id
     * @return the selection
     */
    public static Predicate<GraphRecord.Node> graphitiGroup(String groupId) {
        Objects.requireNonNull(groupId, "groupId");
        return node -> {
            Value v = node.properties().get(GRAPHITI_GROUP_PROPERTY);
            return v != null && v.hasType(TypeSystem.getDefault().STRING()) && v.asString().equals(groupId);
        };
    }

    /**
     * Refuses a backup this merge cannot read: only backups of the driver engine hold records that can
     * be selected.
     *
     * @param backup the backup's manifest
     * @throws InvalidInputException for a backup of another engine, saying how to get a driver backup of it
     */
    public static void requireDriverBackup(Manifest backup) {
        String engine = backup.source().type();
        if (!GraphFormat.ENGINE.equals(engine)) {
            throw new InvalidInputException("Backup " + backup.id() + " was made by engine '" + engine + "'; a "
                    + "selective restore reads only backups of the driver engine (" + GraphFormat.ENGINE + "), whose "
                    + "records can be selected. To get there: restore this backup into a scratch server (neo4j-backup "
                    + "verify --id " + backup.id() + " --restore-into <scratch server>, or restore it there), back "
                    + "that database up with --engine driver, then restore the selection from the new backup.");
        }
    }

    /**
     * The two passes' streams over a backup of a pipeline's repository: each is decoded and checked
     * against the manifest; closing a stream that was read to its end completes the checks (and throws
     * {@link IntegrityException} on damage).
     *
     * @param pipeline the pipeline whose repository holds the backup (its decoders supply keys)
     * @param backup   the backup's manifest
     * @return the streams
     * @throws InvalidInputException for a backup of another engine than the driver engine
     */
    public static BackupStreams streams(BackupPipeline pipeline, Manifest backup) {
        Objects.requireNonNull(pipeline, "pipeline");
        requireDriverBackup(Objects.requireNonNull(backup, "backup"));
        return () -> {
            DecodedBackup decoded = pipeline.open(backup);
            return new FilterInputStream(decoded.raw()) {
                private boolean ended;

                @Override
                public int read() throws IOException {
                    int b = super.read();
                    ended |= b < 0;
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = super.read(buf, off, len);
                    ended |= n < 0;
                    return n;
                }

                @Override
                public void close() throws IOException {
                    try {
                        if (ended) {
                            decoded.drain();
                        }
                    } finally {
                        decoded.close();
                    }
                }
            };
        };
    }

    /**
     * Merges the selection of a backup of a pipeline's repository into the database.
     *
     * @param pipeline the pipeline whose repository holds the backup
     * @param backup   the backup's manifest ({@link BackupPipeline#find}, {@link BackupPipeline#latest})
     * @return what was found and done; see {@link MergeResult#outcome()}
     * @throws InvalidInputException  for a backup of another engine than the driver engine
     * @throws IntegrityException     when the backup is damaged (found by the checking pass: nothing written)
     * @throws RestoreFailedException when the server failed during the checking pass (nothing written)
     */
    public MergeResult restore(BackupPipeline pipeline, Manifest backup) {
        return restore("backup " + backup.id(), streams(pipeline, backup));
    }

    /**
     * Merges the selection of a backup stream into the database.
     *
     * @param what    what is merged, for messages (e.g. {@code backup 20250101T000000Z})
     * @param streams opens the backup stream, once per pass
     * @return what was found and done; see {@link MergeResult#outcome()}
     * @throws IntegrityException     when the backup is damaged (found by the checking pass: nothing written)
     * @throws RestoreFailedException when the server failed during the checking pass (nothing written)
     */
    public MergeResult restore(String what, BackupStreams streams) {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(streams, "streams");
        long started = System.nanoTime();
        KeyCoverage coverage;
        MergePass check;
        try {
            coverage = new KeyCoverage(SchemaReader.read(driver, database), mergeKey);
            check = new MergePass(this, driver, coverage, null);
            check.run(streams.open());
        } catch (IntegrityException e) {
            throw new IntegrityException(strip(e.getMessage()) + ". Nothing was written to database '" + database
                    + "'.", e);
        } catch (IOException e) {
            throw new IntegrityException("The merge of " + what + " into database '" + database + "' could not read "
                    + "the backup: " + strip(e.getMessage()) + ". Nothing was written.", e);
        } catch (Neo4jException e) {
            throw new RestoreFailedException("The merge of " + what + " into database '" + database + "' failed while "
                    + "checking the target: " + strip(e.getMessage()) + ". Nothing was written.", e);
        } catch (MergePass.ChangedSinceCheck e) {
            throw new IllegalStateException(e); // the checking pass never throws it
        }
        Tally found = check.tally();
        List<String> problems = problems(found, coverage);
        found.warnings.addAll(indexOnlyWarnings(coverage));
        List<String> suggestions = coverage.suggestions();
        if (dryRun) {
            return done(MergeResult.Outcome.DRY_RUN, what, found, suggestions, problems, started);
        }
        if (!problems.isEmpty()) {
            MergeResult result = done(MergeResult.Outcome.REFUSED, what, found, suggestions, problems, started);
            LOG.info("{}: {}", result.summary(), String.join(" ", problems)); // the caller reports the refusal
            return result;
        }
        boolean nothingToWrite = found.nodesCreated == 0 && found.relationshipsCreated == 0
                && (found.conflicts == 0 || onConflict == OnConflict.KEEP);
        if (nothingToWrite) {
            return done(MergeResult.Outcome.APPLIED, what, found, suggestions, List.of(), started);
        }
        MergePass writing = new MergePass(this, driver, coverage, check.selected());
        Tally wrote = writing.tally();
        wrote.warnings.addAll(found.warnings);
        String failure = null;
        try {
            writing.run(streams.open());
        } catch (MergePass.ChangedSinceCheck e) {
            failure = "the target changed while the merge ran: " + e.getMessage();
        } catch (IOException | IntegrityException e) {
            failure = "the backup could not be read a second time: " + strip(e.getMessage());
        } catch (Neo4jException e) {
            failure = "the server failed: " + strip(e.getMessage());
        }
        if (failure == null && wrote.relationshipsWithoutEnds > 0) {
            failure = wrote.relationshipsWithoutEnds + " relationships could not be created because an end node was "
                    + "no longer in the target (deleted while the merge ran)";
        }
        if (failure != null) {
            String message = "The merge of " + what + " into database '" + database + "' failed: " + failure
                    + ". Committed before the failure: " + wrote.nodesCreated + " nodes created, "
                    + wrote.nodesOverwritten + " overwritten, " + wrote.relationshipsCreated + " relationships "
                    + "created. Run the merge again to complete it: it skips what is already there.";
            MergeResult result = done(MergeResult.Outcome.FAILED, what, wrote, suggestions, List.of(message), started);
            LOG.error(message);
            return result;
        }
        MergeResult result = done(MergeResult.Outcome.APPLIED, what, wrote, suggestions, List.of(), started);
        LOG.info("{}", result.summary());
        return result;
    }

    private List<String> problems(Tally t, KeyCoverage coverage) {
        List<String> problems = new ArrayList<>();
        if (t.selectedNodes == 0) {
            problems.add("The selection matches no node of the backup (check the group id or the selection); "
                    + "there is nothing to restore.");
        }
        if (!coverage.uncovered().isEmpty()) {
            problems.add("The merge key '" + mergeKey + "' has no uniqueness constraint or index in database '"
                    + database + "' for the selected nodes labelled " + labelSets(coverage.uncovered()) + ", so they cannot be "
                    + "matched safely. Create the constraint first: " + String.join("; ", coverage.suggestions()) + ".");
        }
        if (t.nodesWithoutKey > 0) {
            problems.add(t.nodesWithoutKey + " selected nodes have no '" + mergeKey + "' property and cannot be "
                    + "matched, e.g. " + t.nodesWithoutKeyList + ". Narrow the selection or merge on another key.");
        }
        if (t.duplicateKeysInBackup > 0) {
            problems.add(t.duplicateKeysInBackup + " values of '" + mergeKey + "' are held by more than one selected "
                    + "node of the backup, e.g. " + t.duplicateKeysInBackupList + "; the key does not identify a node.");
        }
        if (t.duplicateKeysInTarget > 0) {
            problems.add(t.duplicateKeysInTarget + " values of '" + mergeKey + "' are held by more than one node of "
                    + "database '" + database + "', e.g. " + t.duplicateKeysInTargetList + ". Remove the duplicates, "
                    + "then create the constraint: " + String.join("; ", suggestionsOrAll(coverage)) + ".");
        }
        if (t.conflicts > 0 && onConflict == OnConflict.REFUSE) {
            problems.add(t.conflicts + " selected nodes exist in database '" + database + "' with other labels or "
                    + "properties than in the backup (conflicts), e.g. " + t.conflictList + ". Nothing was written; "
                    + "choose what to do with them: keep the database's nodes (--on-conflict keep; OnConflict.KEEP) "
                    + "or overwrite them with the backup's (--on-conflict overwrite; OnConflict.OVERWRITE).");
        }
        return problems;
    }

    /** Label sets as Cypher writes them, e.g. {@code :Entity, :Community:Summary}. */
    private static String labelSets(java.util.Collection<List<String>> sets) {
        return sets.stream().map(l -> l.isEmpty() ? "(no label)" : ":" + String.join(":", l))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private List<String> suggestionsOrAll(KeyCoverage coverage) {
        List<String> s = coverage.suggestions();
        if (!s.isEmpty()) {
            return s;
        }
        List<String> all = new ArrayList<>();
        coverage.labelCounts().keySet().forEach(l -> all.add(KeyCoverage.constraint(l, mergeKey)));
        return all;
    }

    private List<String> indexOnlyWarnings(KeyCoverage coverage) {
        if (coverage.indexOnly().isEmpty()) {
            return List.of();
        }
        return List.of("The merge key '" + mergeKey + "' of the selected nodes labelled " + labelSets(coverage.indexOnly())
                + " is covered by an index but not by a uniqueness constraint: nothing stops another writer from "
                + "creating a duplicate. Graphiti graphs should have: " + String.join("; ", coverage.suggestions()));
    }

    private MergeResult done(MergeResult.Outcome outcome, String what, Tally tally, List<String> suggestions,
                             List<String> problems, long started) {
        return new MergeResult(outcome, what, database, mergeKey, onConflict, tally, suggestions, problems,
                Duration.ofNanos(System.nanoTime() - started));
    }

    private static String strip(String message) {
        String m = message == null ? "unknown error" : message.strip();
        while (m.endsWith(".")) {
            m = m.substring(0, m.length() - 1);
        }
        return m;
    }

    SessionConfig sessionConfig(boolean write) {
        return SessionConfig.builder().withDatabase(database)
                .withDefaultAccessMode(write ? AccessMode.WRITE : AccessMode.READ).build();
    }

    TransactionConfig txConfig() {
        TransactionConfig.Builder b = TransactionConfig.builder().withMetadata(Map.of("app", "neo4j-backup"));
        if (transactionTimeout != null) {
            b.withTimeout(transactionTimeout);
        }
        return b.build();
    }

    /**
     * The target database.
     *
     * @return its name
     */
    public String database() {
        return database;
    }

    /**
     * The selection.
     *
     * @return the predicate selecting nodes
     */
    public Predicate<GraphRecord.Node> selection() {
        return selection;
    }

    /**
     * The property nodes are matched on.
     *
     * @return the merge key
     */
    public String mergeKey() {
        return mergeKey;
    }

    /**
     * What is done with conflicts.
     *
     * @return the policy
     */
    public OnConflict onConflict() {
        return onConflict;
    }

    /**
     * Whether only the check runs.
     *
     * @return {@code true} for a dry run
     */
    public boolean dryRun() {
        return dryRun;
    }

    /**
     * Rows per transaction.
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * How many conflicts (and other offending keys) are listed.
     *
     * @return the limit
     */
    public int listLimit() {
        return listLimit;
    }

    @Override
    public String toString() {
        return "MergeRestore[database=" + database + ", mergeKey=" + mergeKey + ", onConflict=" + onConflict
                + ", dryRun=" + dryRun + ", batchSize=" + batchSize + "]";
    }

    /** Builds an immutable {@link MergeRestore}. Not thread-safe. */
    public static final class Builder {
        private final Driver driver;
        private String database = "neo4j";
        private Predicate<GraphRecord.Node> selection;
        private String mergeKey = GRAPHITI_KEY;
        private OnConflict onConflict = OnConflict.REFUSE;
        private boolean dryRun;
        private int batchSize = 1000;
        private int listLimit = 20;
        private Duration transactionTimeout;

        private Builder(Driver driver) {
            this.driver = Objects.requireNonNull(driver, "driver");
        }

        /**
         * The database to merge into (default {@code neo4j}).
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
         * Which nodes of the backup to restore (required); relationships are restored when both their
         * end nodes are selected. See {@link MergeRestore#graphitiGroup(String)}.
         *
         * @param value the predicate, tested once per node of the backup
         * @return this builder
         */
        public Builder select(Predicate<GraphRecord.Node> value) {
            this.selection = Objects.requireNonNull(value, "selection");
            return this;
        }

        /**
         * The property nodes are matched on (default {@value #GRAPHITI_KEY}).
         *
         * @param value a property key
         * @return this builder
         * @throws InvalidInputException when blank
         */
        public Builder mergeOn(String value) {
            if (value == null || value.isBlank()) {
                throw new InvalidInputException("The merge key must be a property name, e.g. uuid");
            }
            this.mergeKey = value;
            return this;
        }

        /**
         * What to do with conflicts (default {@link OnConflict#REFUSE}: write nothing and list them).
         *
         * @param value the policy
         * @return this builder
         */
        public Builder onConflict(OnConflict value) {
            this.onConflict = Objects.requireNonNull(value, "onConflict");
            return this;
        }

        /**
         * Only check and report what would be created, left alone and in conflict (default {@code false}).
         *
         * @param value {@code true} for a dry run
         * @return this builder
         */
        public Builder dryRun(boolean value) {
            this.dryRun = value;
            return this;
        }

        /**
         * Rows (nodes or relationships) per transaction (default 1000); a batch is also cut at about
         * 16 Mi characters of backup text.
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
         * How many conflicts, nodes without key and duplicate keys the result lists (default 20; the
         * counts are always complete).
         *
         * @param value 0 to 10,000
         * @return this builder
         * @throws InvalidInputException when out of range
         */
        public Builder listConflicts(int value) {
            if (value < 0 || value > 10_000) {
                throw new InvalidInputException("listConflicts must be between 0 and 10000, was " + value);
            }
            this.listLimit = value;
            return this;
        }

        /**
         * The timeout of each transaction (default: the server's {@code db.transaction.timeout}).
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
         * Builds the merge.
         *
         * @return the merge
         * @throws InvalidInputException when no selection was given
         */
        public MergeRestore build() {
            if (selection == null) {
                throw new InvalidInputException("A merge restore needs a selection: call select(..), e.g. "
                        + "select(MergeRestore.graphitiGroup(\"my-group\"))");
            }
            return new MergeRestore(this);
        }
    }
}
