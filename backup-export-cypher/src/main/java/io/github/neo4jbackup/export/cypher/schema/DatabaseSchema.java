package io.github.neo4jbackup.export.cypher.schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The schema of one database: its constraints and the indexes not owned by constraints (LOOKUP
 * indexes included). Immutable; definitions are kept sorted by name so equal schemas compare equal.
 *
 * <p>Restore order: {@link #lookupStatements()} and {@link #constraintStatements()} before the data
 * (constraints create the uniqueness indexes that matching on keys needs), {@link #indexStatements()}
 * after it, then wait for the indexes ({@link SchemaWriter#awaitIndexes}). {@link SchemaWriter#apply}
 * does that by {@link SchemaWriter.Phase}.
 */
public final class DatabaseSchema {

    /** Prefix of the text hashed by {@link #fingerprint()}; changes when the normalization changes. */
    public static final String FINGERPRINT_VERSION = "neo4j-backup-schema/1";

    private static final DatabaseSchema EMPTY = new DatabaseSchema(List.of(), List.of());

    private final List<IndexDefinition> indexes;
    private final List<ConstraintDefinition> constraints;

    private DatabaseSchema(List<IndexDefinition> indexes, List<ConstraintDefinition> constraints) {
        this.indexes = indexes;
        this.constraints = constraints;
    }

    /**
     * Creates a schema.
     *
     * @param indexes     indexes not owned by constraints (copied, sorted by name)
     * @param constraints constraints (copied, sorted by name)
     * @return the schema
     */
    public static DatabaseSchema of(List<IndexDefinition> indexes, List<ConstraintDefinition> constraints) {
        List<IndexDefinition> i = new ArrayList<>(Objects.requireNonNull(indexes, "indexes"));
        List<ConstraintDefinition> c = new ArrayList<>(Objects.requireNonNull(constraints, "constraints"));
        i.sort(Comparator.comparing(IndexDefinition::name));
        c.sort(Comparator.comparing(ConstraintDefinition::name));
        return new DatabaseSchema(List.copyOf(i), List.copyOf(c));
    }

    /**
     * A schema without indexes or constraints.
     *
     * @return the empty schema
     */
    public static DatabaseSchema empty() {
        return EMPTY;
    }

    /**
     * All indexes not owned by a constraint, LOOKUP indexes included, sorted by name.
     *
     * @return the indexes
     */
    public List<IndexDefinition> indexes() {
        return indexes;
    }

    /**
     * All constraints, sorted by name.
     *
     * @return the constraints
     */
    public List<ConstraintDefinition> constraints() {
        return constraints;
    }

    /**
     * The LOOKUP indexes.
     *
     * @return the LOOKUP indexes
     */
    public List<IndexDefinition> lookupIndexes() {
        return indexes.stream().filter(IndexDefinition::isLookup).toList();
    }

    /**
     * The indexes that are neither LOOKUP indexes nor owned by constraints.
     *
     * @return the indexes
     */
    public List<IndexDefinition> userIndexes() {
        return indexes.stream().filter(i -> !i.isLookup()).toList();
    }

    /**
     * Whether there is nothing but LOOKUP indexes (what a new database has).
     *
     * @return {@code true} without constraints and non-LOOKUP indexes
     */
    public boolean isEmptyApartFromLookups() {
        return constraints.isEmpty() && userIndexes().isEmpty();
    }

    /**
     * DDL of the constraints, in name order, without semicolons.
     *
     * @return the statements
     */
    public List<String> constraintStatements() {
        return constraints.stream().map(ConstraintDefinition::toCypher).toList();
    }

    /**
     * DDL of the indexes that are neither LOOKUP indexes nor owned by constraints, without semicolons.
     *
     * @return the statements
     */
    public List<String> indexStatements() {
        return userIndexes().stream().map(IndexDefinition::toCypher).toList();
    }

    /**
     * DDL of the LOOKUP indexes, without semicolons. Each is a no-op on a database that already has an
     * equivalent LOOKUP index under another name.
     *
     * @return the statements
     */
    public List<String> lookupStatements() {
        return lookupIndexes().stream().map(IndexDefinition::toCypher).toList();
    }

    /**
     * All DDL in restore order: LOOKUP indexes, constraints, other indexes (without semicolons).
     *
     * @return the statements
     */
    public List<String> statements() {
        List<String> all = new ArrayList<>(lookupStatements());
        all.addAll(constraintStatements());
        all.addAll(indexStatements());
        return List.copyOf(all);
    }

    /**
     * The normalized text {@link #fingerprint()} hashes: {@link #FINGERPRINT_VERSION}, then one line per
     * constraint and per non-LOOKUP index ({@link SchemaDefinition#canonicalForm()}), the lines sorted,
     * each ending with a line feed. Useful to see why two fingerprints differ.
     *
     * @return the canonical text
     */
    public String canonicalForm() {
        List<String> lines = new ArrayList<>();
        constraints.forEach(c -> lines.add(c.canonicalForm()));
        userIndexes().forEach(i -> lines.add(i.canonicalForm()));
        lines.sort(Comparator.naturalOrder());
        StringBuilder sb = new StringBuilder(FINGERPRINT_VERSION).append('\n');
        lines.forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    /**
     * SHA-256 (lower-case hex) of {@link #canonicalForm()}: a fingerprint of the schema that is equal
     * for two databases with the same constraints and indexes, whatever order they were created in.
     *
     * <p>Normalization:
     * <ul>
     *   <li>LOOKUP indexes are excluded (Neo4j creates them itself, under generated names).</li>
     *   <li>Indexes owned by constraints are part of their constraint, not separate entries.</li>
     *   <li>Each entry has the kind, entity type, name, labels or types and properties (in declared
     *       order; order matters for composite indexes), the property type of type constraints and the
     *       index configuration.</li>
     *   <li>Index providers are excluded: Neo4j 5.26 ignores the {@code indexProvider} option and picks
     *       the current provider, so a restore cannot reproduce an old one.</li>
     *   <li>Configuration entries that equal the Neo4j 5.26 default for the kind are dropped (so a
     *       version that does not report a default entry fingerprints the same); numbers are written as
     *       plain decimals ({@code 16} and {@code 16.0} are the same), strings exactly.</li>
     * </ul>
     *
     * @return the fingerprint
     */
    public String fingerprint() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(canonicalForm().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * What differs from another schema after normalization (LOOKUP indexes ignored): lines of
     * {@link #canonicalForm()} present only here prefixed with {@code "- "}, lines present only in
     * {@code other} prefixed with {@code "+ "}. Empty when the fingerprints are equal.
     *
     * @param other the schema to compare with (for example the one read back after a restore)
     * @return the differences, for messages
     */
    public List<String> differences(DatabaseSchema other) {
        List<String> mine = List.of(canonicalForm().split("\n"));
        List<String> theirs = List.of(other.canonicalForm().split("\n"));
        List<String> diff = new ArrayList<>();
        mine.stream().filter(l -> !theirs.contains(l)).forEach(l -> diff.add("- " + l));
        theirs.stream().filter(l -> !mine.contains(l)).forEach(l -> diff.add("+ " + l));
        return List.copyOf(diff);
    }

    /**
     * A plain map ({@code indexes}, {@code constraints}: lists of {@link SchemaDefinition#toMap()}) for
     * storing the schema in a structured format.
     *
     * @return the map
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("indexes", indexes.stream().map(IndexDefinition::toMap).toList());
        m.put("constraints", constraints.stream().map(ConstraintDefinition::toMap).toList());
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Rebuilds a schema from {@link #toMap()}.
     *
     * @param map the map
     * @return the schema
     * @throws IllegalArgumentException when the map is not a valid schema
     */
    @SuppressWarnings("unchecked")
    public static DatabaseSchema fromMap(Map<String, ?> map) {
        Objects.requireNonNull(map, "map");
        List<IndexDefinition> i = new ArrayList<>();
        List<ConstraintDefinition> c = new ArrayList<>();
        try {
            Object indexes = map.get("indexes");
            if (indexes != null) {
                for (Object o : (List<Object>) indexes) {
                    i.add(IndexDefinition.fromMap((Map<String, ?>) o));
                }
            }
            Object constraints = map.get("constraints");
            if (constraints != null) {
                for (Object o : (List<Object>) constraints) {
                    c.add(ConstraintDefinition.fromMap((Map<String, ?>) o));
                }
            }
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("Not a valid schema map", e);
        }
        return of(i, c);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatabaseSchema other && indexes.equals(other.indexes) && constraints.equals(other.constraints);
    }

    @Override
    public int hashCode() {
        return Objects.hash(indexes, constraints);
    }

    @Override
    public String toString() {
        return "DatabaseSchema[" + indexes.size() + " indexes, " + constraints.size() + " constraints]";
    }
}
