package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.TestSupport.GeneratedSource;
import io.github.neo4jbackup.core.TestSupport.MutableClock;
import io.github.neo4jbackup.core.health.Staleness;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.manifest.ManifestCodec;
import io.github.neo4jbackup.core.operation.ShrinkGuard;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The guard against backing up a wiped or truncated graph ({@link ShrinkGuard}) in backup runs. */
class ShrinkGuardTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T01:00:00Z"));
    private final InMemoryStorageTarget target = new InMemoryStorageTarget(clock);
    private final ShrinkGuard guard = new ShrinkGuard(Set.of("Entity"), 50.0);

    /** GeneratedSource reports size/100 Entity nodes and size/200 RELATES_TO relationships. */
    private BackupResult backup(long size) {
        clock.advance(Duration.ofDays(1));
        return BackupPipeline.builder().source(new GeneratedSource("neo4j", size, size)).target(target).clock(clock)
                .retention(RetentionPolicy.builder().keepLast(1).build()).shrinkGuard(guard).build().backup();
    }

    private BackupPipeline reader() {
        return BackupPipeline.builder().target(target).clock(clock).build();
    }

    @Test
    void aShrunkBackupIsCommittedSuspectAndRetentionIsNotApplied() {
        BackupResult first = backup(200_000);
        BackupResult second = backup(190_000); // -5 %: fine, and keep-last 1 deletes the first
        assertThat(second.manifest().isSuspect()).isFalse();
        assertThat(second.pruneResult()).hasValueSatisfying(p -> assertThat(p.deleted()).hasSize(1));
        assertThat(reader().list()).extracting(Manifest::id).containsExactly(second.id());

        BackupResult wiped = backup(20_000); // -89 %
        assertThat(wiped.manifest().isSuspect()).isTrue();
        assertThat(wiped.manifest().suspect()).anySatisfy(r -> assertThat(r).contains("nodes in total shrank by 89.5%")
                .contains("since backup " + second.id()).contains("--max-shrink"));
        assertThat(wiped.manifest().suspect()).anySatisfy(r -> assertThat(r).startsWith("label Entity shrank"));
        assertThat(wiped.pruneResult()).as("no retention after a suspect backup").isEmpty();
        assertThat(reader().list()).extracting(Manifest::id).containsExactly(wiped.id(), second.id());
        Manifest stored = reader().find(wiped.id());
        assertThat(stored.suspect()).isEqualTo(wiped.manifest().suspect());
        assertThat(ManifestCodec.read(ManifestCodec.write(stored), "x")).isEqualTo(stored);

        // the next night is compared with the last good backup, not with the wiped one
        BackupResult stillWiped = backup(20_000);
        assertThat(stillWiped.manifest().isSuspect()).isTrue();
        assertThat(stillWiped.manifest().suspect()).anySatisfy(r -> assertThat(r).contains(second.id()));
        assertThat(reader().list()).hasSize(3);

        // the staleness check skips suspect backups unless asked
        Instant now = clock.instant();
        assertThat(Staleness.anyAge().check(reader().list(), now).newestId()).isEqualTo(second.id());
        assertThat(Staleness.anyAge().includeSuspect(true).check(reader().list(), now).newestId())
                .isEqualTo(stillWiped.id());
        assertThat(first.manifest().isSuspect()).isFalse();
    }

    @Test
    void anEmptyLabelIsSuspectEvenWithoutAPreviousBackup() {
        BackupResult empty = backup(50); // 0 Entity nodes
        assertThat(empty.manifest().suspect()).containsExactly(
                "label Entity has no nodes (expected some: --expect-nonempty Entity)");
    }

    @Test
    void growthAndUnknownCountsPass() {
        assertThat(guard.check(io.github.neo4jbackup.core.spi.GraphCounts.UNKNOWN, null)).isEmpty();
        assertThat(ShrinkGuard.NONE.active()).isFalse();
        backup(100_000);
        assertThat(backup(300_000).manifest().isSuspect()).isFalse();
    }

    @Test
    void percentagesAreParsedStrictly() {
        assertThat(ShrinkGuard.parsePercent("50")).isEqualTo(50.0);
        assertThat(ShrinkGuard.parsePercent(" 50% ")).isEqualTo(50.0);
        assertThat(ShrinkGuard.parsePercent("12.5")).isEqualTo(12.5);
        for (String bad : List.of("abc", "150", "-1", "", "%", "1e2", "NaN")) {
            assertThatThrownBy(() -> ShrinkGuard.parsePercent(bad)).as(bad).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("percentage");
        }
        assertThatThrownBy(() -> new ShrinkGuard(Set.of(), 101.0)).isInstanceOf(InvalidInputException.class);
    }
}
