package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.InvalidInputException;

import java.util.Objects;
import java.util.Optional;

/**
 * Server-side encryption requested for every object the target writes: none (the bucket's default
 * applies), SSE-S3 ({@code AES256}) or SSE-KMS with an optional key id. Immutable.
 *
 * <p>Stores other than AWS S3 may ignore or reject these headers: Cloudflare R2 encrypts every
 * object at rest and needs none; MinIO needs a configured KMS for SSE-KMS.
 */
public final class S3Encryption {

    private static final S3Encryption NONE = new S3Encryption(Kind.NONE, null, false);
    private static final S3Encryption S3_MANAGED = new S3Encryption(Kind.SSE_S3, null, false);

    /** The kind of server-side encryption. */
    public enum Kind {
        /** No header: the bucket's default encryption applies. */
        NONE,
        /** SSE-S3: keys managed by the store ({@code x-amz-server-side-encryption: AES256}). */
        SSE_S3,
        /** SSE-KMS: keys in AWS KMS ({@code x-amz-server-side-encryption: aws:kms}). */
        SSE_KMS
    }

    private final Kind kind;
    private final String kmsKeyId;
    private final boolean bucketKeyEnabled;

    private S3Encryption(Kind kind, String kmsKeyId, boolean bucketKeyEnabled) {
        this.kind = kind;
        this.kmsKeyId = kmsKeyId;
        this.bucketKeyEnabled = bucketKeyEnabled;
    }

    /**
     * No encryption header; the bucket's default encryption applies (on AWS S3 every new object
     * is encrypted with SSE-S3 at least).
     *
     * @return the setting
     */
    public static S3Encryption none() {
        return NONE;
    }

    /**
     * SSE-S3: the store encrypts with keys it manages.
     *
     * @return the setting
     */
    public static S3Encryption s3Managed() {
        return S3_MANAGED;
    }

    /**
     * SSE-KMS with the account's AWS managed key ({@code aws/s3}).
     *
     * @return the setting
     */
    public static S3Encryption kms() {
        return new S3Encryption(Kind.SSE_KMS, null, false);
    }

    /**
     * SSE-KMS with a customer managed key.
     *
     * @param keyId the key id, key ARN or alias ARN
     * @return the setting
     * @throws InvalidInputException when the key id is blank
     */
    public static S3Encryption kms(String keyId) {
        Objects.requireNonNull(keyId, "keyId");
        if (keyId.isBlank()) {
            throw new InvalidInputException("The KMS key id for SSE-KMS is blank: give a key id, key ARN or alias ARN,"
                    + " or use S3Encryption.kms() for the AWS managed key.");
        }
        return new S3Encryption(Kind.SSE_KMS, keyId.strip(), false);
    }

    /**
     * The same SSE-KMS setting with an S3 Bucket Key, which cuts KMS requests (and their cost) for
     * many objects. Ignored for other kinds.
     *
     * @return the setting
     */
    public S3Encryption withBucketKey() {
        return kind == Kind.SSE_KMS ? new S3Encryption(kind, kmsKeyId, true) : this;
    }

    /**
     * The kind of encryption.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The KMS key id, for SSE-KMS with a customer managed key.
     *
     * @return the key id
     */
    public Optional<String> kmsKeyId() {
        return Optional.ofNullable(kmsKeyId);
    }

    /**
     * Whether an S3 Bucket Key is requested (SSE-KMS only).
     *
     * @return {@code true} if requested
     */
    public boolean bucketKeyEnabled() {
        return bucketKeyEnabled;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof S3Encryption e && e.kind == kind && Objects.equals(e.kmsKeyId, kmsKeyId)
                && e.bucketKeyEnabled == bucketKeyEnabled;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, kmsKeyId, bucketKeyEnabled);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "none";
            case SSE_S3 -> "SSE-S3";
            case SSE_KMS -> "SSE-KMS(" + (kmsKeyId == null ? "aws/s3" : kmsKeyId) + (bucketKeyEnabled ? ", bucket key" : "")
                    + ")";
        };
    }
}
