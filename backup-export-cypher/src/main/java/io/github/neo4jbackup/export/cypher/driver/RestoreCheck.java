package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.core.RestoreFailedException;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.export.cypher.census.CensusAttributes;
import io.github.neo4jbackup.export.cypher.census.StoredTypeCensus;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprint;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprinter;
import io.github.neo4jbackup.export.cypher.restore.TargetDatabase;
import io.github.neo4jbackup.export.cypher.schema.SchemaWriter;
import org.neo4j.driver.Driver;
import org.neo4j.driver.exceptions.Neo4jException;
import org.slf4j.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The end of a driver restore, after the data and the index statements: waits until every index is
 * online and, at the same time (on two more threads), reads the counts, the stored-type census and
 * the content and schema fingerprints for comparison with the backup. The census is read once (both
 * of its procedures scan the whole store) and the content fingerprint uses it. The fingerprints do
 * not depend on index state, so the waits overlap; the restore returns only when all of them are done.
 */
final class RestoreCheck {

    private final Driver driver;
    private final String database;
    private final String what;
    private final Logger log;

    RestoreCheck(Driver driver, String database, String what, Logger log) {
        this.driver = driver;
        this.database = database;
        this.what = what;
        this.log = log;
    }

    /** Counts and attributes of the restored database. */
    record Outcome(GraphCounts counts, Duration indexesOnline) {
    }

    /**
     * Runs the checks.
     *
     * @param attributes the result's attributes, to which fingerprints and census are added
     * @throws RestoreFailedException when an index failed or did not come online in time (the message
     *                                comes from {@code partial})
     * @throws IOException            when the server failed while reading
     */
    Outcome run(Manifest manifest, GraphLoad load, SchemaPlan schemaPlan, boolean computeFingerprint,
                Duration indexTimeout, Map<String, String> attributes) throws IOException {
        FutureTask<Duration> online = start("indexes", () -> {
            long t = System.nanoTime();
            SchemaWriter.awaitIndexes(driver, database, indexTimeout);
            return Duration.ofNanos(System.nanoTime() - t);
        });
        FutureTask<StoredTypeCensus> census = start("census", () -> StoredTypeCensus.read(driver, database));
        GraphCounts counts;
        try {
            counts = TargetDatabase.counts(driver, database);
            if (computeFingerprint) {
                fingerprint(manifest, load, schemaPlan, attributes, get(census));
            }
            attributes.put("restore.float32Values", Long.toString(load.float32.written()));
            attributes.putAll(CensusAttributes.checkRestore(what, database, manifest, get(census),
                    load.float32.widened(), load.float32.warnings(), log));
        } catch (Neo4jException | IOException e) {
            throw new IOException("Restore of " + what + " into database '" + database + "' wrote all data, but "
                    + "reading the counts and fingerprints afterwards failed: " + e.getMessage() + ". Check the "
                    + "server; verify the restored database before using it.", e);
        } finally {
            census.cancel(false);
        }
        Duration indexes;
        try {
            indexes = get(online);
        } catch (RestoreFailedException e) {
            throw new RestoreFailedException(load.partial(e.getMessage(), false), e.getCause());
        } catch (Neo4jException e) {
            throw new IOException(load.partial("the server failed: " + e.getMessage(), false), e);
        }
        attributes.put("restore.indexesOnline", indexes.toString());
        return new Outcome(counts, indexes);
    }

    private void fingerprint(Manifest manifest, GraphLoad load, SchemaPlan schemaPlan, Map<String, String> attributes,
                             StoredTypeCensus census) throws IOException {
        int version = GraphFingerprint.contentVersion(manifest == null ? Map.of() : manifest.source().attributes());
        if (manifest == null || load.trailer.contentFingerprint() == null) {
            version = GraphFingerprinter.CURRENT_VERSION;
        }
        if (version < 1 || version > GraphFingerprinter.CURRENT_VERSION) {
            attributes.put("fingerprint.skipped", "the backup's content fingerprint has version " + version
                    + ", which this neo4j-backup does not compute");
            return;
        }
        GraphFingerprint fingerprint = GraphFingerprint.compute(driver, database,
                GraphFingerprint.Options.builder().contentVersion(version).census(census).build());
        attributes.putAll(fingerprint.attributes());
        String expected = load.trailer.contentFingerprint();
        if (expected != null && !expected.equals(fingerprint.content().hex())) {
            log.warn("Restore of {} into '{}': the content fingerprint {} differs from the backup's {}", what, database,
                    fingerprint.content().hex(), expected);
        }
        schemaPlan.compare(load.trailer.schemaFingerprint(), fingerprint.schema(), attributes);
    }

    private <T> FutureTask<T> start(String name, Callable<T> work) {
        FutureTask<T> task = new FutureTask<>(work);
        Thread t = new Thread(task, "restore-check-" + name);
        t.setDaemon(true);
        t.start();
        return task;
    }

    /** The task's result; its unchecked exception as it was thrown. */
    private static <T> T get(FutureTask<T> task) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while checking the restored database", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause);
        }
    }
}
