package io.github.neo4jbackup.storage.s3;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The retry decorator of an {@link S3StorageTarget}: every S3 request of the target goes through
 * {@link #call}, which runs it under the target's retry policy (resilience4j: exponential backoff
 * with jitter, transient failures only as {@link S3Errors#isRetryable(Throwable)} classifies them,
 * a bounded number of attempts), logs each attempt that is retried, and turns the final failure
 * into a worded {@link IOException} ({@link S3Errors#translate}). Not API.
 */
final class S3Requests {

    private static final Logger LOG = LoggerFactory.getLogger(S3StorageTarget.class);

    private final String bucket;
    private final String description;
    private final int maxAttempts;
    private final Retry retry;

    S3Requests(String bucket, String description, int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        this.bucket = bucket;
        this.description = description;
        this.maxAttempts = maxAttempts;
        this.retry = Retry.of("s3-" + bucket, RetryConfig.custom()
                .maxAttempts(maxAttempts)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(initialBackoff, 2.0, 0.5, maxBackoff))
                .retryOnException(S3Errors::isRetryable)
                .failAfterMaxAttempts(false)
                .build());
    }

    /** The most attempts of one request, the first included. */
    int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Runs one S3 request with the retry policy and turns SDK failures into worded IOExceptions.
     *
     * @param what    what the request does, for messages
     * @param request the request
     */
    <T> T call(String what, Supplier<T> request) throws IOException {
        return call(what, request, null);
    }

    /**
     * Runs one S3 request with the retry policy and turns SDK failures into worded IOExceptions.
     *
     * @param what      what the request does, for messages
     * @param request   the request
     * @param cancelled checked before every attempt (may be {@code null})
     */
    <T> T call(String what, Supplier<T> request, BooleanSupplier cancelled) throws IOException {
        AtomicInteger attempts = new AtomicInteger();
        try {
            return retry.executeSupplier(() -> {
                if (cancelled != null && cancelled.getAsBoolean()) {
                    throw new CancellationException("aborted");
                }
                int attempt = attempts.incrementAndGet();
                try {
                    return request.get();
                } catch (SdkException e) {
                    if (attempt < maxAttempts && S3Errors.isRetryable(e)) {
                        LOG.warn("Could not {} on {} (attempt {} of {}): {}; retrying", what, description, attempt,
                                maxAttempts, shortReason(e));
                    }
                    throw e;
                }
            });
        } catch (SdkException | CancellationException e) {
            throw S3Errors.translate(what, description, bucket, e, attempts.get());
        }
    }

    private static String shortReason(Throwable e) {
        String message = e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int paren = message.indexOf(" (Service:");
        return paren > 0 ? message.substring(0, paren) : message;
    }
}
