package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.export.admin.DatabaseInfo;
import io.github.neo4jbackup.export.admin.Neo4jAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A stopped, disposable Neo4j installation ({@code verify --neo4j-home DIR}) that admin dumps are
 * loaded into to be checked: checks that DIR is a Neo4j home and that its server does not run,
 * and finds (and removes) the files of a scratch database there.
 */
final class ScratchInstallation {

    private static final Logger LOG = LoggerFactory.getLogger(ScratchInstallation.class);

    private final Path home;
    private final Neo4jAdmin admin;

    private ScratchInstallation(Path home, Neo4jAdmin admin) {
        this.home = home;
        this.admin = admin;
    }

    /**
     * Checks that {@code home} looks like a Neo4j installation ({@code bin/neo4j-admin} and
     * {@code conf/}).
     *
     * @param home  the directory
     * @param flag  the flag that named it, for messages
     * @param admin how to run its neo4j-admin, or {@code null} for {@code <home>/bin/neo4j-admin}
     * @return the installation
     * @throws CliException (usage) when it is not one
     */
    static ScratchInstallation of(Path home, String flag, Neo4jAdmin admin) {
        Path dir = home.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw CliException.usage(flag + " " + dir + " is not a directory: give the home directory of a stopped"
                    + " Neo4j installation (the one holding bin/ and conf/)");
        }
        Path tool = dir.resolve("bin").resolve("neo4j-admin");
        if (!Files.isExecutable(tool) || !Files.isDirectory(dir.resolve("conf"))) {
            throw CliException.usage(flag + " " + dir + " is not a Neo4j home: "
                    + (!Files.isExecutable(tool) ? "there is no executable bin/neo4j-admin" : "there is no conf/ folder")
                    + ". Give the home directory of a stopped Neo4j installation (the one holding bin/ and conf/)");
        }
        try {
            return new ScratchInstallation(dir, admin != null ? admin : Neo4jAdmin.home(dir).build());
        } catch (InvalidInputException e) {
            throw CliException.usage(flag + ": " + e.getMessage(), e);
        }
    }

    Path home() {
        return home;
    }

    Neo4jAdmin admin() {
        return admin;
    }

    /**
     * Refuses an installation whose server runs: loading into it would be refused or harm it. Looks
     * at the pid file ({@code run/neo4j.pid}, as {@code bin/neo4j start} writes it) and asks
     * {@code neo4j-admin database info system} whether a server holds the system database.
     *
     * @param flag the flag that named the home, for messages
     * @throws CliException (usage) when the server runs or its state cannot be told
     */
    void requireStopped(String flag) {
        Optional<Long> pid = livePid();
        if (pid.isPresent()) {
            throw CliException.usage(running(flag, "its pid file " + pidFile() + " names the running process "
                    + pid.get()));
        }
        if (!Files.isDirectory(databasesFolder().resolve("system"))) {
            return; // never started: a server always has its system database
        }
        DatabaseInfo info;
        try {
            info = admin.databaseInfo("system");
        } catch (BackupException e) {
            String message = String.valueOf(e.getMessage()).replace(" Nothing was backed up;", "");
            String lower = message.toLowerCase(Locale.ROOT);
            if (lower.contains("does not exist")) {
                return; // never started: no system database yet
            }
            if (lower.contains("in use")) {
                throw CliException.usage(running(flag, "neo4j-admin reports its system database in use"), e);
            }
            throw CliException.usage(flag + " " + home + ": cannot tell whether its Neo4j server is stopped ("
                    + message + "). Nothing was loaded", e);
        }
        if (info.inUse()) {
            throw CliException.usage(running(flag, "neo4j-admin reports its system database in use"));
        }
    }

    private String running(String flag, String evidence) {
        return "The Neo4j server of " + flag + " " + home + " appears to be running (" + evidence + "). verify loads"
                + " backups only into a stopped, disposable installation: stop it first (or give another one)."
                + " Nothing was loaded";
    }

    private Path pidFile() {
        return home.resolve(setting("server.directories.run").orElse("run")).resolve("neo4j.pid");
    }

    private Optional<Long> livePid() {
        Path file = pidFile();
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Removes the store and transaction log folders of a scratch database
     * ({@code server.directories.data}/databases/NAME and
     * {@code server.directories.transaction.logs.root}/NAME).
     *
     * @param database the scratch database
     * @return whether everything was removed
     */
    boolean removeDatabase(String database) {
        boolean ok = true;
        for (Path dir : databaseFolders(database)) {
            ok &= deleteTree(dir);
        }
        return ok;
    }

    /**
     * The folders of a database in this installation.
     *
     * @param database the database
     * @return its store and transaction log folders
     */
    List<Path> databaseFolders(String database) {
        Path transactions = setting("server.directories.transaction.logs.root").map(home::resolve)
                .orElse(dataFolder().resolve("transactions"));
        return List.of(databasesFolder().resolve(database), transactions.resolve(database));
    }

    private Path dataFolder() {
        return home.resolve(setting("server.directories.data").orElse("data"));
    }

    private Path databasesFolder() {
        return dataFolder().resolve("databases");
    }

    /** A setting of {@code conf/neo4j.conf}, the last one when repeated. */
    private Optional<String> setting(String name) {
        Path conf = home.resolve("conf").resolve("neo4j.conf");
        if (!Files.isRegularFile(conf)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(conf, StandardCharsets.UTF_8)) {
            return lines.map(String::strip).filter(l -> !l.startsWith("#"))
                    .filter(l -> l.startsWith(name + "=")).map(l -> l.substring(name.length() + 1).strip())
                    .filter(v -> !v.isEmpty()).reduce((a, b) -> b);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not read {}: {}", conf, e.toString());
            return Optional.empty();
        }
    }

    private static boolean deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return true;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not remove {}: {}", dir, e.toString());
            return false;
        }
    }
}
