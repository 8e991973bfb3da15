package io.github.neo4jbackup.export.cypher.script;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link UnwindRows}: which statements it rewrites, and the values it computes. */
class UnwindRowsTest {

    @SuppressWarnings("unchecked")
    private static List<Object> rows(String statement) {
        UnwindRows.Rows rows = UnwindRows.rewrite(statement);
        assertThat(rows).as(statement).isNotNull();
        assertThat(rows.text()).startsWith("UNWIND $" + UnwindRows.PARAMETER + " AS row");
        return (List<Object>) rows.parameters().get(UnwindRows.PARAMETER);
    }

    @Test
    void apocNodeRowsBecomeOneParameterAndTheTextIsTheSameForEveryBatch() {
        String a = "UNWIND [{uuid:\"a\", properties:{n:1, f:-2.5e-3, ok:true, no:null, tags:[\"x\", 'y']}}] AS row\n"
                + "CREATE (n:Entity{uuid: row.uuid}) SET n += row.properties";
        String b = "UNWIND [{uuid:\"b\", properties:{n:2}}, {uuid:\"c\", properties:{}}] AS row\n"
                + "CREATE (n:Entity{uuid: row.uuid}) SET n += row.properties";
        assertThat(UnwindRows.rewrite(a).text()).isEqualTo(UnwindRows.rewrite(b).text());
        Map<?, ?> row = (Map<?, ?>) rows(a).get(0);
        assertThat(row.get("uuid")).isEqualTo("a");
        Map<?, ?> properties = (Map<?, ?>) row.get("properties");
        assertThat(properties.get("n")).isEqualTo(1L);
        assertThat(properties.get("f")).isEqualTo(-2.5e-3);
        assertThat(properties.get("ok")).isEqualTo(true);
        assertThat(properties.containsKey("no")).isTrue();
        assertThat(properties.get("no")).isNull();
        assertThat(properties.get("tags")).isEqualTo(List.of("x", "y"));
    }

    @Test
    void stringEscapesAreDecodedAsCypherDecodesThem() {
        Map<?, ?> row = (Map<?, ?>) rows("UNWIND [{s:\"q\\\"s\\'b\\\\n\\n\\t\\r\\b\\f\\u00e9\\uD83D\\uDE00`{}[]\"}] AS row RETURN row")
                .get(0);
        assertThat(row.get("s")).isEqualTo("q\"s'b\\n\n\t\r\b\f\u00e9\uD83D\uDE00`{}[]");
        Map<?, ?> quoted = (Map<?, ?>) rows("UNWIND [{`odd``key`: 'v'}] AS row RETURN row").get(0);
        assertThat(quoted.get("odd`key")).isEqualTo("v");
    }

    @Test
    void longNumberListsBecomeArraysWithTheSameValues() {
        double[] embedding = new double[20];
        long[] counts = new long[20];
        for (int i = 0; i < 20; i++) {
            embedding[i] = i / 7.0 - 1;
            counts[i] = i * 1_000_000_007L;
        }
        String text = "UNWIND [{e:" + Arrays.toString(embedding) + ", c:" + Arrays.toString(counts) + ", mixed:[1, 2.0]}]"
                + " AS row RETURN row";
        UnwindRows.Rows rows = UnwindRows.rewrite(text);
        assertThat(rows.lists()).isEqualTo(2);
        Map<?, ?> row = (Map<?, ?>) ((List<?>) rows.parameters().get(UnwindRows.PARAMETER)).get(0);
        assertThat((double[]) row.get("e")).containsExactly(embedding);
        assertThat((long[]) row.get("c")).containsExactly(counts);
        assertThat(row.get("mixed")).isEqualTo(List.of(1L, 2.0));
    }

    @Test
    void temporalLiteralsInNeo4jsOwnFormBecomeDriverValues() {
        Map<?, ?> row = (Map<?, ?>) rows("UNWIND [{z: datetime('2025-01-01T09:00:00+01:00[Europe/Berlin]'), "
                + "o: datetime('2025-03-01T13:30:07.123456789+05:30'), u: datetime('2024-02-29T00:00:00Z'), "
                + "d: date('2025-12-31'), l: localdatetime('2025-01-01T09:00:00.5'), t: localtime('23:59:59'), "
                + "ot: time('09:00:00-04:00')}] AS row RETURN row").get(0);
        assertThat(row.get("z")).isEqualTo(ZonedDateTime.of(2025, 1, 1, 9, 0, 0, 0, ZoneId.of("Europe/Berlin")));
        assertThat(row.get("o")).isEqualTo(ZonedDateTime.of(2025, 3, 1, 13, 30, 7, 123456789, ZoneOffset.ofHoursMinutes(5, 30)));
        assertThat(row.get("u")).isEqualTo(ZonedDateTime.of(2024, 2, 29, 0, 0, 0, 0, ZoneOffset.UTC));
        assertThat(row.get("d")).isEqualTo(LocalDate.of(2025, 12, 31));
        assertThat(row.get("l")).isEqualTo(LocalDateTime.of(2025, 1, 1, 9, 0, 0, 500_000_000));
        assertThat(row.get("t")).isEqualTo(LocalTime.of(23, 59, 59));
        assertThat(row.get("ot")).isEqualTo(OffsetTime.of(9, 0, 0, 0, ZoneOffset.ofHours(-4)));
    }

    @Test
    void anythingNotExactlyALiteralLeavesTheStatementAsItIs() {
        for (String statement : List.of(
                "UNWIND [{d: duration('P1D')}] AS row RETURN row",
                "UNWIND [{p: point({x: 1, y: 2})}] AS row RETURN row",
                "UNWIND [{x: $param}] AS row RETURN row",
                "UNWIND [{x: 1 + 2}] AS row RETURN row",
                "UNWIND [{x: 010}] AS row RETURN row",
                "UNWIND [{x: 0x1F}] AS row RETURN row",
                "UNWIND [{x: 'a\\qb'}] AS row RETURN row",
                "UNWIND [{x: 'a\\U0001F600'}] AS row RETURN row",
                "UNWIND [{x: 1, x: 2}] AS row RETURN row",
                "UNWIND [{x: datetime('2025-01-01T09:00+01:00')}] AS row RETURN row",
                "UNWIND [{x: datetime('2025-01-01T09:00:00+02:00[Europe/Berlin]')}] AS row RETURN row",
                "UNWIND [{x: datetime('2025-01-01T09:00:00+00:00')}] AS row RETURN row",
                "UNWIND [{x: 1}] AS",
                "UNWIND [{x: 'unterminated}] AS row RETURN row",
                "MATCH (n) RETURN n",
                "UNWIND $rows AS row RETURN row")) {
            assertThat(UnwindRows.rewrite(statement)).as(statement).isNull();
        }
    }

    @Test
    void literalListsKeepLeadingZeroIntegersAsText() {
        String text = "CREATE (:N {v: [" + "010, ".repeat(20) + "1]})" + " ".repeat(300);
        assertThat(LiteralLists.rewrite(text).parameters()).isEmpty();
    }
}
