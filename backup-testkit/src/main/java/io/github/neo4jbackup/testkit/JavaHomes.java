package io.github.neo4jbackup.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a JDK for a Neo4j server process. Neo4j 5.x runs on the JDK that runs the tests (Java 17);
 * Neo4j 2025.x and later need Java 21 or newer, which the library itself does not require.
 *
 * <p>Lookup for a Java 21+ home, first match wins:
 * <ol>
 *   <li>the system property {@value #PROPERTY}, else the environment variable {@value #ENVIRONMENT};</li>
 *   <li>{@value #PREFERRED};</li>
 *   <li>any folder under {@code /usr/lib/jvm} whose {@code release} file says {@code JAVA_VERSION}
 *       21 or newer (the newest first).</li>
 * </ol>
 * A configured home that is missing or too old is reported, not silently replaced.
 */
public final class JavaHomes {

    /** System property naming the Java 21+ home for Neo4j 2025.x/2026.x servers. */
    public static final String PROPERTY = "neo4j.2026.java.home";
    /** Environment variable naming the Java 21+ home for Neo4j 2025.x/2026.x servers. */
    public static final String ENVIRONMENT = "NEO4J_2026_JAVA_HOME";
    /** The home looked at after the property and the variable. */
    public static final String PREFERRED = "/usr/lib/jvm/temurin-25-jdk-amd64";

    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"?(\\d+)");

    private JavaHomes() {
    }

    /**
     * The JDK the tests run on.
     *
     * @return {@code java.home}
     */
    public static Path current() {
        return Path.of(System.getProperty("java.home"));
    }

    /**
     * A Java home of at least {@code minimum} (see the class comment for the lookup order).
     *
     * @param minimum the lowest feature version, e.g. 21
     * @return the home, or empty when none was found
     * @throws IllegalStateException when the property or variable names a home that does not exist or is too old
     */
    public static Optional<Path> find(int minimum) {
        String configured = System.getProperty(PROPERTY);
        String origin = "-D" + PROPERTY;
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(ENVIRONMENT);
            origin = ENVIRONMENT;
        }
        if (configured != null && !configured.isBlank()) {
            Path home = Path.of(configured.strip());
            int version = featureVersion(home);
            if (version < minimum) {
                throw new IllegalStateException(origin + "=" + home + " is not a Java " + minimum + "+ home (found "
                        + (version < 0 ? "no bin/java with a release file" : "Java " + version) + ")");
            }
            return Optional.of(home);
        }
        if (featureVersion(current()) >= minimum) {
            return Optional.of(current());
        }
        Path preferred = Path.of(PREFERRED);
        if (featureVersion(preferred) >= minimum) {
            return Optional.of(preferred);
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        List<Path> candidates = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(jvms)) {
            dirs.filter(d -> featureVersion(d) >= minimum).forEach(candidates::add);
        } catch (IOException e) {
            return Optional.empty();
        }
        return candidates.stream().max((a, b) -> Integer.compare(featureVersion(a), featureVersion(b)));
    }

    /**
     * The lookup as a sentence, for skip notices.
     *
     * @param minimum the lowest feature version
     * @return the description
     */
    public static String lookupDescription(int minimum) {
        return "no Java " + minimum + "+ JDK found (looked at -D" + PROPERTY + ", $" + ENVIRONMENT + ", the JDK running "
                + "the tests, " + PREFERRED + " and /usr/lib/jvm/*); set " + ENVIRONMENT + " to a Java " + minimum
                + "+ home to run these tests";
    }

    /**
     * The feature version of a Java home from its {@code release} file.
     *
     * @param home the home
     * @return e.g. 25, or -1 when it is not a Java home
     */
    public static int featureVersion(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release) || !Files.isRegularFile(home.resolve("bin/java"))) {
            return -1;
        }
        try {
            Matcher m = JAVA_VERSION.matcher(Files.readString(release));
            if (!m.find()) {
                return -1;
            }
            int v = Integer.parseInt(m.group(1));
            return v == 1 ? 8 : v;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
