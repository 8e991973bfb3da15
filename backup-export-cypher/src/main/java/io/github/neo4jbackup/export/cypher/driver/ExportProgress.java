package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.core.spi.ExportContext;

import java.io.IOException;

/**
 * Progress reporting and cancellation of a driver export, checked every {@value #EVERY} records,
 * and the number of records written so far for failure messages.
 */
final class ExportProgress {

    /** Records between two reports (and cancellation checks). */
    static final int EVERY = 1000;

    private final ExportContext context;
    private final String database;
    private int unreported;
    private long nodes;
    private long relationships;

    ExportProgress(ExportContext context, String database) {
        this.context = context;
        this.database = database;
    }

    /** Takes the numbers of records written from the writer, for a failure message. */
    ExportProgress with(GraphFileWriter writer) {
        nodes = writer.nodes();
        relationships = writer.relationships();
        return this;
    }

    long nodes() {
        return nodes;
    }

    long relationships() {
        return relationships;
    }

    /** Counts one record; reports and checks for cancellation every {@value #EVERY}. */
    void record() throws IOException {
        if (++unreported == EVERY) {
            flush();
            if (context.cancelled()) {
                throw new IOException("The backup of database '" + database + "' was cancelled");
            }
        }
    }

    /** Reports the records not reported yet. */
    void flush() {
        if (unreported > 0) {
            context.recordsExported(unreported);
            unreported = 0;
        }
    }
}
