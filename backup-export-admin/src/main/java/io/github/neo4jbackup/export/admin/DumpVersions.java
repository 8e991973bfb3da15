package io.github.neo4jbackup.export.admin;

import io.github.neo4jbackup.core.InvalidInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Neo4j versions on both sides of a dump load. A dump records the store of the version that wrote
 * it; Neo4j loads older dumps (a 5.26 dump opens on 2026 in its own store format, with its 5.26
 * index providers) but refuses newer ones only after neo4j-admin started ("Downgrade is not
 * supported"). The load sink checks first, with the source version from the manifest and the
 * target version from the installation's {@code lib/neo4j-kernel-<version>.jar}.
 */
final class DumpVersions {

    private static final Logger LOG = LoggerFactory.getLogger(DumpVersions.class);
    private static final Pattern KERNEL = Pattern.compile("neo4j-kernel-(\\d+\\.\\d+(?:\\.\\d+)?)[-.\\w]*\\.jar");
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?.*");

    private DumpVersions() {
    }

    /**
     * The Neo4j version of the installation neo4j-admin belongs to.
     *
     * @param admin how neo4j-admin runs
     * @return the version, or empty when the installation cannot be found (a command prefix, a container)
     */
    static Optional<String> installed(Neo4jAdmin admin) {
        Path home = admin.home().orElseGet(() -> admin.executablePath().map(DumpVersions::homeOf).orElse(null));
        if (home == null || !Files.isDirectory(home.resolve("lib"))) {
            return Optional.empty();
        }
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            return jars.map(j -> KERNEL.matcher(j.getFileName().toString())).filter(Matcher::matches)
                    .map(m -> m.group(1)).findFirst();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not list {}: {}", home.resolve("lib"), e.toString());
            return Optional.empty();
        }
    }

    private static Path homeOf(Path executable) {
        try {
            Path bin = executable.toRealPath().getParent();
            return bin == null ? null : bin.getParent();
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether a version is a calendar version (2025.01 and later). */
    static boolean isCalendar(String version) {
        int[] v = parse(version);
        return v != null && v[0] >= 2025;
    }

    /** Negative, zero or positive as {@code a} is older, the same release line or newer than {@code b} (major.minor). */
    static int compareLines(String a, String b) {
        int[] x = parse(a);
        int[] y = parse(b);
        if (x == null || y == null) {
            return 0;
        }
        return x[0] != y[0] ? Integer.compare(x[0], y[0]) : Integer.compare(x[1], y[1]);
    }

    private static int[] parse(String version) {
        if (version == null) {
            return null;
        }
        Matcher m = VERSION.matcher(version.strip());
        return m.matches() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : null;
    }

    /**
     * Refuses a dump of a newer release line than the target's (Neo4j cannot downgrade a store).
     *
     * @throws InvalidInputException naming both versions and the ways out; nothing was changed
     */
    static void refuseDowngrade(String backupId, String database, String source, String target) {
        if (source == null || target == null || compareLines(source, target) <= 0) {
            return;
        }
        throw new InvalidInputException("Backup " + backupId + " is a dump of Neo4j " + source + ", but the neo4j-admin "
                + "of the target is Neo4j " + target + ": Neo4j cannot load a dump of a newer version (it does not "
                + "support downgrades). Nothing was loaded and database '" + database + "' was not stopped. Load it "
                + "into Neo4j " + source + " or newer, or take a logical backup of the source with the driver engine "
                + "(--engine driver), which restores into Neo4j " + target + " where its schema fits.");
    }

    /**
     * The note for a dump of an older release line loaded into a newer one, or null.
     *
     * @return the note
     */
    static String upgradeNote(String backupId, String database, String source, String target) {
        if (source == null || target == null || compareLines(source, target) >= 0) {
            return null;
        }
        return "Backup " + backupId + " is a dump of Neo4j " + source + " loaded into Neo4j " + target + ": the database "
                + "keeps the store format version and the index providers of " + source + " (Neo4j opens it as it is). "
                + "To move the store to the newest version of its format, stop Neo4j and run 'neo4j-admin database "
                + "migrate " + database + "'; indexes get the newest providers when they are re-created (drop and "
                + "create them, or restore a driver-engine backup instead of a dump).";
    }
}
