package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.spi.ObjectKey;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The concurrent transfers of one {@link S3Upload}: part uploads ({@code UploadPart}) and
 * server-side range copies ({@code UploadPartCopy}) run on the target's executor, at most as many
 * at a time, over the whole target, as it has permits. The first failure of a part upload is kept
 * and reported to the writer at its next write, flush or commit. Not API.
 */
final class S3PartTransfers {

    private final S3Uploads uploads;
    private final ObjectKey key;
    private final String description;
    private final String bucketName;
    private final BooleanSupplier aborting;
    private final Semaphore permits;
    private final List<CompletableFuture<CompletedPart>> parts = new ArrayList<>();
    private final AtomicReference<Throwable> partFailure = new AtomicReference<>();
    private final AtomicInteger partsDone = new AtomicInteger();

    /**
     * @param aborting whether the write is being aborted: waiting for a permit stops, requests not
     *                 yet sent are cancelled
     */
    S3PartTransfers(S3Uploads uploads, ObjectKey key, BooleanSupplier aborting) {
        this.uploads = uploads;
        this.key = key;
        this.description = uploads.bucket().description();
        this.bucketName = uploads.bucket().bucket();
        this.aborting = aborting;
        this.permits = uploads.permits();
    }

    /** How many part uploads were started. */
    int started() {
        return parts.size();
    }

    /** How many part uploads succeeded. */
    int uploaded() {
        return partsDone.get();
    }

    /** Throws the first failure of a part upload, if one failed. */
    void checkFailure() throws IOException {
        Throwable failure = partFailure.get();
        if (failure != null) {
            throw failure instanceof IOException io
                    ? new S3Errors.S3IOException(io.getMessage(), io)
                    : S3Errors.translate("upload a part of '" + key + "'", description, bucketName, failure, 1);
        }
    }

    /**
     * Sends a part when a permit is free; the buffer goes back to the pool once it is sent.
     *
     * @param uploadKey the S3 key of the multipart upload
     * @param uploadId  its id
     */
    void upload(String uploadKey, String uploadId, int partNumber, byte[] data, int length) throws IOException {
        acquirePermit();
        S3Client s3 = uploads.bucket().client();
        S3Requests requests = uploads.bucket().requests();
        String contentType = uploads.bucket().contentType();
        PartBufferPool pool = uploads.pool();
        String what = "upload part " + partNumber + " of '" + key + "'";
        CompletableFuture<CompletedPart> future;
        try {
            future = CompletableFuture.supplyAsync(() -> {
                try {
                    UploadPartResponse response = requests.call(what, () -> s3.uploadPart(UploadPartRequest.builder()
                                    .bucket(bucketName).key(uploadKey).uploadId(uploadId).partNumber(partNumber)
                                    .contentLength((long) length).build(),
                            RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length),
                                    length, contentType)), aborting);
                    partsDone.incrementAndGet();
                    return CompletedPart.builder().partNumber(partNumber).eTag(response.eTag())
                            .checksumCRC32(response.checksumCRC32()).checksumCRC32C(response.checksumCRC32C())
                            .checksumCRC64NVME(response.checksumCRC64NVME())
                            .checksumSHA1(response.checksumSHA1()).checksumSHA256(response.checksumSHA256())
                            .build();
                } catch (IOException e) {
                    throw new CompletionException(e);
                } finally {
                    pool.release(data); // before the permit, so the writer it wakes reuses this buffer
                    permits.release();
                }
            }, uploads.executor());
        } catch (RejectedExecutionException e) {
            pool.release(data);
            permits.release();
            throw new S3Errors.S3IOException("Cannot upload part " + partNumber + " of '" + key + "': the executor"
                    + " rejected the task (was it shut down?).", e);
        }
        future.whenComplete((part, failure) -> {
            if (failure != null) {
                partFailure.compareAndSet(null, failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
        });
        parts.add(future);
    }

    /** Waits for every part upload; the parts in order, or the first failure. */
    List<CompletedPart> awaitParts() throws IOException {
        return await(parts);
    }

    /**
     * Copies a stored object server-side into a multipart upload, in ranges of the copy part size,
     * and waits for the copies.
     *
     * @param source         the S3 key of the stored object
     * @param destinationKey the S3 key of the multipart upload
     * @param uploadId       its id
     * @param size           the size of the source object
     * @return the copied parts in order
     */
    List<CompletedPart> copy(String source, String destinationKey, String uploadId, long size) throws IOException {
        S3Client s3 = uploads.bucket().client();
        S3Requests requests = uploads.bucket().requests();
        long copyPartSize = uploads.copyPartSize();
        List<CompletableFuture<CompletedPart>> copies = new ArrayList<>();
        int partNumber = 0;
        for (long from = 0; from < size || partNumber == 0; from += copyPartSize) {
            long to = Math.min(size, from + copyPartSize) - 1;
            int number = ++partNumber;
            String range = "bytes=" + from + "-" + to;
            acquirePermit();
            try {
                copies.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        UploadPartCopyResponse response = requests.call("copy part " + number + " of '" + key + "'",
                                () -> s3.uploadPartCopy(r -> r.sourceBucket(bucketName).sourceKey(source)
                                        .destinationBucket(bucketName).destinationKey(destinationKey).uploadId(uploadId)
                                        .partNumber(number).copySourceRange(range)), aborting);
                        return CompletedPart.builder().partNumber(number).eTag(response.copyPartResult().eTag())
                                .build();
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    } finally {
                        permits.release();
                    }
                }, uploads.executor()));
            } catch (RejectedExecutionException e) {
                permits.release();
                throw new S3Errors.S3IOException("Cannot copy '" + key + "': the executor rejected the task.", e);
            }
        }
        return await(copies);
    }

    /** Waits up to {@code wait} for the part uploads to end, whatever their outcome; never throws. */
    void awaitQuietly(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        for (CompletableFuture<CompletedPart> future : parts) {
            try {
                future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | CancellationException | TimeoutException e) {
                // the part failed or still runs; the upload is aborted after this either way
            }
        }
    }

    private void acquirePermit() throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                if (aborting.getAsBoolean()) {
                    throw new S3Errors.S3IOException("Cannot write to '" + key + "': the write was aborted.", null);
                }
                checkFailure();
                try {
                    if (permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                    throw new S3Errors.S3IOException("Interrupted while writing '" + key + "' to " + description
                            + ".", e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private List<CompletedPart> await(List<CompletableFuture<CompletedPart>> futures) throws IOException {
        List<CompletedPart> done = new ArrayList<>();
        for (CompletableFuture<CompletedPart> future : futures) {
            try {
                done.add(future.get());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw cause instanceof IOException io ? io
                        : S3Errors.translate("upload a part of '" + key + "'", description, bucketName, cause, 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new S3Errors.S3IOException("Interrupted while committing '" + key + "'.", e);
            }
        }
        return done;
    }
}
