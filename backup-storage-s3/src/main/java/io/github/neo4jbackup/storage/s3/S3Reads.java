package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectNotFoundException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reading objects of an {@link S3StorageTarget}: a {@code GetObject} whose body resumes after a
 * broken connection at the byte where it stopped, on the same object version
 * ({@link ResumingInputStream}). Not API.
 */
final class S3Reads {

    private final S3Bucket bucket;

    S3Reads(S3Bucket bucket) {
        this.bucket = bucket;
    }

    /** Opens an object; see {@link S3StorageTarget#open(ObjectKey)}. */
    InputStream open(ObjectKey key) throws IOException {
        if (S3Bucket.isReserved(key.value())) {
            throw new ObjectNotFoundException(key);
        }
        S3Client s3 = bucket.client();
        S3Requests requests = bucket.requests();
        String name = bucket.bucket();
        String s3Key = bucket.s3Key(key);
        String what = "read '" + key + "'";
        ResponseInputStream<GetObjectResponse> first;
        try {
            first = requests.call(what, () -> s3.getObject(r -> r.bucket(name).key(s3Key)));
        } catch (IOException e) {
            if (S3Errors.status(e) == 404 && !"NoSuchBucket".equals(S3Errors.code(e))) {
                throw new ObjectNotFoundException(key);
            }
            throw e;
        }
        return new ResumingInputStream(what, first, (position, eTag) -> {
            try {
                return requests.call(what + " from byte " + position, () -> s3.getObject(GetObjectRequest.builder()
                        .bucket(name).key(s3Key).range("bytes=" + position + "-").ifMatch(eTag).build()));
            } catch (IOException e) {
                if (S3Errors.status(e) == 412) {
                    throw new S3Errors.S3IOException("Cannot resume reading '" + key + "' on " + bucket.description()
                            + ": the object was replaced while it was read. Read it again.", e);
                }
                throw e;
            }
        }, requests.maxAttempts() - 1);
    }
}
