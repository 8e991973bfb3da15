package io.github.neo4jbackup.storage.s3;

/**
 * How an object larger than one part is made visible under its key.
 *
 * <p>S3 fixes an object's metadata when a multipart upload starts, but the SHA-256 of a stream is
 * only known at its end. The two strategies trade the stored hash against a server-side copy.
 */
public enum MultipartCommit {

    /**
     * Upload the parts to a temporary key under {@code <prefix>.incomplete/}, complete that upload,
     * then copy it server-side ({@code UploadPartCopy}) into a new multipart upload on the final key
     * whose metadata holds the SHA-256, and delete the temporary object. Every object then carries
     * its SHA-256 (so {@code stat} and verification can compare it, and identical re-uploads can be
     * skipped) at the price of one server-side copy. The default.
     */
    COPY_WITH_SHA256,

    /**
     * Upload the parts straight to the final key and complete it there. No copy, but objects larger
     * than one part carry no SHA-256 metadata (the manifest still records the hash, and a full
     * verification still reads the object back). Choose it for very large backups on stores where
     * server-side copies are slow or billed.
     */
    DIRECT
}
