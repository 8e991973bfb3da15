package io.github.neo4jbackup.export.cypher.script;

import org.junit.jupiter.api.Test;
import org.neo4j.driver.Value;
import org.neo4j.driver.Values;

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
    void durationsInNeo4jsOwnFormBecomeDriverValues() {
        Map<?, ?> row = (Map<?, ?>) rows("UNWIND [{a: duration('P1Y2M3DT4H'), b: duration('P4M-6DT14M48.000000005S'), "
                + "c: duration('PT-1.5S'), d: duration('PT0S'), e: duration('P-1Y-1M'), f: duration('PT-1M-0.5S'), "
                + "g: duration('PT-0.000000001S'), h: duration('PT1H1M1.1S')}] AS row RETURN row").get(0);
        assertThat(row.get("a")).isEqualTo(Values.isoDuration(14, 3, 4 * 3600, 0));
        assertThat(row.get("b")).isEqualTo(Values.isoDuration(4, -6, 888, 5));
        assertThat(row.get("c")).isEqualTo(Values.isoDuration(0, 0, -2, 500_000_000));
        assertThat(row.get("d")).isEqualTo(Values.isoDuration(0, 0, 0, 0));
        assertThat(row.get("e")).isEqualTo(Values.isoDuration(-13, 0, 0, 0));
        assertThat(row.get("f")).isEqualTo(Values.isoDuration(0, 0, -61, 500_000_000));
        assertThat(row.get("g")).isEqualTo(Values.isoDuration(0, 0, -1, 999_999_999));
        assertThat(row.get("h")).isEqualTo(Values.isoDuration(0, 0, 3661, 100_000_000));
        for (String text : List.of("P1Y2M3DT4H", "P4M-6DT14M48.000000005S", "PT-1.5S", "PT0S", "P-1Y-1M", "PT-1M-0.5S")) {
            var d = ((Value) ((Map<?, ?>) rows("UNWIND [{d: duration('" + text + "')}] AS row RETURN row").get(0))
                    .get("d")).asIsoDuration();
            assertThat(UnwindRows.printDuration(d.months(), d.days(), d.seconds(), d.nanoseconds())).isEqualTo(text);
        }
    }

    @Test
    void pointsWithTheirReferenceSystemBecomeDriverValues() {
        Map<?, ?> row = (Map<?, ?>) rows("UNWIND [{a: point({x: 13.415603, y: 52.5, z: -3.25, crs: 'wgs-84-3d'}), "
                + "b: point({x: -0.0, y: 1.0E-300, crs: 'cartesian'}), c: point({x: 13.4, y: 52.5, crs: 'wgs-84'}), "
                + "d: point({x: 1.0, y: 2.0, z: 3, crs: 'cartesian-3d'})}] AS row RETURN row").get(0);
        assertThat(row.get("a")).isEqualTo(Values.point(4979, 13.415603, 52.5, -3.25));
        assertThat(row.get("b")).isEqualTo(Values.point(7203, -0.0, 1.0E-300));
        assertThat(Double.doubleToRawLongBits(((Value) row.get("b")).asPoint().x()))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(row.get("c")).isEqualTo(Values.point(4326, 13.4, 52.5));
        assertThat(row.get("d")).isEqualTo(Values.point(9157, 1.0, 2.0, 3.0));
    }

    @Test
    void anythingNotExactlyALiteralLeavesTheStatementAsItIs() {
        for (String statement : List.of(
                "UNWIND [{d: duration('P1W')}] AS row RETURN row",
                "UNWIND [{d: duration('PT90M')}] AS row RETURN row",
                "UNWIND [{d: duration('PT1.5H')}] AS row RETURN row",
                "UNWIND [{d: duration('P0D')}] AS row RETURN row",
                "UNWIND [{d: duration('PT-0S')}] AS row RETURN row",
                "UNWIND [{d: duration({days: 1})}] AS row RETURN row",
                "UNWIND [{p: point({x: 1, y: 2})}] AS row RETURN row",
                "UNWIND [{p: point({x: 1.0, y: 2.0, crs: 'wgs-84-3d'})}] AS row RETURN row",
                "UNWIND [{p: point({x: 1.0, y: 2.0, z: 3.0, crs: 'cartesian'})}] AS row RETURN row",
                "UNWIND [{p: point({longitude: 1.0, latitude: 2.0, crs: 'wgs-84'})}] AS row RETURN row",
                "UNWIND [{p: point({x: 1.0, y: 2.0, crs: 'WGS-84'})}] AS row RETURN row",
                "UNWIND [{p: point({x: NaN, y: 2.0, crs: 'cartesian'})}] AS row RETURN row",
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
