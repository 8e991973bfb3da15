package io.github.neo4jbackup.export.cypher.apoc;

import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.core.spi.GraphCounts;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The check that turns a silently truncated APOC stream into a failed backup. */
class ApocTotalsCheckTest {

    private static final GraphCounts DB = new GraphCounts(67, 95, Map.of("A", 67L), Map.of("R", 95L));

    @Test
    void totalsEqualToTheDatabaseAreAccepted() {
        assertThat(ApocTotals.check("neo4j", 4, 67, 95, null, DB, DB)).isEqualTo(DB);
    }

    @Test
    void aStreamThatEndedEarlyFailsTheBackup() {
        assertThatThrownBy(() -> ApocTotals.check("neo4j", 2, 67, 50, "database: nodes(67), rels(95)", DB, DB))
                .isInstanceOf(SourceFailedException.class)
                .hasMessageContaining("67 nodes and 50 relationships")
                .hasMessageContaining("67 / 95 before")
                .hasMessageContaining("incomplete")
                .hasMessageContaining("Nothing was stored");
    }

    @Test
    void noRowsForANonEmptyDatabaseFailsTheBackup() {
        assertThatThrownBy(() -> ApocTotals.check("neo4j", 0, -1, -1, null, DB, DB))
                .isInstanceOf(SourceFailedException.class).hasMessageContaining("no rows")
                .hasMessageContaining("cypher-driver");
        GraphCounts empty = GraphCounts.of(0, 0);
        assertThat(ApocTotals.check("neo4j", 0, -1, -1, null, empty, empty)).isEqualTo(empty);
    }

    @Test
    void whenTheDatabaseChangedTotalsBetweenBeforeAndAfterAreAccepted() {
        GraphCounts after = new GraphCounts(70, 95, Map.of("A", 70L), Map.of("R", 95L));
        assertThat(ApocTotals.check("neo4j", 4, 70, 95, null, DB, after)).isEqualTo(after);
        assertThat(ApocTotals.check("neo4j", 4, 68, 95, null, DB, after).nodes()).isEqualTo(68);
        assertThatThrownBy(() -> ApocTotals.check("neo4j", 4, 60, 95, null, DB, after))
                .isInstanceOf(SourceFailedException.class);
    }
}
