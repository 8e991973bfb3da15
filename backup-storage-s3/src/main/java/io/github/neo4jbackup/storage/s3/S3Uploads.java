package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.WriteMode;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The multipart-upload machinery an {@link S3StorageTarget} shares between its pending writes
 * ({@link S3Upload}): the executor that sends parts (the caller's, or a pool of daemon threads the
 * target owns), the permits that bound the parts in flight over all writes, the pool of part
 * buffers, the uploads and temporary objects in progress (which {@link S3Deletes#cleanupIncomplete}
 * leaves alone), and the settings for cutting and publishing objects. Starts writes after checking
 * and normalizing their metadata. Thread-safe. Not API.
 */
final class S3Uploads {

    private static final int MAX_METADATA_BYTES = 2048;
    private static final Pattern METADATA_NAME = Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]+");
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final S3Bucket bucket;
    private final S3ExistingObjects existing;
    private final int partSize;
    private final MultipartCommit multipartCommit;
    private final long copyPartSize;
    private final Executor executor;
    private final ThreadPoolExecutor ownedExecutor;
    private final Semaphore permits;
    private final PartBufferPool pool;
    private final Set<String> activeUploads = ConcurrentHashMap.newKeySet();
    private final Set<String> activeTemporaryKeys = ConcurrentHashMap.newKeySet();

    /**
     * @param callerExecutor the caller's executor, or {@code null} to own a pool of
     *                       {@code maxPartsInFlight} daemon threads
     */
    S3Uploads(S3Bucket bucket, S3ExistingObjects existing, int partSize, int maxPartsInFlight, Executor callerExecutor,
              MultipartCommit multipartCommit, long copyPartSize) {
        this.bucket = bucket;
        this.existing = existing;
        this.partSize = partSize;
        this.multipartCommit = multipartCommit;
        this.copyPartSize = copyPartSize;
        if (callerExecutor != null) {
            this.ownedExecutor = null;
            this.executor = callerExecutor;
        } else {
            this.ownedExecutor = new ThreadPoolExecutor(maxPartsInFlight, maxPartsInFlight, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), runnable -> {
                        Thread t = new Thread(runnable, "neo4j-backup-s3-" + THREADS.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            this.ownedExecutor.allowCoreThreadTimeOut(true);
            this.executor = ownedExecutor;
        }
        this.permits = new Semaphore(maxPartsInFlight, true);
        this.pool = new PartBufferPool(partSize, maxPartsInFlight + 1);
    }

    /** Starts a write; the metadata is checked and normalized first. */
    S3Upload start(ObjectKey key, Map<String, String> metadata, WriteMode mode) {
        return new S3Upload(this, key, normalizedMetadata(metadata), mode);
    }

    /** Shuts the owned executor down (a caller's executor stays as it is). */
    void shutdown() {
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
    }

    S3Bucket bucket() {
        return bucket;
    }

    S3ExistingObjects existing() {
        return existing;
    }

    int partSize() {
        return partSize;
    }

    MultipartCommit multipartCommit() {
        return multipartCommit;
    }

    long copyPartSize() {
        return copyPartSize;
    }

    Executor executor() {
        return executor;
    }

    /** The permits of parts in flight, over all writes of the target. */
    Semaphore permits() {
        return permits;
    }

    PartBufferPool pool() {
        return pool;
    }

    // ------------------------------------------------------------------------------ writes in progress

    void uploadStarted(String uploadId) {
        activeUploads.add(uploadId);
    }

    void uploadEnded(String uploadId) {
        activeUploads.remove(uploadId);
    }

    boolean isActiveUpload(String uploadId) {
        return activeUploads.contains(uploadId);
    }

    void temporaryKeyInUse(String s3Key) {
        activeTemporaryKeys.add(s3Key);
    }

    void temporaryKeyReleased(String s3Key) {
        activeTemporaryKeys.remove(s3Key);
    }

    boolean isActiveTemporaryKey(String s3Key) {
        return activeTemporaryKeys.contains(s3Key);
    }

    // ------------------------------------------------------------------------------ metadata

    private static Map<String, String> normalizedMetadata(Map<String, String> metadata) {
        Map<String, String> normalized = new LinkedHashMap<>();
        int bytes = 0;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "metadata name").toLowerCase(Locale.ROOT);
            String value = Objects.requireNonNull(e.getValue(), "metadata value of " + name);
            if (!METADATA_NAME.matcher(name).matches()) {
                throw new InvalidInputException("The metadata name '" + name + "' cannot be stored in S3: use letters,"
                        + " digits, '-', '_' and '.'.");
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < 0x20 || c > 0x7e) {
                    throw new InvalidInputException("The value of metadata '" + name + "' contains a character S3"
                            + " metadata cannot carry (only printable ASCII is safe); encode the value first.");
                }
            }
            if (!value.equals(value.strip())) {
                throw new InvalidInputException("The value of metadata '" + name + "' starts or ends with spaces,"
                        + " which HTTP headers do not keep; strip it first.");
            }
            if (name.equals(ObjectInfo.SHA256_METADATA)) {
                continue; // always the real digest
            }
            normalized.put(name, value);
            bytes += name.length() + value.length();
        }
        if (bytes + ObjectInfo.SHA256_METADATA.length() + 64 > MAX_METADATA_BYTES) {
            throw new InvalidInputException("The metadata of an object is larger than S3's 2 KiB limit for user"
                    + " metadata; keep only short entries.");
        }
        return normalized;
    }
}
