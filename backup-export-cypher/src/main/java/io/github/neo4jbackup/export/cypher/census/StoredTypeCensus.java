package io.github.neo4jbackup.export.cypher.census;

import io.github.neo4jbackup.export.cypher.CypherLanguage;
import io.github.neo4jbackup.export.cypher.CypherNames;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Driver;
import org.neo4j.driver.QueryRunner;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Value;
import org.neo4j.driver.types.Type;
import org.neo4j.driver.types.TypeSystem;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The stored types of a database's properties per label set (nodes) and relationship type, as
 * {@code db.schema.nodeTypeProperties()} and {@code db.schema.relTypeProperties()} report them
 * (type names such as {@code String}, {@code Long}, {@code Double}, {@code FloatArray},
 * {@code DoubleArray}, {@code IntegerArray}). Immutable.
 *
 * <p>Bolt shows every float as a 64-bit FLOAT and every integer as a 64-bit INTEGER, so the
 * <em>narrow</em> stored types ({@link #NARROW}) are invisible to a driver. The census tells a backup
 * which values were stored narrower ({@link #storedType(List, String, Value)}) and which of them a
 * logical restore cannot write back ({@link #warnings(boolean)}), and lets a restore compare the
 * stored types it produced with the source's ({@link #differences(StoredTypeCensus)}).
 *
 * <p>Serialized form ({@link #toJson()}): {@code {"version":1,"nodes":[{"labels":[..],"properties":
 * {"key":["Type",..]}}],"relationships":[{"type":"T","properties":{..}}]}}, everything sorted.
 */
public final class StoredTypeCensus {

    /** The census format version written by {@link #toJson()}. */
    public static final int VERSION = 1;

    /** Stored type of 32-bit float arrays, the type vector properties are written with. */
    public static final String FLOAT_ARRAY = "FloatArray";

    /**
     * Stored types narrower than what Bolt shows: a driver reads them as the 64-bit type (or a
     * string) and, without help, writes them back widened.
     */
    public static final Set<String> NARROW = Set.of("Float", "Integer", "Short", "Byte", "Char", FLOAT_ARRAY,
            "IntegerArray", "ShortArray", "CharArray");

    /** What each narrow type becomes when written back through Bolt as the driver sees it. */
    private static final Map<String, String> WIDENED = Map.of("Float", "Double", "Integer", "Long", "Short", "Long",
            "Byte", "Long", "Char", "String", FLOAT_ARRAY, "DoubleArray", "IntegerArray", "LongArray",
            "ShortArray", "LongArray", "CharArray", "StringArray");

    private static final TypeSystem TS = TypeSystem.getDefault();

    /** An empty census (no properties known). */
    public static final StoredTypeCensus EMPTY = new StoredTypeCensus(Map.of(), Map.of());

    private final Map<List<String>, Map<String, SortedSet<String>>> nodes;
    private final Map<String, Map<String, SortedSet<String>>> relationships;
    private final boolean narrow;

    private StoredTypeCensus(Map<List<String>, Map<String, SortedSet<String>>> nodes,
                             Map<String, Map<String, SortedSet<String>>> relationships) {
        this.nodes = freeze(nodes);
        this.relationships = freeze(relationships);
        this.narrow = anyNarrow(this.nodes) || anyNarrow(this.relationships);
    }

    /**
     * Reads the census of a database in a session of its own.
     *
     * @param driver   the driver (owned by the caller)
     * @param database the database
     * @return the census
     */
    public static StoredTypeCensus read(Driver driver, String database) {
        try (Session session = driver.session(SessionConfig.builder().withDatabase(database)
                .withDefaultAccessMode(AccessMode.READ).build())) {
            return read(session);
        }
    }

    /**
     * Reads the census through a session or transaction (both procedures scan the whole store).
     *
     * @param runner a session or an open transaction
     * @return the census
     */
    public static StoredTypeCensus read(QueryRunner runner) {
        Map<List<String>, Map<String, SortedSet<String>>> nodes = new TreeMap<>(StoredTypeCensus::compareLabels);
        for (Record r : runner.run(CypherLanguage.PREFIX + "CALL db.schema.nodeTypeProperties() YIELD nodeLabels, propertyName, "
                + "propertyTypes RETURN nodeLabels, propertyName, propertyTypes").list()) {
            List<String> labels = sorted(r.get(0).asList(Value::asString));
            Map<String, SortedSet<String>> keys = nodes.computeIfAbsent(labels, l -> new TreeMap<>());
            add(keys, r.get(1), r.get(2));
        }
        Map<String, Map<String, SortedSet<String>>> rels = new TreeMap<>();
        for (Record r : runner.run(CypherLanguage.PREFIX + "CALL db.schema.relTypeProperties() YIELD relType, propertyName, propertyTypes "
                + "RETURN relType, propertyName, propertyTypes").list()) {
            String type = relationshipType(r.get(0).asString());
            Map<String, SortedSet<String>> keys = rels.computeIfAbsent(type, t -> new TreeMap<>());
            add(keys, r.get(1), r.get(2));
        }
        return new StoredTypeCensus(nodes, rels);
    }

    private static void add(Map<String, SortedSet<String>> keys, Value name, Value types) {
        if (name.isNull()) {
            return; // an entity without properties
        }
        SortedSet<String> set = keys.computeIfAbsent(name.asString(), k -> new TreeSet<>());
        if (!types.isNull()) {
            set.addAll(types.asList(Value::asString));
        }
    }

    /** {@code :`A`:`B``c`} as relTypeProperties reports it → {@code A} ... the type name. */
    static String relationshipType(String reported) {
        String s = reported.startsWith(":") ? reported.substring(1) : reported;
        if (s.length() >= 2 && s.startsWith("`") && s.endsWith("`")) {
            return s.substring(1, s.length() - 1).replace("``", "`");
        }
        return s;
    }

    /**
     * Parses the form written by {@link #toJson()}.
     *
     * @param json the JSON text
     * @return the census
     * @throws IllegalArgumentException when the text is not a census of a known version
     */
    public static StoredTypeCensus fromJson(String json) {
        return CensusJson.read(json);
    }

    /**
     * The compact JSON form (sorted, deterministic).
     *
     * @return the JSON text
     */
    public String toJson() {
        return CensusJson.write(this);
    }

    /** A census of these entries (copied). */
    static StoredTypeCensus of(Map<List<String>, Map<String, SortedSet<String>>> nodes,
                               Map<String, Map<String, SortedSet<String>>> relationships) {
        Map<List<String>, Map<String, SortedSet<String>>> n = new TreeMap<>(StoredTypeCensus::compareLabels);
        n.putAll(nodes);
        return new StoredTypeCensus(n, relationships);
    }

    /**
     * Whether any property is stored in a {@link #NARROW narrow} type.
     *
     * @return {@code true} when some value needs more than Bolt shows
     */
    public boolean hasNarrowTypes() {
        return narrow;
    }

    /**
     * The stored types of a property of the nodes with exactly these labels.
     *
     * @param labels the node's labels, any order
     * @param key    the property key
     * @return the types (empty when unknown)
     */
    public SortedSet<String> nodeTypes(List<String> labels, String key) {
        Map<String, SortedSet<String>> keys = nodes.get(sorted(labels));
        SortedSet<String> types = keys == null ? null : keys.get(key);
        return types == null ? Collections.emptySortedSet() : types;
    }

    /**
     * The stored types of a property of the relationships of a type.
     *
     * @param type the relationship type
     * @param key  the property key
     * @return the types (empty when unknown)
     */
    public SortedSet<String> relationshipTypes(String type, String key) {
        Map<String, SortedSet<String>> keys = relationships.get(type);
        SortedSet<String> types = keys == null ? null : keys.get(key);
        return types == null ? Collections.emptySortedSet() : types;
    }

    /**
     * The label sets and their properties.
     *
     * @return sorted labels → property key → stored types (unmodifiable)
     */
    public Map<List<String>, Map<String, SortedSet<String>>> labelSets() {
        return nodes;
    }

    /**
     * The relationship types and their properties.
     *
     * @return type → property key → stored types (unmodifiable)
     */
    public Map<String, Map<String, SortedSet<String>>> relationshipTypeSets() {
        return relationships;
    }

    /**
     * The keys that hold both {@code FloatArray} and {@code DoubleArray} values under one label set
     * (nodes) or relationship type: the census cannot decide their values' stored type.
     *
     * @param forNodes {@code true} for node keys, {@code false} for relationship keys
     * @return the keys, sorted
     */
    public List<String> mixedFloatArrayKeys(boolean forNodes) {
        SortedSet<String> out = new TreeSet<>();
        for (Map<String, SortedSet<String>> keys : forNodes ? nodes.values() : relationships.values()) {
            keys.forEach((key, types) -> {
                if (types.contains(FLOAT_ARRAY) && types.contains("DoubleArray")) {
                    out.add(key);
                }
            });
        }
        return List.copyOf(out);
    }

    /**
     * Cypher returning, for the entity {@code variable}, those of the keys in parameter {@code $param}
     * whose value is provably a 32-bit float array: an element that prints differently as itself and
     * as a 64-bit float ({@code toString(x) <> toString(toFloat(x))}) is a 32-bit float (Neo4j prints
     * a 32-bit float with its own shortest decimal). A 32-bit array whose every element is also
     * short as a 64-bit float (e.g. {@code [0.5, 0.25]}) gives no such evidence and is not returned.
     *
     * @param variable the node or relationship variable
     * @param param    the parameter name holding the keys
     * @return the expression
     */
    public static String float32EvidenceExpression(String variable, String param) {
        return "[k IN $" + param + " WHERE " + variable + "[k] IS NOT NULL AND valueType(" + variable
                + "[k]) STARTS WITH 'LIST<FLOAT' AND any(x IN " + variable + "[k] WHERE toString(x) <> "
                + "toString(toFloat(x)))]";
    }

    /**
     * The properties of one node stored narrower than the driver shows them, decided from the census
     * ({@link #resolve}); ambiguous values are left out (treated as stored as Bolt shows them).
     *
     * @param labels     the node's labels
     * @param properties its properties
     * @return property key to narrow stored type; empty for most nodes
     */
    public Map<String, String> nodeStoredTypes(List<String> labels, Map<String, Value> properties) {
        if (!narrow || properties.isEmpty()) {
            return Map.of();
        }
        Map<String, SortedSet<String>> keys = nodes.get(sorted(labels));
        return keys == null ? Map.of() : storedTypes(keys, properties);
    }

    /**
     * The properties of one relationship stored narrower than the driver shows them.
     *
     * @param type       the relationship type
     * @param properties its properties
     * @return property key to narrow stored type; empty for most relationships
     */
    public Map<String, String> relationshipStoredTypes(String type, Map<String, Value> properties) {
        if (!narrow || properties.isEmpty()) {
            return Map.of();
        }
        Map<String, SortedSet<String>> keys = relationships.get(type);
        return keys == null ? Map.of() : storedTypes(keys, properties);
    }

    private static Map<String, String> storedTypes(Map<String, SortedSet<String>> keys,
                                                   Map<String, Value> properties) {
        Map<String, String> out = null;
        for (Map.Entry<String, SortedSet<String>> e : keys.entrySet()) {
            SortedSet<String> types = e.getValue();
            if (!hasNarrow(types)) {
                continue;
            }
            Value v = properties.get(e.getKey());
            if (v == null) {
                continue;
            }
            Resolution r = resolve(types, v);
            if (r.narrow()) {
                if (out == null) {
                    out = new TreeMap<>();
                }
                out.put(e.getKey(), r.type());
            }
        }
        return out == null ? Map.of() : out;
    }

    private static boolean hasNarrow(SortedSet<String> types) {
        for (String t : types) {
            if (NARROW.contains(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The narrow stored type of one value, decided from the census: the one narrow type among the
     * key's stored types that fits the value as Bolt shows it (a {@code FloatArray} for a list of
     * floats, an {@code Integer} for an integer, ...).
     *
     * @param candidates the key's stored types ({@link #nodeTypes} or {@link #relationshipTypes})
     * @param value      the value as the driver returned it
     * @return {@link Resolution#DEFAULT} when the value is stored as Bolt shows it (or the census does not
     *         know the key), {@link Resolution#AMBIGUOUS} when both a narrow and the wide type fit, else
     *         a resolution naming the narrow type
     */
    public static Resolution resolve(SortedSet<String> candidates, Value value) {
        if (candidates.isEmpty()) {
            return Resolution.DEFAULT;
        }
        Set<String> fits = fitting(value);
        if (fits.isEmpty()) {
            return Resolution.DEFAULT;
        }
        String narrowType = null;
        int fitting = 0;
        for (String t : candidates) {
            if (fits.contains(t)) {
                fitting++;
                if (NARROW.contains(t)) {
                    narrowType = t;
                }
            }
        }
        if (narrowType == null) {
            return Resolution.DEFAULT;
        }
        if (fitting > 1) {
            return Resolution.AMBIGUOUS;
        }
        if (FLOAT_ARRAY.equals(narrowType) && !float32Exact(value)) {
            return Resolution.DEFAULT; // changed since the census was taken: it is not a float32 array now
        }
        return new Resolution(narrowType);
    }

    private static Set<String> fitting(Value value) {
        Type t = value.type();
        if (t.equals(TS.FLOAT())) {
            return Set.of("Float", "Double");
        } else if (t.equals(TS.INTEGER())) {
            return Set.of("Integer", "Short", "Byte", "Long");
        } else if (t.equals(TS.STRING())) {
            return Set.of("Char", "String");
        } else if (t.equals(TS.LIST()) && value.size() > 0) {
            Type e = value.get(0).type();
            if (e.equals(TS.FLOAT())) {
                return Set.of(FLOAT_ARRAY, "DoubleArray");
            } else if (e.equals(TS.INTEGER())) {
                return Set.of("IntegerArray", "ShortArray", "LongArray");
            } else if (e.equals(TS.STRING())) {
                return Set.of("CharArray", "StringArray");
            }
        }
        return Set.of();
    }

    /**
     * The stored types of one entity: the census's, plus the float32 arrays proven per value under
     * keys that hold both float32 and float64 arrays ({@code evidence}: the keys whose value the
     * reading query found stored as {@code FloatArray}), as the exporter decides them.
     *
     * @param storedTypes the census's stored types of the entity's label set or type
     * @param evidence    the list of keys stored as 32-bit float arrays in this entity (may be null/empty)
     * @param properties  the entity's properties
     * @return the stored types to use for this entity
     */
    public static Map<String, String> withEvidence(Map<String, String> storedTypes, Value evidence,
                                                   Map<String, Value> properties) {
        if (evidence.isNull() || evidence.size() == 0) {
            return storedTypes;
        }
        Map<String, String> out = new TreeMap<>(storedTypes);
        for (Value k : evidence.values()) {
            Value v = properties.get(k.asString());
            if (v != null && float32Exact(v)) {
                out.put(k.asString(), FLOAT_ARRAY);
            }
        }
        return out;
    }

    /**
     * Whether every element of a list of floats is exactly a 32-bit float (NaN counts as one).
     *
     * @param list a list of floats
     * @return {@code true} when narrowing to float32 loses nothing
     */
    public static boolean float32Exact(Value list) {
        for (Value e : list.values()) {
            double d = e.asDouble();
            if ((double) (float) d != d && !Double.isNaN(d)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The type a narrow stored type becomes when it is written back as Bolt shows it.
     *
     * @param type a stored type name
     * @return the widened type (the type itself when it is not narrow)
     */
    public static String widened(String type) {
        return WIDENED.getOrDefault(type, type);
    }

    /**
     * A copy in which the narrow types that {@code keep} rejects are replaced by their widened types:
     * the census a restore is expected to produce when it can write back only some narrow types.
     *
     * @param keep decides per (entity description, key, narrow type) whether that type is reproduced
     * @return the expected census
     */
    public StoredTypeCensus widenedExcept(TypeFilter keep) {
        return widenedExcept(keep, Map.of());
    }

    /**
     * As {@link #widenedExcept(TypeFilter)}, also replacing the types in {@code alsoWidened} (an
     * engine's own limitations, e.g. {@code ByteArray -> LongArray}).
     *
     * @param keep        decides per narrow type whether it is reproduced
     * @param alsoWidened further type replacements
     * @return the expected census
     */
    public StoredTypeCensus widenedExcept(TypeFilter keep, Map<String, String> alsoWidened) {
        Map<List<String>, Map<String, SortedSet<String>>> n = new TreeMap<>(StoredTypeCensus::compareLabels);
        nodes.forEach((labels, keys) -> n.put(labels, widen(nodeName(labels), keys, keep, alsoWidened)));
        Map<String, Map<String, SortedSet<String>>> r = new TreeMap<>();
        relationships.forEach((type, keys) -> r.put(type, widen(relationshipName(type), keys, keep, alsoWidened)));
        return new StoredTypeCensus(n, r);
    }

    private static Map<String, SortedSet<String>> widen(String entity, Map<String, SortedSet<String>> keys,
                                                        TypeFilter keep, Map<String, String> alsoWidened) {
        Map<String, SortedSet<String>> out = new TreeMap<>();
        keys.forEach((key, types) -> {
            SortedSet<String> w = new TreeSet<>();
            for (String t : types) {
                String x = NARROW.contains(t) && !keep.reproduced(entity, key, t, types) ? widened(t) : t;
                w.add(alsoWidened.getOrDefault(x, x));
            }
            out.put(key, w);
        });
        return out;
    }

    /** Decides whether a restore reproduces one narrow stored type of one property. */
    @FunctionalInterface
    public interface TypeFilter {
        /**
         * @param entity  {@code node :`A`:`B`} or {@code relationship :`T`}
         * @param key     the property key
         * @param type    the narrow stored type
         * @param allOfKey all stored types of the key on that entity
         * @return {@code true} when the restore writes it back in that type
         */
        boolean reproduced(String entity, String key, String type, SortedSet<String> allOfKey);
    }

    /**
     * The narrow stored types that a logical restore cannot write back, one sentence each naming the
     * label set or relationship type, the key and what the values become.
     *
     * @param float32Reproducible whether {@code FloatArray} values are written back exactly (through
     *                            the vector-property procedures) when the key holds no other float arrays
     * @return the warnings, sorted (empty when everything is reproducible)
     */
    public List<String> warnings(boolean float32Reproducible) {
        return CensusDifferences.warnings(this, float32Reproducible);
    }

    /**
     * The differences of the stored types between this census (the backup's) and another (the
     * restored database's), one sentence each.
     *
     * @param restored the other census
     * @return the differences, sorted; empty when equal
     */
    public List<String> differences(StoredTypeCensus restored) {
        return CensusDifferences.differences(this, restored, false);
    }

    /**
     * As {@link #differences}, leaving out what an empty list explains: Cypher has no typed empty
     * lists, so an empty array of any type comes back as an empty {@code StringArray}; an array type
     * that is gone while no other type appeared (e.g. the {@code FloatArray} of a key that also holds
     * {@code DoubleArray} values, restored as 64-bit where the backup could not tell) is left out too.
     *
     * @param restored the other census
     * @return the differences that empty lists do not explain
     */
    public List<String> differencesBeyondEmptyLists(StoredTypeCensus restored) {
        return CensusDifferences.differences(this, restored, true);
    }

    /**
     * How a label set is named in messages: {@code node :`A`:`B`} ({@code node (no labels)}).
     *
     * @param labels the labels
     * @return the description
     */
    public static String nodeName(List<String> labels) {
        if (labels.isEmpty()) {
            return "node (no labels)";
        }
        StringBuilder sb = new StringBuilder("node ");
        for (String l : sorted(labels)) {
            sb.append(':').append(CypherNames.quote(l));
        }
        return sb.toString();
    }

    /**
     * How a relationship type is named in messages: {@code relationship :`T`}.
     *
     * @param type the type
     * @return the description
     */
    public static String relationshipName(String type) {
        return "relationship :" + CypherNames.quote(type);
    }

    private static List<String> sorted(List<String> labels) {
        List<String> copy = new ArrayList<>(labels);
        Collections.sort(copy);
        return List.copyOf(copy);
    }

    private static int compareLabels(List<String> a, List<String> b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static <K> Map<K, Map<String, SortedSet<String>>> freeze(Map<K, Map<String, SortedSet<String>>> in) {
        Map<K, Map<String, SortedSet<String>>> out = in instanceof TreeMap<K, ?> t
                ? new TreeMap<>(((TreeMap<K, Map<String, SortedSet<String>>>) t).comparator()) : new TreeMap<>();
        in.forEach((k, keys) -> {
            Map<String, SortedSet<String>> copy = new TreeMap<>();
            keys.forEach((key, types) -> copy.put(key, Collections.unmodifiableSortedSet(new TreeSet<>(types))));
            out.put(k, Collections.unmodifiableMap(copy));
        });
        return Collections.unmodifiableMap(out);
    }

    private static boolean anyNarrow(Map<?, Map<String, SortedSet<String>>> map) {
        for (Map<String, SortedSet<String>> keys : map.values()) {
            for (SortedSet<String> types : keys.values()) {
                for (String t : types) {
                    if (NARROW.contains(t)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredTypeCensus c && nodes.equals(c.nodes) && relationships.equals(c.relationships);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nodes, relationships);
    }

    @Override
    public String toString() {
        return toJson();
    }

    /**
     * The narrow stored type decided for one value.
     *
     * @param type the narrow type name, {@code null} for {@link #DEFAULT} and {@link #AMBIGUOUS}
     */
    public record Resolution(String type) {
        /** Stored as Bolt shows it. */
        public static final Resolution DEFAULT = new Resolution(null);
        /** A narrow and a wide type both fit: the census alone cannot decide. */
        public static final Resolution AMBIGUOUS = new Resolution("?");

        /**
         * Whether a narrow type was decided.
         *
         * @return {@code true} for a narrow type
         */
        public boolean narrow() {
            return type != null && !"?".equals(type);
        }
    }
}
