package io.github.neo4jbackup.testkit;

import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectNotFoundException;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Contract tests of missing objects and deletes: reading or describing a missing object, deleting
 * one or many objects, deleting what is not there.
 *
 * <p>One link of the {@link StorageTargetContract} suite, which stacks the areas into one class
 * (single inheritance keeps the test methods {@code protected} and overridable, as the suite
 * promises); the order of the links means nothing. Extend {@link StorageTargetContract}, not this.
 */
abstract class DeleteContract extends WriteModeContract {

    /**
     * Opening a missing object fails with {@link ObjectNotFoundException}, which is not retryable.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("open of a missing object throws ObjectNotFoundException (not retryable)")
    protected void openMissingThrowsObjectNotFound() throws Exception {
        ObjectKey key = key("missing/object.bin");
        ObjectNotFoundException failure = null;
        try (InputStream in = target().open(key)) {
            in.read();
        } catch (ObjectNotFoundException e) {
            failure = e;
        }
        assertThat(failure).as("ObjectNotFoundException for a missing key").isNotNull();
        assertThat(failure).hasMessageContaining(key.value());
        assertThat(target().isRetryable(failure)).as("isRetryable(ObjectNotFoundException)").isFalse();
    }

    /**
     * {@link StorageTarget#stat} of a missing object is empty.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("stat of a missing object is empty")
    protected void statMissingIsEmpty() throws Exception {
        assertThat(target().stat(key("missing/object.bin"))).isEmpty();
        assertThat(target().stat(key("missing"))).isEmpty();
    }

    /**
     * Deleting a missing object is not an error.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("delete of a missing object is no error")
    protected void deleteMissingIsNoError() throws Exception {
        assertThatCode(() -> target().delete(key("missing/object.bin"))).doesNotThrowAnyException();
        assertThatCode(() -> target().delete(key("missing"))).doesNotThrowAnyException();
    }

    /**
     * A deleted object is gone from stat, open and list; its neighbours stay.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("delete removes the object and only that object")
    protected void deleteRemovesObject() throws Exception {
        ObjectKey doomed = key("delete/dir/doomed.bin");
        ObjectKey neighbour = key("delete/dir/neighbour.bin");
        put(doomed, new byte[] {1});
        put(neighbour, new byte[] {2});

        target().delete(doomed);

        assertThat(target().stat(doomed)).isEmpty();
        assertThatThrownBy(() -> target().open(doomed).close()).isInstanceOf(ObjectNotFoundException.class);
        assertThat(listedKeys("")).containsExactly(neighbour.value());
        assertThat(read(neighbour)).containsExactly(2);

        target().delete(neighbour);
        assertThat(listedKeys("")).isEmpty();
        put(doomed, new byte[] {3}, Map.of(), WriteMode.CREATE_NEW);
        assertThat(read(doomed)).containsExactly(3);
    }

    /**
     * {@link StorageTarget#deleteAll} removes the given objects, ignores missing ones and keeps the
     * others.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("deleteAll removes exactly the given objects")
    protected void deleteAllRemovesGivenObjects() throws Exception {
        List<ObjectKey> keys = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ObjectKey key = key("bulk/object-" + i + ".bin");
            put(key, new byte[] {(byte) i});
            keys.add(key);
        }

        target().deleteAll(List.of(keys.get(0), keys.get(2), keys.get(4), key("bulk/never-written.bin")));

        assertThat(listedKeys("")).containsExactly(
                keys.get(1).value(), keys.get(3).value(), keys.get(5).value());
        target().deleteAll(List.of());
        assertThat(listedKeys("")).hasSize(3);
    }
}
