package io.github.neo4jbackup.export.admin;

import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.DatabaseName;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.RestoreOptions;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.export.admin.internal.AdminProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs {@code neo4j-admin database check}: on a database of the installation (offline), on a
 * directory holding a dump ({@code --from-path}), or on a stored backup, restored into a scratch
 * directory first.
 *
 * <pre>{@code
 * CheckReport report = AdminCheck.of(admin).checkBackup(pipeline, backupId, Path.of("/var/tmp/neo4j-verify"));
 * if (!report.consistent()) { ... report.problems(), report.reportFile() ... }
 * }</pre>
 *
 * <p>Methods return a {@link CheckReport} whatever the check found, including when it could not
 * run ({@link CheckReport.Outcome#FAILED}, with the reason); they throw only for bad arguments.
 */
public final class AdminCheck {

    private static final Logger LOG = LoggerFactory.getLogger(AdminCheck.class);
    private static final Pattern INCONSISTENT = Pattern.compile("Inconsistencies found\\. See '([^']+)' for details");
    private static final Pattern MEMORY = Pattern.compile("\\d+(\\.\\d+)?[kKmMgGtT]?|\\d+(\\.\\d+)?%");
    private static final int REPORT_LINES = 20;

    private final Neo4jAdmin admin;
    private final Map<String, Boolean> checks;
    private final Integer threads;
    private final String maxOffHeapMemory;
    private final Path reportDirectory;

    private AdminCheck(Builder b) {
        this.admin = b.admin;
        this.checks = java.util.Collections.unmodifiableMap(new TreeMap<>(b.checks));
        this.threads = b.threads;
        this.maxOffHeapMemory = b.maxOffHeapMemory;
        this.reportDirectory = b.reportDirectory;
    }

    /**
     * A check with neo4j-admin's defaults.
     *
     * @param admin how to run neo4j-admin
     * @return the check
     */
    public static AdminCheck of(Neo4jAdmin admin) {
        return builder(admin).build();
    }

    /**
     * A builder.
     *
     * @param admin how to run neo4j-admin
     * @return the builder
     */
    public static Builder builder(Neo4jAdmin admin) {
        return new Builder(admin);
    }

    /**
     * Checks a database of the installation; it must not be in use (stop Neo4j first).
     *
     * @param database the database
     * @return the report
     */
    public CheckReport check(String database) {
        DatabaseName.validate(database);
        return run(database, List.of());
    }

    /**
     * Checks the dump (or Enterprise backup artifacts) in a directory, with
     * {@code --from-path=<directory>}; a dump must be named {@code <database>.dump}. The dump is
     * unpacked into a temporary directory beside {@code directory}, removed afterwards.
     *
     * @param directory the directory holding the dump
     * @param database  the database name the dump is checked as
     * @return the report
     */
    public CheckReport checkDump(Path directory, String database) {
        DatabaseName.validate(database);
        Objects.requireNonNull(directory, "directory");
        if (!Files.isDirectory(directory)) {
            throw new InvalidInputException("Cannot check dumps in " + directory + ": it is not a directory");
        }
        Path parent = directory.toAbsolutePath().getParent();
        Path temp = null;
        try {
            temp = Files.createTempDirectory(parent, "check-unpack-");
            return run(database, List.of("--from-path=" + directory.toAbsolutePath(), "--temp-path=" + temp));
        } catch (IOException e) {
            return failed(database, "could not create a temporary directory beside " + directory + ": "
                    + e.getMessage(),
                    null, Duration.ZERO);
        } finally {
            deleteQuietly(temp);
        }
    }

    /**
     * Checks a stored backup made by {@link AdminDumpSource}: restores it (checksums verified while
     * reading) as {@code <database>.dump} into a new directory under {@code scratchDirectory},
     * checks it with {@code --from-path}, and removes what it wrote.
     *
     * @param pipeline         the pipeline whose repository holds the backup
     * @param backupId         the backup id
     * @param scratchDirectory where to write the dump and unpack it (needs about twice the store size)
     * @return the report; a damaged backup is {@link CheckReport.Outcome#FAILED} with the reason
     * @throws io.github.neo4jbackup.core.BackupNotFoundException when there is no such backup
     */
    public CheckReport checkBackup(BackupPipeline pipeline, String backupId, Path scratchDirectory) {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(scratchDirectory, "scratchDirectory");
        Manifest manifest = pipeline.find(backupId);
        long start = System.nanoTime();
        Path dir = null;
        ScratchSink sink;
        try {
            Files.createDirectories(scratchDirectory);
            dir = Files.createTempDirectory(scratchDirectory, "verify-" + manifest.database() + "-");
            sink = new ScratchSink(dir, false);
            pipeline.restore(backupId, sink, RestoreOptions.defaults().withVerifyFirst(false));
            return sink.report == null ? failed(manifest.database(), "the backup was not checked", null,
                    Duration.ofNanos(System.nanoTime() - start)) : sink.report;
        } catch (IOException e) {
            return failed(manifest.database(), "could not prepare the scratch directory " + scratchDirectory + ": "
                    + e.getMessage(), null, Duration.ofNanos(System.nanoTime() - start));
        } catch (BackupException e) {
            return failed(manifest.database(), "backup " + backupId + " could not be checked: " + e.getMessage(), null,
                    Duration.ofNanos(System.nanoTime() - start));
        } finally {
            deleteQuietly(dir);
        }
    }

    /**
     * A restore sink for {@code pipeline.verify(id, VerifyLevel.RESTORE, sink)}: writes the dump as
     * {@code <database>.dump} into a new directory under {@code scratchDirectory}, checks it and
     * removes it; an inconsistent or unchecked dump fails the restore with the check's findings.
     *
     * @param scratchDirectory where to write and unpack dumps
     * @return the sink
     */
    public RestoreSink scratchSink(Path scratchDirectory) {
        Objects.requireNonNull(scratchDirectory, "scratchDirectory");
        return new ScratchSink(scratchDirectory, true);
    }

    private CheckReport run(String database, List<String> source) {
        long start = System.nanoTime();
        Path reports = reportDirectory;
        boolean temporaryReports = false;
        try {
            if (reports == null) {
                reports = Files.createTempDirectory("neo4j-check-report-");
                temporaryReports = true;
            } else {
                Files.createDirectories(reports);
            }
        } catch (IOException e) {
            return failed(database, "could not create the report directory: " + e.getMessage(), null, Duration.ZERO);
        }
        List<String> options = new ArrayList<>(source);
        checks.forEach((name, value) -> options.add("--" + name + "=" + value));
        if (threads != null) {
            options.add("--threads=" + threads);
        }
        if (maxOffHeapMemory != null) {
            options.add("--max-off-heap-memory=" + maxOffHeapMemory);
        }
        options.add("--report-path=" + reports);
        List<String> args = admin.databaseArguments("check", database, options);
        CheckReport report;
        try (AdminProcess process = admin.start(args, admin.timeout(), AdminProcess.Stdout.DRAIN, false)) {
            int exit = process.waitFor();
            report = interpret(database, process, exit, Duration.ofNanos(System.nanoTime() - start));
        } catch (AdminCommandException e) {
            report = failed(database, e.getMessage(), null, Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            report = failed(database, "neo4j-admin database check failed: " + e.getMessage(), null,
                    Duration.ofNanos(System.nanoTime() - start));
        }
        if (temporaryReports && report.reportFile().isEmpty()) {
            deleteQuietly(reports);
        }
        LOG.info("Consistency check of '{}': {}", database, report);
        return report;
    }

    private static CheckReport interpret(String database, AdminProcess process, int exit, Duration took) {
        String diagnostics = process.errorTail() + "\n" + process.outputText();
        List<String> summary = diagnostics.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (process.timedOut()) {
            return new CheckReport(database, CheckReport.Outcome.FAILED, null, summary,
                    List.of(AdminFailures.timedOut(process)), null, took);
        }
        Matcher m = INCONSISTENT.matcher(diagnostics);
        if (m.find()) {
            Path file = Path.of(m.group(1));
            List<String> problems = new ArrayList<>();
            problems.add("neo4j-admin found inconsistencies in database '" + database + "'; the full report is "
                    + file);
            problems.addAll(readReport(file));
            return new CheckReport(database, CheckReport.Outcome.INCONSISTENT, exit, summary, problems, file, took);
        }
        if (exit == 0) {
            return new CheckReport(database, CheckReport.Outcome.CONSISTENT, exit, summary, List.of(), null, took);
        }
        String problem = AdminFailures.exited(process, exit);
        if (AdminFailures.inUse(diagnostics)) {
            problem += ": the database is in use by a running Neo4j server; stop it (or check a dump or backup "
                    + "instead)";
        } else if (AdminFailures.doesNotExist(diagnostics)) {
            problem += ": " + AdminFailures.notFoundAdvice(database);
        } else {
            String tail = process.diagnostics();
            problem += tail.isEmpty() ? "" : ":\n" + tail;
        }
        return new CheckReport(database, CheckReport.Outcome.FAILED, exit, summary, List.of(problem), null, took);
    }

    private static List<String> readReport(Path file) {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.map(String::strip).filter(l -> !l.isEmpty()).limit(REPORT_LINES).toList();
        } catch (IOException | RuntimeException e) {
            return List.of("(the report could not be read: " + e.getMessage() + ")");
        }
    }

    private static CheckReport failed(String database, String problem, Integer exit, Duration took) {
        return new CheckReport(database, CheckReport.Outcome.FAILED, exit, List.of(), List.of(problem), null, took);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not remove {}: {}", dir, e.toString());
        }
    }

    @Override
    public String toString() {
        return "AdminCheck[" + admin + ", checks=" + checks + "]";
    }

    /** Writes a dump into a scratch directory, checks it, removes it. */
    private final class ScratchSink implements RestoreSink {
        private final Path directory;
        private final boolean failWhenNotConsistent;
        private CheckReport report;

        ScratchSink(Path directory, boolean failWhenNotConsistent) {
            this.directory = directory;
            this.failWhenNotConsistent = failWhenNotConsistent;
        }

        @Override
        public boolean accepts(String sourceType) {
            return AdminDumpSource.TYPE.equals(sourceType);
        }

        @Override
        public SinkResult restore(InputStream data, Manifest manifest) throws IOException {
            String database = DatabaseName.validate(manifest.database());
            Path dir = failWhenNotConsistent
                    ? Files.createTempDirectory(Files.createDirectories(directory), "verify-" + database + "-")
                    : directory;
            try {
                Path dump = dir.resolve(database + ".dump");
                try (OutputStream out = Files.newOutputStream(dump, StandardOpenOption.CREATE_NEW)) {
                    data.transferTo(out);
                }
                report = checkDump(dir, database);
                Map<String, String> attributes = new TreeMap<>();
                attributes.put("check.outcome", report.outcome().name());
                attributes.put("check.ms", Long.toString(report.duration().toMillis()));
                report.reportFile().ifPresent(f -> attributes.put("check.report", f.toString()));
                attributes.put(Attributes.COUNTS_UNAVAILABLE, "the dump was checked offline with neo4j-admin "
                        + "database check");
                if (failWhenNotConsistent && !report.consistent()) {
                    throw new AdminCommandException("The consistency check of backup " + manifest.id()
                            + " did not pass ("
                            + report.outcome() + "): " + String.join("; ", report.problems()),
                            report.exitCode().isPresent() ? report.exitCode().getAsInt() : null, null, null);
                }
                return new SinkResult(GraphCounts.UNKNOWN, attributes);
            } finally {
                if (failWhenNotConsistent) {
                    deleteQuietly(dir);
                } else {
                    Files.deleteIfExists(dir.resolve(database + ".dump"));
                }
            }
        }
    }

    /** Builds an immutable {@link AdminCheck}. Not thread-safe. */
    public static final class Builder {
        private final Neo4jAdmin admin;
        private final Map<String, Boolean> checks = new TreeMap<>();
        private Integer threads;
        private String maxOffHeapMemory;
        private Path reportDirectory;

        private Builder(Neo4jAdmin admin) {
            this.admin = Objects.requireNonNull(admin, "admin");
        }

        /**
         * Whether indexes are checked ({@code --check-indexes}; neo4j-admin's default: yes).
         *
         * @param value the setting
         * @return this builder
         */
        public Builder checkIndexes(boolean value) {
            checks.put("check-indexes", value);
            return this;
        }

        /**
         * Whether nodes, relationships, properties, types and tokens are checked
         * ({@code --check-graph}; default: yes).
         *
         * @param value the setting
         * @return this builder
         */
        public Builder checkGraph(boolean value) {
            checks.put("check-graph", value);
            return this;
        }

        /**
         * Whether the counts store is checked ({@code --check-counts}; default: as check-graph).
         *
         * @param value the setting
         * @return this builder
         */
        public Builder checkCounts(boolean value) {
            checks.put("check-counts", value);
            return this;
        }

        /**
         * Whether property ownership is checked ({@code --check-property-owners}; default: no; expensive).
         *
         * @param value the setting
         * @return this builder
         */
        public Builder checkPropertyOwners(boolean value) {
            checks.put("check-property-owners", value);
            return this;
        }

        /**
         * The number of threads ({@code --threads}; default: the number of CPUs).
         *
         * @param value a positive number
         * @return this builder
         */
        public Builder threads(int value) {
            if (value < 1) {
                throw new InvalidInputException("The consistency check needs at least one thread");
            }
            this.threads = value;
            return this;
        }

        /**
         * The most off-heap memory the check may use ({@code --max-off-heap-memory}, e.g. {@code 2g}
         * or {@code 30%}; neo4j-admin's default is 90% of the free memory, too much on a shared host).
         *
         * @param value the size
         * @return this builder
         */
        public Builder maxOffHeapMemory(String value) {
            if (value == null || !MEMORY.matcher(value).matches()) {
                throw new InvalidInputException("Invalid max off-heap memory '" + value + "': use a size such as 512m, "
                        + "2g or 30%");
            }
            this.maxOffHeapMemory = value;
            return this;
        }

        /**
         * Where neo4j-admin writes inconsistency reports (default: a new temporary directory,
         * removed when the check finds nothing).
         *
         * @param value the directory, or {@code null}
         * @return this builder
         */
        public Builder reportDirectory(Path value) {
            this.reportDirectory = value;
            return this;
        }

        /**
         * Builds the check.
         *
         * @return the check
         */
        public AdminCheck build() {
            return new AdminCheck(this);
        }
    }
}
