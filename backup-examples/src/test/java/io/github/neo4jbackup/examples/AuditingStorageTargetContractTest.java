package io.github.neo4jbackup.examples;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import io.github.neo4jbackup.testkit.StorageTargetContract;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The custom target passes the conformance suite every target must pass, and audits a real backup. */
class AuditingStorageTargetContractTest extends StorageTargetContract {

    private final List<String> audit = new CopyOnWriteArrayList<>();

    @Override
    protected StorageTarget newTarget() {
        return new AuditingStorageTarget(new InMemoryStorageTarget(), audit::add);
    }

    @Test
    void auditsTheObjectsOfABackup() {
        audit.clear();
        StorageTarget target = new AuditingStorageTarget(new InMemoryStorageTarget(), audit::add);
        BackupPipeline.builder().source(new SampleGraphSource("neo4j", 100, 4, 1)).target(target).build().backup();
        assertThat(audit).anyMatch(l -> l.startsWith("create neo4j/") && l.endsWith(".cypher CREATE_NEW"));
        assertThat(audit).anyMatch(l -> l.startsWith("commit neo4j/") && l.endsWith(" bytes"));
        assertThat(audit).anyMatch(l -> l.startsWith("commit ") && l.contains(".manifest.json"));
    }
}
