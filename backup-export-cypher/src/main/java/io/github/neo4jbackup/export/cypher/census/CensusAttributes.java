package io.github.neo4jbackup.export.cypher.census;

import io.github.neo4jbackup.core.manifest.Manifest;
import org.slf4j.Logger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The manifest and sink-result attributes of the stored-type census, shared by the logical engines
 * and their restore sinks. See {@code docs/manifest.md}.
 */
public final class CensusAttributes {

    /** Manifest and sink-result attribute: the census as compact JSON ({@link StoredTypeCensus#toJson()}). */
    public static final String CENSUS = "census.storedTypes";

    /**
     * Manifest and sink-result attribute: the narrow stored types the restore cannot write back, one
     * sentence each (label set or relationship type, key, what they become), separated by {@code "; "}.
     */
    public static final String WARNINGS = "census.warnings";

    /** Manifest attribute: how many values were backed up as 32-bit float arrays. */
    public static final String FLOAT32_VALUES = "census.float32Values";

    /** Sink-result attribute: how the restored stored types differ from the backup's. */
    public static final String DIFFERENCES = "census.differences";

    /** Sink-result attribute: {@code true} when the restored census equals the backup's. */
    public static final String MATCHES = "census.matches";

    /** Manifest attribute set instead of {@link #CENSUS} when the census is too large to record. */
    public static final String OMITTED = "census.omitted";

    /** The largest census recorded in a manifest, in characters (manifest strings are limited). */
    static final int MAX_CHARS = 512 * 1024;

    private CensusAttributes() {
    }

    /**
     * The attributes a backup records for its census, logging the warnings.
     *
     * @param census              the census taken at backup time
     * @param float32Reproducible whether the engine restores {@code FloatArray} values exactly
     * @param float32Values       how many values were written as 32-bit float arrays (-1: not counted)
     * @param database            the database, for the log
     * @param log                 where the warnings go
     * @return the attributes
     */
    public static Map<String, String> backup(StoredTypeCensus census, boolean float32Reproducible, long float32Values,
                                             String database, Logger log) {
        Map<String, String> out = new LinkedHashMap<>();
        String json = census.toJson();
        if (json.length() <= MAX_CHARS) {
            out.put(CENSUS, json);
        } else {
            out.put(OMITTED, "the stored-type census has " + json.length() + " characters, more than the "
                    + MAX_CHARS + " a manifest records; restores cannot compare stored types");
        }
        if (float32Values >= 0) {
            out.put(FLOAT32_VALUES, Long.toString(float32Values));
        }
        List<String> warnings = census.warnings(float32Reproducible);
        if (!warnings.isEmpty()) {
            String text = String.join("; ", warnings);
            out.put(WARNINGS, text);
            log.warn("Database '{}' holds stored types a logical restore cannot reproduce exactly: {}", database, text);
        }
        return out;
    }

    /**
     * The census a manifest recorded.
     *
     * @param manifest the manifest, or {@code null}
     * @return the census; empty for older manifests, omitted or unreadable censuses
     */
    public static Optional<StoredTypeCensus> of(Manifest manifest) {
        if (manifest == null) {
            return Optional.empty();
        }
        String json = manifest.source().attributes().get(CENSUS);
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(StoredTypeCensus.fromJson(json));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The stored-type check of a restore: compares the restored database's census with the one the
     * manifest recorded and returns the sink-result attributes ({@value #CENSUS}, {@value #MATCHES},
     * {@value #DIFFERENCES}, {@value #WARNINGS}: the backup's warnings followed by the restore's).
     * Differences the backup or the restore announced (types that cannot be written back) are
     * warnings; any other difference means values changed type where the restore should have kept it,
     * and fails the restore, unless the backup was taken while the database changed (then its census
     * may describe other entities, and the difference is logged).
     *
     * @param what            {@code backup <id>}, for messages
     * @param database        the restored database, for messages
     * @param manifest        the backup's manifest, or {@code null} for a bare stream
     * @param restored        the restored database's census
     * @param float32Widened  entity description + NUL + key of the FloatArray properties the restore
     *                        wrote as 64-bit floats (announced in {@code restoreWarnings})
     * @param restoreWarnings warnings of the restore itself
     * @param log             where the differences are logged
     * @return the attributes
     * @throws io.github.neo4jbackup.core.RestoreFailedException when stored types changed unannounced
     */
    public static Map<String, String> checkRestore(String what, String database, Manifest manifest,
                                                   StoredTypeCensus restored, java.util.Set<String> float32Widened,
                                                   List<String> restoreWarnings, Logger log) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> warnings = new java.util.ArrayList<>(restoreWarnings);
        String recorded = manifest == null ? null : manifest.source().attributes().get(WARNINGS);
        if (recorded != null) {
            warnings.add(0, recorded);
        }
        if (!warnings.isEmpty()) {
            out.put(WARNINGS, String.join("; ", warnings));
        }
        Optional<StoredTypeCensus> backup = of(manifest);
        if (backup.isEmpty()) {
            String json = restored.toJson();
            if (json.length() <= MAX_CHARS) {
                out.put(CENSUS, json);
            }
            return out;
        }
        // APOC's Cypher export writes byte arrays as integer lists (recorded as its limitation)
        Map<String, String> engineLimits = "cypher-apoc".equals(manifest.source().type())
                ? Map.of("ByteArray", "LongArray") : Map.of();
        // FloatArray is expected back unless the restore announced it could not write it; under keys that
        // also hold DoubleArray values it comes back where the backup could tell (an announced limit:
        // losing it there is not a failure, see differencesBeyondEmptyLists)
        StoredTypeCensus expected = backup.get().widenedExcept((entity, key, type, all) ->
                StoredTypeCensus.FLOAT_ARRAY.equals(type) && !float32Widened.contains(entity + "\u0000" + key),
                engineLimits);
        Comparison comparison = compare(backup.get(), expected, restored);
        out.putAll(comparison.attributes());
        if (!comparison.differences().isEmpty()) {
            log.warn("Restore of {} into '{}': stored types differ from the backup's: {}", what, database,
                    String.join("; ", comparison.differences()));
        }
        if (!comparison.unexpected().isEmpty()) {
            boolean changed = Boolean.parseBoolean(manifest.source().attributes()
                    .get(io.github.neo4jbackup.core.spi.Attributes.CHANGED_DURING_EXPORT));
            String message = "Restore of " + what + " into database '" + database + "' wrote all data, but "
                    + "stored types changed where the restore should have kept them: "
                    + String.join("; ", comparison.unexpected());
            if (!changed) {
                throw new io.github.neo4jbackup.core.RestoreFailedException(message + ". Values were converted "
                        + "(e.g. 32-bit float vectors to 64-bit floats) and may differ from the backup's; do not rely "
                        + "on this database. Restore with the cypher-driver or neo4j-admin engine's backup if you have "
                        + "one, or check the target server's vector-property procedures.", null);
            }
            log.warn("{} (the backup was taken while the database changed, so its census may describe other "
                    + "entities)", message);
        }
        return out;
    }

    /**
     * Compares the census of a restored database with the backup's.
     *
     * @param backup   the backup's census
     * @param expected what the restore expected to produce (the backup's, with the narrow types it
     *                 could not write widened)
     * @param restored the restored database's census
     * @return the comparison
     */
    public static Comparison compare(StoredTypeCensus backup, StoredTypeCensus expected, StoredTypeCensus restored) {
        return new Comparison(backup.differences(restored), expected.differencesBeyondEmptyLists(restored), restored);
    }

    /**
     * The outcome of comparing stored types after a restore.
     *
     * @param differences every difference from the backup's census (announced ones included)
     * @param unexpected  the differences the restore did not announce: values that changed type
     *                    although the restore should have kept it (empty lists, which Cypher stores
     *                    as {@code StringArray}, excepted)
     * @param restored    the restored database's census
     */
    public record Comparison(List<String> differences, List<String> unexpected, StoredTypeCensus restored) {
        /**
         * Creates the value.
         *
         * @param differences all differences
         * @param unexpected  unannounced differences
         * @param restored    restored census
         */
        public Comparison {
            differences = List.copyOf(differences);
            unexpected = List.copyOf(unexpected);
        }

        /**
         * The sink-result attributes: {@value #CENSUS} of the restored database, {@value #MATCHES}
         * and, when they differ, {@value #DIFFERENCES}.
         *
         * @return the attributes
         */
        public Map<String, String> attributes() {
            Map<String, String> out = new LinkedHashMap<>();
            String json = restored.toJson();
            if (json.length() <= MAX_CHARS) {
                out.put(CENSUS, json);
            }
            out.put(MATCHES, Boolean.toString(differences.isEmpty()));
            if (!differences.isEmpty()) {
                out.put(DIFFERENCES, String.join("; ", differences));
            }
            return out;
        }
    }
}
