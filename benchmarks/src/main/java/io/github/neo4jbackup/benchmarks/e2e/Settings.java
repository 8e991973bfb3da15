package io.github.neo4jbackup.benchmarks.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The suite's settings, from system properties (the Maven profile passes them on) and an optional
 * first program argument naming the sizes.
 *
 * @param sizes        the sizes to run, in order ({@code smoke}, {@code 10k}, {@code 100k}, {@code 1m}, or a number;
 *                     a {@code -plain} suffix, e.g. {@code 7k-plain}, makes a graph without embeddings)
 * @param programs     the folder holding {@code lib/} (Neo4j), {@code plugins/} (APOC) and {@code cypher-shell/}
 * @param cliJar       the command line's runnable jar
 * @param classpath    the class path for the suite's own child JVMs (the APOC baseline)
 * @param work         the working directory (Neo4j home, repositories, dumps, logs)
 * @param results      the Markdown file to write
 * @param heap         {@code -Xmx} of the measured backup and restore JVMs
 * @param baselineHeap {@code -Xmx} of the baseline JVMs (APOC export client, cypher-shell)
 * @param budget       the time budget of each Cypher-text replay (cypher-shell and the library's APOC replay)
 * @param dimensions   embedding dimensions
 * @param embedded     the fraction of entities and facts with an embedding
 * @param neo4jHeap    the server's heap
 * @param pageCache    the server's page cache
 * @param command      the command line that ran the suite, for the results file
 * @param s3RestoreUpTo the largest graph (entities) also restored from S3; larger ones are restored from the
 *                     local repository only
 * @param steps        the step ids (or id prefixes) to run; empty runs every step. Steps depend on each other
 *                     (a restore on its backup): select them together
 */
public record Settings(List<String> sizes, Path programs, Path cliJar, String classpath, Path work, Path results,
                       String heap, String baselineHeap, Duration budget, int dimensions, double embedded,
                       String neo4jHeap, String pageCache, String command, long s3RestoreUpTo, List<String> steps) {

    private static final String PLAIN = "-plain";

    /** The steps a restore comparison needs: {@code -Dsteps=restore} selects them. */
    static final List<String> RESTORE_STEPS = List.of("backup.driver.local", "baseline.apoc-export",
            "baseline.admin-dump", "baseline.admin-load", "restore.driver.local", "baseline.cypher-shell");

    /**
     * Whether a step runs.
     *
     * @param id the step's id
     * @return {@code true} when no steps were chosen or the id starts with one of them
     */
    public boolean selected(String id) {
        return steps.isEmpty() || steps.stream().anyMatch(id::startsWith);
    }

    /**
     * Reads the settings.
     *
     * @param args optional: the sizes, comma-separated
     * @return the settings
     */
    public static Settings fromSystemProperties(String... args) {
        String sizes = args.length > 0 && !args[0].isBlank() ? args[0] : System.getProperty("sizes", "7k-plain,10k,100k,1m");
        List<String> list = new ArrayList<>();
        for (String s : sizes.split(",")) {
            if (!s.isBlank()) {
                entities(s.strip());
                list.add(s.strip().toLowerCase(Locale.ROOT));
            }
        }
        return new Settings(List.copyOf(list),
                Path.of(System.getProperty("e2e.programs", "target/e2e")).toAbsolutePath(),
                Path.of(System.getProperty("e2e.cli.jar", "../backup-cli/target/neo4j-backup.jar")).toAbsolutePath(),
                System.getProperty("e2e.classpath", System.getProperty("java.class.path")),
                Path.of(System.getProperty("e2e.work", "target/e2e-work")).toAbsolutePath(),
                Path.of(System.getProperty("e2e.results", "target/e2e-results/RESULTS.md")).toAbsolutePath(),
                System.getProperty("heap", "256m"),
                System.getProperty("baselineHeap", "1g"),
                duration(System.getProperty("budget", "10m")),
                Integer.parseInt(System.getProperty("dims", "1024")),
                Double.parseDouble(System.getProperty("embedded", "0.05")),
                System.getProperty("neo4j.heap", "2g"),
                System.getProperty("neo4j.pagecache", "1g"),
                System.getProperty("e2e.command", "EndToEndSuite " + sizes),
                entities(System.getProperty("s3RestoreUpTo", "200k")),
                steps(System.getProperty("steps", "")));
    }

    private static List<String> steps(String text) {
        List<String> out = new ArrayList<>();
        for (String s : text.split(",")) {
            if (s.strip().equals("restore")) {
                out.addAll(RESTORE_STEPS);
            } else if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return List.copyOf(out);
    }

    /**
     * Whether a size names a plain graph: no embeddings at all ({@code 7k-plain}).
     *
     * @param size the size
     * @return {@code true} for a {@code -plain} size
     */
    public static boolean plain(String size) {
        return size.toLowerCase(Locale.ROOT).strip().endsWith(PLAIN);
    }

    /**
     * The intended number of entities (nodes plus relationships) of a size.
     *
     * @param size {@code smoke} (500), {@code 10k}, {@code 100k}, {@code 1m}, or a number, each optionally with
     *             {@code -plain}
     * @return entities
     */
    public static long entities(String size) {
        String s = size.toLowerCase(Locale.ROOT).strip().replace("_", "");
        if (s.endsWith(PLAIN)) {
            s = s.substring(0, s.length() - PLAIN.length());
        }
        if (s.equals("smoke")) {
            return 500;
        }
        long factor = 1;
        if (s.endsWith("k")) {
            factor = 1_000;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            factor = 1_000_000;
            s = s.substring(0, s.length() - 1);
        }
        try {
            return Math.round(Double.parseDouble(s) * factor);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Unknown size '" + size + "': use smoke, a number, or a number with k or m"
                    + " (10k, 100k, 1m), optionally with -plain for a graph without embeddings (7k-plain)", e);
        }
    }

    /**
     * Parses {@code 90s}, {@code 10m}, {@code 1h} or an ISO-8601 duration.
     *
     * @param text the text
     * @return the duration
     */
    static Duration duration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("budget: use 90s, 10m or 1h, got " + text);
        };
    }
}
