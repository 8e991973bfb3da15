package io.github.neo4jbackup.core.spi;

/**
 * Well-known attribute names shared by sources ({@link SourceDescription#attributes()}, recorded
 * in the manifest) and restore sinks ({@link RestoreSink.SinkResult#attributes()}), so the
 * pipeline can compare what was backed up with what was restored.
 */
public final class Attributes {

    /** Order-independent SHA-256 of the database content (nodes and relationships), lower-case hex. */
    public static final String CONTENT_FINGERPRINT = "fingerprint.content";

    /** SHA-256 of the normalized schema (indexes and constraints, LOOKUP indexes excluded), lower-case hex. */
    public static final String SCHEMA_FINGERPRINT = "fingerprint.schema";

    /**
     * The version of the content fingerprint's encoding ({@code 2} includes stored types; absent
     * means {@code 1}). Fingerprints of different versions are not compared.
     */
    public static final String CONTENT_FINGERPRINT_VERSION = "fingerprint.content.version";

    /** {@code true} when the database changed while it was exported (counts before and after differ). */
    public static final String CHANGED_DURING_EXPORT = "consistency.changedDuringExport";

    /** How consistent the export is, e.g. {@code single-read-transaction} or {@code read-committed}. */
    public static final String CONSISTENCY = "consistency";

    /**
     * Sink-result attribute: why the sink cannot report the restored counts (e.g. a dump loaded and
     * checked offline, with no server to count). Restore-level verification then does not report
     * the missing count comparison as a problem; without it, a sink that reports no counts for a
     * backup whose manifest has them fails the verification.
     */
    public static final String COUNTS_UNAVAILABLE = "counts.unavailable";

    /**
     * Prefix of a restore sink's per-phase durations in its result attributes, for example
     * {@code restore.phase.nodes} = {@code PT3.25S} (ISO-8601, as {@link java.time.Duration#toString()}).
     */
    public static final String RESTORE_PHASE_PREFIX = "restore.phase.";

    /** The names of the phases a restore sink timed, comma-separated, in the order they ran. */
    public static final String RESTORE_PHASES = "restore.phases";

    private Attributes() {
    }
}
