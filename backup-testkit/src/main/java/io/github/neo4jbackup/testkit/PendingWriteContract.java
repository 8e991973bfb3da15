package io.github.neo4jbackup.testkit;

import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectNotFoundException;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.WriteMode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Contract tests of pending writes: nothing is visible before {@link PendingObject#commit()};
 * abort and close without a commit leave nothing behind; writing or committing after the end of
 * a write fails.
 *
 * <p>One link of the {@link StorageTargetContract} suite, which stacks the areas into one class
 * (single inheritance keeps the test methods {@code protected} and overridable, as the suite
 * promises); the order of the links means nothing. Extend {@link StorageTargetContract}, not this.
 */
abstract class PendingWriteContract extends MetadataContract {

    /**
     * Written bytes are invisible to stat, open and list until the commit; then they are visible.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("a pending write is invisible until committed")
    protected void pendingWriteIsInvisibleUntilCommit() throws Exception {
        ObjectKey key = key("pending/object.bin");
        byte[] data = randomBytes(70_000, 5);
        try (PendingObject pending = target().create(key, Map.of(), WriteMode.CREATE_NEW)) {
            assertThat(pending.key()).isEqualTo(key);
            pending.stream().write(data);
            pending.stream().flush();

            assertThat(target().stat(key)).as("stat before commit").isEmpty();
            assertThatThrownBy(() -> target().open(key).close()).as("open before commit")
                    .isInstanceOf(ObjectNotFoundException.class);
            assertThat(listedKeys("")).as("listing before commit").isEmpty();
            assertThat(listedKeys("pending/")).as("listing of the prefix before commit").isEmpty();

            pending.commit();
        }
        assertThat(read(key)).isEqualTo(data);
        assertThat(listedKeys("")).containsExactly(key.value());
    }

    /**
     * Closing a pending object without committing aborts it: nothing is visible and the key is free.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("close without commit aborts and leaves the key free")
    protected void closeWithoutCommitAborts() throws Exception {
        ObjectKey key = key("pending/deep/er/aborted.bin");
        try (PendingObject pending = target().create(key, Map.of(), WriteMode.CREATE_NEW)) {
            pending.stream().write(randomBytes(50_000, 6));
        }

        assertThat(target().stat(key)).isEmpty();
        assertThatThrownBy(() -> target().open(key).close()).isInstanceOf(ObjectNotFoundException.class);
        assertThat(listedKeys("")).isEmpty();

        put(key, new byte[] {42}, Map.of(), WriteMode.CREATE_NEW);
        assertThat(read(key)).containsExactly(42);
    }

    /**
     * {@link PendingObject#abort()} may be called repeatedly, and close after abort is harmless.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("abort is idempotent")
    protected void abortIsIdempotent() throws Exception {
        ObjectKey key = key("pending/abort-twice.bin");
        PendingObject pending = target().create(key, Map.of(), WriteMode.OVERWRITE);
        pending.stream().write(new byte[] {1, 2, 3});

        assertThatCode(() -> {
            pending.abort();
            pending.abort();
            pending.close();
            pending.close();
        }).doesNotThrowAnyException();
        assertThat(target().stat(key)).isEmpty();
        assertThat(listedKeys("")).isEmpty();
    }

    /**
     * Closing or aborting after a successful commit changes nothing.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("close and abort after commit are no-ops")
    protected void closeAfterCommitKeepsObject() throws Exception {
        ObjectKey key = key("pending/kept.bin");
        PendingObject pending = target().create(key, Map.of(), WriteMode.CREATE_NEW);
        pending.stream().write(new byte[] {7, 8, 9});
        pending.commit();

        pending.close();
        pending.abort();
        pending.close();

        assertThat(read(key)).containsExactly(7, 8, 9);
    }

    /**
     * {@link PendingObject#stream()} returns the same stream every time.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("stream() always returns the same instance")
    protected void streamIsAlwaysTheSameInstance() throws Exception {
        try (PendingObject pending = target().create(key("pending/same.bin"), Map.of(), WriteMode.OVERWRITE)) {
            assertThat(pending.stream()).isSameAs(pending.stream());
        }
    }

    /**
     * Closing the stream neither commits nor aborts; a commit afterwards stores every byte (the
     * pipeline's encoders close the stream they wrap before the commit).
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("closing the stream does not commit, and commit still works afterwards")
    protected void closingStreamDoesNotCommit() throws Exception {
        ObjectKey key = key("pending/stream-closed.bin");
        byte[] data = randomBytes(200_000, 7);
        try (PendingObject pending = target().create(key, Map.of(), WriteMode.CREATE_NEW)) {
            pending.stream().write(data);
            pending.stream().close();
            pending.stream().close();

            assertThat(target().stat(key)).as("stat after closing the stream").isEmpty();
            assertThat(listedKeys("")).isEmpty();

            pending.commit();
        }
        assertThat(read(key)).isEqualTo(data);
    }

    /**
     * Writing to the stream after an abort fails with an {@link IOException}.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("writing after abort fails")
    protected void writingAfterAbortFails() throws Exception {
        ObjectKey key = key("pending/write-after-abort.bin");
        PendingObject pending = target().create(key, Map.of(), WriteMode.OVERWRITE);
        OutputStream stream = pending.stream();
        stream.write(new byte[] {1});
        pending.abort();

        assertThatThrownBy(() -> {
            stream.write(new byte[1024]);
            stream.flush();
        }).isInstanceOf(IOException.class);
        assertThat(target().stat(key)).isEmpty();
    }

    /**
     * Writing to the stream after a commit fails with an {@link IOException} and does not change
     * the stored object.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("writing after commit fails and leaves the object unchanged")
    protected void writingAfterCommitFails() throws Exception {
        ObjectKey key = key("pending/write-after-commit.bin");
        try (PendingObject pending = target().create(key, Map.of(), WriteMode.OVERWRITE)) {
            OutputStream stream = pending.stream();
            stream.write(new byte[] {1, 2});
            pending.commit();

            assertThatThrownBy(() -> {
                stream.write(3);
                stream.flush();
            }).isInstanceOf(IOException.class);
        }
        assertThat(read(key)).containsExactly(1, 2);
    }

    /**
     * Committing an aborted write fails with an {@link IOException} and stores nothing.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("commit after abort fails and stores nothing")
    protected void commitAfterAbortFails() throws Exception {
        ObjectKey key = key("pending/commit-after-abort.bin");
        PendingObject pending = target().create(key, Map.of(), WriteMode.OVERWRITE);
        pending.stream().write(new byte[] {1, 2});
        pending.abort();

        assertThatThrownBy(pending::commit).isInstanceOf(IOException.class);
        pending.close();
        assertThat(target().stat(key)).isEmpty();
        assertThat(listedKeys("")).isEmpty();
    }
}
