package io.github.neo4jbackup.export.cypher;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Neo4j server version as {@code dbms.components()} reports it: semantic versions up to 5.x
 * ({@code 5.26.30}) and calendar versions from 2025 on ({@code 2025.01.0}, {@code 2026.08.1}).
 * Ordering is numeric part by part, so every calendar version is newer than every 5.x version.
 *
 * @param major  {@code 5}, or the year of a calendar version ({@code 2026})
 * @param minor  the minor version, or the month of a calendar version
 * @param patch  the patch number (0 when not given)
 * @param text   the version as reported (with any suffix such as {@code -aura})
 */
public record Neo4jVersion(int major, int minor, int patch, String text) implements Comparable<Neo4jVersion> {

    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?.*");

    /** The last version of the 5.x line, which only understands Cypher 5. */
    public static final Neo4jVersion V5_26 = new Neo4jVersion(5, 26, 0, "5.26");
    /** The first calendar version. */
    public static final Neo4jVersion V2025_01 = new Neo4jVersion(2025, 1, 0, "2025.01");

    /**
     * Creates a version.
     *
     * @param major major or year
     * @param minor minor or month
     * @param patch patch
     * @param text  the reported text
     */
    public Neo4jVersion {
        Objects.requireNonNull(text, "text");
    }

    /**
     * Parses a reported version.
     *
     * @param text e.g. {@code 5.26.30} or {@code 2026.08.1}; may be null
     * @return the version, or empty when the text is null or not a version
     */
    public static Optional<Neo4jVersion> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = VERSION.matcher(text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Neo4jVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), text.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether this is a calendar version (2025.01 or later).
     *
     * @return {@code true} from 2025 on
     */
    public boolean isCalendar() {
        return major >= 2025;
    }

    /**
     * Whether this version is at least {@code other}.
     *
     * @param other the version to compare with
     * @return {@code true} when equal or newer
     */
    public boolean atLeast(Neo4jVersion other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(Neo4jVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return text;
    }
}
