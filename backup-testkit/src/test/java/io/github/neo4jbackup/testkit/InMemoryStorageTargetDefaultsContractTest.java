package io.github.neo4jbackup.testkit;

import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;

/** Runs the contract suite against {@link InMemoryStorageTarget} with its default page size and hooks. */
class InMemoryStorageTargetDefaultsContractTest extends StorageTargetContract {

    @Override
    protected StorageTarget newTarget() {
        return new InMemoryStorageTarget();
    }
}
