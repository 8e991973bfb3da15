package io.github.neo4jbackup.export.cypher.apoc;

import io.github.neo4jbackup.export.cypher.CypherNames;
import io.github.neo4jbackup.export.cypher.census.StoredTypeCensus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * The post-data statements of an APOC script that bring 32-bit float arrays back in their stored
 * type. APOC writes each element of a {@code FloatArray} as the float's shortest decimal
 * ({@link Float#toString(float)}); a replay stores it as the nearest 64-bit float, and narrowing that
 * to 32 bits gives the original float exactly. For every label set and relationship type whose key
 * holds only {@code FloatArray} values (according to the census), one statement re-sets the values
 * through {@code db.create.setNodeVectorProperty} / {@code setRelationshipVectorProperty}, in
 * transactions of {@value #ROWS} rows so the server's memory stays bounded. Keys that also hold
 * {@code DoubleArray} values are left alone (the script cannot tell the values apart; the census
 * warning says so). Not API.
 */
final class Float32Pass {

    /** Entities per inner transaction. */
    static final int ROWS = 500;

    private static final double FLOAT_MAX = Float.MAX_VALUE;

    private Float32Pass() {
    }

    static List<String> statements(StoredTypeCensus census) {
        List<String> out = new ArrayList<>();
        if (!census.hasNarrowTypes()) {
            return out;
        }
        census.labelSets().forEach((labels, keys) -> {
            for (Map.Entry<String, SortedSet<String>> e : keys.entrySet()) {
                if (float32Only(e.getValue())) {
                    out.add(nodeStatement(labels, e.getKey()));
                }
            }
        });
        census.relationshipTypeSets().forEach((type, keys) -> {
            for (Map.Entry<String, SortedSet<String>> e : keys.entrySet()) {
                if (float32Only(e.getValue())) {
                    out.add(relationshipStatement(type, e.getKey()));
                }
            }
        });
        return out;
    }

    private static boolean float32Only(SortedSet<String> types) {
        return types.contains(StoredTypeCensus.FLOAT_ARRAY) && !types.contains("DoubleArray");
    }

    static String nodeStatement(List<String> labels, String key) {
        StringBuilder sb = new StringBuilder("MATCH (n");
        for (String l : labels) {
            sb.append(':').append(CypherNames.quote(l));
        }
        String p = "n." + CypherNames.quote(key);
        sb.append(") WHERE size(labels(n)) = ").append(labels.size()).append(" AND ").append(filter(p))
                .append(" CALL (n) { CALL db.create.setNodeVectorProperty(n, ").append(CypherNames.string(key))
                .append(", ").append(p).append(") } IN TRANSACTIONS OF ").append(ROWS).append(" ROWS");
        return sb.toString();
    }

    static String relationshipStatement(String type, String key) {
        String p = "r." + CypherNames.quote(key);
        return "MATCH ()-[r:" + CypherNames.quote(type) + "]->() WHERE " + filter(p)
                + " CALL (r) { CALL db.create.setRelationshipVectorProperty(r, " + CypherNames.string(key) + ", " + p
                + ") } IN TRANSACTIONS OF " + ROWS + " ROWS";
    }

    /** Non-empty lists of finite floats in the 32-bit range (the procedures refuse anything else). */
    private static String filter(String p) {
        return "valueType(" + p + ") STARTS WITH 'LIST<FLOAT' AND size(" + p + ") > 0 AND all(x IN " + p
                + " WHERE x = x AND abs(x) <= " + FLOAT_MAX + ")";
    }
}
