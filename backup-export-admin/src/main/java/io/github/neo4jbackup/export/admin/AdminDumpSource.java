package io.github.neo4jbackup.export.admin;

import io.github.neo4jbackup.core.DatabaseName;
import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.export.admin.internal.AdminProcess;
import io.github.neo4jbackup.export.admin.internal.DumpFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Backs up a database with {@code neo4j-admin database dump <db> --to-stdout}, streaming the dump
 * straight into the pipeline (no temporary file).
 *
 * <pre>{@code
 * BackupPipeline pipeline = BackupPipeline.builder()
 *         .source(AdminDumpSource.of(Neo4jAdmin.home(Path.of("/var/lib/neo4j")).build(), "neo4j"))
 *         .hook(BackupHooks.commands(List.of("systemctl", "stop", "neo4j"), List.of("systemctl", "start", "neo4j"),
 *                 Duration.ofMinutes(2), Map.of()))
 *         .target(LocalStorageTarget.of(Path.of("/var/backups/neo4j")))
 *         .build();
 * }</pre>
 *
 * <p>The dump needs the database offline (Community Edition: the whole server stopped): combine the
 * source with a stop/start hook ({@link io.github.neo4jbackup.core.hook.BackupHooks}); the pipeline
 * measures the downtime. Before the dump (so while the database is offline) it runs
 * {@code neo4j-admin database info} and records the store format, last transaction and the Neo4j
 * version and edition in the manifest; a database still in use fails at once with advice.
 *
 * <p>The dump is already compressed ({@code DZV1}: zstd), so {@link #compressedOutput()} is
 * {@code true} and the pipeline does not compress it again (encryption still applies). The stream
 * is followed as it passes: a header that is not a dump, or a zstd stream that ends mid-frame (the
 * process died), fails the backup, as do a non-zero exit, a signal and a timeout. Any failure
 * throws a {@link SourceFailedException} with the exit code and the tail of neo4j-admin's error
 * output, and the pipeline stores nothing.
 */
public final class AdminDumpSource implements BackupSource {

    /** The engine id recorded in manifests; {@link AdminLoadSink} restores it. */
    public static final String TYPE = "neo4j-admin";

    private static final Logger LOG = LoggerFactory.getLogger(AdminDumpSource.class);
    private static final Pattern VERSION = Pattern.compile("(\\d+\\.\\d+\\.\\d+[-.\\w]*)");

    private final Neo4jAdmin admin;
    private final String database;
    private final boolean describeDatabase;
    private final OnlineProbe onlineProbe;
    /** The counts the online probe read in the latest {@link #prepare()}, recorded by the export that follows it. */
    private final AtomicReference<GraphCounts> onlineCounts = new AtomicReference<>(GraphCounts.UNKNOWN);

    private AdminDumpSource(Builder b) {
        this.admin = b.admin;
        this.database = b.database;
        this.describeDatabase = b.describeDatabase;
        this.onlineProbe = b.onlineProbe;
    }

    /**
     * A builder.
     *
     * @param admin    how to run neo4j-admin
     * @param database the database to dump (validated at once)
     * @return the builder
     * @throws io.github.neo4jbackup.core.InvalidInputException when the name is invalid
     */
    public static Builder builder(Neo4jAdmin admin, String database) {
        return new Builder(admin, database);
    }

    /**
     * A source with the defaults.
     *
     * @param admin    how to run neo4j-admin
     * @param database the database to dump
     * @return the source
     * @throws io.github.neo4jbackup.core.InvalidInputException when the name is invalid
     */
    public static AdminDumpSource of(Neo4jAdmin admin, String database) {
        return builder(admin, database).build();
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String database() {
        return database;
    }

    @Override
    public String extension() {
        return "dump";
    }

    /**
     * Always {@code true}: a dump is zstd-compressed.
     *
     * @return {@code true}
     */
    @Override
    public boolean compressedOutput() {
        return true;
    }

    /**
     * The neo4j-admin configuration.
     *
     * @return the configuration
     */
    public Neo4jAdmin admin() {
        return admin;
    }

    /**
     * Runs the {@link Builder#onlineProbe online probe}, if any, while the database is still
     * running (before the pipeline's stop hook). The counts it reads ({@link OnlineProbe#counts})
     * become the counts of the backup that follows (the pipeline calls {@code prepare()} once before
     * each export, so one source serves one backup at a time).
     *
     * @return the probe's attributes
     * @throws IOException when the probe fails
     */
    @Override
    public Map<String, String> prepare() throws IOException {
        onlineCounts.set(GraphCounts.UNKNOWN);
        if (onlineProbe == null) {
            return Map.of();
        }
        try {
            Map<String, String> attributes = onlineProbe.attributes(database);
            GraphCounts counts = onlineProbe.counts(database);
            onlineCounts.set(counts == null ? GraphCounts.UNKNOWN : counts);
            return attributes == null ? Map.of() : Map.copyOf(attributes);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("The online probe of database '" + database + "' failed before the dump: "
                    + e.getMessage() + "; is the server running and reachable?", e);
        }
    }

    @Override
    public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
        Map<String, String> attributes = new TreeMap<>();
        Probes probes = null;
        try {
            // reading the installation's lib folder costs no process: always done
            Installation installation = Installation.find(admin);
            if (describeDatabase) {
                if (installation == null) {
                    probes = Probes.start(admin);
                }
                long infoStart = System.nanoTime();
                DatabaseInfo info = info();
                attributes.put("info.ms", Long.toString((System.nanoTime() - infoStart) / 1_000_000));
                attributes.putAll(info.attributes());
                if (info.recoveryRequired()) {
                    LOG.warn("Database '{}' was not shut down cleanly (neo4j-admin reports that it needs recovery); "
                            + "neo4j-admin may refuse to dump it: start and stop Neo4j once to recover it", database);
                }
            }
            long start = System.nanoTime();
            String format = dump(out, context, attributes);
            long millis = (System.nanoTime() - start) / 1_000_000;
            attributes.put("dump.format", format);
            attributes.put("dump.ms", Long.toString(millis));
            attributes.put(Attributes.CONSISTENCY, "offline-dump");
            String version = installation != null ? installation.version() : probes == null ? null : probes.version();
            String edition = installation != null ? installation.edition() : probes == null ? null : probes.edition();
            return new SourceDescription(TYPE, version, version, edition, database, onlineCounts.get(), attributes);
        } finally {
            if (probes != null) {
                probes.close();
            }
        }
    }

    private DatabaseInfo info() {
        DatabaseInfo info = admin.databaseInfo(database);
        if (info.inUse()) {
            throw new SourceFailedException("Cannot dump database '" + database + "': neo4j-admin database info "
                    + "reports it in use by a running Neo4j server. " + AdminFailures.OFFLINE_ADVICE + ".", null);
        }
        return info;
    }

    private String dump(OutputStream out, ExportContext context, Map<String, String> attributes) throws IOException {
        List<String> args = admin.databaseArguments("dump", database, List.of("--to-stdout"));
        attributes.put("dump.command", "neo4j-admin " + String.join(" ", args));
        AdminProcess process;
        try {
            process = admin.start(args, admin.timeout(), AdminProcess.Stdout.DATA, false);
        } catch (AdminCommandException e) {
            throw new SourceFailedException("Cannot back up database '" + database + "': " + e.getMessage(), e);
        }
        try (process) {
            DumpFormat.Checker checker = new DumpFormat.Checker();
            InputStream in = process.stdout();
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (context.cancelled()) {
                    process.kill();
                    throw new IOException("Backup of database '" + database + "' cancelled; neo4j-admin was killed");
                }
                checker.update(buffer, 0, n);
                if (checker.invalid()) {
                    process.kill();
                    throw new SourceFailedException("The output of " + process.description() + " is not a Neo4j dump: "
                            + checker.problem() + ". Is something else writing to its standard output (a wrapper "
                            + "script, JAVA_TOOL_OPTIONS)? Nothing was backed up.", null, process.errorTail(), null);
                }
                try {
                    out.write(buffer, 0, n);
                } catch (IOException e) {
                    process.kill();
                    throw e;
                }
            }
            int exit = process.waitFor();
            String tail = process.errorTail();
            if (process.timedOut()) {
                throw new SourceFailedException(AdminFailures.timedOut(process) + ". Nothing was backed up.",
                        null, tail, null);
            }
            if (exit != 0) {
                throw failure(process, exit, tail);
            }
            String problem = checker.problemAtEnd();
            if (problem != null) {
                throw new SourceFailedException(process.description() + " exited with code 0, but " + problem
                        + ". Nothing was backed up; run the backup again and check the host (disk, memory, "
                        + "OOM killer).",
                        exit, tail, null);
            }
            LOG.info("Dumped database '{}': {} bytes ({}, {} zstd frame(s)) in {} ms", database, checker.bytes(),
                    checker.format(), checker.frames(), process.elapsed().toMillis());
            return checker.format();
        }
    }

    private SourceFailedException failure(AdminProcess process, int exit, String diagnostics) {
        return AdminFailures.sourceFailure("dump", database, process, exit, diagnostics);
    }

    @Override
    public String toString() {
        return "AdminDumpSource[database=" + database + ", " + admin + "]";
    }

    /**
     * Version and edition read from the jar names in the installation's {@code lib} folder (no
     * process, no extra downtime): {@code neo4j-kernel-<version>.jar}, and any jar named
     * {@code *enterprise*} for Enterprise Edition.
     */
    private record Installation(String version, String edition) {
        private static final Pattern KERNEL = Pattern.compile("neo4j-kernel-(\\d+\\.\\d+\\.\\d+[-.\\w]*)\\.jar");

        static Installation find(Neo4jAdmin admin) {
            Path home = admin.home().orElseGet(() -> admin.executablePath().map(Installation::homeOf).orElse(null));
            if (home == null || !Files.isDirectory(home.resolve("lib"))) {
                return null;
            }
            String version = null;
            boolean enterprise = false;
            try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
                for (Path jar : jars.toList()) {
                    String name = jar.getFileName().toString();
                    Matcher m = KERNEL.matcher(name);
                    if (m.matches()) {
                        version = m.group(1);
                    }
                    enterprise |= name.toLowerCase(Locale.ROOT).contains("enterprise") && name.endsWith(".jar");
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("Could not list {}: {}", home.resolve("lib"), e.toString());
                return null;
            }
            return version == null ? null : new Installation(version, enterprise ? "enterprise" : "community");
        }

        /** {@code <home>/bin/neo4j-admin} → {@code <home>}, following a symbolic link (as Debian's /usr/bin). */
        private static Path homeOf(Path executable) {
            Path real = executable;
            try {
                real = executable.toRealPath();
            } catch (IOException e) {
                // not there (yet): use the configured path
            }
            Path bin = real.getParent();
            return bin == null ? null : bin.getParent();
        }
    }

    /**
     * Version and edition asked of neo4j-admin ({@code version}, {@code database --help}) when the
     * installation's {@code lib} folder is not reachable (a container prefix); never fail the backup.
     */
    private static final class Probes implements AutoCloseable {
        private final AdminProcess version;
        private final AdminProcess help;

        private Probes(AdminProcess version, AdminProcess help) {
            this.version = version;
            this.help = help;
        }

        static Probes start(Neo4jAdmin admin) {
            return new Probes(startQuietly(admin, List.of("version")),
                    startQuietly(admin, List.of("database", "--help")));
        }

        private static AdminProcess startQuietly(Neo4jAdmin admin, List<String> args) {
            try {
                return admin.start(args, admin.infoTimeout(), AdminProcess.Stdout.DRAIN, false);
            } catch (AdminCommandException e) {
                LOG.debug("Could not ask neo4j-admin {}: {}", args, e.getMessage());
                return null;
            }
        }

        String version() {
            String out = output(version);
            if (out == null) {
                return null;
            }
            Matcher m = VERSION.matcher(out);
            return m.find() ? m.group(1) : null;
        }

        /** Enterprise's neo4j-admin lists the {@code backup} and {@code restore} database commands. */
        String edition() {
            String out = output(help);
            if (out == null || !out.toLowerCase(Locale.ROOT).contains("dump")) {
                return null;
            }
            return Pattern.compile("(?m)^\\s+backup\\s").matcher(out).find() ? "enterprise" : "community";
        }

        private static String output(AdminProcess process) {
            if (process == null) {
                return null;
            }
            try {
                int exit = process.waitFor();
                if (exit != 0 || process.timedOut()) {
                    LOG.debug("{} {}", process.description(), AdminProcess.describeExit(exit));
                    return null;
                }
                return process.outputText();
            } catch (IOException e) {
                LOG.debug("{} failed: {}", process.description(), e.getMessage());
                return null;
            }
        }

        @Override
        public void close() {
            if (version != null) {
                version.close();
            }
            if (help != null) {
                help.close();
            }
        }
    }

    /** Builds an immutable {@link AdminDumpSource}. Not thread-safe. */
    public static final class Builder {
        private final Neo4jAdmin admin;
        private final String database;
        private boolean describeDatabase = true;
        private OnlineProbe onlineProbe;

        private Builder(Neo4jAdmin admin, String database) {
            this.admin = Objects.requireNonNull(admin, "admin");
            this.database = DatabaseName.validate(database);
        }

        /**
         * Whether to run {@code neo4j-admin database info}, {@code version} and {@code database --help}
         * before/alongside the dump and record the store format, the Neo4j version and the edition
         * in the manifest (default {@code true}; costs about a second of extra downtime, and refuses
         * at once a database that is still in use).
         *
         * @param value the setting
         * @return this builder
         */
        public Builder describeDatabase(boolean value) {
            this.describeDatabase = value;
            return this;
        }

        /**
         * Facts to record while the database is still online, before the pipeline's stop hook
         * (e.g. its content and schema fingerprints, and its counts when the probe overrides
         * {@link OnlineProbe#counts}), so a loaded dump can be compared with them. They describe
         * the database at the moment of the probe: writes between the probe and the stop are in
         * the dump but not in these facts, so quiesce the writers first where that matters.
         *
         * @param value the probe, or {@code null} for none
         * @return this builder
         */
        public Builder onlineProbe(OnlineProbe value) {
            this.onlineProbe = value;
            return this;
        }

        /**
         * Builds the source.
         *
         * @return the source
         */
        public AdminDumpSource build() {
            return new AdminDumpSource(this);
        }
    }
}
