package io.github.neo4jbackup.storage.local;

import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.testkit.StorageTargetContract;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the contract suite against {@link LocalStorageTarget} with the default page size. */
class LocalStorageTargetContractTest extends StorageTargetContract {

    @TempDir
    Path dir;

    @Override
    protected StorageTarget newTarget() {
        return LocalStorageTarget.of(dir.resolve("backups"));
    }

    @Override
    protected boolean supportsMetadata() {
        return false;
    }

    @Override
    protected boolean listingIsCheap() {
        return true;
    }

    @Override
    protected void afterEachTarget(StorageTarget target) throws IOException {
        assertThat(temporaryFiles(((LocalStorageTarget) target).root()))
                .as("temporary files left behind by the test").isEmpty();
    }

    static List<Path> temporaryFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> LocalStorageTarget.isTemporaryFileName(p.getFileName().toString())).toList();
        }
    }
}
