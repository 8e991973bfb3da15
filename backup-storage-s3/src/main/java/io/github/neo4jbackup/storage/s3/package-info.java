/**
 * A {@link io.github.neo4jbackup.core.spi.StorageTarget} on S3-compatible object stores (AWS S3,
 * Cloudflare R2, MinIO, Ceph, S3Proxy) over the AWS SDK for Java v2.
 *
 * <ul>
 *   <li>{@link io.github.neo4jbackup.storage.s3.S3StorageTarget} is the target: streaming
 *       multipart uploads in bounded memory, SHA-256 metadata, conditional writes, batched deletes,
 *       retries of transient failures.</li>
 *   <li>{@link io.github.neo4jbackup.storage.s3.S3Config} describes how to build an
 *       {@code S3Client} (endpoint, region, credentials, checksum behaviour) when the caller does
 *       not bring one.</li>
 *   <li>{@link io.github.neo4jbackup.storage.s3.S3Encryption},
 *       {@link io.github.neo4jbackup.storage.s3.MultipartCommit} and
 *       {@link io.github.neo4jbackup.storage.s3.ConditionalWrites} are options of the target.</li>
 * </ul>
 * The package-private classes are the target's collaborators, one concern each (options, retries
 * and error translation, probing, reads, listing, deletes, multipart uploads, conditional writes);
 * they are not API.
 * See {@code docs/s3.md} for configuration examples, an IAM policy and lifecycle rules.
 */
package io.github.neo4jbackup.storage.s3;
