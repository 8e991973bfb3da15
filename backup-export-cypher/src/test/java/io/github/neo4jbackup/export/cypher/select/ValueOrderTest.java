package io.github.neo4jbackup.export.cypher.select;

import org.junit.jupiter.api.Test;
import org.neo4j.driver.Value;
import org.neo4j.driver.Values;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ValueOrderTest {

    private static Value dt(String text) {
        return Values.value(ZonedDateTime.parse(text));
    }

    @Test
    void datetimesOfTheSameInstantSortByOffsetThenFixedOffsetBeforeNamedZoneAsCypherOrderBy() {
        // Neo4j 5.26: UNWIND [...] AS d RETURN d ORDER BY d gives exactly this order
        List<String> expected = List.of("2025-06-01T05:30-02:30", "2025-06-01T08:00Z",
                "2025-06-01T10:00+02:00", "2025-06-01T10:00+02:00[Europe/Berlin]", "2025-06-01T10:00:00.000000001Z");
        List<Value> values = new ArrayList<>();
        for (int i = expected.size() - 1; i >= 0; i--) {
            values.add(dt(expected.get(i)));
        }
        values.sort(ValueOrder.ORDER);
        assertThat(values).extracting(v -> v.asZonedDateTime().toString()).containsExactly(
                "2025-06-01T05:30-02:30", "2025-06-01T08:00Z", "2025-06-01T10:00+02:00",
                "2025-06-01T10:00+02:00[Europe/Berlin]", "2025-06-01T10:00:00.000000001Z");
    }

    @Test
    void rangeComparisonOfTheSameInstantStaysByInstant() {
        assertThat(ValueOrder.compare(dt("2025-06-01T10:00+02:00"), dt("2025-06-01T08:00Z"))).isZero();
        assertThat(ValueOrder.equal(dt("2025-06-01T10:00+02:00"), dt("2025-06-01T08:00Z"))).isFalse();
    }
}
