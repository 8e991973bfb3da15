package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.ObjectKey;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The settings of an {@link S3StorageTarget} and their fluent, validating setters, which
 * {@link S3StorageTarget.Builder} inherits: kept apart so that the target's own file stays the
 * entry point over its collaborators. The target keeps a copy of them. Not thread-safe; not an API
 * of its own.
 */
abstract class S3TargetSettings {

    S3Client client;
    S3Config config;
    String bucket;
    String prefix = "";
    int partSize = S3StorageTarget.DEFAULT_PART_SIZE;
    int maxPartsInFlight = S3StorageTarget.DEFAULT_MAX_PARTS_IN_FLIGHT;
    Executor executor;
    int maxAttempts = S3StorageTarget.DEFAULT_MAX_ATTEMPTS;
    Duration initialBackoff = S3StorageTarget.DEFAULT_INITIAL_BACKOFF;
    Duration maxBackoff = S3StorageTarget.DEFAULT_MAX_BACKOFF;
    S3Encryption encryption = S3Encryption.none();
    String storageClass;
    String contentType = S3StorageTarget.DEFAULT_CONTENT_TYPE;
    MultipartCommit multipartCommit = MultipartCommit.COPY_WITH_SHA256;
    ConditionalWrites conditionalWrites = ConditionalWrites.AUTO;
    boolean skipIdentical = true;
    int listPageSize = 1000;
    long copyPartSize = S3StorageTarget.DEFAULT_COPY_PART_SIZE;

    /**
     * Uses a client of the caller's, who keeps owning it ({@link S3StorageTarget#close()} leaves
     * it open). Its own retry policy multiplies with the target's: consider building it with
     * {@code AwsRetryStrategy.doNotRetry()}, as {@link S3Config#buildClient()} does.
     *
     * @param value the client
     * @return this builder
     */
    public S3StorageTarget.Builder client(S3Client value) {
        this.client = Objects.requireNonNull(value, "client");
        this.config = null;
        return self();
    }

    /**
     * Builds a client from a configuration; the target owns it and closes it in
     * {@link S3StorageTarget#close()}.
     *
     * @param value the configuration
     * @return this builder
     */
    public S3StorageTarget.Builder config(S3Config value) {
        this.config = Objects.requireNonNull(value, "config");
        this.client = null;
        return self();
    }

    /**
     * The bucket (required). It must exist; the target never creates buckets.
     *
     * @param value the bucket name
     * @return this builder
     */
    public S3StorageTarget.Builder bucket(String value) {
        Objects.requireNonNull(value, "bucket");
        String b = value.strip();
        if (b.isEmpty() || b.contains("/") || b.length() > 255) {
            throw new InvalidInputException("Invalid S3 bucket name '" + value + "': give the bucket's name only,"
                    + " without 's3://' or slashes; put folders into prefix(..).");
        }
        this.bucket = b;
        return self();
    }

    /**
     * The key prefix all objects live under, like a folder: {@code neo4j/prod} stores key
     * {@code neo4j/x.dump} as {@code neo4j/prod/neo4j/x.dump}. Default: none (the bucket's root).
     *
     * @param value the prefix; leading slashes are dropped, a trailing slash is added
     * @return this builder
     * @throws InvalidInputException when the prefix has empty, {@code .} or {@code ..} segments
     */
    public S3StorageTarget.Builder prefix(String value) {
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
            if (S3Bucket.isReserved(p + "/")) {
                throw new InvalidInputException("The S3 key prefix '" + value + "' lies in the reserved folder '"
                        + S3StorageTarget.INCOMPLETE_FOLDER + "'. Choose another prefix.");
            }
            p = p + "/";
        }
        this.prefix = p;
        return self();
    }

    /**
     * The size of every multipart part but the last (all equal, as R2 requires); objects smaller
     * than this are sent with one request. Memory use is about
     * {@code partSize × (maxPartsInFlight + concurrent writers)}; the largest object is
     * {@code partSize × 10,000}. Default {@value S3StorageTarget#DEFAULT_PART_SIZE} (8 MiB); at least 5 MiB.
     *
     * @param value the part size in bytes
     * @return this builder
     */
    public S3StorageTarget.Builder partSize(int value) {
        if (value < S3StorageTarget.MIN_PART_SIZE || value > S3StorageTarget.MAX_PART_SIZE) {
            throw new InvalidInputException("The S3 part size must be between " + S3StorageTarget.MIN_PART_SIZE
                    + " (5 MiB, the S3 minimum) and " + S3StorageTarget.MAX_PART_SIZE + " bytes, but was " + value + ".");
        }
        this.partSize = value;
        return self();
    }

    /**
     * How many parts the target uploads at the same time, over all its pending objects. Each
     * holds one part in memory. Default {@value S3StorageTarget#DEFAULT_MAX_PARTS_IN_FLIGHT}.
     *
     * @param value at least 1
     * @return this builder
     */
    public S3StorageTarget.Builder maxPartsInFlight(int value) {
        if (value < 1 || value > 64) {
            throw new InvalidInputException("maxPartsInFlight must be between 1 and 64, but was " + value + ".");
        }
        this.maxPartsInFlight = value;
        return self();
    }

    /**
     * The executor that runs part uploads and copies (the caller's, not shut down by the target).
     * Default: a pool of {@code maxPartsInFlight} daemon threads owned by the target.
     *
     * @param value the executor
     * @return this builder
     */
    public S3StorageTarget.Builder executor(Executor value) {
        this.executor = Objects.requireNonNull(value, "executor");
        return self();
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
    public S3StorageTarget.Builder retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
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
        return self();
    }

    /**
     * Server-side encryption of every object written. Default {@link S3Encryption#none()}.
     *
     * @param value the setting
     * @return this builder
     */
    public S3StorageTarget.Builder encryption(S3Encryption value) {
        this.encryption = Objects.requireNonNull(value, "encryption");
        return self();
    }

    /**
     * The storage class of committed objects, e.g. {@code STANDARD_IA} (temporary objects stay
     * {@code STANDARD}, so they incur no minimum storage duration). Default: the bucket's default.
     *
     * @param value the storage class as S3 names it
     * @return this builder
     */
    public S3StorageTarget.Builder storageClass(String value) {
        Objects.requireNonNull(value, "storageClass");
        if (value.isBlank()) {
            throw new InvalidInputException("The storage class is blank: use for example STANDARD_IA.");
        }
        this.storageClass = value.strip();
        return self();
    }

    /**
     * The content type of objects. Default {@value S3StorageTarget#DEFAULT_CONTENT_TYPE}.
     *
     * @param value the media type
     * @return this builder
     */
    public S3StorageTarget.Builder contentType(String value) {
        Objects.requireNonNull(value, "contentType");
        if (value.isBlank()) {
            throw new InvalidInputException("The content type is blank.");
        }
        this.contentType = value.strip();
        return self();
    }

    /**
     * How objects larger than one part are committed. Default
     * {@link MultipartCommit#COPY_WITH_SHA256}.
     *
     * @param value the strategy
     * @return this builder
     */
    public S3StorageTarget.Builder multipartCommit(MultipartCommit value) {
        this.multipartCommit = Objects.requireNonNull(value, "multipartCommit");
        return self();
    }

    /**
     * Whether {@code CREATE_NEW} uses conditional writes. Default {@link ConditionalWrites#AUTO}.
     *
     * @param value the setting
     * @return this builder
     */
    public S3StorageTarget.Builder conditionalWrites(ConditionalWrites value) {
        this.conditionalWrites = Objects.requireNonNull(value, "conditionalWrites");
        return self();
    }

    /**
     * Whether an {@code OVERWRITE} commit is skipped when the store already holds the same bytes
     * (size and SHA-256) and metadata under the key (one {@code HeadObject} per commit). Default
     * {@code true}. {@code CREATE_NEW} always accepts an identical existing object.
     *
     * @param value {@code true} to skip identical uploads
     * @return this builder
     */
    public S3StorageTarget.Builder skipIdenticalUploads(boolean value) {
        this.skipIdentical = value;
        return self();
    }

    /**
     * How many keys one listing page asks for (S3 returns at most 1000). Default 1000.
     *
     * @param value between 1 and 1000
     * @return this builder
     */
    public S3StorageTarget.Builder listPageSize(int value) {
        if (value < 1 || value > 1000) {
            throw new InvalidInputException("listPageSize must be between 1 and 1000, but was " + value + ".");
        }
        this.listPageSize = value;
        return self();
    }

    /**
     * The size of the ranges copied server-side ({@code UploadPartCopy}) when a multipart object is
     * published under its final key with {@link MultipartCommit#COPY_WITH_SHA256}. Default 1 GiB;
     * between 5 MiB and 5 GiB.
     *
     * @param value the copy part size in bytes
     * @return this builder
     */
    public S3StorageTarget.Builder copyPartSize(long value) {
        if (value < S3StorageTarget.MIN_PART_SIZE || value > S3StorageTarget.MAX_COPY_PART_SIZE) {
            throw new InvalidInputException("copyPartSize must be between 5 MiB and 5 GiB, but was " + value + ".");
        }
        this.copyPartSize = value;
        return self();
    }

    /**
     * This builder, as the type the setters return.
     *
     * @return this
     */
    abstract S3StorageTarget.Builder self();

    /** Copies every setting into {@code copy}; a caller's client and executor are shared, not copied. */
    void copyTo(S3TargetSettings copy) {
        copy.client = client;
        copy.config = config;
        copy.bucket = bucket;
        copy.prefix = prefix;
        copy.partSize = partSize;
        copy.maxPartsInFlight = maxPartsInFlight;
        copy.executor = executor;
        copy.maxAttempts = maxAttempts;
        copy.initialBackoff = initialBackoff;
        copy.maxBackoff = maxBackoff;
        copy.encryption = encryption;
        copy.storageClass = storageClass;
        copy.contentType = contentType;
        copy.multipartCommit = multipartCommit;
        copy.conditionalWrites = conditionalWrites;
        copy.skipIdentical = skipIdentical;
        copy.listPageSize = listPageSize;
        copy.copyPartSize = copyPartSize;
    }
}
