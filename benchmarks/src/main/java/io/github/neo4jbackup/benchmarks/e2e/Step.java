package io.github.neo4jbackup.benchmarks.e2e;

/**
 * One measured step of the suite at one size: a backup or restore through the command line, or a
 * baseline.
 *
 * @param id       a stable identifier ({@code backup.driver.local}, {@code baseline.admin-load}...)
 * @param title    what was run, for the table
 * @param baseline whether this is a baseline (a tool other than this project)
 * @param status   how it ended
 * @param seconds  wall time of the process(es), start to exit; for a skipped step the estimate, or 0
 * @param pipelineSeconds the time the command line itself reported for its pipeline, or -1
 * @param xmx      the maximum heap of the measured JVM, or {@code null} when not a JVM we control
 * @param heap     peak heap figures from the GC log, or {@code null}
 * @param rawBytes bytes of the uncompressed backup stream, or -1
 * @param storedBytes bytes stored (the object or file), or -1
 * @param note     what was checked, or why it failed or was skipped
 */
public record Step(String id, String title, boolean baseline, Status status, double seconds, double pipelineSeconds,
                   String xmx, GcLog.Heap heap, long rawBytes, long storedBytes, String note) {

    /** The note of a step the run did not select ({@code -Dsteps}). */
    public static final String NOT_SELECTED = "not selected (-Dsteps)";

    /** How a step ended. */
    public enum Status {
        /** ran and was checked */
        OK,
        /** ran and failed */
        FAILED,
        /** the JVM ran out of heap */
        OUT_OF_MEMORY,
        /** killed at its time budget */
        TIMED_OUT,
        /** not run (the estimate exceeds the budget) */
        SKIPPED
    }

    /** @return whether the step ran and passed its checks */
    public boolean ok() {
        return status == Status.OK;
    }
}
