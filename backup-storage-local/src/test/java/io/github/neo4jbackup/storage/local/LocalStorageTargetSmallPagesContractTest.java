package io.github.neo4jbackup.storage.local;

import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.testkit.StorageTargetContract;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the contract suite against {@link LocalStorageTarget} with pages of 3 objects, so that the
 * ordered, pruned directory walk resumes from continuation tokens inside nested directories.
 */
class LocalStorageTargetSmallPagesContractTest extends StorageTargetContract {

    @TempDir
    Path dir;

    @Override
    protected StorageTarget newTarget() {
        return LocalStorageTarget.of(dir, 3);
    }

    @Override
    protected boolean supportsMetadata() {
        return false;
    }

    @Override
    protected int listingPageSizeHint() {
        return 3;
    }

    @Override
    protected int pagingObjectCount() {
        return 250;
    }

    @Override
    protected void afterEachTarget(StorageTarget target) throws IOException {
        assertThat(LocalStorageTargetContractTest.temporaryFiles(dir))
                .as("temporary files left behind by the test").isEmpty();
    }
}
