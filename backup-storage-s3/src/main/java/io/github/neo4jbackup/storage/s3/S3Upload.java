package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.spi.ObjectExistsException;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.WriteMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One pending write of an {@link S3StorageTarget}, the multipart upload: hashes the bytes
 * (SHA-256), cuts them into parts of exactly the part size, sends full parts concurrently
 * ({@link S3PartTransfers}), and at commit publishes the object: one
 * {@code PutObject} when it is smaller than a part, else completes the multipart upload, directly
 * on the final key or on a temporary key that is then copied server-side with its SHA-256
 * ({@link MultipartCommit}). Any failure, and an abort or close without a commit, aborts the
 * uploads and deletes the temporary object. What to do about an object already under the key is
 * {@link S3ExistingObjects}'s. Not API.
 */
final class S3Upload implements S3PendingObject {

    private static final Logger LOG = LoggerFactory.getLogger(S3StorageTarget.class);
    private static final int FIRST_BUFFER = 64 * 1024;
    private static final int MAX_PARTS = S3StorageTarget.MAX_PARTS;
    private static final Duration ABORT_WAIT = Duration.ofMinutes(2);

    private enum State { OPEN, COMMITTED, ABORTED }

    private final S3Uploads uploads;
    private final S3Bucket bucket;
    private final S3ExistingObjects existingObjects;
    private final S3Client s3;
    private final S3Requests requests;
    private final String bucketName;
    private final String description;
    private final String contentType;
    private final int partSize;
    private final MultipartCommit multipartCommit;
    private final PartBufferPool pool;

    private final ObjectKey key;
    private final String s3Key;
    private final Map<String, String> metadata;
    private final WriteMode mode;
    private final MessageDigest digest = newDigest();
    private final OutputStream stream = new UploadStream();
    private final S3PartTransfers transfers;
    private volatile boolean aborting;
    private volatile State state = State.OPEN;
    private boolean committing;
    private boolean streamClosed;
    private boolean skipped;
    private long size;
    private byte[] buffer;
    private int filled;
    private String uploadKey;
    private String uploadId;
    private String temporaryObject;
    private String copyUploadId;

    S3Upload(S3Uploads uploads, ObjectKey key, Map<String, String> metadata, WriteMode mode) {
        this.uploads = uploads;
        this.bucket = uploads.bucket();
        this.existingObjects = uploads.existing();
        this.s3 = bucket.client();
        this.requests = bucket.requests();
        this.bucketName = bucket.bucket();
        this.description = bucket.description();
        this.contentType = bucket.contentType();
        this.partSize = uploads.partSize();
        this.multipartCommit = uploads.multipartCommit();
        this.pool = uploads.pool();
        this.key = key;
        this.s3Key = bucket.s3Key(key);
        this.metadata = metadata;
        this.mode = mode;
        this.transfers = new S3PartTransfers(uploads, key, () -> aborting);
    }

    @Override
    public ObjectKey key() {
        return key;
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    @Override
    public boolean skipped() {
        return skipped;
    }

    @Override
    public int partsUploaded() {
        return transfers.uploaded();
    }

    // -------------------------------------------------------------------- writing

    private void write(byte[] b, int off, int len) throws IOException {
        checkWritable();
        while (len > 0) {
            if (buffer == null) {
                buffer = uploadId == null ? new byte[Math.min(FIRST_BUFFER, partSize)] : pool.take();
            }
            if (filled == buffer.length) {
                // only the first buffer grows: double it, up to one part
                byte[] larger = new byte[(int) Math.min(partSize, Math.max(2L * buffer.length, filled + len))];
                System.arraycopy(buffer, 0, larger, 0, filled);
                buffer = larger;
            }
            int n = Math.min(len, buffer.length - filled);
            System.arraycopy(b, off, buffer, filled, n);
            digest.update(b, off, n);
            filled += n;
            size += n;
            off += n;
            len -= n;
            if (filled == partSize) {
                sendPart();
            }
        }
    }

    private void checkWritable() throws IOException {
        if (state != State.OPEN || committing || aborting) {
            throw new S3Errors.S3IOException("Cannot write to '" + key + "' on " + description + ": the write was "
                    + (state == State.COMMITTED ? "already committed" : committing ? "being committed"
                    : "aborted") + ".", null);
        }
        if (streamClosed) {
            throw new S3Errors.S3IOException("Cannot write to '" + key + "': its stream was closed.", null);
        }
        transfers.checkFailure();
    }

    /** Hands the full (or, at commit, the last) buffer to the executor as the next part. */
    private void sendPart() throws IOException {
        if (uploadId == null) {
            startMultipart();
        }
        int partNumber = transfers.started() + 1;
        if (partNumber > MAX_PARTS) {
            throw new S3Errors.S3IOException("Cannot write '" + key + "' to " + description + ": the object is"
                    + " larger than " + MAX_PARTS + " parts of " + partSize + " bytes (S3's limit). Configure a"
                    + " larger part size (partSize) for backups of this size.", null);
        }
        byte[] data = buffer;
        int length = filled;
        buffer = null;
        filled = 0;
        transfers.upload(uploadKey, uploadId, partNumber, data, length);
    }

    private void startMultipart() throws IOException {
        boolean temporary = multipartCommit == MultipartCommit.COPY_WITH_SHA256;
        String target = temporary ? bucket.prefix() + S3StorageTarget.INCOMPLETE_FOLDER + UUID.randomUUID() : s3Key;
        Map<String, String> meta = temporary ? Map.of("final-key", asciiOrHash(key.value())) : metadata;
        if (temporary) {
            uploads.temporaryKeyInUse(target);
        }
        String id = requests.call("start the multipart upload of '" + key + "'",
                () -> s3.createMultipartUpload(bucket.multipartRequest(target, meta, temporary)), null).uploadId();
        uploadKey = target;
        uploadId = id;
        uploads.uploadStarted(id);
    }

    // -------------------------------------------------------------------- commit

    @Override
    public synchronized ObjectInfo commit() throws IOException {
        if (state != State.OPEN || aborting) {
            throw new S3Errors.S3IOException("Cannot commit '" + key + "' on " + description + ": the write was"
                    + " already " + (state == State.COMMITTED ? "committed" : "aborted")
                    + ". Start a new write with create().", null);
        }
        committing = true;
        boolean published = false;
        try {
            transfers.checkFailure();
            String sha256 = HexFormat.of().formatHex(digest.digest());
            Map<String, String> meta = new LinkedHashMap<>(metadata);
            meta.put(ObjectInfo.SHA256_METADATA, sha256);
            ObjectInfo info = uploadId == null ? commitSingle(sha256, meta) : commitMultipart(sha256, meta);
            published = true;
            state = State.COMMITTED;
            return info;
        } finally {
            committing = false;
            if (!published) {
                discard();
            }
        }
    }

    private ObjectInfo commitSingle(String sha256, Map<String, String> meta) throws IOException {
        byte[] data = buffer == null ? new byte[0] : buffer;
        int length = filled;
        Optional<ObjectInfo> same = skipIfIdentical(sha256, meta);
        if (same.isPresent()) {
            return same.get();
        }
        boolean conditional = mode == WriteMode.CREATE_NEW && existingObjects.useConditional();
        while (true) {
            if (mode == WriteMode.CREATE_NEW && !conditional) {
                Optional<ObjectInfo> existing = existingInsteadOfNew(sha256, meta, false);
                if (existing.isPresent()) {
                    return existing.get();
                }
            }
            PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(bucketName).key(s3Key).metadata(meta)
                    .contentLength((long) length);
            bucket.applyObjectSettings(put);
            if (conditional) {
                put.ifNoneMatch("*");
            }
            PutObjectRequest request = put.build();
            try {
                requests.call("upload '" + key + "'", () -> s3.putObject(request, RequestBody.fromContentProvider(
                        () -> new ByteArrayInputStream(data, 0, length), length, contentType)), null);
                break;
            } catch (IOException e) {
                if (conditional && S3Errors.status(e) == 412) {
                    return existingInsteadOfNew(sha256, meta, true).orElseThrow();
                }
                if (conditional && existingObjects.conditionalNotImplemented(e)) {
                    conditional = false;
                    continue;
                }
                throw e;
            }
        }
        pool.release(buffer);
        buffer = null;
        return committedInfo();
    }

    private ObjectInfo commitMultipart(String sha256, Map<String, String> meta) throws IOException {
        if (filled > 0) {
            sendPart();
        } else {
            pool.release(buffer);
            buffer = null;
        }
        List<CompletedPart> done = transfers.awaitParts();
        if (multipartCommit == MultipartCommit.DIRECT) {
            Optional<ObjectInfo> same = skipIfIdentical(sha256, meta);
            if (same.isPresent() || !completeOnFinalKey(uploadId, done, sha256, meta)) {
                abortUpload(uploadKey, uploadId); // identical content is stored already
                uploadId = null;
                return same.isPresent() ? same.get() : committedInfo();
            }
            uploads.uploadEnded(uploadId);
            uploadId = null;
            return committedInfo();
        }
        String id = uploadId;
        try {
            requests.call("complete the upload of '" + key + "'", () -> s3.completeMultipartUpload(r -> r
                    .bucket(bucketName).key(uploadKey).uploadId(id).multipartUpload(m -> m.parts(done))));
        } catch (IOException e) {
            if (!completedBefore(e, uploadKey, Map.of())) {
                throw e;
            }
        }
        uploads.uploadEnded(id);
        uploadId = null;
        temporaryObject = uploadKey;
        Optional<ObjectInfo> same = skipIfIdentical(sha256, meta);
        if (same.isPresent()) {
            deleteTemporary();
            return same.get();
        }
        copyToFinalKey(sha256, meta);
        deleteTemporary();
        return committedInfo();
    }

    /** Copies the completed temporary object into a multipart upload on the final key with the SHA-256. */
    private void copyToFinalKey(String sha256, Map<String, String> meta) throws IOException {
        String id = requests.call("start publishing '" + key + "'",
                () -> s3.createMultipartUpload(bucket.multipartRequest(s3Key, meta, false)), null).uploadId();
        copyUploadId = id;
        uploads.uploadStarted(id);
        List<CompletedPart> done = transfers.copy(temporaryObject, s3Key, id, size);
        if (!completeOnFinalKey(id, done, sha256, meta)) {
            abortUpload(s3Key, id); // identical content is stored already
        }
        uploads.uploadEnded(id);
        copyUploadId = null;
    }

    /**
     * Completes an upload on the final key, conditionally for CREATE_NEW. Returns {@code false}
     * when the key already holds identical content (the upload is then to be aborted).
     */
    private boolean completeOnFinalKey(String id, List<CompletedPart> done, String sha256, Map<String, String> meta)
            throws IOException {
        boolean conditional = mode == WriteMode.CREATE_NEW && existingObjects.useConditional();
        while (true) {
            if (mode == WriteMode.CREATE_NEW && !conditional) {
                Optional<ObjectInfo> existing = existingInsteadOfNew(sha256, meta, false);
                if (existing.isPresent()) {
                    return false;
                }
            }
            CompleteMultipartUploadRequest.Builder complete = CompleteMultipartUploadRequest.builder()
                    .bucket(bucketName).key(s3Key).uploadId(id).multipartUpload(m -> m.parts(done));
            if (conditional) {
                complete.ifNoneMatch("*");
            }
            CompleteMultipartUploadRequest request = complete.build();
            try {
                requests.call("publish '" + key + "'", () -> s3.completeMultipartUpload(request), null);
                return true;
            } catch (IOException e) {
                if (completedBefore(e, s3Key, meta)) {
                    return true;
                }
                if (conditional && S3Errors.status(e) == 412) {
                    existingInsteadOfNew(sha256, meta, true); // throws unless identical
                    return false;
                }
                if (conditional && existingObjects.conditionalNotImplemented(e)) {
                    conditional = false;
                    continue;
                }
                throw e;
            }
        }
    }


    private S3ExistingObjects.Written written(String sha256, Map<String, String> meta) {
        return new S3ExistingObjects.Written(key, s3Key, size, sha256, meta);
    }

    /** See {@link S3ExistingObjects#completedBefore}. */
    private boolean completedBefore(IOException failure, String objectKey, Map<String, String> meta)
            throws IOException {
        return existingObjects.completedBefore(failure, key, objectKey, size, meta);
    }

    /**
     * In OVERWRITE mode with skipping enabled: the stored object when it already holds these
     * bytes and metadata.
     */
    private Optional<ObjectInfo> skipIfIdentical(String sha256, Map<String, String> meta) throws IOException {
        return existingObjects.skippable(written(sha256, meta), mode).map(h -> markSkipped(h, sha256));
    }

    /**
     * For CREATE_NEW when the key is (or, after a failed condition, was) taken: the stored object
     * if it holds exactly these bytes and metadata (a repeated commit), else ObjectExistsException.
     * With {@code taken} false, returns empty when the key is free.
     */
    private Optional<ObjectInfo> existingInsteadOfNew(String sha256, Map<String, String> meta, boolean taken)
            throws IOException {
        return existingObjects.existingInsteadOfNew(written(sha256, meta), taken).map(h -> markSkipped(h, sha256));
    }

    private ObjectInfo markSkipped(HeadObjectResponse existing, String sha256) {
        skipped = true;
        LOG.info("Skipped the upload of '{}' to {}: the store already holds the same {} bytes (SHA-256 {})"
                + " and metadata", key, description, size, sha256);
        return S3Bucket.info(key, existing);
    }

    private ObjectInfo committedInfo() throws IOException {
        if (skipped) {
            return bucket.stat(key).orElseThrow(() -> new ObjectExistsException(key));
        }
        Optional<HeadObjectResponse> h = bucket.head(s3Key, "stat '" + key + "' after the commit");
        if (h.isEmpty()) {
            throw new S3Errors.S3IOException("The commit of '" + key + "' on " + description + " succeeded but the"
                    + " object is not visible; another process deleted it, or the store is not consistent.", null);
        }
        return S3Bucket.info(key, h.get());
    }

    private void deleteTemporary() {
        String temp = temporaryObject;
        if (temp == null) {
            return;
        }
        try {
            requests.call("delete the temporary object of '" + key + "'", () -> s3.deleteObject(r -> r
                    .bucket(bucketName).key(temp)));
            temporaryObject = null;
            uploads.temporaryKeyReleased(temp);
        } catch (IOException e) {
            uploads.temporaryKeyReleased(temp);
            LOG.warn("Could not delete the temporary object {} on {}: {}; cleanupIncomplete() or a lifecycle rule"
                    + " removes it", temp, description, e.getMessage());
        }
    }

    // -------------------------------------------------------------------- abort

    @Override
    public void abort() {
        if (state != State.OPEN) {
            return;
        }
        aborting = true;
        synchronized (this) {
            if (state == State.OPEN) {
                discard();
            }
        }
    }

    @Override
    public void close() {
        abort();
    }

    /** Stops part uploads, aborts open multipart uploads, deletes the temporary object. Never throws. */
    private void discard() {
        aborting = true;
        state = State.ABORTED;
        transfers.awaitQuietly(ABORT_WAIT);
        abortUpload(uploadKey, uploadId);
        uploadId = null;
        abortUpload(s3Key, copyUploadId);
        copyUploadId = null;
        if (temporaryObject != null) {
            deleteTemporary();
        }
        if (uploadKey != null) {
            uploads.temporaryKeyReleased(uploadKey);
        }
        pool.release(buffer);
        buffer = null;
        filled = 0;
    }

    private void abortUpload(String target, String id) {
        if (id == null) {
            return;
        }
        try {
            requests.call("abort the multipart upload of '" + key + "'", () -> s3.abortMultipartUpload(
                    AbortMultipartUploadRequest.builder().bucket(bucketName).key(target).uploadId(id).build()), null);
        } catch (IOException e) {
            if (S3Errors.status(e) != 404) {
                LOG.warn("Could not abort the multipart upload of {} on {}: {}; cleanupIncomplete() or a lifecycle"
                        + " rule removes it", key, description, e.getMessage());
            }
        } finally {
            uploads.uploadEnded(id);
        }
    }

    /** Buffers writes into parts; closing it neither commits nor aborts. */
    private final class UploadStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            synchronized (S3Upload.this) {
                S3Upload.this.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            synchronized (S3Upload.this) {
                if (state == State.OPEN && !aborting) {
                    transfers.checkFailure();
                }
            }
        }

        @Override
        public void close() {
            synchronized (S3Upload.this) {
                streamClosed = true;
            }
        }
    }

    private static String asciiOrHash(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return "sha256:" + HexFormat.of().formatHex(newDigest().digest(
                        value.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return value.length() > 512 ? value.substring(0, 512) : value;
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
