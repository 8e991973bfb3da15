package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.spi.ObjectExistsException;
import io.github.neo4jbackup.core.spi.ObjectNotFoundException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.RetryableException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CancellationException;
import javax.net.ssl.SSLHandshakeException;

/** Classifies S3 and network failures as transient or permanent and words them for people. Not API. */
final class S3Errors {

    private static final Set<String> RETRYABLE_CODES = Set.of("SlowDown", "RequestTimeout", "InternalError",
            "ServiceUnavailable", "Throttling", "ThrottlingException", "RequestThrottled", "TooManyRequests",
            "OperationAborted", "ConditionalRequestConflict", "RequestTimeoutException", "BadDigest",
            "IncompleteBody");

    private static final String PERMISSIONS = "s3:ListBucket, s3:GetObject, s3:PutObject, s3:DeleteObject,"
            + " s3:ListBucketMultipartUploads, s3:AbortMultipartUpload";

    private S3Errors() {
    }

    /**
     * Whether a failure (anywhere in its cause chain) is transient: 5xx, throttling (429, 503
     * SlowDown), request timeouts, conflicts of concurrent conditional writes, connection resets and
     * timeouts. Missing objects, access denied, bad requests and unknown hosts are permanent.
     */
    static boolean isRetryable(Throwable failure) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof ObjectNotFoundException || t instanceof ObjectExistsException
                    || t instanceof S3DeleteException || t instanceof CancellationException || t instanceof AbortedException
                    || t instanceof UnknownHostException || t instanceof SSLHandshakeException
                    || t instanceof NoRouteToHostException) {
                return false;
            }
            if (t instanceof AwsServiceException service) {
                return isRetryableStatus(service.statusCode(), errorCode(service));
            }
            if (t instanceof ApiCallAttemptTimeoutException || t instanceof ApiCallTimeoutException
                    || t instanceof RetryableException) {
                return true;
            }
            if (t instanceof InterruptedIOException && !(t instanceof java.net.SocketTimeoutException)) {
                // an interrupted thread, unless it is a socket timeout (which extends it)
                return false;
            }
            if (t instanceof IOException && !(t instanceof S3IOException)) {
                // a socket failure: reset, closed, timeout, refused, truncated body
                return !containsPermanentCause(t);
            }
        }
        return false;
    }

    private static boolean containsPermanentCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof UnknownHostException || c instanceof SSLHandshakeException
                    || c instanceof NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    static boolean isRetryableStatus(int status, String code) {
        if (code != null && RETRYABLE_CODES.contains(code)) {
            return true;
        }
        return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    /** The HTTP status of the S3 error behind a failure, or -1. */
    static int status(Throwable failure) {
        AwsServiceException service = find(failure, AwsServiceException.class);
        return service == null ? -1 : service.statusCode();
    }

    /** The S3 error code behind a failure (e.g. {@code NoSuchKey}), or {@code null}. */
    static String code(Throwable failure) {
        AwsServiceException service = find(failure, AwsServiceException.class);
        return service == null ? null : errorCode(service);
    }

    private static String errorCode(AwsServiceException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /**
     * Words a failed S3 operation: what failed, where, why (the store's error code) and what to do.
     *
     * @param what     the operation, e.g. "upload part 3 of 'neo4j/x.dump'"
     * @param where    the target's description
     * @param bucket   the bucket
     * @param failure  the SDK failure
     * @param attempts how many attempts were made
     * @return the exception to throw, with the failure as cause
     */
    static IOException translate(String what, String where, String bucket, Throwable failure, int attempts) {
        String prefix = "Could not " + what + " on " + where;
        String tried = attempts > 1 ? " after " + attempts + " attempts" : "";
        AwsServiceException service = find(failure, AwsServiceException.class);
        if (service != null) {
            int status = service.statusCode();
            String code = errorCode(service);
            String reason = "(" + status + (code == null ? "" : " " + code) + serverMessage(service) + ")";
            String advice;
            if ("NoSuchBucket".equals(code) || status == 404 && code == null && what.startsWith("access the bucket")) {
                advice = "The bucket '" + bucket + "' does not exist at this endpoint. Create it, or fix the bucket name,"
                        + " the region or the endpoint.";
            } else if ("InvalidAccessKeyId".equals(code)) {
                advice = "The store does not know this access key id. Check the access key id and that it belongs to"
                        + " this endpoint and account.";
            } else if ("SignatureDoesNotMatch".equals(code)) {
                advice = "The secret access key does not match the access key id (or the region is wrong). Check the"
                        + " secret key and the region.";
            } else if ("ExpiredToken".equals(code) || "InvalidToken".equals(code)) {
                advice = "The session token is expired or invalid. Renew the temporary credentials.";
            } else if (status == 403) {
                advice = "The credentials were rejected or lack permission. Check the access key and secret key, and"
                        + " that the policy grants " + PERMISSIONS + " on the bucket and prefix (see docs/s3.md;"
                        + " with SSE-KMS also kms:GenerateDataKey and kms:Decrypt).";
            } else if (status == 301 || "PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code)
                    || "IllegalLocationConstraintException".equals(code)) {
                advice = "The bucket lives in another region. Set the region of the S3 configuration to the bucket's"
                        + " region.";
            } else if ("NoSuchUpload".equals(code)) {
                advice = "The multipart upload no longer exists (a lifecycle rule or a cleanup aborted it). Write the"
                        + " object again.";
            } else if (status == 501 || "NotImplemented".equals(code)) {
                advice = "The store does not implement this S3 feature. See docs/s3.md for store-specific settings.";
            } else if ("KMS.NotFoundException".equals(code) || code != null && code.startsWith("KMS.")) {
                advice = "The KMS key for SSE-KMS cannot be used. Check the key id and its key policy.";
            } else if (isRetryableStatus(status, code)) {
                advice = "The store is failing or throttling" + tried + ". Try again later.";
            } else {
                advice = "Check the request and the store's settings.";
            }
            return new S3IOException(prefix + tried + ": " + reason + ". " + advice, failure);
        }
        if (find(failure, UnknownHostException.class) != null) {
            return new S3IOException(prefix + ": the endpoint's host name cannot be resolved (" + rootMessage(failure)
                    + "). Check the endpoint; virtual-host addressing needs DNS for <bucket>.<host>, so MinIO and"
                    + " similar stores usually need pathStyle(true).", failure);
        }
        if (find(failure, ConnectException.class) != null) {
            return new S3IOException(prefix + tried + ": cannot connect to the endpoint (" + rootMessage(failure)
                    + "). Check the endpoint URL and that the store is reachable from here.", failure);
        }
        if (find(failure, CancellationException.class) != null || find(failure, AbortedException.class) != null) {
            return new S3IOException(prefix + ": the write was aborted.", failure);
        }
        if (failure instanceof SdkClientException || failure instanceof SdkException || failure instanceof IOException) {
            String advice = isRetryable(failure)
                    ? " The network or the store failed" + tried + "; try again later."
                    : " Check the configuration of the S3 client.";
            return new S3IOException(prefix + tried + ": " + rootMessage(failure) + "." + advice, failure);
        }
        return new S3IOException(prefix + tried + ": " + rootMessage(failure), failure);
    }

    private static String serverMessage(AwsServiceException e) {
        String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        return message == null || message.isBlank() ? "" : ": " + strip(message);
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        Set<Throwable> seen = new HashSet<>();
        while (root.getCause() != null && seen.add(root)) {
            root = root.getCause();
        }
        String message = root.getMessage();
        String top = failure.getMessage();
        if (message == null || message.isBlank()) {
            message = root.getClass().getSimpleName();
        } else {
            message = root.getClass().getSimpleName() + ": " + message;
        }
        if (top != null && root != failure && !top.contains(message)) {
            return strip(top) + " (" + strip(message) + ")";
        }
        return strip(message);
    }

    private static String strip(String text) {
        String t = text.strip();
        while (t.endsWith(".")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }

    /** An IOException worded by this class; its classification comes from its cause. */
    static final class S3IOException extends IOException {
        private static final long serialVersionUID = 1L;

        S3IOException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
