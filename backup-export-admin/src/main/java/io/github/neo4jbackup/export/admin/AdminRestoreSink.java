package io.github.neo4jbackup.export.admin;

import io.github.neo4jbackup.core.DatabaseName;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.export.admin.internal.AdminProcess;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Restores a backup made by {@link AdminOnlineBackupSource} (Enterprise Edition): unpacks its
 * artifacts into a scratch directory, reading the whole stream first so the pipeline's checksum
 * verification has passed before anything is touched, then runs
 * {@code neo4j-admin database restore --from-path=<scratch> --overwrite-destination=true <db>}
 * and removes the scratch directory.
 *
 * <p>As with neo4j-admin itself, the database must not be running (Enterprise: {@code STOP DATABASE}
 * or drop it first; after a restore of a database that did not exist, {@code CREATE DATABASE} it).
 * Tested only against a fake {@code neo4j-admin} script; see {@code docs/neo4j-admin.md}.
 */
public final class AdminRestoreSink implements RestoreSink {

    private static final Logger LOG = LoggerFactory.getLogger(AdminRestoreSink.class);
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]*");

    private final Neo4jAdmin admin;
    private final String database;
    private final Path scratchDirectory;
    private final boolean overwriteDestination;

    private AdminRestoreSink(Builder b) {
        this.admin = b.admin;
        this.database = b.database;
        this.scratchDirectory = b.scratchDirectory;
        this.overwriteDestination = b.overwriteDestination;
    }

    /**
     * A builder.
     *
     * @param admin    how to run neo4j-admin (Enterprise Edition)
     * @param database the database to restore into (validated at once)
     * @return the builder
     */
    public static Builder builder(Neo4jAdmin admin, String database) {
        return new Builder(admin, database);
    }

    /**
     * Accepts backups made by {@link AdminOnlineBackupSource} ({@value AdminOnlineBackupSource#TYPE}).
     *
     * @param sourceType the engine id in the manifest
     * @return whether it is an online backup
     */
    @Override
    public boolean accepts(String sourceType) {
        return AdminOnlineBackupSource.TYPE.equals(sourceType);
    }

    @Override
    public SinkResult restore(InputStream data, Manifest manifest) throws IOException {
        Path dir = scratchDirectory == null ? Files.createTempDirectory("neo4j-restore-")
                : Files.createTempDirectory(Files.createDirectories(scratchDirectory), "restore-");
        try {
            List<String> artifacts = unpack(data, dir, manifest);
            List<String> args = admin.databaseArguments("restore", database, List.of(
                    "--from-path=" + dir.toAbsolutePath(), "--overwrite-destination=" + overwriteDestination));
            long start = System.nanoTime();
            try (AdminProcess process = admin.start(args, admin.timeout(), AdminProcess.Stdout.DRAIN, false)) {
                int exit = process.waitFor();
                if (process.timedOut()) {
                    throw new AdminCommandException(AdminFailures.timedOut(process) + ". The database may hold a "
                            + "partial restore: restore again before starting it.", null, process.diagnostics(), null);
                }
                if (exit != 0) {
                    String what = AdminFailures.exited(process, exit);
                    String advice = AdminFailures.inUse(process.diagnostics())
                            ? ": the database is in use; stop it first (STOP DATABASE " + database + ")"
                            : ". Check the error output; the database may hold a partial restore";
                    throw new AdminCommandException(what + advice + ".", exit, process.diagnostics(), null);
                }
            }
            Map<String, String> attributes = new TreeMap<>();
            attributes.put("restore.artifacts", String.join(",", artifacts));
            attributes.put("restore.ms", Long.toString((System.nanoTime() - start) / 1_000_000));
            LOG.info("Restored backup {} ({} artifact(s)) into database '{}'", manifest.id(), artifacts.size(),
                    database);
            return new SinkResult(GraphCounts.UNKNOWN, attributes);
        } finally {
            AdminOnlineBackupSource.deleteTree(dir);
        }
    }

    private static List<String> unpack(InputStream data, Path dir, Manifest manifest) throws IOException {
        List<String> names = new ArrayList<>();
        TarArchiveInputStream tar = new TarArchiveInputStream(data);
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            String name = entry.getName();
            if (!entry.isFile() || !SAFE_NAME.matcher(name).matches()) {
                throw new IOException("Backup " + manifest.id() + " holds an unexpected entry '" + name
                        + "' (only backup artifact files are expected). Nothing was restored.");
            }
            try (OutputStream out = Files.newOutputStream(dir.resolve(name), StandardOpenOption.CREATE_NEW)) {
                tar.transferTo(out);
            }
            names.add(name);
        }
        // read to the very end, so the stream's checksum is verified before anything is restored
        data.transferTo(OutputStream.nullOutputStream());
        if (names.isEmpty()) {
            throw new IOException("Backup " + manifest.id() + " holds no backup artifact. Nothing was restored.");
        }
        return names;
    }

    @Override
    public String toString() {
        return "AdminRestoreSink[database=" + database + ", " + admin + "]";
    }

    /** Builds an immutable {@link AdminRestoreSink}. Not thread-safe. */
    public static final class Builder {
        private final Neo4jAdmin admin;
        private final String database;
        private Path scratchDirectory;
        private boolean overwriteDestination = true;

        private Builder(Neo4jAdmin admin, String database) {
            this.admin = Objects.requireNonNull(admin, "admin");
            this.database = DatabaseName.validate(database);
        }

        /**
         * Where the artifacts are unpacked (default: the temporary directory). Needs room for the
         * whole backup.
         *
         * @param value the directory, or {@code null}
         * @return this builder
         */
        public Builder scratchDirectory(Path value) {
            this.scratchDirectory = value;
            return this;
        }

        /**
         * Whether an existing database is replaced (default {@code true}).
         *
         * @param value the setting
         * @return this builder
         */
        public Builder overwriteDestination(boolean value) {
            this.overwriteDestination = value;
            return this;
        }

        /**
         * Builds the sink.
         *
         * @return the sink
         */
        public AdminRestoreSink build() {
            return new AdminRestoreSink(this);
        }
    }
}
