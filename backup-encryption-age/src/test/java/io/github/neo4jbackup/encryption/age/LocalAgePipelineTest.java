package io.github.neo4jbackup.encryption.age;

import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The age pipeline contract on {@link LocalStorageTarget}. */
class LocalAgePipelineTest extends AgePipelineContract {

    @TempDir
    Path root;
    private LocalStorageTarget target;

    @BeforeEach
    void setUp() {
        target = LocalStorageTarget.of(root);
    }

    @Override
    StorageTarget target() {
        return target;
    }

    @Override
    byte[] readStored(ObjectKey key) throws IOException {
        return Files.readAllBytes(root.resolve(key.value()));
    }

    @Override
    void replaceStored(ObjectKey key, byte[] bytes) throws IOException {
        Files.write(root.resolve(key.value()), bytes);
    }

    @Override
    int tamperSamples() {
        return 24;
    }
}
