package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.export.cypher.census.StoredTypeCensus;
import org.neo4j.driver.Session;
import org.neo4j.driver.Value;
import org.neo4j.driver.exceptions.Neo4jException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How one restore writes 32-bit float arrays: a row's {@code FloatArray} values go into {@code row.v}
 * and are set through {@code db.create.setNodeVectorProperty} / {@code setRelationshipVectorProperty}
 * by the batch's query (see {@link #nodeSuffix()}), which stores them as {@code FloatArray}; when the
 * server lacks the procedure or a vector holds NaN or an infinity (which the procedures refuse), they
 * stay in {@code row.p} as 64-bit lists, with a warning naming label set or type and key. Not thread-safe.
 */
final class Float32Writes {

    static final String NODE_PROCEDURE = "db.create.setNodeVectorProperty";
    static final String RELATIONSHIP_PROCEDURE = "db.create.setRelationshipVectorProperty";

    private static final Logger LOG = LoggerFactory.getLogger(DriverRestoreSink.class);

    private final String what;
    private final String database;
    private final Set<String> widened = new TreeSet<>();
    private final List<String> warnings = new ArrayList<>();
    private long written;
    private Boolean nodeProcedure;
    private Boolean relationshipProcedure;

    Float32Writes(String what, String database) {
        this.what = what;
        this.database = database;
    }

    /** What a node batch query appends to set the row's vectors. */
    static String nodeSuffix() {
        return " WITH n, row UNWIND keys(coalesce(row.v, {})) AS vk CALL " + NODE_PROCEDURE + "(n, vk, row.v[vk])";
    }

    /** What a relationship batch query appends to set the row's vectors. */
    static String relationshipSuffix() {
        return " WITH r, row UNWIND keys(coalesce(row.v, {})) AS vk CALL " + RELATIONSHIP_PROCEDURE
                + "(r, vk, row.v[vk])";
    }

    /**
     * Puts the properties into the row: {@code p} those written with SET, {@code v} the 32-bit float
     * arrays written through the procedure (as {@code float[]}, see {@link #floats}). The maps go in as
     * they are: the driver makes parameter values of them on the writer's thread, not the reader's.
     *
     * @return whether the row has vectors
     */
    boolean split(Session session, Map<String, Object> row, Map<String, Value> properties,
                  Map<String, String> storedTypes, boolean node, String entity) {
        if (storedTypes.isEmpty()) {
            row.put("p", properties);
            return false;
        }
        Map<String, Value> p = new HashMap<>(properties);
        Map<String, Object> v = new HashMap<>(4);
        for (Map.Entry<String, String> e : storedTypes.entrySet()) {
            Value value = p.get(e.getKey());
            if (value == null || !StoredTypeCensus.FLOAT_ARRAY.equals(e.getValue())) {
                continue;
            }
            String problem = problem(session, node, value);
            if (problem == null) {
                v.put(e.getKey(), floats(p.remove(e.getKey())));
                written++;
            } else if (widened.add(entity + "\u0000" + e.getKey())) {
                String warning = entity + " property '" + e.getKey() + "': FloatArray values are restored as "
                        + "DoubleArray (" + problem + ")";
                warnings.add(warning);
                LOG.warn("Restore of {} into '{}': {}", what, database, warning);
            }
        }
        row.put("p", p);
        if (v.isEmpty()) {
            return false;
        }
        row.put("v", v);
        return true;
    }

    /**
     * The vector as a {@code float[]} (exact: every element is a 32-bit float), which the driver turns
     * into a list parameter only when the batch is sent. A batch waits for a writer, and a list value
     * of boxed elements is seven times the size: kept as values, the vectors of the batches in flight
     * survive collections and are copied again and again.
     */
    private static float[] floats(Value vector) {
        float[] floats = new float[vector.size()];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = (float) vector.get(i).asDouble();
        }
        return floats;
    }

    /** Why a float32 vector cannot go through the procedure, or {@code null} when it can. */
    private String problem(Session session, boolean node, Value vector) {
        if (node ? nodeProcedure == null : relationshipProcedure == null) {
            String name = node ? NODE_PROCEDURE : RELATIONSHIP_PROCEDURE;
            boolean available;
            try {
                available = !session.run("SHOW PROCEDURES YIELD name WHERE name = $name RETURN name",
                        Map.of("name", name)).list().isEmpty();
            } catch (Neo4jException e) {
                available = true; // not allowed to list procedures: try, and fail loudly if it is missing
            }
            if (node) {
                nodeProcedure = available;
            } else {
                relationshipProcedure = available;
            }
        }
        if (!(node ? nodeProcedure : relationshipProcedure)) {
            return "the target server has no " + (node ? NODE_PROCEDURE : RELATIONSHIP_PROCEDURE)
                    + ", the only way to write 32-bit floats through Bolt";
        }
        for (Value e : vector.values()) {
            if (!Double.isFinite(e.asDouble())) {
                return "a vector holds NaN or an infinity, which the vector-property procedures refuse";
            }
        }
        return null;
    }

    /** How many values were written as FloatArray. */
    long written() {
        return written;
    }

    /** Entity description + NUL + key of the FloatArray properties written as 64-bit floats. */
    Set<String> widened() {
        return widened;
    }

    /** The warnings, one per label set or type and key. */
    List<String> warnings() {
        return warnings;
    }
}
