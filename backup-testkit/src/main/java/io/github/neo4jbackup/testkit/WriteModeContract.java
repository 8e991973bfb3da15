package io.github.neo4jbackup.testkit;

import io.github.neo4jbackup.core.spi.ObjectExistsException;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.WriteMode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Contract tests of write modes and concurrent writers: {@link WriteMode#OVERWRITE} replaces
 * atomically, {@link WriteMode#CREATE_NEW} is a conditional write checked at commit time with
 * exactly one winner among concurrent writers, and writers of different keys do not disturb each
 * other.
 *
 * <p>One link of the {@link StorageTargetContract} suite, which stacks the areas into one class
 * (single inheritance keeps the test methods {@code protected} and overridable, as the suite
 * promises); the order of the links means nothing. Extend {@link StorageTargetContract}, not this.
 */
abstract class WriteModeContract extends PendingWriteContract {

    /**
     * {@link WriteMode#OVERWRITE} replaces an object atomically: readers see the old content until
     * the commit and the new content after it.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("OVERWRITE replaces the object only when committed")
    protected void overwriteReplacesAtomically() throws Exception {
        ObjectKey key = key("modes/overwritten.bin");
        byte[] old = randomBytes(100_000, 8);
        byte[] replacement = randomBytes(1_000, 9);
        put(key, old);

        try (PendingObject pending = target().create(key, Map.of(), WriteMode.OVERWRITE)) {
            pending.stream().write(replacement);
            assertThat(read(key)).as("content while the overwrite is pending").isEqualTo(old);
            assertThat(target().stat(key).orElseThrow().size()).isEqualTo(old.length);
            ObjectInfo info = pending.commit();
            assertThat(info.size()).isEqualTo(replacement.length);
        }

        assertThat(read(key)).isEqualTo(replacement);
        assertThat(target().stat(key).orElseThrow().size()).isEqualTo(replacement.length);
        assertThat(listedKeys("")).containsExactly(key.value());
    }

    /**
     * Of two overlapping {@link WriteMode#OVERWRITE} writes, the one committed last wins.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("of two OVERWRITE writes the last commit wins")
    protected void lastOverwriteCommitWins() throws Exception {
        ObjectKey key = key("modes/last-wins.bin");
        try (PendingObject first = target().create(key, Map.of(), WriteMode.OVERWRITE);
             PendingObject second = target().create(key, Map.of(), WriteMode.OVERWRITE)) {
            first.stream().write(new byte[] {1, 1, 1});
            second.stream().write(new byte[] {2, 2});
            second.commit();
            assertThat(read(key)).containsExactly(2, 2);
            first.commit();
        }
        assertThat(read(key)).containsExactly(1, 1, 1);
    }

    /**
     * {@link WriteMode#CREATE_NEW} on a taken key fails with {@link ObjectExistsException} and
     * leaves the existing object unchanged.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("CREATE_NEW on an existing key fails and keeps the old content")
    protected void createNewOnExistingKeyFails() throws Exception {
        ObjectKey key = key("modes/taken.bin");
        byte[] old = randomBytes(5_000, 10);
        put(key, old, Map.of(), WriteMode.CREATE_NEW);

        try (PendingObject pending = target().create(key, Map.of(), WriteMode.CREATE_NEW)) {
            pending.stream().write(randomBytes(6_000, 11));
            assertThatThrownBy(pending::commit).isInstanceOf(ObjectExistsException.class)
                    .hasMessageContaining(key.value());
        }

        assertThat(read(key)).isEqualTo(old);
        assertThat(target().stat(key).orElseThrow().size()).isEqualTo(old.length);
        assertThat(listedKeys("")).containsExactly(key.value());
    }

    /**
     * {@link WriteMode#CREATE_NEW} checks the key when committing, not when the write starts.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("CREATE_NEW checks the key at commit time")
    protected void createNewIsCheckedAtCommitTime() throws Exception {
        ObjectKey key = key("modes/raced.bin");
        try (PendingObject pending = target().create(key, Map.of(), WriteMode.CREATE_NEW)) {
            pending.stream().write(new byte[] {1});
            put(key, new byte[] {2}, Map.of(), WriteMode.CREATE_NEW);

            assertThatThrownBy(pending::commit).isInstanceOf(ObjectExistsException.class);
        }
        assertThat(read(key)).containsExactly(2);
    }

    /**
     * When several threads commit {@link WriteMode#CREATE_NEW} writes of the same key at the same
     * moment, exactly one wins; the others get {@link ObjectExistsException} and the stored bytes
     * are the winner's.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("concurrent CREATE_NEW commits of one key: exactly one wins")
    protected void concurrentCreateNewCommitsHaveExactlyOneWinner() throws Exception {
        int contenders = 4;
        for (int round = 0; round < 5; round++) {
            ObjectKey key = key("modes/contended-" + round + ".bin");
            CyclicBarrier barrier = new CyclicBarrier(contenders);
            List<byte[]> contents = new ArrayList<>();
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int i = 0; i < contenders; i++) {
                byte[] content = randomBytes(1_000 + i, 100L * round + i);
                contents.add(content);
                tasks.add(() -> {
                    try (PendingObject pending = target().create(key, Map.of(), WriteMode.CREATE_NEW)) {
                        pending.stream().write(content);
                        barrier.await(BARRIER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        try {
                            pending.commit();
                            return true;
                        } catch (ObjectExistsException lost) {
                            return false;
                        }
                    }
                });
            }
            List<Boolean> won = runAll(tasks, contenders);

            assertThat(won.stream().filter(w -> w).count()).as("winners in round " + round).isEqualTo(1L);
            byte[] winner = contents.get(won.indexOf(true));
            assertThat(read(key)).as("content in round " + round).isEqualTo(winner);
        }
        assertThat(listedKeys("modes/")).hasSize(5);
    }

    /**
     * Several threads writing different keys at the same time all succeed with their own bytes.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("concurrent writes of different keys all succeed")
    protected void concurrentWritesOfDifferentKeys() throws Exception {
        int threads = concurrency();
        int perThread = 10;
        CyclicBarrier barrier = new CyclicBarrier(threads);
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            tasks.add(() -> {
                barrier.await(BARRIER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                for (int i = 0; i < perThread; i++) {
                    ObjectKey key = key("concurrent/t" + thread + "/o" + i + ".bin");
                    WriteMode mode = i % 2 == 0 ? WriteMode.CREATE_NEW : WriteMode.OVERWRITE;
                    put(key, randomBytes(3_000 + i, 1000L * thread + i), Map.of(), mode);
                }
                return null;
            });
        }
        runAll(tasks, threads);

        assertThat(listedKeys("concurrent/")).hasSize(threads * perThread);
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                ObjectKey key = key("concurrent/t" + t + "/o" + i + ".bin");
                assertThat(read(key)).as("content of %s", key).isEqualTo(randomBytes(3_000 + i, 1000L * t + i));
            }
        }
    }
}
