package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.TestSupport.GeneratedSource;
import io.github.neo4jbackup.core.TestSupport.HashingSink;
import io.github.neo4jbackup.core.TestSupport.MutableClock;
import io.github.neo4jbackup.core.health.Staleness;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.manifest.ManifestCodec;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Safety backups (taken before a restore) are marked and kept apart by retention and staleness. */
class SafetyBackupTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-04-01T00:00:00Z"));
    private final InMemoryStorageTarget target = new InMemoryStorageTarget(clock);

    private BackupPipeline pipeline(int keepSafety, boolean includeSafety) {
        return BackupPipeline.builder().source(new GeneratedSource("neo4j", 10_000, 1)).target(target).clock(clock)
                .retention(RetentionPolicy.builder().keepLast(1).build()).safetyRetention(keepSafety, includeSafety)
                .build();
    }

    private BackupResult backup() {
        clock.advance(Duration.ofHours(1));
        return pipeline(3, false).backup();
    }

    private RestoreResult restoreWithSafety(String id) {
        clock.advance(Duration.ofHours(1));
        return pipeline(3, false).restore(id, new HashingSink(),
                RestoreOptions.defaults().withSafetyBackup(pipeline(3, false)));
    }

    @Test
    void aSafetyBackupSaysWhatItProtectedAndRetentionKeepsItApart() {
        BackupResult nightly = backup();
        RestoreResult restored = restoreWithSafety(nightly.id());
        Manifest safety = pipeline(3, false).find(restored.safetyBackupId());
        assertThat(safety.isSafety()).isTrue();
        assertThat(safety.safetyFor()).isEqualTo(nightly.id());
        assertThat(ManifestCodec.read(ManifestCodec.write(safety), "x")).isEqualTo(safety);
        assertThat(new String(ManifestCodec.write(safety))).contains("\"kind\" : \"safety\"")
                .contains("\"protects\" : \"" + nightly.id() + "\"");
        // keep-last 1 ran after the safety backup: the nightly backup is still the newest ordinary one
        assertThat(pipeline(3, false).list()).extracting(Manifest::id).containsExactly(safety.id(), nightly.id());

        Instant now = clock.instant();
        assertThat(Staleness.anyAge().check(pipeline(3, false).list(), now).newestId()).isEqualTo(nightly.id());
        assertThat(Staleness.anyAge().includeSafety(true).check(pipeline(3, false).list(), now).newestId())
                .isEqualTo(safety.id());

        BackupResult next = backup(); // keep-last 1 deletes the first nightly, the safety backup stays
        assertThat(next.pruneResult().orElseThrow().deleted()).extracting(PruneResult.Decision::id)
                .containsExactly(nightly.id());
        assertThat(pipeline(3, false).list()).extracting(Manifest::id).containsExactly(next.id(), safety.id());

        // with the safety backups included, keep-last 1 counts them like any other
        PruneResult included = pipeline(3, true).prune(true);
        assertThat(included.deleted()).extracting(PruneResult.Decision::id).containsExactly(safety.id());
    }

    @Test
    void onlyTheNewestSafetyBackupsAreKept() {
        BackupResult nightly = backup();
        List<String> safeties = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            safeties.add(restoreWithSafety(nightly.id()).safetyBackupId());
        }
        // each safety backup run applied retention: 3 kept, the oldest deleted
        assertThat(pipeline(3, false).list()).extracting(Manifest::id)
                .containsExactly(safeties.get(3), safeties.get(2), safeties.get(1), nightly.id());
        PruneResult one = pipeline(1, false).prune(false);
        assertThat(one.deleted()).extracting(PruneResult.Decision::id).containsExactly(safeties.get(2), safeties.get(1));
        assertThat(one.kept()).extracting(PruneResult.Decision::id).contains(nightly.id(), safeties.get(3));
        assertThat(one.kept().stream().filter(d -> d.id().equals(safeties.get(3))).findFirst().orElseThrow().reasons())
                .anySatisfy(r -> assertThat(r).contains("keep-safety"));
        assertThatThrownBy(() -> pipeline(-1, false)).isInstanceOf(InvalidInputException.class);
    }
}
