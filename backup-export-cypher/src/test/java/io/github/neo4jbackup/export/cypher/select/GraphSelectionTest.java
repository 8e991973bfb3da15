package io.github.neo4jbackup.export.cypher.select;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.export.cypher.driver.GraphRecord;
import io.github.neo4jbackup.export.cypher.select.PropertyPredicate.Bound;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GraphSelectionTest {

    static GraphRecord.Node node(List<String> labels, Object... keyValues) {
        Map<String, Value> p = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put((String) keyValues[i], Values.value(keyValues[i + 1]));
        }
        return new GraphRecord.Node(1, labels, p);
    }

    static Bound in(Object v) {
        return Bound.inclusive(Values.value(v));
    }

    static Bound ex(Object v) {
        return Bound.exclusive(Values.value(v));
    }

    @Test
    void labelsMustAllBePresent() {
        GraphSelection s = GraphSelection.builder().label("Episodic", "Extra").build();
        assertThat(s.test(node(List.of("Episodic", "Extra", "Other")))).isTrue();
        assertThat(s.test(node(List.of("Episodic")))).isFalse();
        assertThat(s.test(node(List.of()))).isFalse();
        assertThat(GraphSelection.all().test(node(List.of()))).isTrue();
        assertThat(GraphSelection.all().selectsAllNodes()).isTrue();
    }

    @Test
    void equalityComparesNumbersAcrossIntegerAndFloatButNotAcrossTypes() {
        GraphSelection s = GraphSelection.builder().whereEquals("x", 1L).build();
        assertThat(s.test(node(List.of(), "x", 1L))).isTrue();
        assertThat(s.test(node(List.of(), "x", 1.0d))).isTrue();
        assertThat(s.test(node(List.of(), "x", 1.5d))).isFalse();
        assertThat(s.test(node(List.of(), "x", "1"))).isFalse();
        assertThat(s.test(node(List.of()))).as("missing property").isFalse();
        GraphSelection nan = GraphSelection.builder().whereEquals("x", Double.NaN).build();
        assertThat(nan.test(node(List.of(), "x", Double.NaN))).as("NaN equals nothing, as in Cypher").isFalse();
        GraphSelection list = GraphSelection.builder().whereEquals("x", List.of(1L, 2L)).build();
        assertThat(list.test(node(List.of(), "x", List.of(1.0, 2.0)))).isTrue();
        assertThat(list.test(node(List.of(), "x", List.of(1L)))).isFalse();
    }

    @Test
    void graphitiGroupAndSetMembership() {
        GraphSelection s = GraphSelection.builder().graphitiGroup("g1")
                .whereIn("kind", List.of("a", "b")).build();
        assertThat(s.test(node(List.of(), "group_id", "g1", "kind", "b"))).isTrue();
        assertThat(s.test(node(List.of(), "group_id", "g1", "kind", "c"))).isFalse();
        assertThat(s.test(node(List.of(), "group_id", "g2", "kind", "a"))).isFalse();
        GraphSelection numbers = GraphSelection.builder().whereIn("n", List.of(1L, 2.5d)).build();
        assertThat(numbers.test(node(List.of(), "n", 2.5d))).isTrue();
        assertThat(numbers.test(node(List.of(), "n", 1.0d))).isTrue();
        assertThat(numbers.test(node(List.of(), "n", 2L))).isFalse();
    }

    @Test
    void numericRangesAcrossIntegerAndFloatWithInclusiveAndExclusiveBounds() {
        GraphSelection s = GraphSelection.builder().whereRange("x", in(1L), ex(2.5d)).build();
        assertThat(s.test(node(List.of(), "x", 1L))).isTrue();
        assertThat(s.test(node(List.of(), "x", 1.0d))).isTrue();
        assertThat(s.test(node(List.of(), "x", 0.999d))).isFalse();
        assertThat(s.test(node(List.of(), "x", 2L))).isTrue();
        assertThat(s.test(node(List.of(), "x", 2.4999d))).isTrue();
        assertThat(s.test(node(List.of(), "x", 2.5d))).isFalse();
        assertThat(s.test(node(List.of(), "x", Double.NaN))).isFalse();
        assertThat(s.test(node(List.of(), "x", "1.5"))).isFalse();
        // exact comparison beyond double precision: 2^53 + 1 > 2^53 as a float
        GraphSelection big = GraphSelection.builder().whereRange("x", ex(9007199254740992.0d), null).build();
        assertThat(big.test(node(List.of(), "x", 9007199254740993L))).isTrue();
        assertThat(big.test(node(List.of(), "x", 9007199254740992L))).isFalse();
        GraphSelection open = GraphSelection.builder().whereRange("x", null, in(0L)).build();
        assertThat(open.test(node(List.of(), "x", Double.NEGATIVE_INFINITY))).isTrue();
        assertThat(open.test(node(List.of(), "x", -0.0d))).isTrue();
        assertThat(open.test(node(List.of(), "x", Long.MIN_VALUE))).isTrue();
        assertThat(open.test(node(List.of(), "x", Double.MIN_VALUE))).isFalse();
    }

    @Test
    void temporalRangesCompareOnlyTheSameTemporalType() {
        ZonedDateTime start = ZonedDateTime.of(2025, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        ZonedDateTime end = ZonedDateTime.of(2025, 2, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        GraphSelection s = GraphSelection.builder().whereRange("t", in(start), ex(end)).build();
        assertThat(s.test(node(List.of(), "t", start))).isTrue();
        // the same instant in another zone is inside: datetimes compare by instant
        assertThat(s.test(node(List.of(), "t", start.withZoneSameInstant(ZoneId.of("Asia/Tokyo"))))).isTrue();
        assertThat(s.test(node(List.of(), "t", start.minusNanos(1).withZoneSameInstant(ZoneId.of("Europe/Berlin")))))
                .isFalse();
        assertThat(s.test(node(List.of(), "t", end.minusNanos(1).toOffsetDateTime()))).isTrue();
        assertThat(s.test(node(List.of(), "t", end))).isFalse();
        // other temporal types do not compare with datetimes
        assertThat(s.test(node(List.of(), "t", LocalDateTime.of(2025, 1, 15, 0, 0)))).isFalse();
        assertThat(s.test(node(List.of(), "t", LocalDate.of(2025, 1, 15)))).isFalse();
        assertThat(s.test(node(List.of(), "t", "2025-01-15T00:00:00Z"))).isFalse();

        GraphSelection dates = GraphSelection.builder().whereRange("d", in(LocalDate.of(2025, 1, 1)), null).build();
        assertThat(dates.test(node(List.of(), "d", LocalDate.of(2025, 1, 1)))).isTrue();
        assertThat(dates.test(node(List.of(), "d", LocalDate.of(2024, 12, 31)))).isFalse();
        assertThat(dates.test(node(List.of(), "d", start))).isFalse();

        GraphSelection times = GraphSelection.builder()
                .whereRange("t", in(OffsetTime.of(12, 0, 0, 0, ZoneOffset.UTC)), null).build();
        assertThat(times.test(node(List.of(), "t", OffsetTime.of(13, 0, 0, 0, ZoneOffset.ofHours(1))))).isTrue();
        assertThat(times.test(node(List.of(), "t", OffsetTime.of(12, 30, 0, 0, ZoneOffset.ofHours(1))))).isFalse();
        assertThat(times.test(node(List.of(), "t", LocalTime.of(23, 0)))).isFalse();
    }

    @Test
    void stringRangeAndInvalidRanges() {
        GraphSelection s = GraphSelection.builder().whereRange("name", in("b"), ex("d")).build();
        assertThat(s.test(node(List.of(), "name", "c"))).isTrue();
        assertThat(s.test(node(List.of(), "name", "d"))).isFalse();
        assertThatThrownBy(() -> GraphSelection.builder().whereRange("x", null, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no bound");
        assertThatThrownBy(() -> GraphSelection.builder().whereRange("x", in(LocalDate.of(2025, 1, 1)),
                in(ZonedDateTime.now()))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("different types");
        assertThatThrownBy(() -> GraphSelection.builder().whereRange("x", in(List.of(1L)), null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("does not order");
        assertThatThrownBy(() -> GraphSelection.builder().whereIn("x", List.of()))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void relationshipScopes() {
        assertThat(GraphSelection.all().relationships()).isEqualTo(RelationshipScope.BOTH_ENDS);
        GraphSelection both = GraphSelection.builder().build();
        assertThat(both.keeps(true, true)).isTrue();
        assertThat(both.keeps(true, false)).isFalse();
        GraphSelection any = both.toBuilder().relationships(RelationshipScope.ANY_END).build();
        assertThat(any.keeps(true, false)).isTrue();
        assertThat(any.keeps(false, true)).isTrue();
        assertThat(any.keeps(false, false)).isFalse();
        GraphSelection none = both.toBuilder().relationships(RelationshipScope.NONE).build();
        assertThat(none.keeps(true, true)).isFalse();
    }

    @Test
    void sortOrderFollowsCypher() {
        List<Value> values = new ArrayList<>(List.of(Values.value(2.5d), Values.value("b"), Values.value(1L),
                Values.value(Double.NaN), Values.value(true), Values.value(LocalDate.of(2025, 1, 1)),
                Values.value(ZonedDateTime.of(2025, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)), Values.value("a"),
                Values.value(3L)));
        values.sort(ValueOrder.ORDER);
        assertThat(values).extracting(Value::toString).containsExactly(
                "2025-01-01T00:00Z", "2025-01-01", "\"a\"", "\"b\"", "TRUE", "1", "2.5", "3", "NaN");
    }
}
