package io.github.neo4jbackup.export.admin;

import io.github.neo4jbackup.core.DatabaseName;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.export.admin.internal.AdminProcess;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Enterprise Edition online backup: runs
 * {@code neo4j-admin database backup --from=<host:port> --to-path=<staging> --type=<FULL|DIFF|AUTO> <db>}
 * against a running server and streams the backup artifacts it produced into the pipeline as
 * one tar (entries named after the artifact files). {@link AdminRestoreSink} restores it.
 *
 * <pre>{@code
 * BackupSource source = AdminOnlineBackupSource.builder(admin, "neo4j").from("db1.internal:6362").build();
 * }</pre>
 *
 * <p>{@link BackupType#FULL} (the default) runs in a fresh staging directory (a temporary one
 * unless {@link Builder#stagingDirectory(Path)} is set); the artifacts are deleted once streamed.
 * {@link BackupType#DIFF} and {@link BackupType#AUTO} need the previous backup chain in the staging
 * directory, so they require a {@link Builder#stagingDirectory(Path) staging directory} that is
 * kept between runs (one per database); there the chain is kept, and each backup streams the
 * whole chain (full + differentials) so that every stored backup restores on its own. On failure
 * the artifacts the failed run left behind are removed and a {@link SourceFailedException} with
 * the exit code and the error output's tail is thrown.
 *
 * <p>Tested only against a fake {@code neo4j-admin} script that behaves like the Enterprise tool
 * (files produced, exit codes); see {@code docs/neo4j-admin.md}.
 */
public final class AdminOnlineBackupSource implements BackupSource {

    /** The engine id recorded in manifests; {@link AdminRestoreSink} restores it. */
    public static final String TYPE = "neo4j-admin-backup";

    private static final Logger LOG = LoggerFactory.getLogger(AdminOnlineBackupSource.class);
    private static final Pattern ADDRESS =
            Pattern.compile("[A-Za-z0-9._\\-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?");
    private static final Pattern OPTION = Pattern.compile("--[a-z][a-z-]*(=\\S.*)?");

    /** The kind of backup neo4j-admin takes ({@code --type}). */
    public enum BackupType {
        /** A full backup. */
        FULL,
        /** A differential backup on top of the chain in the staging directory. */
        DIFF,
        /** Differential if a chain exists in the staging directory, else full. */
        AUTO
    }

    private final Neo4jAdmin admin;
    private final String database;
    private final List<String> from;
    private final BackupType type;
    private final Path stagingDirectory;
    private final Boolean compress;
    private final List<String> options;

    private AdminOnlineBackupSource(Builder b) {
        this.admin = b.admin;
        this.database = b.database;
        this.from = List.copyOf(b.from);
        this.type = b.type;
        this.stagingDirectory = b.stagingDirectory;
        this.compress = b.compress;
        this.options = List.copyOf(b.options);
    }

    /**
     * A builder.
     *
     * @param admin    how to run neo4j-admin (Enterprise Edition)
     * @param database the database to back up (validated at once)
     * @return the builder
     */
    public static Builder builder(Neo4jAdmin admin, String database) {
        return new Builder(admin, database);
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
        return "tar";
    }

    /**
     * Whether the artifacts are compressed (neo4j-admin compresses them unless {@code --compress=false}).
     *
     * @return {@code true} unless compression was turned off
     */
    @Override
    public boolean compressedOutput() {
        return !Boolean.FALSE.equals(compress);
    }

    @Override
    public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
        boolean temporary = stagingDirectory == null;
        Path staging = temporary ? Files.createTempDirectory("neo4j-backup-staging-")
                : Files.createDirectories(stagingDirectory);
        Set<String> before = names(staging);
        Set<String> produced = Set.of();
        boolean keep = false;
        try {
            List<String> args = new ArrayList<>();
            args.add("--from=" + String.join(",", from));
            args.add("--to-path=" + staging.toAbsolutePath());
            args.add("--type=" + type.name());
            if (compress != null) {
                args.add("--compress=" + compress);
            }
            args.addAll(options);
            List<String> argv = admin.databaseArguments("backup", database, args);
            long start = System.nanoTime();
            try (AdminProcess process = start(argv)) {
                int exit = process.waitFor();
                produced = new TreeSet<>(names(staging));
                produced.removeAll(before);
                String diagnostics = process.diagnostics();
                if (process.timedOut()) {
                    throw new SourceFailedException(AdminFailures.timedOut(process) + ". Nothing was backed up.",
                            null, diagnostics, null);
                }
                if (exit != 0) {
                    throw new SourceFailedException("Online backup of database '" + database + "' failed: "
                            + AdminFailures.exited(process, exit) + ". Nothing was backed up; check that the server "
                            + "is Enterprise Edition, that server.backup.enabled=true and that " + from
                            + " is its backup address (server.backup.listen_address).", exit, diagnostics, null);
                }
                if (produced.isEmpty()) {
                    throw new SourceFailedException(process.description()
                            + " exited with code 0 but produced no backup "
                            + "artifact in " + staging + ". Nothing was backed up.", exit, diagnostics, null);
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            List<String> included = new ArrayList<>(type == BackupType.FULL ? produced : names(staging));
            writeTar(staging, included, out, context);
            keep = type != BackupType.FULL;
            Map<String, String> attributes = new TreeMap<>();
            attributes.put("backup.type", type.name());
            attributes.put("backup.from", String.join(",", from));
            attributes.put("backup.artifacts", String.join(",", produced));
            attributes.put("backup.included", String.join(",", included));
            attributes.put("backup.ms", Long.toString(millis));
            attributes.put(Attributes.CONSISTENCY, "online-backup");
            LOG.info("Online backup of '{}' ({}) streamed {} artifact(s) in {} ms", database, type, included.size(),
                    millis);
            return new SourceDescription(TYPE, null, null, "enterprise", database, GraphCounts.UNKNOWN, attributes);
        } finally {
            if (temporary) {
                deleteTree(staging);
            } else if (!keep) {
                for (String name : produced) {
                    Files.deleteIfExists(staging.resolve(name));
                }
            }
        }
    }

    private AdminProcess start(List<String> argv) {
        try {
            return admin.start(argv, admin.timeout(), AdminProcess.Stdout.DRAIN, false);
        } catch (AdminCommandException e) {
            throw new SourceFailedException("Cannot back up database '" + database + "': " + e.getMessage(), e);
        }
    }

    private static void writeTar(Path staging, List<String> names, OutputStream out, ExportContext context)
            throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        });
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        for (String name : names) {
            if (context.cancelled()) {
                throw new IOException("Backup cancelled");
            }
            Path file = staging.resolve(name);
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(Files.size(file));
            entry.setModTime(Files.getLastModifiedTime(file));
            tar.putArchiveEntry(entry);
            try (InputStream in = Files.newInputStream(file)) {
                in.transferTo(tar);
            }
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.flush();
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            Set<String> names = new TreeSet<>();
            list.filter(Files::isRegularFile).forEach(p -> names.add(p.getFileName().toString()));
            return names;
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not remove the staging directory {}: {}", dir, e.toString());
        }
    }

    @Override
    public String toString() {
        return "AdminOnlineBackupSource[database=" + database + ", from=" + from + ", type=" + type + ", " + admin
                + "]";
    }

    /** Builds an immutable {@link AdminOnlineBackupSource}. Not thread-safe. */
    public static final class Builder {
        private final Neo4jAdmin admin;
        private final String database;
        private final List<String> from = new ArrayList<>();
        private BackupType type = BackupType.FULL;
        private Path stagingDirectory;
        private Boolean compress;
        private final List<String> options = new ArrayList<>();

        private Builder(Neo4jAdmin admin, String database) {
            this.admin = Objects.requireNonNull(admin, "admin");
            this.database = DatabaseName.validate(database);
        }

        /**
         * The backup address(es) of the server(s) to back up from ({@code --from}), e.g.
         * {@code db1.internal:6362}; several for a cluster (tried in order).
         *
         * @param addresses {@code host:port} values
         * @return this builder
         */
        public Builder from(String... addresses) {
            for (String address : addresses) {
                if (address == null || !ADDRESS.matcher(address).matches()) {
                    throw new InvalidInputException("Invalid backup address '" + address + "': use host:port, e.g. "
                            + "db1.internal:6362");
                }
                from.add(address);
            }
            return this;
        }

        /**
         * The kind of backup (default {@link BackupType#FULL}). {@code DIFF} and {@code AUTO} need
         * a {@link #stagingDirectory(Path)} kept between runs.
         *
         * @param value the type
         * @return this builder
         */
        public Builder type(BackupType value) {
            this.type = Objects.requireNonNull(value, "type");
            return this;
        }

        /**
         * Where neo4j-admin writes the artifacts ({@code --to-path}); default a temporary directory
         * per run (only for {@code FULL}). Use one directory per database.
         *
         * @param value the directory
         * @return this builder
         */
        public Builder stagingDirectory(Path value) {
            this.stagingDirectory = value;
            return this;
        }

        /**
         * Whether neo4j-admin compresses the artifacts ({@code --compress}; its default is yes).
         *
         * @param value the setting
         * @return this builder
         */
        public Builder compress(boolean value) {
            this.compress = value;
            return this;
        }

        /**
         * Adds an option passed to {@code neo4j-admin database backup} as one argument, e.g.
         * {@code --pagecache=1g} or {@code --include-metadata=all}. Never put secrets here: process
         * arguments are visible to other users of the host.
         *
         * @param value the option, {@code --name} or {@code --name=value}
         * @return this builder
         */
        public Builder option(String value) {
            if (value == null || !OPTION.matcher(value).matches()) {
                throw new InvalidInputException("Invalid neo4j-admin option '" + value
                        + "': use --name or --name=value");
            }
            if (value.startsWith("--to-path") || value.startsWith("--from=") || value.startsWith("--type")) {
                throw new InvalidInputException("Set " + value.substring(0, value.indexOf('=') < 0 ? value.length()
                        : value.indexOf('=')) + " through the builder, not as an extra option");
            }
            options.add(value);
            return this;
        }

        /**
         * Builds the source.
         *
         * @return the source
         * @throws InvalidInputException when no address is given, or DIFF/AUTO lack a staging directory
         */
        public AdminOnlineBackupSource build() {
            if (from.isEmpty()) {
                throw new InvalidInputException("No backup address: call from(\"host:port\") with the server's "
                        + "server.backup.listen_address (default port 6362)");
            }
            if (type != BackupType.FULL && stagingDirectory == null) {
                throw new InvalidInputException(type + " backups build on the backup chain kept in the staging "
                        + "directory: call stagingDirectory(..) with a directory kept between runs");
            }
            return new AdminOnlineBackupSource(this);
        }
    }
}
