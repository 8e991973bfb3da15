package io.github.neo4jbackup.core.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Produces the backup stream of one database (push model): the pipeline hands the source an
 * {@link OutputStream} that leads through the transformer chain to storage.
 *
 * <p>A source reports failure by throwing: an {@link IOException} for I/O problems, or a
 * {@link io.github.neo4jbackup.core.SourceFailedException} carrying an exit code and the tail
 * of the engine's error output. The pipeline then aborts the stored object and writes no
 * manifest. A source must not close the stream it is given (doing so is harmless).
 *
 * <p>Pull-model engines (something that offers an {@link InputStream}) adapt with
 * {@link #ofStream(String, String, String, StreamOpener)}.
 */
public interface BackupSource {

    /**
     * A stable id of this engine, recorded in the manifest and used to pick a restore sink, for
     * example {@code cypher-apoc}, {@code cypher-driver}, {@code neo4j-admin}.
     *
     * @return the id
     */
    String type();

    /**
     * The name of the database backed up.
     *
     * @return the database name
     */
    String database();

    /**
     * The file extension of the raw stream, without a dot ({@code cypher}, {@code dump}).
     *
     * @return the extension
     */
    default String extension() {
        return "bin";
    }

    /**
     * Whether the raw stream is already compressed (so compressing it again gains nothing).
     *
     * @return {@code true} for compressed output such as neo4j-admin dumps
     */
    default boolean compressedOutput() {
        return false;
    }

    /**
     * Called once per backup after the repository lock is taken and before any
     * {@link BackupHook} runs, i.e. while the database is still online: a source whose export
     * needs the database offline can record facts that need it online (e.g. a content
     * fingerprint over Bolt). Failing here fails the backup before anything is stopped or written.
     *
     * @return attributes for the manifest (never secrets)
     * @throws IOException when the facts cannot be gathered
     */
    default java.util.Map<String, String> prepare() throws IOException {
        return java.util.Map.of();
    }

    /**
     * Writes the whole backup of the database to {@code out} and describes what was written.
     * Returning normally means the export is complete; any failure must be thrown.
     *
     * @param out     where to write; do not close it
     * @param context progress reporting and cancellation
     * @return a description for the manifest (versions, counts, attributes)
     * @throws IOException when the export failed
     */
    SourceDescription export(OutputStream out, ExportContext context) throws IOException;

    /**
     * Opens an input stream; used to adapt pull-model engines.
     */
    @FunctionalInterface
    interface StreamOpener {
        /**
         * Opens the stream of the whole backup.
         *
         * @return the stream; it is read to the end and closed by the adapter
         * @throws IOException when it cannot be opened
         */
        InputStream open() throws IOException;
    }

    /**
     * Adapts a pull-model engine: the adapter copies the opened stream to the pipeline.
     *
     * @param type      the engine id
     * @param database  the database name
     * @param extension the raw file extension
     * @param opener    opens the stream
     * @return the source
     */
    static BackupSource ofStream(String type, String database, String extension, StreamOpener opener) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(opener, "opener");
        return new BackupSource() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public String database() {
                return database;
            }

            @Override
            public String extension() {
                return extension;
            }

            @Override
            public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
                try (InputStream in = opener.open()) {
                    byte[] buffer = new byte[64 * 1024];
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        if (context.cancelled()) {
                            throw new IOException("Backup cancelled");
                        }
                        out.write(buffer, 0, n);
                    }
                }
                return SourceDescription.of(type, database);
            }

            @Override
            public String toString() {
                return "BackupSource[" + type + ", database=" + database + "]";
            }
        };
    }
}
