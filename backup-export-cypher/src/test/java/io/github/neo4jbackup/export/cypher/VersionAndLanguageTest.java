package io.github.neo4jbackup.export.cypher;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VersionAndLanguageTest {

    private static Neo4jVersion v(String text) {
        return Neo4jVersion.parse(text).orElseThrow();
    }

    @Test
    void calendarVersionsAreNewerThanEvery5x() {
        assertThat(v("2025.01.0")).isGreaterThan(v("5.26.30"));
        assertThat(v("2025.01")).isGreaterThan(v("5.99.99"));
        assertThat(v("2026.08.1")).isGreaterThan(v("2026.02.3")).isGreaterThan(v("2025.10.1"));
        assertThat(v("5.26.30")).isGreaterThan(v("5.9.0"));
        assertThat(v("2026.08.1").isCalendar()).isTrue();
        assertThat(v("5.26.30").isCalendar()).isFalse();
        assertThat(v("2025.01.0").atLeast(Neo4jVersion.V2025_01)).isTrue();
        assertThat(v("5.26.0-aura").patch()).isZero();
        assertThat(Neo4jVersion.parse("dev")).isEmpty();
        assertThat(Neo4jVersion.parse(null)).isEmpty();
        assertThat(List.of(v("2026.08.1"), v("5.26.30"), v("2025.01.0")).stream().sorted().map(Neo4jVersion::text))
                .containsExactly("5.26.30", "2025.01.0", "2026.08.1");
    }

    @Test
    void queriesArePinnedToCypher5Once() {
        assertThat(CypherLanguage.pin("MATCH (n) RETURN n")).isEqualTo("CYPHER 5 MATCH (n) RETURN n");
        assertThat(CypherLanguage.pin("  SHOW INDEXES")).isEqualTo("CYPHER 5 SHOW INDEXES");
        assertThat(CypherLanguage.pin("CYPHER 25 RETURN 1")).isEqualTo("CYPHER 25 RETURN 1");
        assertThat(CypherLanguage.pin("cypher runtime=slotted RETURN 1")).isEqualTo("cypher runtime=slotted RETURN 1");
        assertThat(CypherLanguage.pin("CYPHERS")).isEqualTo("CYPHER 5 CYPHERS");
        assertThat(CypherLanguage.pin(":param x => 1")).isEqualTo(":param x => 1");
        assertThat(CypherLanguage.unpin("CYPHER 5 RETURN 1")).isEqualTo("RETURN 1");
    }
}
