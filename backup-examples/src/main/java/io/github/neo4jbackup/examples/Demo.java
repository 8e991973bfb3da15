package io.github.neo4jbackup.examples;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.export.cypher.driver.DriverExportSource;
import io.github.neo4jbackup.export.cypher.driver.DriverRestoreSink;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprint;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The README's main job: starts an embedded Neo4j, loads a Graphiti-shaped agent-memory graph
 * ({@link GraphitiSampleGraph}), backs it up with the driver engine and zstd into a local
 * repository, lists the repository, verifies the backup with a full read-back, restores it into a
 * second embedded Neo4j and prints the content and schema fingerprints of both databases side by side.
 *
 * <p>Usage: {@code java -jar neo4j-backup-demo.jar [--dir DIR | DIR]} (default
 * {@code ./neo4j-backup-demo}). The exit code is 0 when the backup verified and the restored
 * database has the same fingerprints as the source.
 */
public final class Demo {

    private static final String DATABASE = "neo4j";

    private Demo() {
    }

    /**
     * Runs the demo.
     *
     * @param args {@code --dir DIR} or {@code DIR}: the repository folder
     */
    public static void main(String[] args) {
        Path dir;
        try {
            dir = directory(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("Usage: java -jar neo4j-backup-demo.jar [--dir DIR]");
            System.exit(2);
            return;
        }
        int code;
        try {
            code = run(dir, GraphitiSampleGraph.standard(), System.out);
        } catch (RuntimeException e) {
            System.err.println("Demo failed: " + e);
            code = 1;
        }
        System.exit(code);
    }

    static Path directory(String[] args) {
        String dir = "neo4j-backup-demo";
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--dir")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--dir needs a folder");
                }
                dir = args[++i];
            } else if (args[i].startsWith("--dir=")) {
                dir = args[i].substring("--dir=".length());
            } else if (args[i].equals("--help") || args[i].equals("-h")) {
                throw new IllegalArgumentException("Backs up an embedded sample graph into DIR, verifies it and restores it.");
            } else if (!args[i].startsWith("-") && i == 0) {
                dir = args[i];
            } else {
                throw new IllegalArgumentException("Unknown argument: " + args[i]);
            }
        }
        return Path.of(dir).toAbsolutePath().normalize();
    }

    /**
     * Runs the demo into a folder.
     *
     * @param dir    the repository folder
     * @param sample the graph to load
     * @param out    where to print
     * @return the exit code: 0 when the backup verified and the fingerprints match
     */
    public static int run(Path dir, GraphitiSampleGraph sample, PrintStream out) {
        long t0 = System.nanoTime();
        out.println("Starting two embedded Neo4j servers (source and restore target)...");
        try (EmbeddedNeo4j source = EmbeddedNeo4j.start(); EmbeddedNeo4j target = EmbeddedNeo4j.start()) {
            out.printf("  source  %s%n  target  %s%n", source.boltUri(), target.boltUri());
            sample.load(source.driver(), DATABASE);
            out.printf("Loaded a Graphiti-shaped graph: %,d episodes, %,d entities and %,d facts with %d-dimensional "
                    + "embeddings, fulltext and vector indexes%n", sample.episodes(), sample.entities(), sample.facts(),
                    sample.dimensions());

            BackupPipeline pipeline = BackupPipeline.builder()
                    .source(DriverExportSource.builder(source.driver()).database(DATABASE).build())
                    .transform(Compression.zstd(3))
                    .target(LocalStorageTarget.of(dir))
                    .retention(RetentionPolicy.builder().keepLast(3).keepDaily(7).build())
                    .label("environment", "demo")
                    .build();

            BackupResult result = pipeline.backup();
            out.printf(Locale.ROOT, "%nBacked up %s: %,d nodes, %,d relationships; %,d raw bytes -> %,d stored bytes "
                            + "(zstd, %.1fx) in %d ms%n  object  %s%n  sha256  %s%n",
                    result.id(), result.counts().nodes(), result.counts().relationships(), result.rawSize(),
                    result.storedSize(), result.rawSize() / (double) Math.max(1, result.storedSize()),
                    result.duration().toMillis(), dir.resolve(result.dataKey().value()), result.storedSha256());

            out.println("\nBackups in " + dir + " (newest first):");
            for (Manifest m : pipeline.list()) {
                out.printf(Locale.ROOT, "  %-28s %-20s %-14s %,12d bytes  %s%n", m.id(), m.createdAt(), m.source().type(),
                        m.object().storedSize(), m.object().key());
            }

            VerifyReport report = pipeline.verify(result.id(), VerifyLevel.FULL);
            out.println("\nVerify (full read-back, checksums of stored and decoded bytes): "
                    + (report.ok() ? "OK" : "FAILED " + report.problems()));

            RestoreResult restored = pipeline.restore(result.id(),
                    DriverRestoreSink.builder(target.driver()).database(DATABASE).build());
            out.printf(Locale.ROOT, "Restored into the second server in %d ms; counts match the manifest: %s%n",
                    restored.duration().toMillis(), restored.countsMatched().map(String::valueOf).orElse("unknown"));

            GraphFingerprint before = GraphFingerprint.compute(source.driver(), DATABASE);
            GraphFingerprint after = GraphFingerprint.compute(target.driver(), DATABASE);
            boolean contentEqual = before.content().hex().equals(after.content().hex());
            boolean schemaEqual = before.schema().equals(after.schema());
            out.printf("%n%-9s %-66s %-66s%n", "", "source", "restored");
            out.printf("%-9s %-66s %-66s %s%n", "content", before.content().hex(), after.content().hex(),
                    contentEqual ? "equal" : "DIFFERENT");
            out.printf("%-9s %-66s %-66s %s%n", "schema", before.schema(), after.schema(),
                    schemaEqual ? "equal" : "DIFFERENT");
            out.printf(Locale.ROOT, "%-9s %-66s %-66s%n", "graph",
                    before.content().nodes() + " nodes, " + before.content().relationships() + " relationships",
                    after.content().nodes() + " nodes, " + after.content().relationships() + " relationships");

            boolean ok = report.ok() && contentEqual && schemaEqual;
            out.printf(Locale.ROOT, "%n%s in %.1f s. The repository stays in %s.%n",
                    ok ? "Everything checked out" : "CHECKS FAILED", (System.nanoTime() - t0) / 1e9, dir);
            return ok ? 0 : 1;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
