package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.spi.ObjectExistsException;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.WriteMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a commit of an {@link S3StorageTarget} does about an object already stored under its key:
 * whether {@code CREATE_NEW} uses conditional writes ({@code If-None-Match: *}) and the fallback,
 * once per target, to a non-atomic existence check where the store lacks them; skipping an
 * {@code OVERWRITE} of identical content; accepting identical content for {@code CREATE_NEW} (a
 * commit sent again after its answer was lost); and recognizing a completion that an earlier
 * attempt had already made. Thread-safe. Not API.
 */
final class S3ExistingObjects {

    private static final Logger LOG = LoggerFactory.getLogger(S3StorageTarget.class);

    /** What a commit is about to store: the object's key, its S3 key, size, SHA-256 and metadata. */
    record Written(ObjectKey key, String s3Key, long size, String sha256, Map<String, String> meta) {
    }

    private final S3Bucket bucket;
    private final ConditionalWrites conditionalWrites;
    private final MultipartCommit multipartCommit;
    private final boolean skipIdentical;
    private final AtomicBoolean conditionalUnsupported = new AtomicBoolean();

    S3ExistingObjects(S3Bucket bucket, ConditionalWrites conditionalWrites, MultipartCommit multipartCommit,
                      boolean skipIdentical) {
        this.bucket = bucket;
        this.conditionalWrites = conditionalWrites;
        this.multipartCommit = multipartCommit;
        this.skipIdentical = skipIdentical;
    }

    // ------------------------------------------------------------------------------ conditional writes

    /** Whether a {@code CREATE_NEW} commit sends {@code If-None-Match: *}. */
    boolean useConditional() {
        return conditionalWrites == ConditionalWrites.REQUIRED
                || conditionalWrites == ConditionalWrites.AUTO && !conditionalUnsupported.get();
    }

    /**
     * Whether a failure is the store saying it does not implement conditional writes; with
     * {@link ConditionalWrites#REQUIRED} that fails the write, with {@code AUTO} conditional writes
     * are turned off for the target (and a warning logged once).
     */
    boolean conditionalNotImplemented(IOException e) throws IOException {
        if (S3Errors.status(e) != 501 && !"NotImplemented".equals(S3Errors.code(e))) {
            return false;
        }
        if (conditionalWrites == ConditionalWrites.REQUIRED) {
            throw new S3Errors.S3IOException("The store behind " + bucket.description() + " does not implement"
                    + " conditional writes (If-None-Match), so CREATE_NEW cannot be atomic. Use"
                    + " ConditionalWrites.DISABLED to accept a non-atomic existence check, or use a store that supports"
                    + " them.", e);
        }
        if (conditionalUnsupported.compareAndSet(false, true)) {
            LOG.warn("The store behind {} does not implement conditional writes (If-None-Match); CREATE_NEW falls back"
                    + " to a non-atomic existence check on this target", bucket.description());
        }
        return true;
    }

    // ------------------------------------------------------------------------------ the stored object

    /**
     * In {@code OVERWRITE} mode with skipping enabled: the stored object when it already holds these
     * bytes and metadata.
     */
    Optional<HeadObjectResponse> skippable(Written w, WriteMode mode) throws IOException {
        if (mode != WriteMode.OVERWRITE || !skipIdentical) {
            return Optional.empty();
        }
        Optional<HeadObjectResponse> stored = bucket.head(w.s3Key(), "stat '" + w.key() + "'");
        if (stored.isPresent() && identical(stored.get(), w)) {
            return stored;
        }
        return Optional.empty();
    }

    /**
     * For {@code CREATE_NEW} when the key is (or, after a failed condition, was) taken: the stored
     * object if it holds exactly these bytes and metadata (a repeated commit), else
     * {@link ObjectExistsException}. With {@code taken} false, returns empty when the key is free.
     */
    Optional<HeadObjectResponse> existingInsteadOfNew(Written w, boolean taken) throws IOException {
        Optional<HeadObjectResponse> stored = bucket.head(w.s3Key(), "stat '" + w.key() + "'");
        if (stored.isEmpty()) {
            if (taken) {
                throw new ObjectExistsException(w.key()); // taken at the time of the write, deleted since
            }
            return Optional.empty();
        }
        if (identical(stored.get(), w)) {
            return stored;
        }
        throw new ObjectExistsException(w.key());
    }

    /**
     * Whether a completion failed only because an earlier attempt of it, whose answer was lost,
     * had completed the upload already ({@code 404 NoSuchUpload}, and the object is there with
     * this size and metadata, and this SHA-256 where recorded).
     *
     * @param key       the object key, for messages
     * @param objectKey the S3 key the upload completes on
     * @param meta      the metadata to expect (empty to check the size only)
     */
    boolean completedBefore(IOException failure, ObjectKey key, String objectKey, long size, Map<String, String> meta)
            throws IOException {
        if (!"NoSuchUpload".equals(S3Errors.code(failure))) {
            return false;
        }
        Optional<HeadObjectResponse> h = bucket.head(objectKey, "stat '" + key + "'");
        if (h.isEmpty() || h.get().contentLength() == null || h.get().contentLength() != size) {
            return false;
        }
        Map<String, String> stored = h.get().metadata();
        for (Map.Entry<String, String> e : meta.entrySet()) {
            String value = stored.get(e.getKey());
            boolean digest = e.getKey().equals(ObjectInfo.SHA256_METADATA);
            if (value == null ? !(digest && multipartCommit == MultipartCommit.DIRECT)
                    : digest ? !value.equalsIgnoreCase(e.getValue()) : !value.equals(e.getValue())) {
                return false;
            }
        }
        LOG.info("The upload of '{}' to {} had been completed by an earlier attempt whose answer was lost", key,
                bucket.description());
        return true;
    }

    private static boolean identical(HeadObjectResponse stored, Written w) {
        if (stored.contentLength() == null || stored.contentLength() != w.size()) {
            return false;
        }
        Map<String, String> metadata = stored.metadata();
        if (!w.sha256().equalsIgnoreCase(metadata.get(ObjectInfo.SHA256_METADATA))) {
            return false;
        }
        for (Map.Entry<String, String> e : w.meta().entrySet()) {
            if (!e.getKey().equals(ObjectInfo.SHA256_METADATA) && !e.getValue().equals(metadata.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
