package io.github.neo4jbackup.core.spi;

/**
 * What the pipeline offers a source while it exports: progress reporting and cancellation.
 */
public interface ExportContext {

    /**
     * Reports that more records (statements, nodes, relationships) were exported. Optional; the
     * pipeline counts bytes on its own.
     *
     * @param delta records exported since the last call
     */
    void recordsExported(long delta);

    /**
     * Whether the backup was cancelled; long-running sources should stop and throw.
     *
     * @return {@code true} once cancelled
     */
    boolean cancelled();

    /** A context that ignores progress and is never cancelled. */
    ExportContext NONE = new ExportContext() {
        @Override
        public void recordsExported(long delta) {
        }

        @Override
        public boolean cancelled() {
            return false;
        }
    };
}
