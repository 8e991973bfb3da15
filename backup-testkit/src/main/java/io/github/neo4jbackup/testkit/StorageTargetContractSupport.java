package io.github.neo4jbackup.testkit;

import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The base of the {@link StorageTargetContract} suite: the target of each test (created before
 * and handed to {@link #afterEachTarget(StorageTarget)} after it), the hooks a store's test
 * overrides to describe the store, and the helpers the contract tests share. Not to be extended
 * directly: extend {@link StorageTargetContract}.
 */
abstract class StorageTargetContractSupport {

    private static final int MIB = 1024 * 1024;
    /** How long the concurrency tests wait at their start barrier. */
    static final long BARRIER_TIMEOUT_SECONDS = 60;

    private StorageTarget target;

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

    /** Asserts that two instants are at most {@link #clockTolerance()} apart. */
    final void assertCloseInTime(Instant actual, Instant expected) {
        assertThat(Duration.between(expected, actual).abs())
                .as("difference between %s and %s", actual, expected)
                .isLessThanOrEqualTo(clockTolerance());
    }

    /** Runs tasks on {@code threads} threads and returns their results in order; the first failure is thrown. */
    static <T> List<T> runAll(List<? extends Callable<T>> tasks, int threads) throws Exception {
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
