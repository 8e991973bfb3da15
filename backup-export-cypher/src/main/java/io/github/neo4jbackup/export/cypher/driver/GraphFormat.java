package io.github.neo4jbackup.export.cypher.driver;

/**
 * Constants of the driver-only backup format: a UTF-8 stream of JSON lines (one record a line)
 * with a header, schema statements, nodes, relationships and a trailer. The format is described
 * in {@code docs/format.md}; {@link GraphFileWriter} and {@link GraphFileReader} implement it.
 */
public final class GraphFormat {

    /** The format name written in the header. */
    public static final String NAME = "neo4j-backup-graph";

    /** The format version this library writes and the newest it reads. */
    public static final int VERSION = 2;

    /** The file extension of the raw stream (without a dot). */
    public static final String EXTENSION = "ndjson";

    /** The engine id of {@link DriverExportSource}, recorded in manifests. */
    public static final String ENGINE = "cypher-driver";

    /**
     * The longest record (line) in characters that writers produce and readers accept, so a
     * damaged stream cannot make a reader buffer without bound.
     */
    public static final int MAX_LINE_CHARS = 128 * 1024 * 1024;

    /** The temporary label a restore puts on every node it creates, removed at the end. */
    public static final String IMPORT_LABEL = "__NeoBackupImport";

    /** The temporary property holding the backup-local node key during a restore, removed at the end. */
    public static final String IMPORT_KEY = "__neo4j_backup_key";

    /** The name of the temporary index on {@link #IMPORT_LABEL}/{@link #IMPORT_KEY}, dropped at the end. */
    public static final String IMPORT_INDEX = "__neo4j_backup_import";

    private GraphFormat() {
    }
}
