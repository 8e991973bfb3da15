package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.ObjectExistsException;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectNotFoundException;
import io.github.neo4jbackup.core.spi.ObjectPage;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * <h2>Structure</h2>
 * This class is the public entry point: its builder, accessors and the {@link StorageTarget}
 * methods, which delegate to package-private collaborators, one per concern: {@code S3TargetSettings}
 * (the options, their defaults and checks, inherited by the {@link Builder}), {@code S3Bucket}
 * (bucket, prefix, object settings, probing), {@code S3Requests} (retries and error translation,
 * a decorator every request goes through), {@code S3Reads}, {@code S3Listing}, {@code S3Deletes},
 * {@code S3Uploads}, {@code S3Upload} and {@code S3PartTransfers} (multipart upload), and
 * {@code S3ExistingObjects} (conditional writes and identical content).
 *
 * <h2>Ownership</h2>
 * An {@link S3Client} given with {@link Builder#client(S3Client)} and an {@link Executor} given with
 * {@link Builder#executor(Executor)} belong to the caller. A client built from an {@link S3Config}
 * and the default executor belong to the target and are closed by {@link #close()}. Instances are
 * thread-safe.
 */
public final class S3StorageTarget implements StorageTarget, AutoCloseable {


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

    private final S3Client s3;
    private final boolean ownsClient;
    private final Builder settings;
    private final String description;
    private final S3Bucket location;
    private final S3Reads reads;
    private final S3Listing listing;
    private final S3Deletes deletes;
    private final S3Uploads uploads;
    private final AtomicBoolean closed = new AtomicBoolean();

    private S3StorageTarget(Builder b) {
        Builder c = b.copy();
        this.settings = c;
        this.ownsClient = c.client == null;
        this.s3 = c.client != null ? c.client : c.config.buildClient();
        URI endpoint = c.client != null
                ? c.client.serviceClientConfiguration().endpointOverride().orElse(null)
                : c.config.endpoint().orElse(null);
        this.description = "s3://" + c.bucket + "/" + c.prefix
                + (endpoint == null ? "" : " (endpoint " + S3Config.sanitized(endpoint) + ")");
        S3Requests requests = new S3Requests(c.bucket, description, c.maxAttempts, c.initialBackoff, c.maxBackoff);
        this.location = new S3Bucket(s3, c.bucket, c.prefix, description, requests, c.contentType, c.storageClass,
                c.encryption);
        S3ExistingObjects existing = new S3ExistingObjects(location, c.conditionalWrites, c.multipartCommit,
                c.skipIdentical);
        this.uploads = new S3Uploads(location, existing, c.partSize, c.maxPartsInFlight, c.executor, c.multipartCommit,
                c.copyPartSize);
        this.reads = new S3Reads(location);
        this.listing = new S3Listing(location, c.listPageSize);
        this.deletes = new S3Deletes(location, uploads);
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
        return settings.copy();
    }

    // ------------------------------------------------------------------------------ accessors

    /**
     * The bucket.
     *
     * @return the bucket name
     */
    public String bucket() {
        return settings.bucket;
    }

    /**
     * The key prefix every object key is appended to: empty, or ending in {@code /}.
     *
     * @return the prefix
     */
    public String prefix() {
        return settings.prefix;
    }

    /**
     * The size of every multipart part but the last.
     *
     * @return the part size in bytes
     */
    public int partSize() {
        return settings.partSize;
    }

    /**
     * How many parts this target uploads at the same time at most (over all pending objects).
     *
     * @return the limit
     */
    public int maxPartsInFlight() {
        return settings.maxPartsInFlight;
    }

    /**
     * How multipart objects are committed.
     *
     * @return the strategy
     */
    public MultipartCommit multipartCommit() {
        return settings.multipartCommit;
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
        return "S3StorageTarget[" + description + ", partSize=" + settings.partSize + ", maxPartsInFlight="
                + settings.maxPartsInFlight + ", multipartCommit=" + settings.multipartCommit + ", conditionalWrites="
                + settings.conditionalWrites + ", encryption=" + settings.encryption
                + (settings.storageClass == null ? "" : ", storageClass=" + settings.storageClass) + "]";
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
        location.checkAccess();
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
        return reads.open(key);
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
        return location.stat(key);
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
        return listing.list(prefix, continuationToken);
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
        deletes.delete(key);
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
        deletes.deleteAll(keys);
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
        return deletes.cleanupIncomplete(olderThan);
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
        if (S3Bucket.isReserved(key.value())) {
            throw new InvalidInputException("The key '" + key + "' lies in '" + INCOMPLETE_FOLDER + "', which the S3"
                    + " storage target reserves for temporary objects. Choose another key.");
        }
        if (closed.get()) {
            throw new S3Errors.S3IOException("Cannot write '" + key + "' to " + description + ": the target is closed.",
                    null);
        }
        return uploads.start(key, metadata == null ? Map.of() : metadata, mode);
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
        uploads.shutdown();
        if (ownsClient) {
            s3.close();
        }
    }

    // ------------------------------------------------------------------------------ builder

    /**
     * Builds an {@link S3StorageTarget}; its setters, with their defaults and checks, are inherited
     * from the package-private settings class. Not thread-safe.
     */
    public static final class Builder extends S3TargetSettings {

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        private Builder copy() {
            Builder b = new Builder();
            copyTo(b);
            return b;
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
