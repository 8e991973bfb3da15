package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.spi.ObjectKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Deleting on an {@link S3StorageTarget}: single objects, batches of up to 1000 keys with
 * {@code DeleteObjects} (one at a time on stores without it), and the leftovers of writes that
 * never finished (multipart uploads and temporary objects of killed processes). Not API.
 */
final class S3Deletes {

    private static final Logger LOG = LoggerFactory.getLogger(S3StorageTarget.class);
    private static final int BATCH = 1000;

    private final S3Bucket bucket;
    private final S3Uploads uploads;

    S3Deletes(S3Bucket bucket, S3Uploads uploads) {
        this.bucket = bucket;
        this.uploads = uploads;
    }

    /** Deletes one object; see {@link S3StorageTarget#delete(ObjectKey)}. */
    void delete(ObjectKey key) throws IOException {
        if (S3Bucket.isReserved(key.value())) {
            return;
        }
        String s3Key = bucket.s3Key(key);
        String name = bucket.bucket();
        bucket.requests().call("delete '" + key + "'", () -> bucket.client().deleteObject(r -> r.bucket(name)
                .key(s3Key)));
    }

    /** Deletes objects in batches; see {@link S3StorageTarget#deleteAll(Collection)}. */
    void deleteAll(Collection<ObjectKey> keys) throws IOException {
        String prefix = bucket.prefix();
        String name = bucket.bucket();
        List<ObjectKey> unique = new ArrayList<>(new LinkedHashSet<>(keys));
        unique.removeIf(k -> S3Bucket.isReserved(k.value()));
        Map<ObjectKey, String> failures = new LinkedHashMap<>();
        for (int from = 0; from < unique.size(); from += BATCH) {
            List<ObjectKey> batch = unique.subList(from, Math.min(unique.size(), from + BATCH));
            List<ObjectIdentifier> ids = batch.stream()
                    .map(k -> ObjectIdentifier.builder().key(bucket.s3Key(k)).build()).toList();
            DeleteObjectsResponse response;
            try {
                response = bucket.requests().call("delete " + batch.size() + " objects", () -> bucket.client()
                        .deleteObjects(r -> r.bucket(name).delete(d -> d.objects(ids).quiet(true))));
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
            throw new S3DeleteException(bucket.description(), unique.size(), failures);
        }
    }

    /** Removes leftovers of incomplete writes; see {@link S3StorageTarget#cleanupIncomplete(Instant)}. */
    int cleanupIncomplete(Instant olderThan) throws IOException {
        S3Client s3 = bucket.client();
        S3Requests requests = bucket.requests();
        String name = bucket.bucket();
        String prefix = bucket.prefix();
        String description = bucket.description();
        int removed = 0;
        String keyMarker = null;
        String uploadIdMarker = null;
        while (true) {
            String km = keyMarker;
            String um = uploadIdMarker;
            ListMultipartUploadsResponse response;
            try {
                response = requests.call("list incomplete multipart uploads", () -> s3.listMultipartUploads(r -> r
                        .bucket(name).prefix(prefix).keyMarker(km).uploadIdMarker(um)));
            } catch (IOException e) {
                if (S3Errors.status(e) != 403) {
                    throw e;
                }
                LOG.warn("Cannot list incomplete multipart uploads on {} (403: s3:ListBucketMultipartUploads is not"
                        + " granted); leaving them to the bucket's lifecycle rule", description);
                break;
            }
            for (MultipartUpload upload : response.uploads()) {
                if (uploads.isActiveUpload(upload.uploadId()) || upload.initiated() == null
                        || !upload.initiated().isBefore(olderThan)) {
                    continue;
                }
                try {
                    requests.call("abort the incomplete upload of '" + upload.key() + "'",
                            () -> s3.abortMultipartUpload(r -> r.bucket(name).key(upload.key())
                                    .uploadId(upload.uploadId())));
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
            ListObjectsV2Response page = requests.call("list temporary objects", () -> s3.listObjectsV2(r -> r
                    .bucket(name).prefix(prefix + S3StorageTarget.INCOMPLETE_FOLDER).continuationToken(t)));
            for (S3Object o : page.contents()) {
                if (!uploads.isActiveTemporaryKey(o.key()) && o.lastModified() != null
                        && o.lastModified().isBefore(olderThan)) {
                    stale.add(o.key());
                }
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        for (String key : stale) {
            requests.call("delete the temporary object '" + key + "'", () -> s3.deleteObject(r -> r.bucket(name)
                    .key(key)));
            removed++;
            LOG.info("Deleted temporary object {} left by an incomplete write on {}", key, description);
        }
        return removed;
    }
}
