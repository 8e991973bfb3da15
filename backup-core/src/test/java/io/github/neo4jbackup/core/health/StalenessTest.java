package io.github.neo4jbackup.core.health;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.manifest.StoredObject;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.ObjectKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StalenessTest {

    private static final Instant NOW = Instant.parse("2026-01-10T12:00:00Z");

    static Manifest manifest(String id, Instant finishedAt, long storedSize) {
        return new Manifest(1, id, "neo4j", finishedAt.minusSeconds(60), finishedAt,
                new Manifest.SourceInfo("cypher-driver", null, null, null, Map.of()), "0.1.0", "host",
                List.of(), new StoredObject(ObjectKey.of("neo4j/" + id + ".graph"), storedSize, storedSize,
                "a".repeat(64), "b".repeat(64)), GraphCounts.UNKNOWN, Map.of(), Map.of());
    }

    @Test
    void recentBackupIsOk() {
        Staleness.Report r = Staleness.maxAge(Duration.ofHours(26)).check(List.of(
                manifest("old", NOW.minus(Duration.ofDays(3)), 10),
                manifest("new", NOW.minus(Duration.ofHours(2)), 100)), NOW);
        assertThat(r.ok()).isTrue();
        assertThat(r.newestId()).isEqualTo("new");
        assertThat(r.age()).isEqualTo(Duration.ofHours(2));
        assertThat(r.size()).isEqualTo(100);
        assertThat(r.failure()).isEmpty();
    }

    @Test
    void staleBackupFailsWithReason() {
        Staleness.Report r = Staleness.maxAge(Duration.ofHours(26)).check(List.of(
                manifest("a", NOW.minus(Duration.ofHours(27)), 100)), NOW);
        assertThat(r.ok()).isFalse();
        assertThat(r.newest()).contains("a");
        assertThat(r.reason()).contains("1d3h old").contains("limit of 1d2h");
    }

    @Test
    void newestIsChosenRegardlessOfOrder() {
        Staleness.Report r = Staleness.anyAge().withMinSize(50).check(List.of(
                manifest("new", NOW.minusSeconds(10), 20), manifest("old", NOW.minusSeconds(1000), 500)), NOW);
        assertThat(r.ok()).isFalse();
        assertThat(r.newestId()).isEqualTo("new");
        assertThat(r.reason()).contains("20 bytes").contains("floor of 50");
    }

    @Test
    void noBackupIsNotOk() {
        Staleness.Report r = Staleness.anyAge().check(List.of(), NOW);
        assertThat(r.ok()).isFalse();
        assertThat(r.newest()).isEmpty();
        assertThat(r.size()).isEqualTo(-1);
        assertThat(r.reason()).contains("no backup");
    }

    @Test
    void futureTimestampsCountAsFresh() {
        Staleness.Report r = Staleness.maxAge(Duration.ofMinutes(1)).check(List.of(
                manifest("skewed", NOW.plusSeconds(30), 1)), NOW);
        assertThat(r.ok()).isTrue();
        assertThat(r.age()).isZero();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> Staleness.maxAge(Duration.ZERO)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> Staleness.anyAge().withMinSize(-1)).isInstanceOf(InvalidInputException.class);
    }
}
