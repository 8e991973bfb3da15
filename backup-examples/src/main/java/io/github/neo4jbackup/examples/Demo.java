package io.github.neo4jbackup.examples;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.PruneResult;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * The README's main job for now: backs up a generated sample graph to a local folder with zstd,
 * lists, verifies (full read-back), restores into a checking sink and shows the retention plan.
 *
 * <p>Usage: {@code java -jar neo4j-backup-demo.jar [DIR]} (default {@code ./neo4j-backup-demo}).
 */
public final class Demo {

    private Demo() {
    }

    /**
     * Runs the demo.
     *
     * @param args optional backup folder
     */
    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "neo4j-backup-demo").toAbsolutePath();
        System.exit(run(dir));
    }

    /**
     * Runs the demo into a folder.
     *
     * @param dir the backup folder
     * @return the process exit code (0 when everything checked out)
     */
    public static int run(Path dir) {
        BackupPipeline pipeline = BackupPipeline.builder()
                .source(new SampleGraphSource("neo4j", 20_000, 64, 7))
                .transform(Compression.zstd(3))
                .target(LocalStorageTarget.of(dir))
                .retention(RetentionPolicy.builder().keepLast(3).keepDaily(7).build())
                .label("environment", "demo")
                .build();

        BackupResult result = pipeline.backup();
        System.out.printf("Backed up %s: %,d raw bytes -> %,d stored bytes (%.1fx) in %d ms%n  object   %s%n  sha256   %s%n",
                result.id(), result.rawSize(), result.storedSize(),
                result.rawSize() / (double) Math.max(1, result.storedSize()), result.duration().toMillis(),
                dir.resolve(result.dataKey().value()), result.storedSha256());

        System.out.println("Backups in " + dir + ":");
        for (Manifest m : pipeline.list()) {
            System.out.printf("  %-28s %s  %,12d bytes  %s%n", m.id(), m.createdAt(), m.object().storedSize(),
                    m.object().key());
        }

        VerifyReport report = pipeline.verify(result.id(), VerifyLevel.FULL);
        System.out.println("Verify (full read-back): " + (report.ok() ? "OK" : "FAILED " + report.problems()));

        RestoreResult restored = pipeline.restore(result.id(), new CountingSink());
        System.out.printf("Restore into a checking sink: %,d bytes, checksums verified, %s lines%n",
                restored.rawBytes(), restored.sinkResult().attributes().get("lines"));

        PruneResult plan = pipeline.prune(true);
        System.out.println("Retention plan (" + pipeline.retention().orElseThrow() + "):");
        plan.decisions().forEach(d -> System.out.printf("  %-6s %-28s %s%n", d.keep() ? "keep" : "delete", d.id(),
                String.join(", ", d.reasons())));
        return report.ok() ? 0 : 1;
    }

    /** A sink that only counts lines: stands in for a database. */
    private static final class CountingSink implements RestoreSink {
        @Override
        public boolean accepts(String sourceType) {
            return true;
        }

        @Override
        public SinkResult restore(InputStream data, Manifest manifest) throws IOException {
            long lines = 0;
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = data.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
            return new SinkResult(null, Map.of("lines", Long.toString(lines)));
        }
    }
}
