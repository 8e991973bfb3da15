package io.github.neo4jbackup.export.cypher.schema;

import io.github.neo4jbackup.export.cypher.Neo4jVersion;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Moves a schema between Neo4j versions and compares what a target created with what a backup
 * holds.
 *
 * <p><b>Translation</b> ({@link #adapt}): Neo4j 2026 vector indexes carry
 * {@code vector.quantization.type} ({@code NONE}, {@code BINARY}, {@code SCALAR}) and
 * {@code vector.default_search_expansion_factor}; Neo4j 5.26 only knows
 * {@code vector.quantization.enabled}. 2026 creates an index asked for {@code quantization.enabled:
 * true} as {@code BINARY} with factor 3.0 and one with {@code false} as {@code NONE} with factor
 * 1.0, so exactly those two pairs translate back; anything else (e.g. {@code SCALAR}, or another
 * factor) has no equivalent on 5.x and is reported as a problem, as is any option the target
 * version does not know. Towards a calendar version nothing needs translating: 2026 accepts the
 * 5.26 options.
 *
 * <p><b>Equivalence</b> ({@link #differences}): a restore onto a newer server gets newer index
 * providers ({@code fulltext-2.0}, {@code text-3.0}, {@code vector-2026.08}) and new option defaults;
 * two schemas are equivalent when they have the same names, kinds, entity types, labels or types,
 * properties, property types and semantic options: vector dimensions, similarity function,
 * HNSW parameters and whether quantization is on; fulltext analyzer and eventual consistency;
 * point index bounds; for other kinds all options. Providers and {@code
 * default_search_expansion_factor} are what the target chose ({@link #targetChoices}).
 */
public final class SchemaCompatibility {

    static final String QUANTIZATION_ENABLED = "vector.quantization.enabled";
    static final String QUANTIZATION_TYPE = "vector.quantization.type";
    static final String SEARCH_EXPANSION = "vector.default_search_expansion_factor";

    /** The index options Neo4j 5.26 accepts, by kind (point indexes: any {@code spatial.*}). */
    private static final Map<IndexKind, Set<String>> OPTIONS_5 = Map.of(
            IndexKind.VECTOR, Set.of("vector.dimensions", "vector.similarity_function", "vector.hnsw.m",
                    "vector.hnsw.ef_construction", QUANTIZATION_ENABLED),
            IndexKind.FULLTEXT, Set.of("fulltext.analyzer", "fulltext.eventually_consistent"));

    private SchemaCompatibility() {
    }

    /**
     * The definition as the target version can create it.
     *
     * @param definition the definition from the backup
     * @param target     the target server's version, or null when unknown (then nothing is changed)
     * @param notes      receives one line per translation made
     * @param problems   receives one line per thing the target cannot hold (the definition is then
     *                   returned unchanged and must not be applied)
     * @return the definition to create
     */
    public static SchemaDefinition adapt(SchemaDefinition definition, Neo4jVersion target, List<String> notes,
                                         List<String> problems) {
        Objects.requireNonNull(definition, "definition");
        if (target == null || target.isCalendar() || !(definition instanceof IndexDefinition index)) {
            return definition;
        }
        Map<String, Object> config = new TreeMap<>(index.indexConfig());
        String what = index.kind().name().toLowerCase(Locale.ROOT) + " index '" + index.name() + "'";
        if (index.kind() == IndexKind.VECTOR && (config.containsKey(QUANTIZATION_TYPE)
                || config.containsKey(SEARCH_EXPANSION))) {
            Object type = config.remove(QUANTIZATION_TYPE);
            Object factor = config.remove(SEARCH_EXPANSION);
            String t = type == null ? null : type.toString().toUpperCase(Locale.ROOT);
            Boolean enabled = null;
            if ("NONE".equals(t) && (factor == null || Ddl.sameCanonical(factor, 1.0))) {
                enabled = false;
            } else if ("BINARY".equals(t) && (factor == null || Ddl.sameCanonical(factor, 3.0))) {
                enabled = true;
            }
            if (enabled == null) {
                problems.add(what + " uses " + QUANTIZATION_TYPE + " " + type + " with " + SEARCH_EXPANSION + " "
                        + factor + ", which Neo4j " + target + " cannot express (it only has " + QUANTIZATION_ENABLED
                        + ": true means BINARY with factor 3.0, false means NONE with factor 1.0)");
                return definition;
            }
            config.put(QUANTIZATION_ENABLED, enabled);
            notes.add(what + ": " + QUANTIZATION_TYPE + " " + type + (factor == null ? "" : " and " + SEARCH_EXPANSION
                    + " " + factor) + " written as " + QUANTIZATION_ENABLED + " " + enabled + " for Neo4j " + target);
        }
        Set<String> known = OPTIONS_5.get(index.kind());
        for (String key : config.keySet()) {
            boolean ok = index.kind() == IndexKind.POINT ? key.startsWith("spatial.")
                    : known != null && known.contains(key);
            if (!ok) {
                problems.add(what + " has the option " + key + ", which Neo4j " + target + " does not know");
            }
        }
        return new IndexDefinition(index.name(), index.kind(), index.entityType(), index.labelsOrTypes(),
                index.properties(), index.indexProvider(), config);
    }

    /**
     * What differs in substance between the schema a backup holds and the one a target created
     * (see the class comment), LOOKUP indexes ignored: {@code "- "} lines only in {@code expected},
     * {@code "+ "} lines only in {@code actual}. Empty when equivalent.
     *
     * @param expected the backup's schema
     * @param actual   the restored database's schema
     * @return the differences
     */
    public static List<String> differences(DatabaseSchema expected, DatabaseSchema actual) {
        List<String> mine = semanticLines(expected);
        List<String> theirs = semanticLines(actual);
        List<String> diff = new ArrayList<>();
        mine.stream().filter(l -> !theirs.contains(l)).forEach(l -> diff.add("- " + l));
        theirs.stream().filter(l -> !mine.contains(l)).forEach(l -> diff.add("+ " + l));
        return List.copyOf(diff);
    }

    /**
     * What the target chose that the backup did not say: per index, its provider and the options
     * the backup did not have (e.g. {@code vector.default_search_expansion_factor}).
     *
     * @param expected the backup's schema
     * @param actual   the restored database's schema
     * @return one line per index or constraint with such choices
     */
    public static List<String> targetChoices(DatabaseSchema expected, DatabaseSchema actual) {
        Map<String, SchemaDefinition> before = new TreeMap<>();
        expected.userIndexes().forEach(i -> before.put(i.name(), i));
        expected.constraints().forEach(c -> before.put(c.name(), c));
        List<String> out = new ArrayList<>();
        List<SchemaDefinition> after = new ArrayList<>(actual.userIndexes());
        after.addAll(actual.constraints());
        for (SchemaDefinition d : after) {
            SchemaDefinition b = before.get(d.name());
            String provider = d instanceof IndexDefinition i ? i.indexProvider()
                    : ((ConstraintDefinition) d).indexProvider();
            StringBuilder sb = new StringBuilder();
            if (provider != null) {
                sb.append("provider ").append(provider);
            }
            if (b != null) {
                new TreeMap<>(d.indexConfig()).forEach((k, v) -> {
                    Object was = b.indexConfig().get(k);
                    if (was == null || !Ddl.sameCanonical(was, v)) {
                        sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v);
                    }
                });
            }
            if (sb.length() > 0) {
                out.add("'" + d.name() + "': " + sb);
            }
        }
        return List.copyOf(out);
    }

    private static List<String> semanticLines(DatabaseSchema schema) {
        List<String> lines = new ArrayList<>();
        for (ConstraintDefinition c : schema.constraints()) {
            StringBuilder sb = new StringBuilder("CONSTRAINT|").append(c.kind()).append('|').append(c.entityType())
                    .append('|');
            head(sb, c);
            sb.append('|').append(c.propertyType() == null ? "" : c.propertyType().replaceAll("\\s+", " ").trim());
            lines.add(sb.toString());
        }
        for (IndexDefinition i : schema.userIndexes()) {
            StringBuilder sb = new StringBuilder("INDEX|").append(i.kind()).append('|').append(i.entityType())
                    .append('|');
            head(sb, i);
            sb.append('|');
            Ddl.appendCanonical(sb, semanticOptions(i));
            lines.add(sb.toString());
        }
        lines.sort(null);
        return lines;
    }

    private static void head(StringBuilder sb, SchemaDefinition d) {
        io.github.neo4jbackup.export.cypher.CypherNames.appendString(sb, d.name());
        sb.append('|');
        Ddl.appendCanonicalNames(sb, d.labelsOrTypes());
        sb.append('|');
        Ddl.appendCanonicalNames(sb, d.properties());
    }

    /** The options that change what an index does, normalized across versions. */
    static Map<String, Object> semanticOptions(IndexDefinition index) {
        Map<String, Object> config = index.indexConfig();
        Map<String, Object> out = new TreeMap<>();
        switch (index.kind()) {
            case VECTOR -> {
                copy(config, out, "vector.dimensions");
                Object similarity = config.get("vector.similarity_function");
                if (similarity != null) {
                    out.put("vector.similarity_function", similarity.toString().toUpperCase(Locale.ROOT));
                }
                out.put("vector.hnsw.m", config.getOrDefault("vector.hnsw.m", 16L));
                out.put("vector.hnsw.ef_construction", config.getOrDefault("vector.hnsw.ef_construction", 100L));
                out.put("vector.quantization", quantizationOn(config) ? "on" : "off");
            }
            case FULLTEXT -> {
                out.put("fulltext.analyzer", config.getOrDefault("fulltext.analyzer", "standard-no-stop-words"));
                out.put("fulltext.eventually_consistent", config.getOrDefault("fulltext.eventually_consistent", false));
            }
            default -> out.putAll(config);
        }
        return out;
    }

    private static boolean quantizationOn(Map<String, Object> config) {
        Object type = config.get(QUANTIZATION_TYPE);
        if (type != null) {
            return !"NONE".equalsIgnoreCase(type.toString());
        }
        Object enabled = config.get(QUANTIZATION_ENABLED);
        return enabled == null || Boolean.TRUE.equals(enabled);
    }

    private static void copy(Map<String, Object> from, Map<String, Object> to, String key) {
        Optional.ofNullable(from.get(key)).ifPresent(v -> to.put(key, v));
    }
}
