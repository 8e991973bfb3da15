package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.ObjectExistsException;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectNotFoundException;
import io.github.neo4jbackup.core.spi.ObjectPage;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A {@link StorageTarget} in a bucket of an S3-compatible object store (AWS S3, Cloudflare R2,
 * MinIO, Ceph, S3Proxy), under an optional key prefix.
 *
 * <pre>{@code
 * try (S3StorageTarget target = S3StorageTarget.builder()
 *         .config(S3Config.builder().region("eu-central-1").build())   // or .client(callerOwnedClient)
 *         .bucket("acme-backups")
 *         .prefix("neo4j/prod")
 *         .encryption(S3Encryption.kms("alias/backups"))
 *         .build()) {
 *     BackupPipeline.builder().source(source).target(target).build().backup();
 * }
 * }</pre>
 *
 * <h2>Writing</h2>
 * The bytes written to a {@link S3PendingObject} are hashed (SHA-256) and cut into parts of exactly
 * {@link Builder#partSize(int)} bytes (all equal but the last, as Cloudflare R2 requires). An object
 * smaller than one part is sent with one {@code PutObject} at commit, its SHA-256 in the metadata.
 * Larger objects become a multipart upload whose parts are sent concurrently, at most
 * {@link Builder#maxPartsInFlight(int)} at a time for the whole target, so memory stays near
 * {@code partSize × (maxPartsInFlight + writers)} whatever the size of the backup. Nothing is
 * visible under the final key before {@link S3PendingObject#commit()}; see {@link MultipartCommit}
 * for how the SHA-256 gets into the metadata of multipart objects (a server-side copy from a
 * temporary key under {@code <prefix>.incomplete/}, which listings never show). Any failure, and
 * closing without a commit, aborts the multipart upload and deletes temporary objects.
 *
 * <p>{@link WriteMode#CREATE_NEW} is atomic through conditional writes ({@code If-None-Match: *},
 * see {@link ConditionalWrites}). When the store already holds an object with the same size,
 * SHA-256 and metadata under the key, the commit is skipped and reported
 * ({@link S3PendingObject#skipped()}): in {@code OVERWRITE} mode this saves the upload (or the
 * copy); in {@code CREATE_NEW} mode it makes a commit whose response was lost and that was sent
 * again succeed instead of failing with {@link ObjectExistsException}. A different object under the
 * key still fails with {@link ObjectExistsException}.
 *
 * <h2>Failures</h2>
 * Every request is retried on transient failures (5xx, throttling, timeouts, broken connections;
 * see {@link #isRetryable(IOException)}) with exponential backoff and jitter, a bounded number of
 * times (resilience4j). Reads resume after a broken connection at the byte where they stopped.
 * Failures surface as {@link IOException}s that say what failed, the store's error code and what to
 * do; they never contain credentials.
 *
 * <h2>Ownership</h2>
 * An {@link S3Client} given with {@link Builder#client(S3Client)} and an {@link Executor} given with
 * {@link Builder#executor(Executor)} belong to the caller. A client built from an {@link S3Config}
 * and the default executor belong to the target and are closed by {@link #close()}. Instances are
 * thread-safe.
 */
public final class S3StorageTarget implements StorageTarget, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(S3StorageTarget.class);

    /** The smallest part S3 accepts (except for the last part): 5 MiB. */
    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    /** The largest part size this target accepts: 512 MiB (memory holds several of them). */
    public static final int MAX_PART_SIZE = 512 * 1024 * 1024;
    /** The default part size: 8 MiB (objects up to about 78 GiB with S3's 10,000 parts). */
    public static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;
    /** The default number of parts uploaded at the same time. */
    public static final int DEFAULT_MAX_PARTS_IN_FLIGHT = 4;
    /** The most parts of one multipart upload (an S3 limit). */
    public static final int MAX_PARTS = 10_000;
    /** The default size of the ranges copied server-side when publishing a multipart object: 1 GiB. */
    public static final long DEFAULT_COPY_PART_SIZE = 1024L * 1024 * 1024;
    /** The largest part S3 copies in one request: 5 GiB. */
    public static final long MAX_COPY_PART_SIZE = 5L * 1024 * 1024 * 1024;
    /** The default number of attempts of one request (the first try included). */
    public static final int DEFAULT_MAX_ATTEMPTS = 6;
    /** The default wait before the first retry. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
    /** The default longest wait between retries. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(20);
    /** The folder under the prefix that holds temporary objects; keys under it are never listed. */
    public static final String INCOMPLETE_FOLDER = ".incomplete/";
    /** The content type of objects unless another is configured. */
    public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    private static final int FIRST_BUFFER = 64 * 1024;
    private static final int MAX_METADATA_BYTES = 2048;
    private static final int MAX_EMPTY_PAGES = 100;
    private static final Pattern METADATA_NAME = Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]+");
    private static final Duration ABORT_WAIT = Duration.ofMinutes(2);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final S3Client s3;
    private final boolean ownsClient;
    private final S3Config config;
    private final String bucket;
    private final String prefix;
    private final int partSize;
    private final int maxPartsInFlight;
    private final Executor executor;
    private final ThreadPoolExecutor ownedExecutor;
    private final Executor callerExecutor;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Retry retry;
    private final S3Encryption encryption;
    private final String storageClass;
    private final String contentType;
    private final MultipartCommit multipartCommit;
    private final ConditionalWrites conditionalWrites;
    private final boolean skipIdentical;
    private final int listPageSize;
    private final long copyPartSize;
    private final String description;
    private final Semaphore permits;
    private final PartBufferPool pool;
    private final Set<String> activeUploads = ConcurrentHashMap.newKeySet();
    private final Set<String> activeTemporaryKeys = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean conditionalUnsupported = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean bucketSeen = new AtomicBoolean();

    private S3StorageTarget(Builder b) {
        this.config = b.config;
        this.ownsClient = b.client == null;
        this.s3 = b.client != null ? b.client : b.config.buildClient();
        this.bucket = b.bucket;
        this.prefix = b.prefix;
        this.partSize = b.partSize;
        this.maxPartsInFlight = b.maxPartsInFlight;
        this.callerExecutor = b.executor;
        if (b.executor != null) {
            this.ownedExecutor = null;
            this.executor = b.executor;
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
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.retry = Retry.of("s3-" + bucket, RetryConfig.custom()
                .maxAttempts(maxAttempts)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(initialBackoff, 2.0, 0.5, maxBackoff))
                .retryOnException(S3Errors::isRetryable)
                .failAfterMaxAttempts(false)
                .build());
        this.encryption = b.encryption;
        this.storageClass = b.storageClass;
        this.contentType = b.contentType;
        this.multipartCommit = b.multipartCommit;
        this.conditionalWrites = b.conditionalWrites;
        this.skipIdentical = b.skipIdentical;
        this.listPageSize = b.listPageSize;
        this.copyPartSize = b.copyPartSize;
        this.permits = new Semaphore(maxPartsInFlight, true);
        this.pool = new PartBufferPool(partSize, maxPartsInFlight + 1);
        URI endpoint = b.client != null
                ? b.client.serviceClientConfiguration().endpointOverride().orElse(null)
                : b.config.endpoint().orElse(null);
        this.description = "s3://" + bucket + "/" + prefix
                + (endpoint == null ? "" : " (endpoint " + S3Config.sanitized(endpoint) + ")");
    }

    /**
     * A new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this target's configuration, to make a variant. A caller-owned client and
     * executor are shared with the variant; a configuration-built client is built anew for it.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        if (ownsClient) {
            b.config = config;
        } else {
            b.client = s3;
        }
        b.bucket = bucket;
        b.prefix = prefix;
        b.partSize = partSize;
        b.maxPartsInFlight = maxPartsInFlight;
        b.executor = callerExecutor;
        b.maxAttempts = maxAttempts;
        b.initialBackoff = initialBackoff;
        b.maxBackoff = maxBackoff;
        b.encryption = encryption;
        b.storageClass = storageClass;
        b.contentType = contentType;
        b.multipartCommit = multipartCommit;
        b.conditionalWrites = conditionalWrites;
        b.skipIdentical = skipIdentical;
        b.listPageSize = listPageSize;
        b.copyPartSize = copyPartSize;
        return b;
    }

    // ------------------------------------------------------------------------------ accessors

    /**
     * The bucket.
     *
     * @return the bucket name
     */
    public String bucket() {
        return bucket;
    }

    /**
     * The key prefix every object key is appended to: empty, or ending in {@code /}.
     *
     * @return the prefix
     */
    public String prefix() {
        return prefix;
    }

    /**
     * The size of every multipart part but the last.
     *
     * @return the part size in bytes
     */
    public int partSize() {
        return partSize;
    }

    /**
     * How many parts this target uploads at the same time at most (over all pending objects).
     *
     * @return the limit
     */
    public int maxPartsInFlight() {
        return maxPartsInFlight;
    }

    /**
     * How multipart objects are committed.
     *
     * @return the strategy
     */
    public MultipartCommit multipartCommit() {
        return multipartCommit;
    }

    /**
     * The S3 client in use (the caller's, or the one built from the configuration).
     *
     * @return the client
     */
    public S3Client client() {
        return s3;
    }

    /**
     * {@code s3://bucket/prefix}, followed by the endpoint (scheme, host and port only) when one is
     * configured. Never contains credentials.
     *
     * @return the description
     */
    @Override
    public String describe() {
        return description;
    }

    @Override
    public String toString() {
        return "S3StorageTarget[" + description + ", partSize=" + partSize + ", maxPartsInFlight=" + maxPartsInFlight
                + ", multipartCommit=" + multipartCommit + ", conditionalWrites=" + conditionalWrites
                + ", encryption=" + encryption + (storageClass == null ? "" : ", storageClass=" + storageClass) + "]";
    }

    // ------------------------------------------------------------------------------ checks

    /**
     * Checks that the bucket exists and the credentials may list the prefix, with one
     * {@code ListObjectsV2} request. Useful at start-up to fail early with a clear message.
     *
     * @throws IOException when the bucket is missing, the credentials are wrong or lack permission,
     *                     or the store cannot be reached; the message says which and what to do
     */
    public void checkAccess() throws IOException {
        call("access the bucket '" + bucket + "' (list " + prefix + ")", () -> s3.listObjectsV2(r -> r.bucket(bucket)
                .prefix(prefix).maxKeys(1)), null);
    }

    /**
     * Tells whether a failure of this target may go away when retried: S3 5xx errors, throttling
     * (429, 503 SlowDown), request timeouts, conflicting concurrent conditional writes (409), and
     * broken, reset or timed-out connections. Missing objects, taken keys, access denied, missing
     * buckets, bad requests and unknown hosts are permanent. The target already retried such
     * failures before throwing them.
     *
     * @param failure a failure thrown by this target
     * @return {@code true} if a later retry may succeed
     */
    @Override
    public boolean isRetryable(IOException failure) {
        return S3Errors.isRetryable(failure);
    }

    // ------------------------------------------------------------------------------ reading

    /**
     * Opens an object for reading. A read that fails on a broken connection resumes where it
     * stopped (same object version), up to the configured attempts.
     *
     * @param key the key
     * @return the object's bytes
     * @throws ObjectNotFoundException when there is no such object
     * @throws IOException             when the store failed
     */
    @Override
    public InputStream open(ObjectKey key) throws IOException {
        Objects.requireNonNull(key, "key");
        if (isReserved(key.value())) {
            throw new ObjectNotFoundException(key);
        }
        String s3Key = s3Key(key);
        String what = "read '" + key + "'";
        ResponseInputStream<GetObjectResponse> first;
        try {
            first = call(what, () -> s3.getObject(r -> r.bucket(bucket).key(s3Key)), null);
        } catch (IOException e) {
            if (S3Errors.status(e) == 404 && !"NoSuchBucket".equals(S3Errors.code(e))) {
                throw new ObjectNotFoundException(key);
            }
            throw e;
        }
        return new ResumingInputStream(what, first, (position, eTag) -> {
            try {
                return call(what + " from byte " + position, () -> s3.getObject(GetObjectRequest.builder()
                        .bucket(bucket).key(s3Key).range("bytes=" + position + "-").ifMatch(eTag).build()), null);
            } catch (IOException e) {
                if (S3Errors.status(e) == 412) {
                    throw new S3Errors.S3IOException("Cannot resume reading '" + key + "' on " + description
                            + ": the object was replaced while it was read. Read it again.", e);
                }
                throw e;
            }
        }, maxAttempts - 1);
    }

    /**
     * Describes an object with {@code HeadObject}: size, modification time (second precision) and
     * user metadata (names in lower case), including {@value ObjectInfo#SHA256_METADATA} where this
     * target recorded it.
     *
     * @param key the key
     * @return the description, or empty when there is no such object
     * @throws IOException when the store failed
     */
    @Override
    public Optional<ObjectInfo> stat(ObjectKey key) throws IOException {
        Objects.requireNonNull(key, "key");
        if (isReserved(key.value())) {
            return Optional.empty();
        }
        return head(s3Key(key), "stat '" + key + "'").map(h -> info(key, h));
    }

    private Optional<HeadObjectResponse> head(String s3Key, String what) throws IOException {
        try {
            return Optional.of(call(what, () -> s3.headObject(r -> r.bucket(bucket).key(s3Key)), null));
        } catch (IOException e) {
            if (S3Errors.status(e) == 404) {
                // HEAD responses have no body, so a missing bucket looks like a missing key: tell them apart
                checkBucketExists(e);
                return Optional.empty();
            }
            throw e;
        }
    }

    private void checkBucketExists(IOException headFailure) throws IOException {
        if (bucketSeen.get()) {
            return;
        }
        try {
            call("access the bucket '" + bucket + "'", () -> s3.headBucket(r -> r.bucket(bucket)), null);
            bucketSeen.set(true);
        } catch (IOException e) {
            if (S3Errors.status(e) == 404) {
                throw S3Errors.translate("access the bucket '" + bucket + "'", description, bucket, e.getCause(), 1);
            }
            // 403 on HeadBucket: permissions on the bucket itself are not needed; the key is just missing
        }
    }

    private static ObjectInfo info(ObjectKey key, HeadObjectResponse h) {
        Instant modified = h.lastModified() == null ? Instant.now() : h.lastModified();
        return new ObjectInfo(key, h.contentLength() == null ? 0 : h.contentLength(), modified, h.metadata());
    }

    // ------------------------------------------------------------------------------ listing

    /**
     * Lists objects whose key starts with {@code prefix} with {@code ListObjectsV2}, one page of up
     * to {@link Builder#listPageSize(int)} keys (1000 by default) at a time, in the store's key order
     * (UTF-8 byte order on AWS S3). The continuation token is S3's. Temporary objects (under
     * {@value #INCOMPLETE_FOLDER}) and keys that are not valid {@link ObjectKey}s (folder markers
     * ending in {@code /}, for example) are left out. Listings carry no user metadata.
     *
     * @param prefix            a key prefix; {@code null} or empty for everything
     * @param continuationToken {@code null} for the first page, else the previous page's token
     * @return the page
     * @throws IOException when the store failed
     */
    @Override
    public ObjectPage list(String prefix, String continuationToken) throws IOException {
        if (prefix != null && !prefixCanMatch(prefix)) {
            return new ObjectPage(List.of(), null); // no valid key starts with it; some stores reject such prefixes
        }
        String fullPrefix = this.prefix + (prefix == null ? "" : prefix);
        String token = continuationToken;
        for (int round = 0; ; round++) {
            String pageToken = token;
            ListObjectsV2Response response = call("list '" + (prefix == null ? "" : prefix) + "'",
                    () -> s3.listObjectsV2(r -> r.bucket(bucket).prefix(fullPrefix).maxKeys(listPageSize)
                            .continuationToken(pageToken)), null);
            List<ObjectInfo> objects = new ArrayList<>();
            for (S3Object o : response.contents()) {
                String relative = o.key().substring(Math.min(this.prefix.length(), o.key().length()));
                if (!o.key().startsWith(this.prefix) || isReserved(relative) || ObjectKey.problem(relative) != null) {
                    LOG.debug("Listing of {} skips '{}' (temporary object or not a valid key)", description, o.key());
                    continue;
                }
                objects.add(new ObjectInfo(ObjectKey.of(relative), o.size() == null ? 0 : o.size(),
                        o.lastModified() == null ? Instant.EPOCH : o.lastModified(), Map.of()));
            }
            String next = Boolean.TRUE.equals(response.isTruncated()) ? response.nextContinuationToken() : null;
            if (!objects.isEmpty() || next == null || round >= MAX_EMPTY_PAGES) {
                return new ObjectPage(objects, next);
            }
            token = next; // a page of temporary objects only: go on rather than hand out an empty page
        }
    }

    /** Whether some valid, non-reserved {@link ObjectKey} can start with a listing prefix. */
    private static boolean prefixCanMatch(String prefix) {
        if (prefix.isEmpty()) {
            return true;
        }
        if (prefix.startsWith("/") || isReserved(prefix)) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c == '\\' || Character.isISOControl(c)) {
                return false;
            }
        }
        int slash = prefix.lastIndexOf('/');
        return slash < 0 || ObjectKey.problem(prefix.substring(0, slash)) == null;
    }

    // ------------------------------------------------------------------------------ deleting

    /**
     * Deletes an object. Deleting a missing object is not an error.
     *
     * @param key the key
     * @throws IOException when the store failed
     */
    @Override
    public void delete(ObjectKey key) throws IOException {
        Objects.requireNonNull(key, "key");
        if (isReserved(key.value())) {
            return;
        }
        String s3Key = s3Key(key);
        call("delete '" + key + "'", () -> s3.deleteObject(r -> r.bucket(bucket).key(s3Key)), null);
    }

    /**
     * Deletes objects with {@code DeleteObjects}, at most 1000 keys per request. Keys the store
     * refuses to delete are collected over all batches and reported together in an
     * {@link S3DeleteException}; missing keys are not errors. Stores without {@code DeleteObjects}
     * ({@code 501}) are served one {@code DeleteObject} at a time.
     *
     * @param keys the keys (duplicates are removed)
     * @throws S3DeleteException when some keys could not be deleted (the others were)
     * @throws IOException       when a request failed
     */
    @Override
    public void deleteAll(Collection<ObjectKey> keys) throws IOException {
        Objects.requireNonNull(keys, "keys");
        List<ObjectKey> unique = new ArrayList<>(new LinkedHashSet<>(keys));
        unique.removeIf(k -> isReserved(k.value()));
        Map<ObjectKey, String> failures = new LinkedHashMap<>();
        for (int from = 0; from < unique.size(); from += 1000) {
            List<ObjectKey> batch = unique.subList(from, Math.min(unique.size(), from + 1000));
            List<ObjectIdentifier> ids = batch.stream()
                    .map(k -> ObjectIdentifier.builder().key(s3Key(k)).build()).toList();
            DeleteObjectsResponse response;
            try {
                response = call("delete " + batch.size() + " objects", () -> s3.deleteObjects(r -> r.bucket(bucket)
                        .delete(d -> d.objects(ids).quiet(true))), null);
            } catch (IOException e) {
                if (S3Errors.status(e) == 501) {
                    for (ObjectKey key : batch) {
                        delete(key);
                    }
                    continue;
                }
                throw e;
            }
            for (S3Error error : response.errors()) {
                if ("NoSuchKey".equals(error.code())) {
                    continue;
                }
                String relative = error.key() != null && error.key().startsWith(prefix)
                        ? error.key().substring(prefix.length()) : error.key();
                ObjectKey key = relative != null && ObjectKey.problem(relative) == null ? ObjectKey.of(relative) : null;
                if (key != null) {
                    failures.put(key, error.code() + (error.message() == null ? "" : ": " + error.message()));
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new S3DeleteException(description, unique.size(), failures);
        }
    }

    /**
     * Aborts multipart uploads under the prefix started before {@code olderThan} and deletes
     * temporary objects under {@code <prefix>}{@value #INCOMPLETE_FOLDER} last modified before it:
     * the leftovers of processes killed in the middle of a write. Uploads in progress in this target
     * are left alone. Without permission to list multipart uploads ({@code 403}), uploads are left
     * to the bucket's lifecycle rule and a warning is logged.
     *
     * @param olderThan only leftovers started before this instant are removed
     * @return how many uploads were aborted plus how many temporary objects were deleted
     * @throws IOException when the store failed
     */
    @Override
    public int cleanupIncomplete(Instant olderThan) throws IOException {
        Objects.requireNonNull(olderThan, "olderThan");
        int removed = 0;
        String keyMarker = null;
        String uploadIdMarker = null;
        while (true) {
            String km = keyMarker;
            String um = uploadIdMarker;
            ListMultipartUploadsResponse response;
            try {
                response = call("list incomplete multipart uploads", () -> s3.listMultipartUploads(r -> r
                        .bucket(bucket).prefix(prefix).keyMarker(km).uploadIdMarker(um)), null);
            } catch (IOException e) {
                if (S3Errors.status(e) != 403) {
                    throw e;
                }
                LOG.warn("Cannot list incomplete multipart uploads on {} (403: s3:ListBucketMultipartUploads is not"
                        + " granted); leaving them to the bucket's lifecycle rule", description);
                break;
            }
            for (MultipartUpload upload : response.uploads()) {
                if (activeUploads.contains(upload.uploadId()) || upload.initiated() == null
                        || !upload.initiated().isBefore(olderThan)) {
                    continue;
                }
                try {
                    call("abort the incomplete upload of '" + upload.key() + "'", () -> s3.abortMultipartUpload(r -> r
                            .bucket(bucket).key(upload.key()).uploadId(upload.uploadId())), null);
                    removed++;
                    LOG.info("Aborted incomplete multipart upload of {} started {} on {}", upload.key(),
                            upload.initiated(), description);
                } catch (IOException e) {
                    if (S3Errors.status(e) != 404) {
                        throw e;
                    }
                }
            }
            if (!Boolean.TRUE.equals(response.isTruncated())) {
                break;
            }
            keyMarker = response.nextKeyMarker();
            uploadIdMarker = response.nextUploadIdMarker();
        }
        List<String> stale = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            ListObjectsV2Response page = call("list temporary objects", () -> s3.listObjectsV2(r -> r.bucket(bucket)
                    .prefix(prefix + INCOMPLETE_FOLDER).continuationToken(t)), null);
            for (S3Object o : page.contents()) {
                if (!activeTemporaryKeys.contains(o.key()) && o.lastModified() != null
                        && o.lastModified().isBefore(olderThan)) {
                    stale.add(o.key());
                }
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        for (String key : stale) {
            call("delete the temporary object '" + key + "'", () -> s3.deleteObject(r -> r.bucket(bucket).key(key)),
                    null);
            removed++;
            LOG.info("Deleted temporary object {} left by an incomplete write on {}", key, description);
        }
        return removed;
    }

    // ------------------------------------------------------------------------------ writing

    /**
     * Starts writing an object. No request is sent until the first part is full or the commit.
     *
     * @param key      the key; must not start with {@value #INCOMPLETE_FOLDER}
     * @param metadata user metadata: names of letters, digits and {@code -_.} (stored in lower
     *                 case), values of printable ASCII, at most 2 KiB in all; a
     *                 {@value ObjectInfo#SHA256_METADATA} entry is replaced by the real digest
     * @param mode     what to do if the key exists at commit time
     * @return the pending write
     * @throws InvalidInputException when the key is reserved or the metadata cannot be stored in S3
     * @throws IOException           when the target is closed
     */
    @Override
    public S3PendingObject create(ObjectKey key, Map<String, String> metadata, WriteMode mode) throws IOException {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(mode, "mode");
        if (isReserved(key.value())) {
            throw new InvalidInputException("The key '" + key + "' lies in '" + INCOMPLETE_FOLDER + "', which the S3"
                    + " storage target reserves for temporary objects. Choose another key.");
        }
        if (closed.get()) {
            throw new S3Errors.S3IOException("Cannot write '" + key + "' to " + description + ": the target is closed.",
                    null);
        }
        return new Upload(key, normalizedMetadata(metadata == null ? Map.of() : metadata), mode);
    }

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

    private String s3Key(ObjectKey key) {
        return prefix + key.value();
    }

    private static boolean isReserved(String relativeKey) {
        return relativeKey.startsWith(INCOMPLETE_FOLDER);
    }

    private boolean useConditional() {
        return conditionalWrites == ConditionalWrites.REQUIRED
                || conditionalWrites == ConditionalWrites.AUTO && !conditionalUnsupported.get();
    }

    /** Whether a failure is the store saying it does not implement conditional writes. */
    private boolean conditionalNotImplemented(IOException e) throws IOException {
        if (S3Errors.status(e) != 501 && !"NotImplemented".equals(S3Errors.code(e))) {
            return false;
        }
        if (conditionalWrites == ConditionalWrites.REQUIRED) {
            throw new S3Errors.S3IOException("The store behind " + description + " does not implement conditional"
                    + " writes (If-None-Match), so CREATE_NEW cannot be atomic. Use ConditionalWrites.DISABLED to accept"
                    + " a non-atomic existence check, or use a store that supports them.", e);
        }
        if (conditionalUnsupported.compareAndSet(false, true)) {
            LOG.warn("The store behind {} does not implement conditional writes (If-None-Match); CREATE_NEW falls back"
                    + " to a non-atomic existence check on this target", description);
        }
        return true;
    }

    private void applyObjectSettings(PutObjectRequest.Builder put) {
        put.contentType(contentType);
        if (storageClass != null) {
            put.storageClass(storageClass);
        }
        switch (encryption.kind()) {
            case SSE_S3 -> put.serverSideEncryption(ServerSideEncryption.AES256);
            case SSE_KMS -> {
                put.serverSideEncryption(ServerSideEncryption.AWS_KMS);
                encryption.kmsKeyId().ifPresent(put::ssekmsKeyId);
                if (encryption.bucketKeyEnabled()) {
                    put.bucketKeyEnabled(true);
                }
            }
            default -> { }
        }
    }

    private CreateMultipartUploadRequest multipartRequest(String s3Key, Map<String, String> metadata,
                                                          boolean temporary) {
        CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket(bucket).key(s3Key)
                .contentType(contentType).metadata(metadata);
        if (storageClass != null && !temporary) {
            create.storageClass(storageClass);
        }
        switch (encryption.kind()) {
            case SSE_S3 -> create.serverSideEncryption(ServerSideEncryption.AES256);
            case SSE_KMS -> {
                create.serverSideEncryption(ServerSideEncryption.AWS_KMS);
                encryption.kmsKeyId().ifPresent(create::ssekmsKeyId);
                if (encryption.bucketKeyEnabled()) {
                    create.bucketKeyEnabled(true);
                }
            }
            default -> { }
        }
        return create.build();
    }

    // ------------------------------------------------------------------------------ requests

    /**
     * Runs one S3 request with the target's retry policy and turns SDK failures into worded
     * IOExceptions.
     *
     * @param what      what the request does, for messages
     * @param request   the request
     * @param cancelled checked before every attempt (may be {@code null})
     */
    private <T> T call(String what, Supplier<T> request, BooleanSupplier cancelled) throws IOException {
        AtomicInteger attempts = new AtomicInteger();
        try {
            return retry.executeSupplier(() -> {
                if (cancelled != null && cancelled.getAsBoolean()) {
                    throw new CancellationException("aborted");
                }
                int attempt = attempts.incrementAndGet();
                try {
                    return request.get();
                } catch (SdkException e) {
                    if (attempt < maxAttempts && S3Errors.isRetryable(e)) {
                        LOG.warn("Could not {} on {} (attempt {} of {}): {}; retrying", what, description, attempt,
                                maxAttempts, shortReason(e));
                    }
                    throw e;
                }
            });
        } catch (SdkException | CancellationException e) {
            throw S3Errors.translate(what, description, bucket, e, attempts.get());
        }
    }

    private static String shortReason(Throwable e) {
        String message = e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int paren = message.indexOf(" (Service:");
        return paren > 0 ? message.substring(0, paren) : message;
    }

    // ------------------------------------------------------------------------------ lifecycle

    /**
     * Closes what the target owns: the client built from an {@link S3Config} and the default
     * executor. A caller's client and executor stay open. Pending writes should be committed or
     * aborted before. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
        if (ownsClient) {
            s3.close();
        }
    }

    // ------------------------------------------------------------------------------ uploads

    private enum State { OPEN, COMMITTED, ABORTED }

    /** One pending write: buffers parts, uploads them concurrently, publishes at commit. */
    private final class Upload implements S3PendingObject {
        private final ObjectKey key;
        private final String s3Key;
        private final Map<String, String> metadata;
        private final WriteMode mode;
        private final MessageDigest digest = newDigest();
        private final OutputStream stream = new UploadStream();
        private final List<CompletableFuture<CompletedPart>> parts = new ArrayList<>();
        private final AtomicReference<Throwable> partFailure = new AtomicReference<>();
        private final AtomicInteger partsDone = new AtomicInteger();
        private volatile boolean aborting;
        private volatile State state = State.OPEN;
        private boolean committing;
        private boolean streamClosed;
        private boolean skipped;
        private long size;
        private byte[] buffer;
        private int filled;
        private String uploadKey;
        private String uploadId;
        private String temporaryObject;
        private String copyUploadId;

        Upload(ObjectKey key, Map<String, String> metadata, WriteMode mode) {
            this.key = key;
            this.s3Key = s3Key(key);
            this.metadata = metadata;
            this.mode = mode;
        }

        @Override
        public ObjectKey key() {
            return key;
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public boolean skipped() {
            return skipped;
        }

        @Override
        public int partsUploaded() {
            return partsDone.get();
        }

        // -------------------------------------------------------------------- writing

        private void write(byte[] b, int off, int len) throws IOException {
            checkWritable();
            while (len > 0) {
                if (buffer == null) {
                    buffer = uploadId == null ? new byte[Math.min(FIRST_BUFFER, partSize)] : pool.take();
                }
                if (filled == buffer.length) {
                    // only the first buffer grows: double it, up to one part
                    byte[] larger = new byte[(int) Math.min(partSize, Math.max(2L * buffer.length, filled + len))];
                    System.arraycopy(buffer, 0, larger, 0, filled);
                    buffer = larger;
                }
                int n = Math.min(len, buffer.length - filled);
                System.arraycopy(b, off, buffer, filled, n);
                digest.update(b, off, n);
                filled += n;
                size += n;
                off += n;
                len -= n;
                if (filled == partSize) {
                    sendPart();
                }
            }
        }

        private void checkWritable() throws IOException {
            if (state != State.OPEN || committing || aborting) {
                throw new S3Errors.S3IOException("Cannot write to '" + key + "' on " + description + ": the write was "
                        + (state == State.COMMITTED ? "already committed" : committing ? "being committed"
                        : "aborted") + ".", null);
            }
            if (streamClosed) {
                throw new S3Errors.S3IOException("Cannot write to '" + key + "': its stream was closed.", null);
            }
            checkPartFailure();
        }

        private void checkPartFailure() throws IOException {
            Throwable failure = partFailure.get();
            if (failure != null) {
                throw failure instanceof IOException io
                        ? new S3Errors.S3IOException(io.getMessage(), io)
                        : S3Errors.translate("upload a part of '" + key + "'", description, bucket, failure, 1);
            }
        }

        /** Hands the full (or, at commit, the last) buffer to the executor as the next part. */
        private void sendPart() throws IOException {
            if (uploadId == null) {
                startMultipart();
            }
            int partNumber = parts.size() + 1;
            if (partNumber > MAX_PARTS) {
                throw new S3Errors.S3IOException("Cannot write '" + key + "' to " + description + ": the object is"
                        + " larger than " + MAX_PARTS + " parts of " + partSize + " bytes (S3's limit). Configure a"
                        + " larger part size (partSize) for backups of this size.", null);
            }
            byte[] data = buffer;
            int length = filled;
            buffer = null;
            filled = 0;
            acquirePermit();
            String what = "upload part " + partNumber + " of '" + key + "'";
            String id = uploadId;
            String target = uploadKey;
            CompletableFuture<CompletedPart> future;
            try {
                future = CompletableFuture.supplyAsync(() -> {
                    try {
                        UploadPartResponse response = call(what, () -> s3.uploadPart(UploadPartRequest.builder()
                                        .bucket(bucket).key(target).uploadId(id).partNumber(partNumber)
                                        .contentLength((long) length).build(),
                                RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length),
                                        length, contentType)), () -> aborting);
                        partsDone.incrementAndGet();
                        return CompletedPart.builder().partNumber(partNumber).eTag(response.eTag())
                                .checksumCRC32(response.checksumCRC32()).checksumCRC32C(response.checksumCRC32C())
                                .checksumCRC64NVME(response.checksumCRC64NVME())
                                .checksumSHA1(response.checksumSHA1()).checksumSHA256(response.checksumSHA256())
                                .build();
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    } finally {
                        pool.release(data); // before the permit, so the writer it wakes reuses this buffer
                        permits.release();
                    }
                }, executor);
            } catch (RejectedExecutionException e) {
                pool.release(data);
                permits.release();
                throw new S3Errors.S3IOException("Cannot upload part " + partNumber + " of '" + key + "': the executor"
                        + " rejected the task (was it shut down?).", e);
            }
            future.whenComplete((part, failure) -> {
                if (failure != null) {
                    partFailure.compareAndSet(null, failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure);
                }
            });
            parts.add(future);
        }

        private void acquirePermit() throws IOException {
            boolean interrupted = false;
            try {
                while (true) {
                    if (aborting) {
                        throw new S3Errors.S3IOException("Cannot write to '" + key + "': the write was aborted.", null);
                    }
                    checkPartFailure();
                    try {
                        if (permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                            return;
                        }
                    } catch (InterruptedException e) {
                        interrupted = true;
                        throw new S3Errors.S3IOException("Interrupted while writing '" + key + "' to " + description
                                + ".", e);
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void startMultipart() throws IOException {
            boolean temporary = multipartCommit == MultipartCommit.COPY_WITH_SHA256;
            String target = temporary ? prefix + INCOMPLETE_FOLDER + UUID.randomUUID() : s3Key;
            Map<String, String> meta = temporary ? Map.of("final-key", asciiOrHash(key.value())) : metadata;
            if (temporary) {
                activeTemporaryKeys.add(target);
            }
            String id = call("start the multipart upload of '" + key + "'",
                    () -> s3.createMultipartUpload(multipartRequest(target, meta, temporary)), null).uploadId();
            uploadKey = target;
            uploadId = id;
            activeUploads.add(id);
        }

        private List<CompletedPart> awaitParts(List<CompletableFuture<CompletedPart>> futures) throws IOException {
            List<CompletedPart> done = new ArrayList<>();
            for (CompletableFuture<CompletedPart> future : futures) {
                try {
                    done.add(future.get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    throw cause instanceof IOException io ? io
                            : S3Errors.translate("upload a part of '" + key + "'", description, bucket, cause, 1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new S3Errors.S3IOException("Interrupted while committing '" + key + "'.", e);
                }
            }
            return done;
        }

        // -------------------------------------------------------------------- commit

        @Override
        public synchronized ObjectInfo commit() throws IOException {
            if (state != State.OPEN || aborting) {
                throw new S3Errors.S3IOException("Cannot commit '" + key + "' on " + description + ": the write was"
                        + " already " + (state == State.COMMITTED ? "committed" : "aborted")
                        + ". Start a new write with create().", null);
            }
            committing = true;
            boolean published = false;
            try {
                checkPartFailure();
                String sha256 = HexFormat.of().formatHex(digest.digest());
                Map<String, String> meta = new LinkedHashMap<>(metadata);
                meta.put(ObjectInfo.SHA256_METADATA, sha256);
                ObjectInfo info = uploadId == null ? commitSingle(sha256, meta) : commitMultipart(sha256, meta);
                published = true;
                state = State.COMMITTED;
                return info;
            } finally {
                committing = false;
                if (!published) {
                    discard();
                }
            }
        }

        private ObjectInfo commitSingle(String sha256, Map<String, String> meta) throws IOException {
            byte[] data = buffer == null ? new byte[0] : buffer;
            int length = filled;
            Optional<ObjectInfo> same = skipIfIdentical(sha256, meta);
            if (same.isPresent()) {
                return same.get();
            }
            boolean conditional = mode == WriteMode.CREATE_NEW && useConditional();
            while (true) {
                if (mode == WriteMode.CREATE_NEW && !conditional) {
                    Optional<ObjectInfo> existing = existingInsteadOfNew(sha256, meta, false);
                    if (existing.isPresent()) {
                        return existing.get();
                    }
                }
                PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(bucket).key(s3Key).metadata(meta)
                        .contentLength((long) length);
                applyObjectSettings(put);
                if (conditional) {
                    put.ifNoneMatch("*");
                }
                PutObjectRequest request = put.build();
                try {
                    call("upload '" + key + "'", () -> s3.putObject(request, RequestBody.fromContentProvider(
                            () -> new ByteArrayInputStream(data, 0, length), length, contentType)), null);
                    break;
                } catch (IOException e) {
                    if (conditional && S3Errors.status(e) == 412) {
                        return existingInsteadOfNew(sha256, meta, true).orElseThrow();
                    }
                    if (conditional && conditionalNotImplemented(e)) {
                        conditional = false;
                        continue;
                    }
                    throw e;
                }
            }
            pool.release(buffer);
            buffer = null;
            return committedInfo();
        }

        private ObjectInfo commitMultipart(String sha256, Map<String, String> meta) throws IOException {
            if (filled > 0) {
                sendPart();
            } else {
                pool.release(buffer);
                buffer = null;
            }
            List<CompletedPart> done = awaitParts(parts);
            if (multipartCommit == MultipartCommit.DIRECT) {
                Optional<ObjectInfo> same = skipIfIdentical(sha256, meta);
                if (same.isPresent() || !completeOnFinalKey(uploadId, done, sha256, meta)) {
                    abortUpload(uploadKey, uploadId); // identical content is stored already
                    uploadId = null;
                    return same.isPresent() ? same.get() : committedInfo();
                }
                activeUploads.remove(uploadId);
                uploadId = null;
                return committedInfo();
            }
            String id = uploadId;
            try {
                call("complete the upload of '" + key + "'", () -> s3.completeMultipartUpload(r -> r.bucket(bucket)
                        .key(uploadKey).uploadId(id).multipartUpload(m -> m.parts(done))), null);
            } catch (IOException e) {
                if (!completedBefore(e, uploadKey, null, Map.of())) {
                    throw e;
                }
            }
            activeUploads.remove(id);
            uploadId = null;
            temporaryObject = uploadKey;
            Optional<ObjectInfo> same = skipIfIdentical(sha256, meta);
            if (same.isPresent()) {
                deleteTemporary();
                return same.get();
            }
            copyToFinalKey(sha256, meta);
            deleteTemporary();
            return committedInfo();
        }

        /** Copies the completed temporary object into a multipart upload on the final key with the SHA-256. */
        private void copyToFinalKey(String sha256, Map<String, String> meta) throws IOException {
            String id = call("start publishing '" + key + "'",
                    () -> s3.createMultipartUpload(multipartRequest(s3Key, meta, false)), null).uploadId();
            copyUploadId = id;
            activeUploads.add(id);
            String source = temporaryObject;
            List<CompletableFuture<CompletedPart>> copies = new ArrayList<>();
            int partNumber = 0;
            for (long from = 0; from < size || partNumber == 0; from += copyPartSize) {
                long to = Math.min(size, from + copyPartSize) - 1;
                int number = ++partNumber;
                String range = "bytes=" + from + "-" + to;
                acquirePermit();
                try {
                    copies.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            UploadPartCopyResponse response = call("copy part " + number + " of '" + key + "'",
                                    () -> s3.uploadPartCopy(r -> r.sourceBucket(bucket).sourceKey(source)
                                            .destinationBucket(bucket).destinationKey(s3Key).uploadId(id)
                                            .partNumber(number).copySourceRange(range)), () -> aborting);
                            return CompletedPart.builder().partNumber(number).eTag(response.copyPartResult().eTag())
                                    .build();
                        } catch (IOException e) {
                            throw new CompletionException(e);
                        } finally {
                            permits.release();
                        }
                    }, executor));
                } catch (RejectedExecutionException e) {
                    permits.release();
                    throw new S3Errors.S3IOException("Cannot copy '" + key + "': the executor rejected the task.", e);
                }
            }
            List<CompletedPart> done = awaitParts(copies);
            if (!completeOnFinalKey(id, done, sha256, meta)) {
                abortUpload(s3Key, id); // identical content is stored already
            }
            activeUploads.remove(id);
            copyUploadId = null;
        }

        /**
         * Completes an upload on the final key, conditionally for CREATE_NEW. Returns {@code false}
         * when the key already holds identical content (the upload is then to be aborted).
         */
        private boolean completeOnFinalKey(String id, List<CompletedPart> done, String sha256, Map<String, String> meta)
                throws IOException {
            boolean conditional = mode == WriteMode.CREATE_NEW && useConditional();
            while (true) {
                if (mode == WriteMode.CREATE_NEW && !conditional) {
                    Optional<ObjectInfo> existing = existingInsteadOfNew(sha256, meta, false);
                    if (existing.isPresent()) {
                        return false;
                    }
                }
                CompleteMultipartUploadRequest.Builder complete = CompleteMultipartUploadRequest.builder()
                        .bucket(bucket).key(s3Key).uploadId(id).multipartUpload(m -> m.parts(done));
                if (conditional) {
                    complete.ifNoneMatch("*");
                }
                CompleteMultipartUploadRequest request = complete.build();
                try {
                    call("publish '" + key + "'", () -> s3.completeMultipartUpload(request), null);
                    return true;
                } catch (IOException e) {
                    if (completedBefore(e, s3Key, sha256, meta)) {
                        return true;
                    }
                    if (conditional && S3Errors.status(e) == 412) {
                        existingInsteadOfNew(sha256, meta, true); // throws unless identical
                        return false;
                    }
                    if (conditional && conditionalNotImplemented(e)) {
                        conditional = false;
                        continue;
                    }
                    throw e;
                }
            }
        }

        /**
         * Whether a completion failed only because an earlier attempt of it, whose answer was lost,
         * had completed the upload already ({@code 404 NoSuchUpload}, and the object is there with
         * this size and metadata, and this SHA-256 where recorded).
         */
        private boolean completedBefore(IOException failure, String objectKey, String sha256, Map<String, String> meta)
                throws IOException {
            if (!"NoSuchUpload".equals(S3Errors.code(failure))) {
                return false;
            }
            Optional<HeadObjectResponse> h = head(objectKey, "stat '" + key + "'");
            if (h.isEmpty() || h.get().contentLength() == null || h.get().contentLength() != size) {
                return false;
            }
            Map<String, String> stored = h.get().metadata();
            for (Map.Entry<String, String> e : meta.entrySet()) {
                String value = stored.get(e.getKey());
                boolean digest = e.getKey().equals(ObjectInfo.SHA256_METADATA);
                if (value == null ? !(digest && multipartCommit == MultipartCommit.DIRECT)
                        : digest ? !value.equalsIgnoreCase(e.getValue()) : !value.equals(e.getValue())) {
                    return false;
                }
            }
            LOG.info("The upload of '{}' to {} had been completed by an earlier attempt whose answer was lost", key,
                    description);
            return true;
        }

        /**
         * In OVERWRITE mode with skipping enabled: the stored object when it already holds these
         * bytes and metadata.
         */
        private Optional<ObjectInfo> skipIfIdentical(String sha256, Map<String, String> meta) throws IOException {
            if (mode != WriteMode.OVERWRITE || !skipIdentical) {
                return Optional.empty();
            }
            Optional<HeadObjectResponse> existing = head(s3Key, "stat '" + key + "'");
            if (existing.isPresent() && identical(existing.get(), sha256, meta)) {
                return Optional.of(markSkipped(existing.get(), sha256));
            }
            return Optional.empty();
        }

        /**
         * For CREATE_NEW when the key is (or, after a failed condition, was) taken: the stored object
         * if it holds exactly these bytes and metadata (a repeated commit), else ObjectExistsException.
         * With {@code taken} false, returns empty when the key is free.
         */
        private Optional<ObjectInfo> existingInsteadOfNew(String sha256, Map<String, String> meta, boolean taken)
                throws IOException {
            Optional<HeadObjectResponse> existing = head(s3Key, "stat '" + key + "'");
            if (existing.isEmpty()) {
                if (taken) {
                    throw new ObjectExistsException(key); // taken at the time of the write, deleted since
                }
                return Optional.empty();
            }
            if (identical(existing.get(), sha256, meta)) {
                return Optional.of(markSkipped(existing.get(), sha256));
            }
            throw new ObjectExistsException(key);
        }

        private ObjectInfo markSkipped(HeadObjectResponse existing, String sha256) {
            skipped = true;
            LOG.info("Skipped the upload of '{}' to {}: the store already holds the same {} bytes (SHA-256 {})"
                    + " and metadata", key, description, size, sha256);
            return info(key, existing);
        }

        private boolean identical(HeadObjectResponse existing, String sha256, Map<String, String> meta) {
            if (existing.contentLength() == null || existing.contentLength() != size) {
                return false;
            }
            Map<String, String> stored = existing.metadata();
            if (!sha256.equalsIgnoreCase(stored.get(ObjectInfo.SHA256_METADATA))) {
                return false;
            }
            for (Map.Entry<String, String> e : meta.entrySet()) {
                if (!e.getKey().equals(ObjectInfo.SHA256_METADATA) && !e.getValue().equals(stored.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }

        private ObjectInfo committedInfo() throws IOException {
            if (skipped) {
                return stat(key).orElseThrow(() -> new ObjectExistsException(key));
            }
            Optional<HeadObjectResponse> h = head(s3Key, "stat '" + key + "' after the commit");
            if (h.isEmpty()) {
                throw new S3Errors.S3IOException("The commit of '" + key + "' on " + description + " succeeded but the"
                        + " object is not visible; another process deleted it, or the store is not consistent.", null);
            }
            return info(key, h.get());
        }

        private void deleteTemporary() {
            String temp = temporaryObject;
            if (temp == null) {
                return;
            }
            try {
                call("delete the temporary object of '" + key + "'", () -> s3.deleteObject(r -> r.bucket(bucket)
                        .key(temp)), null);
                temporaryObject = null;
                activeTemporaryKeys.remove(temp);
            } catch (IOException e) {
                activeTemporaryKeys.remove(temp);
                LOG.warn("Could not delete the temporary object {} on {}: {}; cleanupIncomplete() or a lifecycle rule"
                        + " removes it", temp, description, e.getMessage());
            }
        }

        // -------------------------------------------------------------------- abort

        @Override
        public void abort() {
            if (state != State.OPEN) {
                return;
            }
            aborting = true;
            synchronized (this) {
                if (state == State.OPEN) {
                    discard();
                }
            }
        }

        @Override
        public void close() {
            abort();
        }

        /** Stops part uploads, aborts open multipart uploads, deletes the temporary object. Never throws. */
        private void discard() {
            aborting = true;
            state = State.ABORTED;
            long deadline = System.nanoTime() + ABORT_WAIT.toNanos();
            for (CompletableFuture<CompletedPart> future : parts) {
                try {
                    future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (ExecutionException | CancellationException | TimeoutException e) {
                    // the part failed or still runs; the upload is aborted below either way
                }
            }
            abortUpload(uploadKey, uploadId);
            uploadId = null;
            abortUpload(s3Key, copyUploadId);
            copyUploadId = null;
            if (temporaryObject != null) {
                deleteTemporary();
            }
            if (uploadKey != null) {
                activeTemporaryKeys.remove(uploadKey);
            }
            pool.release(buffer);
            buffer = null;
            filled = 0;
        }

        private void abortUpload(String target, String id) {
            if (id == null) {
                return;
            }
            try {
                call("abort the multipart upload of '" + key + "'", () -> s3.abortMultipartUpload(
                        AbortMultipartUploadRequest.builder().bucket(bucket).key(target).uploadId(id).build()), null);
            } catch (IOException e) {
                if (S3Errors.status(e) != 404) {
                    LOG.warn("Could not abort the multipart upload of {} on {}: {}; cleanupIncomplete() or a lifecycle"
                            + " rule removes it", key, description, e.getMessage());
                }
            } finally {
                activeUploads.remove(id);
            }
        }

        /** Buffers writes into parts; closing it neither commits nor aborts. */
        private final class UploadStream extends OutputStream {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                synchronized (Upload.this) {
                    Upload.this.write(b, off, len);
                }
            }

            @Override
            public void flush() throws IOException {
                synchronized (Upload.this) {
                    if (state == State.OPEN && !aborting) {
                        checkPartFailure();
                    }
                }
            }

            @Override
            public void close() {
                synchronized (Upload.this) {
                    streamClosed = true;
                }
            }
        }
    }

    private static String asciiOrHash(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return "sha256:" + HexFormat.of().formatHex(newDigest().digest(
                        value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
        return value.length() > 512 ? value.substring(0, 512) : value;
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    // ------------------------------------------------------------------------------ builder

    /** Builds an {@link S3StorageTarget}. Not thread-safe. */
    public static final class Builder {
        private S3Client client;
        private S3Config config;
        private String bucket;
        private String prefix = "";
        private int partSize = DEFAULT_PART_SIZE;
        private int maxPartsInFlight = DEFAULT_MAX_PARTS_IN_FLIGHT;
        private Executor executor;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private S3Encryption encryption = S3Encryption.none();
        private String storageClass;
        private String contentType = DEFAULT_CONTENT_TYPE;
        private MultipartCommit multipartCommit = MultipartCommit.COPY_WITH_SHA256;
        private ConditionalWrites conditionalWrites = ConditionalWrites.AUTO;
        private boolean skipIdentical = true;
        private int listPageSize = 1000;
        private long copyPartSize = DEFAULT_COPY_PART_SIZE;

        private Builder() {
        }

        /**
         * Uses a client of the caller's, who keeps owning it ({@link S3StorageTarget#close()} leaves
         * it open). Its own retry policy multiplies with the target's: consider building it with
         * {@code AwsRetryStrategy.doNotRetry()}, as {@link S3Config#buildClient()} does.
         *
         * @param value the client
         * @return this builder
         */
        public Builder client(S3Client value) {
            this.client = Objects.requireNonNull(value, "client");
            this.config = null;
            return this;
        }

        /**
         * Builds a client from a configuration; the target owns it and closes it in
         * {@link S3StorageTarget#close()}.
         *
         * @param value the configuration
         * @return this builder
         */
        public Builder config(S3Config value) {
            this.config = Objects.requireNonNull(value, "config");
            this.client = null;
            return this;
        }

        /**
         * The bucket (required). It must exist; the target never creates buckets.
         *
         * @param value the bucket name
         * @return this builder
         */
        public Builder bucket(String value) {
            Objects.requireNonNull(value, "bucket");
            String b = value.strip();
            if (b.isEmpty() || b.contains("/") || b.length() > 255) {
                throw new InvalidInputException("Invalid S3 bucket name '" + value + "': give the bucket's name only,"
                        + " without 's3://' or slashes; put folders into prefix(..).");
            }
            this.bucket = b;
            return this;
        }

        /**
         * The key prefix all objects live under, like a folder: {@code neo4j/prod} stores key
         * {@code neo4j/x.dump} as {@code neo4j/prod/neo4j/x.dump}. Default: none (the bucket's root).
         *
         * @param value the prefix; leading slashes are dropped, a trailing slash is added
         * @return this builder
         * @throws InvalidInputException when the prefix has empty, {@code .} or {@code ..} segments
         */
        public Builder prefix(String value) {
            Objects.requireNonNull(value, "prefix");
            String p = value.strip();
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            if (!p.isEmpty()) {
                String problem = ObjectKey.problem(p);
                if (problem != null) {
                    throw new InvalidInputException("Invalid S3 key prefix '" + value + "': " + problem
                            + ". Use segments separated by '/', like neo4j/prod.");
                }
                if (isReserved(p + "/")) {
                    throw new InvalidInputException("The S3 key prefix '" + value + "' lies in the reserved folder '"
                            + INCOMPLETE_FOLDER + "'. Choose another prefix.");
                }
                p = p + "/";
            }
            this.prefix = p;
            return this;
        }

        /**
         * The size of every multipart part but the last (all equal, as R2 requires); objects smaller
         * than this are sent with one request. Memory use is about
         * {@code partSize × (maxPartsInFlight + concurrent writers)}; the largest object is
         * {@code partSize × 10,000}. Default {@value #DEFAULT_PART_SIZE} (8 MiB); at least 5 MiB.
         *
         * @param value the part size in bytes
         * @return this builder
         */
        public Builder partSize(int value) {
            if (value < MIN_PART_SIZE || value > MAX_PART_SIZE) {
                throw new InvalidInputException("The S3 part size must be between " + MIN_PART_SIZE + " (5 MiB, the S3"
                        + " minimum) and " + MAX_PART_SIZE + " bytes, but was " + value + ".");
            }
            this.partSize = value;
            return this;
        }

        /**
         * How many parts the target uploads at the same time, over all its pending objects. Each
         * holds one part in memory. Default {@value #DEFAULT_MAX_PARTS_IN_FLIGHT}.
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder maxPartsInFlight(int value) {
            if (value < 1 || value > 64) {
                throw new InvalidInputException("maxPartsInFlight must be between 1 and 64, but was " + value + ".");
            }
            this.maxPartsInFlight = value;
            return this;
        }

        /**
         * The executor that runs part uploads and copies (the caller's, not shut down by the target).
         * Default: a pool of {@code maxPartsInFlight} daemon threads owned by the target.
         *
         * @param value the executor
         * @return this builder
         */
        public Builder executor(Executor value) {
            this.executor = Objects.requireNonNull(value, "executor");
            return this;
        }

        /**
         * The retry policy of every request: at most {@code maxAttempts} attempts, waiting an
         * exponentially growing, randomized (±50 %) time from {@code initialBackoff} up to
         * {@code maxBackoff} between them. Only transient failures are retried. Default 6 attempts,
         * 200 ms, 20 s.
         *
         * @param maxAttempts    attempts per request, the first included; 1 disables retries
         * @param initialBackoff the wait before the first retry
         * @param maxBackoff     the longest wait
         * @return this builder
         */
        public Builder retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
            if (maxAttempts < 1 || maxAttempts > 100) {
                throw new InvalidInputException("maxAttempts must be between 1 and 100, but was " + maxAttempts + ".");
            }
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new InvalidInputException("The retry backoff must be positive and maxBackoff at least"
                        + " initialBackoff, but was " + initialBackoff + " / " + maxBackoff + ".");
            }
            this.maxAttempts = maxAttempts;
            this.initialBackoff = initialBackoff;
            this.maxBackoff = maxBackoff;
            return this;
        }

        /**
         * Server-side encryption of every object written. Default {@link S3Encryption#none()}.
         *
         * @param value the setting
         * @return this builder
         */
        public Builder encryption(S3Encryption value) {
            this.encryption = Objects.requireNonNull(value, "encryption");
            return this;
        }

        /**
         * The storage class of committed objects, e.g. {@code STANDARD_IA} (temporary objects stay
         * {@code STANDARD}, so they incur no minimum storage duration). Default: the bucket's default.
         *
         * @param value the storage class as S3 names it
         * @return this builder
         */
        public Builder storageClass(String value) {
            Objects.requireNonNull(value, "storageClass");
            if (value.isBlank()) {
                throw new InvalidInputException("The storage class is blank: use for example STANDARD_IA.");
            }
            this.storageClass = value.strip();
            return this;
        }

        /**
         * The content type of objects. Default {@value #DEFAULT_CONTENT_TYPE}.
         *
         * @param value the media type
         * @return this builder
         */
        public Builder contentType(String value) {
            Objects.requireNonNull(value, "contentType");
            if (value.isBlank()) {
                throw new InvalidInputException("The content type is blank.");
            }
            this.contentType = value.strip();
            return this;
        }

        /**
         * How objects larger than one part are committed. Default
         * {@link MultipartCommit#COPY_WITH_SHA256}.
         *
         * @param value the strategy
         * @return this builder
         */
        public Builder multipartCommit(MultipartCommit value) {
            this.multipartCommit = Objects.requireNonNull(value, "multipartCommit");
            return this;
        }

        /**
         * Whether {@code CREATE_NEW} uses conditional writes. Default {@link ConditionalWrites#AUTO}.
         *
         * @param value the setting
         * @return this builder
         */
        public Builder conditionalWrites(ConditionalWrites value) {
            this.conditionalWrites = Objects.requireNonNull(value, "conditionalWrites");
            return this;
        }

        /**
         * Whether an {@code OVERWRITE} commit is skipped when the store already holds the same bytes
         * (size and SHA-256) and metadata under the key (one {@code HeadObject} per commit). Default
         * {@code true}. {@code CREATE_NEW} always accepts an identical existing object.
         *
         * @param value {@code true} to skip identical uploads
         * @return this builder
         */
        public Builder skipIdenticalUploads(boolean value) {
            this.skipIdentical = value;
            return this;
        }

        /**
         * How many keys one listing page asks for (S3 returns at most 1000). Default 1000.
         *
         * @param value between 1 and 1000
         * @return this builder
         */
        public Builder listPageSize(int value) {
            if (value < 1 || value > 1000) {
                throw new InvalidInputException("listPageSize must be between 1 and 1000, but was " + value + ".");
            }
            this.listPageSize = value;
            return this;
        }

        /**
         * The size of the ranges copied server-side ({@code UploadPartCopy}) when a multipart object is
         * published under its final key with {@link MultipartCommit#COPY_WITH_SHA256}. Default 1 GiB;
         * between 5 MiB and 5 GiB.
         *
         * @param value the copy part size in bytes
         * @return this builder
         */
        public Builder copyPartSize(long value) {
            if (value < MIN_PART_SIZE || value > MAX_COPY_PART_SIZE) {
                throw new InvalidInputException("copyPartSize must be between 5 MiB and 5 GiB, but was " + value + ".");
            }
            this.copyPartSize = value;
            return this;
        }

        /**
         * Builds the target. With a configuration, builds the client now (no request is sent).
         *
         * @return the target
         * @throws InvalidInputException when the bucket or the client/configuration is missing
         */
        public S3StorageTarget build() {
            if (bucket == null) {
                throw new InvalidInputException("No S3 bucket configured: call bucket(..) on the S3StorageTarget builder.");
            }
            if (client == null && config == null) {
                throw new InvalidInputException("No S3 client configured: call client(..) with an S3Client you own, or"
                        + " config(S3Config.builder()...build()) to let the target build one.");
            }
            return new S3StorageTarget(this);
        }
    }
}
