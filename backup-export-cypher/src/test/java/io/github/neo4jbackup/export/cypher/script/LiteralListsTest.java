package io.github.neo4jbackup.export.cypher.script;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.StringJoiner;

import static org.assertj.core.api.Assertions.assertThat;

class LiteralListsTest {

    static String floats(int n, Random random) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (int i = 0; i < n; i++) {
            j.add(Float.toString((float) random.nextGaussian()));
        }
        return j.toString();
    }

    @Test
    void movesLongNumberListsOfAnApocUnwindIntoParameters() {
        Random random = new Random(1);
        String emb1 = floats(32, random);
        String emb2 = floats(32, random);
        String statement = "UNWIND [{_id:0, properties:{name:\"a [1, 2]\", name_embedding:" + emb1 + ", n:[1, 2, 3]}}, "
                + "{_id:1, properties:{`k,[`:'x', ids:[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, -9223372036854775808], "
                + "e:" + emb2 + "}}] AS row CREATE (n:`UNIQUE IMPORT LABEL`{`UNIQUE IMPORT ID`: row._id}) "
                + "SET n += row.properties SET n:Entity";
        LiteralLists.Rewritten r = LiteralLists.rewrite(statement);
        assertThat(r.parameters()).hasSize(3);
        assertThat(r.text()).isEqualTo("UNWIND [{_id:0, properties:{name:\"a [1, 2]\", name_embedding:$__neo4jBackupList0, "
                + "n:[1, 2, 3]}}, {_id:1, properties:{`k,[`:'x', ids:$__neo4jBackupList1, e:$__neo4jBackupList2}}] AS row "
                + "CREATE (n:`UNIQUE IMPORT LABEL`{`UNIQUE IMPORT ID`: row._id}) SET n += row.properties SET n:Entity");
        double[] first = (double[]) r.parameters().get("__neo4jBackupList0");
        String[] tokens = emb1.substring(1, emb1.length() - 1).split(", ");
        for (int i = 0; i < tokens.length; i++) {
            assertThat(Double.doubleToRawLongBits(first[i])).isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(tokens[i])));
        }
        assertThat((long[]) r.parameters().get("__neo4jBackupList1")).startsWith(1L, 2L).endsWith(Long.MIN_VALUE);
    }

    @Test
    void leavesEverythingElseAlone() {
        String pad = " ".repeat(300);
        for (String s : new String[] {
                "RETURN x[1..3]" + pad,
                "RETURN [1, 2.0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]" + pad, // mixed kinds
                "RETURN ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16']" + pad,
                "RETURN [NaN, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]" + pad,
                "RETURN [0x1F, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]" + pad,
                "RETURN '[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]'" + pad,
                "RETURN n[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]" + pad,
                "RETURN 1 // [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]" + pad,
                "RETURN [1.0, 1.0]" + pad}) {
            LiteralLists.Rewritten r = LiteralLists.rewrite(s);
            assertThat(r.text()).as(s).isEqualTo(s);
            assertThat(r.parameters()).isEmpty();
        }
    }

    @Test
    void float32ShortestDecimalsNarrowBackExactly() {
        // what APOC writes for a FloatArray element (Float.toString), parsed as a 64-bit float by the
        // replay and narrowed by db.create.setNodeVectorProperty, is the original float
        Random random = new Random(3);
        for (int i = 0; i < 5_000_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (Float.isFinite(f)) {
                assertThat((float) Double.parseDouble(Float.toString(f))).isEqualTo(f);
            }
        }
        for (int bits = 0; bits < 1 << 24; bits += 7) { // subnormals and the smallest normals
            float f = Float.intBitsToFloat(bits);
            if (Float.floatToRawIntBits((float) Double.parseDouble(Float.toString(f))) != bits) {
                throw new AssertionError("float bits " + Integer.toHexString(bits) + " do not round-trip");
            }
        }
    }
}
