package io.github.neo4jbackup.export.admin;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The outcome of {@code neo4j-admin database check}: immutable.
 */
public final class CheckReport {

    /** What the check found. */
    public enum Outcome {
        /** The check ran and found the store consistent. */
        CONSISTENT,
        /** The check ran and found inconsistencies ({@link #reportFile()} has the details). */
        INCONSISTENT,
        /** The check could not run or could not finish (see {@link #problems()}). */
        FAILED
    }

    private final String database;
    private final Outcome outcome;
    private final Integer exitCode;
    private final List<String> summary;
    private final List<String> problems;
    private final Path reportFile;
    private final Duration duration;

    /**
     * Creates a report.
     *
     * @param database   the database checked
     * @param outcome    the outcome
     * @param exitCode   the exit code of neo4j-admin, or {@code null} when it did not exit by itself
     * @param summary    what the check printed (store size, phases), without progress lines
     * @param problems   what is wrong, one sentence each (empty when consistent)
     * @param reportFile the inconsistency report neo4j-admin wrote, or {@code null}
     * @param duration   how long the check took
     */
    public CheckReport(String database, Outcome outcome, Integer exitCode, List<String> summary, List<String> problems,
                       Path reportFile, Duration duration) {
        this.database = Objects.requireNonNull(database, "database");
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.exitCode = exitCode;
        this.summary = List.copyOf(summary);
        this.problems = List.copyOf(problems);
        this.reportFile = reportFile;
        this.duration = Objects.requireNonNull(duration, "duration");
    }

    /**
     * The database checked.
     *
     * @return the name
     */
    public String database() {
        return database;
    }

    /**
     * What the check found.
     *
     * @return the outcome
     */
    public Outcome outcome() {
        return outcome;
    }

    /**
     * Whether the store is consistent.
     *
     * @return {@code true} only for {@link Outcome#CONSISTENT}
     */
    public boolean consistent() {
        return outcome == Outcome.CONSISTENT;
    }

    /**
     * The exit code of neo4j-admin, if it exited by itself.
     *
     * @return the exit code
     */
    public OptionalInt exitCode() {
        return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
    }

    /**
     * What the check printed, without progress lines.
     *
     * @return the lines
     */
    public List<String> summary() {
        return summary;
    }

    /**
     * What is wrong, one sentence each; empty when consistent.
     *
     * @return the problems
     */
    public List<String> problems() {
        return problems;
    }

    /**
     * The inconsistency report written by neo4j-admin, if there is one.
     *
     * @return the file
     */
    public Optional<Path> reportFile() {
        return Optional.ofNullable(reportFile);
    }

    /**
     * How long the check took.
     *
     * @return the duration
     */
    public Duration duration() {
        return duration;
    }

    @Override
    public String toString() {
        return "CheckReport[" + database + ": " + outcome + (exitCode == null ? "" : ", exit " + exitCode)
                + (problems.isEmpty() ? "" : ", problems=" + problems) + ", " + duration + "]";
    }
}
