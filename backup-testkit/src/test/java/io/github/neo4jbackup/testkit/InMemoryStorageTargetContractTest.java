package io.github.neo4jbackup.testkit;

import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the contract suite against {@link InMemoryStorageTarget}, with a small page size. */
class InMemoryStorageTargetContractTest extends StorageTargetContract {

    @Override
    protected StorageTarget newTarget() {
        return new InMemoryStorageTarget(100);
    }

    @Override
    protected void afterEachTarget(StorageTarget target) {
        assertThat(((InMemoryStorageTarget) target).pendingCount())
                .as("pending writes left open by the test").isZero();
    }

    @Override
    protected boolean listingIsCheap() {
        return true;
    }

    @Override
    protected int listingPageSizeHint() {
        return 100;
    }
}
