package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.spi.PendingObject;

/**
 * A write in progress on an {@link S3StorageTarget}: a {@link PendingObject} that also tells, after
 * the commit, whether the upload was skipped because the store already held identical content, and
 * how many parts were uploaded.
 */
public interface S3PendingObject extends PendingObject {

    /**
     * Whether {@link #commit()} found the same bytes (same size and SHA-256) and the same metadata
     * already stored under the key and therefore left the stored object as it was.
     *
     * @return {@code true} if the commit was skipped; {@code false} before a commit
     */
    boolean skipped();

    /**
     * How many multipart parts were uploaded so far; 0 for an object sent with a single
     * {@code PutObject} (smaller than one part).
     *
     * @return the number of parts
     */
    int partsUploaded();
}
