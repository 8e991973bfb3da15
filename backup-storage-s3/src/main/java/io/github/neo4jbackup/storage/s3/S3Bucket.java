package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where an {@link S3StorageTarget} keeps its objects and how it probes them: the client, bucket and
 * key prefix, the description used in messages, the mapping of object keys to S3 keys (with the
 * reserved folder of temporary objects), {@code HeadObject} / {@code HeadBucket} probing, and the
 * settings every object written carries (content type, storage class, server-side encryption).
 * Shared by the target's collaborators. Thread-safe. Not API.
 */
final class S3Bucket {

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final String description;
    private final S3Requests requests;
    private final String contentType;
    private final String storageClass;
    private final S3Encryption encryption;
    private final AtomicBoolean bucketSeen = new AtomicBoolean();

    S3Bucket(S3Client s3, String bucket, String prefix, String description, S3Requests requests, String contentType,
             String storageClass, S3Encryption encryption) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
        this.description = description;
        this.requests = requests;
        this.contentType = contentType;
        this.storageClass = storageClass;
        this.encryption = encryption;
    }

    S3Client client() {
        return s3;
    }

    String bucket() {
        return bucket;
    }

    /** The key prefix: empty, or ending in {@code /}. */
    String prefix() {
        return prefix;
    }

    /** {@code s3://bucket/prefix} and the sanitized endpoint, for messages. */
    String description() {
        return description;
    }

    /** The retry decorator every request goes through. */
    S3Requests requests() {
        return requests;
    }

    String contentType() {
        return contentType;
    }

    /** The S3 key of an object key: the prefix followed by the key. */
    String s3Key(ObjectKey key) {
        return prefix + key.value();
    }

    /** Whether a key relative to the prefix lies in the folder reserved for temporary objects. */
    static boolean isReserved(String relativeKey) {
        return relativeKey.startsWith(S3StorageTarget.INCOMPLETE_FOLDER);
    }

    // ------------------------------------------------------------------------------ probing

    /** Checks with one {@code ListObjectsV2} request that the bucket exists and the prefix may be listed. */
    void checkAccess() throws IOException {
        requests.call("access the bucket '" + bucket + "' (list " + prefix + ")", () -> s3.listObjectsV2(r -> r
                .bucket(bucket).prefix(prefix).maxKeys(1)));
    }

    /** Describes an object with {@code HeadObject}; empty when there is no such object (reserved keys included). */
    Optional<ObjectInfo> stat(ObjectKey key) throws IOException {
        if (isReserved(key.value())) {
            return Optional.empty();
        }
        return head(s3Key(key), "stat '" + key + "'").map(h -> info(key, h));
    }

    /**
     * {@code HeadObject} on an S3 key; empty on 404 once the bucket is known to exist (a missing
     * bucket fails with a message saying so).
     */
    Optional<HeadObjectResponse> head(String s3Key, String what) throws IOException {
        try {
            return Optional.of(requests.call(what, () -> s3.headObject(r -> r.bucket(bucket).key(s3Key))));
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
            requests.call("access the bucket '" + bucket + "'", () -> s3.headBucket(r -> r.bucket(bucket)));
            bucketSeen.set(true);
        } catch (IOException e) {
            if (S3Errors.status(e) == 404) {
                throw S3Errors.translate("access the bucket '" + bucket + "'", description, bucket, e.getCause(), 1);
            }
            // 403 on HeadBucket: permissions on the bucket itself are not needed; the key is just missing
        }
    }

    /** The description of an object from its {@code HeadObject} response. */
    static ObjectInfo info(ObjectKey key, HeadObjectResponse h) {
        Instant modified = h.lastModified() == null ? Instant.now() : h.lastModified();
        return new ObjectInfo(key, h.contentLength() == null ? 0 : h.contentLength(), modified, h.metadata());
    }

    // ------------------------------------------------------------------------------ object settings

    /** Adds content type, storage class and server-side encryption to a {@code PutObject}. */
    void applyObjectSettings(PutObjectRequest.Builder put) {
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

    /**
     * A {@code CreateMultipartUpload} with the object settings; temporary objects keep the
     * bucket's default storage class.
     */
    CreateMultipartUploadRequest multipartRequest(String s3Key, Map<String, String> metadata, boolean temporary) {
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
}
