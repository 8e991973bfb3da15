package io.github.neo4jbackup.testkit;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.ObjectExistsException;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectNotFoundException;
import io.github.neo4jbackup.core.spi.ObjectPage;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The conformance suite every {@link StorageTarget} must pass.
 *
 * <p>Extend it in a JUnit 5 test class, return a fresh, empty target from {@link #newTarget()} and
 * override the hooks that describe the target:
 * <pre>{@code
 * class LocalStorageTargetContractTest extends StorageTargetContract {
 *     @TempDir
 *     Path dir;
 *
 *     @Override
 *     protected StorageTarget newTarget() {
 *         return LocalStorageTarget.of(dir);
 *     }
 *
 *     @Override
 *     protected boolean supportsMetadata() {
 *         return false;
 *     }
 * }
 * }</pre>
 *
 * <p>Every test method states one rule of the {@link StorageTarget} and
 * {@link PendingObject} contract. The suite is meant to run against remote stores too (an S3
 * server over HTTP), so it keeps object counts and sizes modest: the largest object is
 * {@link #largeObjectSize()} bytes and the paging test writes {@link #pagingObjectCount()} small
 * objects. Tests only use keys that are valid on every store: a key is never both an object and
 * the directory-like prefix of another object (file systems cannot have both).
 *
 * <p>Listing order is checked with ASCII keys only; stores may order other characters by UTF-8
 * bytes or UTF-16 code units. Continuation tokens are treated as opaque.
 *
 * <p>Test methods are {@code protected} so that a subclass can override one to disable it with a
 * reason, where a store cannot meet that rule yet.
 */
public abstract class StorageTargetContract {

    private static final int MIB = 1024 * 1024;
    private static final long BARRIER_TIMEOUT_SECONDS = 60;

    private StorageTarget target;

    /** Creates the suite; subclasses are instantiated by JUnit. */
    protected StorageTargetContract() {
    }

    /**
     * Creates the target under test. Called before every test; the target must be empty.
     *
     * @return a fresh, empty target
     * @throws Exception when the target cannot be created
     */
    protected abstract StorageTarget newTarget() throws Exception;

    /**
     * Called after every test with the test's target: release resources, remove what the test
     * wrote, or check invariants (for example that no temporary files are left). Does nothing by
     * default.
     *
     * @param target the target the test used
     * @throws Exception when cleaning up or a check failed
     */
    protected void afterEachTarget(StorageTarget target) throws Exception {
    }

    /**
     * Whether the target keeps user metadata; if so, metadata given to
     * {@link StorageTarget#create} must come back from {@link StorageTarget#stat}.
     *
     * @return {@code true} by default
     */
    protected boolean supportsMetadata() {
        return true;
    }

    /**
     * Whether writing and listing a few thousand small objects is cheap (in memory, local disk).
     * Decides the default of {@link #pagingObjectCount()}.
     *
     * @return {@code false} by default
     */
    protected boolean listingIsCheap() {
        return false;
    }

    /**
     * How many objects the target puts on one listing page, as far as the test knows; the paging
     * test checks that a listing of more objects than this spans several pages.
     *
     * @return 1000 by default (the S3 limit)
     */
    protected int listingPageSizeHint() {
        return 1000;
    }

    /**
     * How many small objects the paging test writes and lists.
     *
     * @return 2,500 when {@link #listingIsCheap()}, else 1,100
     */
    protected int pagingObjectCount() {
        return listingIsCheap() ? 2500 : 1100;
    }

    /**
     * How many threads the concurrency tests (and the bulk writes of the paging test) use.
     *
     * @return 8 by default
     */
    protected int concurrency() {
        return 8;
    }

    /**
     * The size of the largest object written, in bytes.
     *
     * @return 3 MiB by default
     */
    protected int largeObjectSize() {
        return 3 * MIB;
    }

    /**
     * How far a modification time reported by the target may be from this JVM's clock, and how
     * far two reports of the same object's time may be apart (for example second-precision HTTP
     * headers against millisecond-precision listings).
     *
     * @return 5 seconds by default
     */
    protected Duration clockTolerance() {
        return Duration.ofSeconds(5);
    }

    /**
     * The target of the running test.
     *
     * @return the target created by {@link #newTarget()} for this test
     */
    protected final StorageTarget target() {
        return target;
    }

    /**
     * Creates the target for the next test.
     *
     * @throws Exception when {@link #newTarget()} failed
     */
    @BeforeEach
    protected final void createTarget() throws Exception {
        target = newTarget();
        assertThat(target).as("newTarget() must return a target").isNotNull();
        assertThat(target.listAllObjects("")).as("newTarget() must return an empty target").isEmpty();
    }

    /**
     * Hands the test's target to {@link #afterEachTarget(StorageTarget)}.
     *
     * @throws Exception when the hook failed
     */
    @AfterEach
    protected final void releaseTarget() throws Exception {
        if (target != null) {
            afterEachTarget(target);
        }
    }

    // ---------------------------------------------------------------- round trips

    /**
     * An empty object can be written and read back.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("an empty object round-trips")
    protected void emptyObjectRoundTrips() throws Exception {
        ObjectKey key = key("round-trip/empty.bin");
        ObjectInfo info = put(key, new byte[0]);

        assertThat(info.size()).isZero();
        assertThat(read(key)).isEmpty();
        assertThat(target.stat(key)).get().extracting(ObjectInfo::size).isEqualTo(0L);
    }

    /**
     * A one-byte object can be written and read back.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("a one-byte object round-trips")
    protected void oneByteObjectRoundTrips() throws Exception {
        ObjectKey key = key("round-trip/one.bin");
        try (PendingObject pending = target.create(key, Map.of(), WriteMode.CREATE_NEW)) {
            pending.stream().write(0xA5);
            pending.commit();
        }

        assertThat(read(key)).containsExactly((byte) 0xA5);
        assertThat(target.stat(key)).get().extracting(ObjectInfo::size).isEqualTo(1L);
    }

    /**
     * A large random object written in chunks of varying sizes comes back byte for byte.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("a large random object written in uneven chunks round-trips exactly")
    protected void largeRandomObjectRoundTrips() throws Exception {
        ObjectKey key = key("round-trip/large.bin");
        byte[] data = randomBytes(largeObjectSize(), 1);
        ObjectInfo info = put(key, data, Map.of(), WriteMode.CREATE_NEW);

        byte[] back = read(key);
        assertThat(back.length).as("length read back").isEqualTo(data.length);
        assertThat(sha256(back)).as("SHA-256 of the bytes read back").isEqualTo(sha256(data));
        assertThat(info.size()).isEqualTo(data.length);
    }

    /**
     * {@link StorageTarget#stat} reports the size and a modification time close to now.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("stat reports size and a current modification time")
    protected void statReportsSizeAndLastModified() throws Exception {
        ObjectKey key = key("stat/object.bin");
        Instant before = Instant.now();
        put(key, randomBytes(12_345, 2));
        Instant after = Instant.now();

        ObjectInfo info = target.stat(key).orElseThrow();
        assertThat(info.key()).isEqualTo(key);
        assertThat(info.size()).isEqualTo(12_345L);
        assertThat(info.lastModified())
                .isAfterOrEqualTo(before.minus(clockTolerance()))
                .isBeforeOrEqualTo(after.plus(clockTolerance()));
    }

    /**
     * What {@link PendingObject#commit()} returns describes the object as {@link StorageTarget#stat}
     * does.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("the ObjectInfo returned by commit matches stat")
    protected void commitResultMatchesStat() throws Exception {
        ObjectKey key = key("stat/committed.bin");
        ObjectInfo committed = put(key, randomBytes(4096, 3));
        ObjectInfo stat = target.stat(key).orElseThrow();

        assertThat(committed.key()).isEqualTo(stat.key());
        assertThat(committed.size()).isEqualTo(stat.size()).isEqualTo(4096L);
        assertCloseInTime(committed.lastModified(), stat.lastModified());
    }

    /**
     * Metadata given at creation comes back from {@link StorageTarget#stat} and
     * {@link PendingObject#commit()} (only for targets that support metadata).
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("metadata round-trips where the target supports it")
    protected void metadataRoundTrips() throws Exception {
        assumeThat(supportsMetadata()).as("target supports metadata").isTrue();
        ObjectKey key = key("meta/object.bin");
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("backup-id", "neo4j-20251101T230000Z");
        metadata.put("source", "cypher-apoc");
        metadata.put("chain", "zstd(level=3)");

        ObjectInfo committed = put(key, "payload".getBytes(StandardCharsets.UTF_8), metadata, WriteMode.CREATE_NEW);

        assertThat(committed.metadata()).containsAllEntriesOf(metadata);
        assertThat(target.stat(key).orElseThrow().metadata()).containsAllEntriesOf(metadata);
    }

    /**
     * Targets without metadata support accept metadata and ignore it instead of failing.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("metadata is accepted (and may be dropped) where the target does not support it")
    protected void metadataIsAcceptedWithoutSupport() throws Exception {
        assumeThat(supportsMetadata()).as("target supports metadata").isFalse();
        ObjectKey key = key("meta/ignored.bin");

        put(key, new byte[] {1, 2, 3}, Map.of("backup-id", "x"), WriteMode.CREATE_NEW);

        assertThat(read(key)).containsExactly(1, 2, 3);
    }

    /**
     * When a target records a SHA-256 of an object, it is the digest of the stored bytes.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("a SHA-256 recorded by the target matches the content")
    protected void recordedSha256MatchesContent() throws Exception {
        ObjectKey key = key("meta/digest.bin");
        byte[] data = randomBytes(10_000, 4);
        put(key, data);

        Optional<String> recorded = target.stat(key).orElseThrow().sha256();
        assumeThat(recorded).as("target records a SHA-256").isPresent();
        assertThat(recorded.orElseThrow()).isEqualTo(sha256(data));
    }

    // ---------------------------------------------------------------- pending writes

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
        try (PendingObject pending = target.create(key, Map.of(), WriteMode.CREATE_NEW)) {
            assertThat(pending.key()).isEqualTo(key);
            pending.stream().write(data);
            pending.stream().flush();

            assertThat(target.stat(key)).as("stat before commit").isEmpty();
            assertThatThrownBy(() -> target.open(key).close()).as("open before commit")
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
        try (PendingObject pending = target.create(key, Map.of(), WriteMode.CREATE_NEW)) {
            pending.stream().write(randomBytes(50_000, 6));
        }

        assertThat(target.stat(key)).isEmpty();
        assertThatThrownBy(() -> target.open(key).close()).isInstanceOf(ObjectNotFoundException.class);
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
        PendingObject pending = target.create(key, Map.of(), WriteMode.OVERWRITE);
        pending.stream().write(new byte[] {1, 2, 3});

        assertThatCode(() -> {
            pending.abort();
            pending.abort();
            pending.close();
            pending.close();
        }).doesNotThrowAnyException();
        assertThat(target.stat(key)).isEmpty();
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
        PendingObject pending = target.create(key, Map.of(), WriteMode.CREATE_NEW);
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
        try (PendingObject pending = target.create(key("pending/same.bin"), Map.of(), WriteMode.OVERWRITE)) {
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
        try (PendingObject pending = target.create(key, Map.of(), WriteMode.CREATE_NEW)) {
            pending.stream().write(data);
            pending.stream().close();
            pending.stream().close();

            assertThat(target.stat(key)).as("stat after closing the stream").isEmpty();
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
        PendingObject pending = target.create(key, Map.of(), WriteMode.OVERWRITE);
        OutputStream stream = pending.stream();
        stream.write(new byte[] {1});
        pending.abort();

        assertThatThrownBy(() -> {
            stream.write(new byte[1024]);
            stream.flush();
        }).isInstanceOf(IOException.class);
        assertThat(target.stat(key)).isEmpty();
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
        try (PendingObject pending = target.create(key, Map.of(), WriteMode.OVERWRITE)) {
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
        PendingObject pending = target.create(key, Map.of(), WriteMode.OVERWRITE);
        pending.stream().write(new byte[] {1, 2});
        pending.abort();

        assertThatThrownBy(pending::commit).isInstanceOf(IOException.class);
        pending.close();
        assertThat(target.stat(key)).isEmpty();
        assertThat(listedKeys("")).isEmpty();
    }

    // ---------------------------------------------------------------- write modes

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

        try (PendingObject pending = target.create(key, Map.of(), WriteMode.OVERWRITE)) {
            pending.stream().write(replacement);
            assertThat(read(key)).as("content while the overwrite is pending").isEqualTo(old);
            assertThat(target.stat(key).orElseThrow().size()).isEqualTo(old.length);
            ObjectInfo info = pending.commit();
            assertThat(info.size()).isEqualTo(replacement.length);
        }

        assertThat(read(key)).isEqualTo(replacement);
        assertThat(target.stat(key).orElseThrow().size()).isEqualTo(replacement.length);
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
        try (PendingObject first = target.create(key, Map.of(), WriteMode.OVERWRITE);
             PendingObject second = target.create(key, Map.of(), WriteMode.OVERWRITE)) {
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

        try (PendingObject pending = target.create(key, Map.of(), WriteMode.CREATE_NEW)) {
            pending.stream().write(randomBytes(6_000, 11));
            assertThatThrownBy(pending::commit).isInstanceOf(ObjectExistsException.class)
                    .hasMessageContaining(key.value());
        }

        assertThat(read(key)).isEqualTo(old);
        assertThat(target.stat(key).orElseThrow().size()).isEqualTo(old.length);
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
        try (PendingObject pending = target.create(key, Map.of(), WriteMode.CREATE_NEW)) {
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
                    try (PendingObject pending = target.create(key, Map.of(), WriteMode.CREATE_NEW)) {
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

    // ---------------------------------------------------------------- missing objects, delete

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
        try (InputStream in = target.open(key)) {
            in.read();
        } catch (ObjectNotFoundException e) {
            failure = e;
        }
        assertThat(failure).as("ObjectNotFoundException for a missing key").isNotNull();
        assertThat(failure).hasMessageContaining(key.value());
        assertThat(target.isRetryable(failure)).as("isRetryable(ObjectNotFoundException)").isFalse();
    }

    /**
     * {@link StorageTarget#stat} of a missing object is empty.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("stat of a missing object is empty")
    protected void statMissingIsEmpty() throws Exception {
        assertThat(target.stat(key("missing/object.bin"))).isEmpty();
        assertThat(target.stat(key("missing"))).isEmpty();
    }

    /**
     * Deleting a missing object is not an error.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("delete of a missing object is no error")
    protected void deleteMissingIsNoError() throws Exception {
        assertThatCode(() -> target.delete(key("missing/object.bin"))).doesNotThrowAnyException();
        assertThatCode(() -> target.delete(key("missing"))).doesNotThrowAnyException();
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

        target.delete(doomed);

        assertThat(target.stat(doomed)).isEmpty();
        assertThatThrownBy(() -> target.open(doomed).close()).isInstanceOf(ObjectNotFoundException.class);
        assertThat(listedKeys("")).containsExactly(neighbour.value());
        assertThat(read(neighbour)).containsExactly(2);

        target.delete(neighbour);
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

        target.deleteAll(List.of(keys.get(0), keys.get(2), keys.get(4), key("bulk/never-written.bin")));

        assertThat(listedKeys("")).containsExactly(
                keys.get(1).value(), keys.get(3).value(), keys.get(5).value());
        target.deleteAll(List.of());
        assertThat(listedKeys("")).hasSize(3);
    }

    // ---------------------------------------------------------------- listing

    /**
     * A prefix is a plain string prefix: {@code a/} does not match {@code ab/...}, {@code a}
     * matches both.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("list filters by plain string prefix")
    protected void listFiltersByPrefix() throws Exception {
        for (String k : List.of("a/x.txt", "a/y/z.txt", "ab/x.txt", "abc", "b/x.txt")) {
            put(key(k), k.getBytes(StandardCharsets.UTF_8));
        }

        assertThat(listedKeys("a/")).containsExactly("a/x.txt", "a/y/z.txt");
        assertThat(listedKeys("a/y/")).containsExactly("a/y/z.txt");
        assertThat(listedKeys("a")).containsExactly("a/x.txt", "a/y/z.txt", "ab/x.txt", "abc");
        assertThat(listedKeys("ab")).containsExactly("ab/x.txt", "abc");
        assertThat(listedKeys("abc")).containsExactly("abc");
        assertThat(listedKeys("b/x.txt")).containsExactly("b/x.txt");
        assertThat(listedKeys("")).containsExactly("a/x.txt", "a/y/z.txt", "ab/x.txt", "abc", "b/x.txt");
        assertThat(listedKeys("c")).isEmpty();
        assertThat(listedKeys("a/x.txt/")).isEmpty();
    }

    /**
     * A prefix may end in the middle of a segment, as backup-name prefixes do.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("list with a prefix that ends inside a segment")
    protected void listWithPartialSegmentPrefix() throws Exception {
        List<String> keys = List.of(
                "neo4j/neo4j-20241231T230000Z.cypher.zst",
                "neo4j/neo4j-20251101T230000Z.cypher.zst",
                "neo4j/neo4j-20251101T230000Z.manifest.json",
                "neo4j/neo4j-20251102T230000Z.cypher.zst",
                "neo4j/other-20251101.txt",
                "neo4j2/neo4j-20251101T230000Z.cypher.zst",
                "system/neo4j-20251101T230000Z.cypher.zst");
        for (String k : keys) {
            put(key(k), new byte[] {1});
        }

        assertThat(listedKeys("neo4j/neo4j-2025")).containsExactly(
                "neo4j/neo4j-20251101T230000Z.cypher.zst",
                "neo4j/neo4j-20251101T230000Z.manifest.json",
                "neo4j/neo4j-20251102T230000Z.cypher.zst");
        assertThat(listedKeys("neo4j/neo4j-20251101T230000Z.")).hasSize(2);
        assertThat(listedKeys("neo4j/")).hasSize(5);
        assertThat(listedKeys("neo4j")).hasSize(6);
        assertThat(listedKeys("neo")).hasSize(6);
    }

    /**
     * Listings are in ascending key order, comparing keys as strings: {@code k-1 < k.2 < k/x < k0}
     * (so {@code /} is an ordinary character, not a tree separator).
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("list returns keys in ascending string order")
    protected void listIsInAscendingKeyOrder() throws Exception {
        List<String> keys = new ArrayList<>(List.of(
                "0", "K", "k-1", "k.2", "k/B", "k/_x", "k/a-b/c", "k/a.b", "k/a/b-c/d", "k/a/b.c", "k/a/b/c",
                "k/a/b0", "k/a0", "k/z/z/z/z", "k0", "kA", "k_z", "l"));
        Collections.shuffle(keys, new Random(12));
        for (String k : keys) {
            put(key(k), k.getBytes(StandardCharsets.UTF_8));
        }
        List<String> expected = new ArrayList<>(keys);
        Collections.sort(expected);

        assertThat(listedKeys("")).containsExactlyElementsOf(expected);
        assertThat(listedKeys("k/a")).containsExactlyElementsOf(
                expected.stream().filter(k -> k.startsWith("k/a")).toList());
    }

    /**
     * Listing an empty target, or a prefix nothing matches, gives one empty last page.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("list of nothing is one empty last page")
    protected void listOfNothingIsEmptyLastPage() throws Exception {
        ObjectPage page = target.list("", null);
        assertThat(page.objects()).isEmpty();
        assertThat(page.continuationToken()).isNull();

        put(key("some/object"), new byte[] {1});
        ObjectPage other = target.list("other/", null);
        assertThat(other.objects()).isEmpty();
        assertThat(other.continuationToken()).isNull();
    }

    /**
     * Many objects are listed across several pages by following continuation tokens until there
     * is none, with no object missing, none twice, in ascending order.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("list pages through many objects with continuation tokens")
    protected void listPagesThroughManyObjects() throws Exception {
        int count = pagingObjectCount();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add(String.format("pages/object-%05d.bin", i));
        }
        List<String> decoys = List.of("pages-other/x.bin", "pagesz.bin", "page/x.bin", "a-first.bin", "z-last.bin");
        List<String> all = new ArrayList<>(expected);
        all.addAll(decoys);
        Collections.shuffle(all, new Random(13));
        List<Callable<Void>> writes = new ArrayList<>();
        for (String k : all) {
            writes.add(() -> {
                put(key(k), k.getBytes(StandardCharsets.UTF_8), Map.of(), WriteMode.CREATE_NEW);
                return null;
            });
        }
        runAll(writes, concurrency());

        List<String> listed = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String token = null;
        int pages = 0;
        do {
            ObjectPage page = target.list("pages/", token);
            pages++;
            for (ObjectInfo info : page.objects()) {
                String k = info.key().value();
                assertThat(seen.add(k)).as("key %s listed twice (page %d)", k, pages).isTrue();
                listed.add(k);
                assertThat(info.size()).as("size of %s", k).isEqualTo(k.getBytes(StandardCharsets.UTF_8).length);
            }
            token = page.continuationToken();
            assertThat(pages).as("pages needed for %d objects (endless listing?)", count).isLessThanOrEqualTo(count + 1);
        } while (token != null);

        assertThat(listed).as("keys listed under pages/").containsExactlyElementsOf(expected);
        if (count > listingPageSizeHint()) {
            assertThat(pages).as("pages for %d objects with page size %d", count, listingPageSizeHint())
                    .isGreaterThan(1);
        }
        assertThat(target.listAllObjects("")).hasSize(count + decoys.size());
        List<String> lazily = new ArrayList<>();
        target.listAll("pages/").forEach(info -> lazily.add(info.key().value()));
        assertThat(lazily).containsExactlyElementsOf(expected);
    }

    /**
     * {@link StorageTarget#listAll} and {@link StorageTarget#listAllObjects} agree with
     * {@link StorageTarget#list}, and listings report the same size as stat.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("listAll and listAllObjects agree with list and stat")
    protected void listHelpersAgreeWithListAndStat() throws Exception {
        for (int i = 0; i < 7; i++) {
            put(key("helpers/" + i + "/object.bin"), randomBytes(i * 100, 20 + i));
        }

        List<ObjectInfo> eager = target.listAllObjects("helpers/");
        List<ObjectInfo> lazy = new ArrayList<>();
        target.listAll("helpers/").forEach(lazy::add);
        List<ObjectInfo> firstPage = target.list("helpers/", null).objects();

        assertThat(eager).hasSize(7);
        assertThat(lazy).extracting(ObjectInfo::key).containsExactlyElementsOf(
                eager.stream().map(ObjectInfo::key).toList());
        assertThat(firstPage).as("first page").isNotEmpty();
        assertThat(firstPage).extracting(ObjectInfo::key).containsExactlyElementsOf(
                eager.subList(0, Math.min(firstPage.size(), eager.size())).stream().map(ObjectInfo::key).toList());
        for (ObjectInfo listed : eager) {
            ObjectInfo stat = target.stat(listed.key()).orElseThrow();
            assertThat(listed.size()).as("listed size of %s", listed.key()).isEqualTo(stat.size());
            assertCloseInTime(listed.lastModified(), stat.lastModified());
        }
    }

    /**
     * Deeply nested keys can be written, listed by any of their prefixes, read and deleted.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("nested keys work")
    protected void nestedKeysWork() throws Exception {
        ObjectKey key = key("a/b/c/d.txt");
        put(key, "deep".getBytes(StandardCharsets.UTF_8));

        for (String prefix : List.of("", "a", "a/", "a/b", "a/b/", "a/b/c/", "a/b/c/d", "a/b/c/d.txt")) {
            assertThat(listedKeys(prefix)).as("listing of prefix '%s'", prefix).containsExactly(key.value());
        }
        assertThat(read(key)).isEqualTo("deep".getBytes(StandardCharsets.UTF_8));
        assertThat(target.stat(key("a/b/c"))).as("a directory-like prefix is not an object").isEmpty();

        target.delete(key);
        assertThat(listedKeys("")).isEmpty();
        assertThat(target.stat(key)).isEmpty();
    }

    // ---------------------------------------------------------------- keys

    /**
     * Keys with spaces, {@code =}, {@code +}, {@code %}, other punctuation and non-ASCII
     * characters round-trip through write, stat, list, read and delete.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("keys with unusual but valid characters round-trip")
    protected void unusualKeysRoundTrip() throws Exception {
        List<String> keys = List.of(
                "with space/file name.txt",
                "k=v/date=2025-11-01/part=0.bin",
                "plus/a+b+c.txt",
                "percent/100%25 done %20.txt",
                "punct/a&b,c;d@e!f~g'h(i)[j]{k}$.txt",
                "unicode/日本語-ñ-ü-Ωμέγα.txt",
                "emoji/backup-\uD83D\uDE00.bin",
                ".hidden/.dotfile",
                "dots/x..y");
        for (String k : keys) {
            put(key(k), k.getBytes(StandardCharsets.UTF_8), Map.of(), WriteMode.CREATE_NEW);
        }

        assertThat(listedKeys("")).containsExactlyInAnyOrderElementsOf(keys);
        for (String k : keys) {
            ObjectKey key = key(k);
            assertThat(read(key)).as("content of '%s'", k).isEqualTo(k.getBytes(StandardCharsets.UTF_8));
            assertThat(target.stat(key)).as("stat of '%s'", k).get()
                    .extracting(ObjectInfo::key).isEqualTo(key);
            assertThat(listedKeys(k)).as("listing with the key '%s' as prefix", k).contains(k);
        }
        for (String k : keys) {
            target.delete(key(k));
        }
        assertThat(listedKeys("")).isEmpty();
    }

    /**
     * Keys that could escape a target's root are rejected by {@link ObjectKey} before any target
     * sees them.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("invalid keys are rejected before they reach the target")
    protected void invalidKeysNeverReachTheTarget() throws Exception {
        for (String bad : List.of("", "../escape", "a/../../escape", "/absolute", "a//b", "a/./b", "a/", ".",
                "..", "a\\b", "C:/windows", "a\u0000b")) {
            assertThatThrownBy(() -> ObjectKey.of(bad)).as("key '%s'", bad)
                    .isInstanceOf(InvalidInputException.class);
        }
        assertThat(listedKeys("")).isEmpty();
        assertThat(listedKeys("../")).isEmpty();
        assertThat(listedKeys("/")).isEmpty();
    }

    // ---------------------------------------------------------------- concurrency

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

    // ---------------------------------------------------------------- description

    /**
     * {@link StorageTarget#describe()} is a short, non-blank location.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("describe is not blank")
    protected void describeIsNotBlank() throws Exception {
        assertThat(target.describe()).isNotBlank();
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Creates a key.
     *
     * @param value the key text
     * @return the key
     */
    protected static ObjectKey key(String value) {
        return ObjectKey.of(value);
    }

    /**
     * Writes and commits an object in {@link WriteMode#OVERWRITE} mode without metadata.
     *
     * @param key  the key
     * @param data the bytes
     * @return what the commit returned
     * @throws IOException when the target failed
     */
    protected final ObjectInfo put(ObjectKey key, byte[] data) throws IOException {
        return put(key, data, Map.of(), WriteMode.OVERWRITE);
    }

    /**
     * Writes and commits an object, in chunks of varying size (single bytes, small and large
     * arrays) to exercise the target's stream.
     *
     * @param key      the key
     * @param data     the bytes
     * @param metadata the metadata
     * @param mode     the write mode
     * @return what the commit returned
     * @throws IOException when the target failed
     */
    protected final ObjectInfo put(ObjectKey key, byte[] data, Map<String, String> metadata, WriteMode mode)
            throws IOException {
        try (PendingObject pending = target.create(key, metadata, mode)) {
            OutputStream out = pending.stream();
            int offset = 0;
            int step = 0;
            int[] chunks = {1, 7, 64 * 1024 + 3, 1, 1000, 300 * 1024};
            while (offset < data.length) {
                int chunk = Math.min(chunks[step++ % chunks.length], data.length - offset);
                if (chunk == 1) {
                    out.write(data[offset]);
                } else {
                    out.write(data, offset, chunk);
                }
                offset += chunk;
            }
            return pending.commit();
        }
    }

    /**
     * Reads a whole object.
     *
     * @param key the key
     * @return the bytes
     * @throws IOException when the target failed
     */
    protected final byte[] read(ObjectKey key) throws IOException {
        try (InputStream in = target.open(key)) {
            return in.readAllBytes();
        }
    }

    /**
     * Lists every key under a prefix.
     *
     * @param prefix the prefix
     * @return the keys in listing order
     * @throws IOException when the target failed
     */
    protected final List<String> listedKeys(String prefix) throws IOException {
        return target.listAllObjects(prefix).stream().map(info -> info.key().value()).toList();
    }

    /**
     * Deterministic pseudo-random bytes.
     *
     * @param size how many
     * @param seed the seed
     * @return the bytes
     */
    protected static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /**
     * The lower-case hex SHA-256 of some bytes.
     *
     * @param data the bytes
     * @return the digest
     */
    protected static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private void assertCloseInTime(Instant actual, Instant expected) {
        assertThat(Duration.between(expected, actual).abs())
                .as("difference between %s and %s", actual, expected)
                .isLessThanOrEqualTo(clockTolerance());
    }

    private static <T> List<T> runAll(List<? extends Callable<T>> tasks, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(task));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                try {
                    results.add(future.get(10, TimeUnit.MINUTES));
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Exception exception) {
                        throw exception;
                    }
                    throw e;
                } catch (TimeoutException e) {
                    throw new AssertionError("a concurrent task did not finish within 10 minutes", e);
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
    }
}
