package io.github.neo4jbackup.export.cypher.census;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/** Warnings and differences of {@link StoredTypeCensus}es, as sentences naming label set or type and key. */
final class CensusDifferences {

    private CensusDifferences() {
    }

    static List<String> warnings(StoredTypeCensus census, boolean float32) {
        List<String> out = new ArrayList<>();
        census.labelSets().forEach((labels, keys) -> warn(StoredTypeCensus.nodeName(labels), keys, float32, out));
        census.relationshipTypeSets().forEach((type, keys) ->
                warn(StoredTypeCensus.relationshipName(type), keys, float32, out));
        return out;
    }

    private static void warn(String entity, Map<String, SortedSet<String>> keys, boolean float32, List<String> out) {
        keys.forEach((key, types) -> {
            for (String t : types) {
                if (!StoredTypeCensus.NARROW.contains(t)) {
                    continue;
                }
                if (StoredTypeCensus.FLOAT_ARRAY.equals(t) && float32) {
                    if (types.contains("DoubleArray")) {
                        out.add(entity + " property '" + key + "' holds both FloatArray and DoubleArray values: "
                                + "a value is restored as FloatArray only where the backup could tell it was one, "
                                + "the others as DoubleArray");
                    }
                    continue;
                }
                out.add(entity + " property '" + key + "': " + t + " values cannot be written through Bolt and are "
                        + "restored as " + StoredTypeCensus.widened(t) + " (same values, wider type)");
            }
        });
    }

    static List<String> differences(StoredTypeCensus backup, StoredTypeCensus restored, boolean beyondEmptyLists) {
        List<String> out = new ArrayList<>();
        Set<List<String>> labelSets = new TreeSet<>(CensusDifferences::compareLabels);
        labelSets.addAll(backup.labelSets().keySet());
        labelSets.addAll(restored.labelSets().keySet());
        for (List<String> labels : labelSets) {
            compare(StoredTypeCensus.nodeName(labels), backup.labelSets().getOrDefault(labels, Map.of()),
                    restored.labelSets().getOrDefault(labels, Map.of()), beyondEmptyLists, out);
        }
        Set<String> types = new TreeSet<>(backup.relationshipTypeSets().keySet());
        types.addAll(restored.relationshipTypeSets().keySet());
        for (String type : types) {
            compare(StoredTypeCensus.relationshipName(type), backup.relationshipTypeSets().getOrDefault(type, Map.of()),
                    restored.relationshipTypeSets().getOrDefault(type, Map.of()), beyondEmptyLists, out);
        }
        return out;
    }

    private static void compare(String entity, Map<String, SortedSet<String>> a, Map<String, SortedSet<String>> b,
                                boolean beyondEmptyLists, List<String> out) {
        Set<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String key : keys) {
            SortedSet<String> x = a.getOrDefault(key, Collections.emptySortedSet());
            SortedSet<String> y = b.getOrDefault(key, Collections.emptySortedSet());
            if (x.equals(y) || (beyondEmptyLists && explainedByEmptyLists(x, y))) {
                continue;
            }
            out.add(entity + " property '" + key + "': backup " + (x.isEmpty() ? "none" : String.join("+", x))
                    + ", restored " + (y.isEmpty() ? "none" : String.join("+", y)));
        }
    }

    /** Only array types lost, and nothing but StringArray (Cypher's type for an empty list) gained. */
    private static boolean explainedByEmptyLists(SortedSet<String> backup, SortedSet<String> restored) {
        SortedSet<String> lost = new TreeSet<>(backup);
        lost.removeAll(restored);
        SortedSet<String> gained = new TreeSet<>(restored);
        gained.removeAll(backup);
        return gained.stream().allMatch("StringArray"::equals) && lost.stream().allMatch(t -> t.endsWith("Array"));
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
}
