package io.github.neo4jbackup.storage.s3;

/**
 * Whether {@link io.github.neo4jbackup.core.spi.WriteMode#CREATE_NEW} uses S3 conditional writes
 * ({@code If-None-Match: *} on {@code PutObject} and {@code CompleteMultipartUpload}), which make
 * "create only if absent" atomic: of two concurrent writers exactly one wins. AWS S3 (since August
 * 2024), Cloudflare R2, recent MinIO and S3Proxy 4 support them.
 */
public enum ConditionalWrites {

    /**
     * Send conditional writes; if the store answers that it does not implement them
     * ({@code 501 NotImplemented}), warn once and fall back to {@link #DISABLED} for the lifetime of
     * the target. The default.
     */
    AUTO,

    /** Send conditional writes and fail if the store does not implement them. */
    REQUIRED,

    /**
     * Never send conditional headers: {@code CREATE_NEW} checks for the key with {@code HeadObject}
     * right before publishing. Not atomic: two writers racing for the same key may both succeed and
     * the last one wins. Only for stores that reject or mishandle {@code If-None-Match}.
     */
    DISABLED
}
