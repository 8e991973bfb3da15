package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.TestSupport.GeneratedSource;
import io.github.neo4jbackup.core.TestSupport.MutableClock;
import io.github.neo4jbackup.core.internal.RepositoryLock;
import io.github.neo4jbackup.core.lock.ProcessIdentity;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import io.github.neo4jbackup.core.transform.Compression;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link BackupPipeline#plan()}: the key a backup would get, its chain, the lock and retention, writing nothing. */
class BackupPlanTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2025-11-01T23:00:00Z"));
    private final InMemoryStorageTarget target = new InMemoryStorageTarget(clock);

    private BackupPipeline pipeline() {
        return BackupPipeline.builder().source(new GeneratedSource("neo4j", 10_000, 1)).target(target).clock(clock)
                .host("test-host").transform(Compression.gzip())
                .retention(RetentionPolicy.builder().keepLast(1).build()).build();
    }

    private List<String> keys() throws IOException {
        return target.listAllObjects("").stream().map(i -> i.key().value()).sorted().toList();
    }

    @Test
    void planMatchesTheBackupThatFollowsAndWritesNothing() throws IOException {
        BackupPipeline pipeline = pipeline();
        BackupResult first = pipeline.backup();
        clock.advance(Duration.ofHours(1));
        List<String> before = keys();

        BackupPlan plan = pipeline.plan();
        assertThat(keys()).as("nothing written").isEqualTo(before);
        assertThat(plan.database()).isEqualTo("neo4j");
        assertThat(plan.lockHolder()).isEmpty();
        assertThat(plan.transformers()).hasSize(1).first().asString().contains("gzip");
        assertThat(plan.retention()).isPresent();
        assertThat(plan.retention().get().dryRun()).isTrue();
        assertThat(plan.retention().get().kept()).extracting(PruneResult.Decision::id).containsExactly(first.id());

        BackupResult second = pipeline.backup();
        assertThat(second.id()).isEqualTo(plan.id());
        assertThat(second.dataKey()).isEqualTo(plan.dataKey());
    }

    @Test
    void planNamesTheLiveHolderOfTheLock() {
        BackupPipeline pipeline = pipeline();
        try (RepositoryLock live = RepositoryLock.acquire(target, ObjectKey.of("locks/neo4j.lock"), clock,
                Duration.ofMinutes(10), "ops@elsewhere", "backup by another run")) {
            BackupPlan plan = pipeline.plan();
            assertThat(plan.lockHolder()).isPresent();
            assertThat(plan.lockHolder().get().operation()).isEqualTo("backup by another run");
            assertThat(plan.lockHolder().get().host()).isEqualTo(ProcessIdentity.localHostName());
        }
        assertThat(pipeline.plan().lockHolder()).as("released").isEmpty();
    }

    @Test
    void planWithoutASourceIsRefused() {
        BackupPipeline noSource = BackupPipeline.builder().target(target).clock(clock).build();
        assertThatThrownBy(noSource::plan).isInstanceOf(InvalidInputException.class).hasMessageContaining("source");
    }
}
