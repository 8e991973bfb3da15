package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.Secret;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to build an {@link S3Client} for an {@link S3StorageTarget} when the caller does not bring
 * one: endpoint, region, addressing style, credentials, checksum behaviour and timeouts. Immutable;
 * create it with {@link #builder()}. Secrets are held as {@link Secret} and never printed.
 *
 * <pre>{@code
 * S3Config r2 = S3Config.builder()
 *         .endpoint(URI.create("https://<account-id>.r2.cloudflarestorage.com"))
 *         .region("auto")
 *         .credentials(accessKeyId, Secret.of(secretAccessKey))
 *         .checksumsWhenRequired()
 *         .build();
 * }</pre>
 *
 * <p>The client built here does not retry by itself (the target retries with backoff, so that
 * attempts do not multiply); it uses the Apache 5 HTTP client.
 */
public final class S3Config {

    /** Default time to establish a connection. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);
    /** Default time a socket read may wait for data. */
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(60);
    /** Default limit of one HTTP attempt (one part upload, one request) from start to end. */
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofMinutes(5);
    /** Default size of the connection pool. */
    public static final int DEFAULT_MAX_CONNECTIONS = 50;

    private final URI endpoint;
    private final String region;
    private final boolean pathStyle;
    private final String accessKeyId;
    private final Secret secretAccessKey;
    private final Secret sessionToken;
    private final AwsCredentialsProvider credentialsProvider;
    private final RequestChecksumCalculation requestChecksumCalculation;
    private final ResponseChecksumValidation responseChecksumValidation;
    private final boolean legacyMd5;
    private final Duration connectionTimeout;
    private final Duration socketTimeout;
    private final Duration attemptTimeout;
    private final int maxConnections;

    private S3Config(Builder b) {
        this.endpoint = b.endpoint;
        this.region = b.region;
        this.pathStyle = b.pathStyle;
        this.accessKeyId = b.accessKeyId;
        this.secretAccessKey = b.secretAccessKey;
        this.sessionToken = b.sessionToken;
        this.credentialsProvider = b.credentialsProvider;
        this.requestChecksumCalculation = b.requestChecksumCalculation;
        this.responseChecksumValidation = b.responseChecksumValidation;
        this.legacyMd5 = b.legacyMd5;
        this.connectionTimeout = b.connectionTimeout;
        this.socketTimeout = b.socketTimeout;
        this.attemptTimeout = b.attemptTimeout;
        this.maxConnections = b.maxConnections;
    }

    /**
     * A new builder: AWS's default endpoint, region and credential chains, virtual-host style, the
     * SDK's default checksum behaviour.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this configuration, to make a variant.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.endpoint = endpoint;
        b.region = region;
        b.pathStyle = pathStyle;
        b.accessKeyId = accessKeyId;
        b.secretAccessKey = secretAccessKey;
        b.sessionToken = sessionToken;
        b.credentialsProvider = credentialsProvider;
        b.requestChecksumCalculation = requestChecksumCalculation;
        b.responseChecksumValidation = responseChecksumValidation;
        b.legacyMd5 = legacyMd5;
        b.connectionTimeout = connectionTimeout;
        b.socketTimeout = socketTimeout;
        b.attemptTimeout = attemptTimeout;
        b.maxConnections = maxConnections;
        return b;
    }

    /**
     * The endpoint override (for R2, MinIO, S3Proxy), without user info.
     *
     * @return the endpoint, empty for AWS's regional endpoints
     */
    public Optional<URI> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    /**
     * The region, when one was given (else the default region chain decides).
     *
     * @return the region id, e.g. {@code eu-central-1} or {@code auto}
     */
    public Optional<String> region() {
        return Optional.ofNullable(region);
    }

    /**
     * Whether requests use path-style addressing ({@code https://host/bucket/key}).
     *
     * @return {@code true} for path style
     */
    public boolean pathStyle() {
        return pathStyle;
    }

    /**
     * How the SDK adds checksums to requests, when configured.
     *
     * @return the setting; empty for the SDK default ({@code WHEN_SUPPORTED})
     */
    public Optional<RequestChecksumCalculation> requestChecksumCalculation() {
        return Optional.ofNullable(requestChecksumCalculation);
    }

    /**
     * How the SDK validates checksums of responses, when configured.
     *
     * @return the setting; empty for the SDK default ({@code WHEN_SUPPORTED})
     */
    public Optional<ResponseChecksumValidation> responseChecksumValidation() {
        return Optional.ofNullable(responseChecksumValidation);
    }

    /**
     * Whether requests that need an integrity header carry {@code Content-MD5} (as SDKs before
     * 2.30 sent) in addition to the newer checksums.
     *
     * @return {@code true} if enabled
     */
    public boolean legacyMd5() {
        return legacyMd5;
    }

    /**
     * The limit of one HTTP attempt.
     *
     * @return the timeout
     */
    public Duration attemptTimeout() {
        return attemptTimeout;
    }

    /**
     * Builds a new client from this configuration. The caller owns it and must close it; an
     * {@link S3StorageTarget} built with {@link S3StorageTarget.Builder#config(S3Config)} does this
     * itself and closes it in {@link S3StorageTarget#close()}.
     *
     * @return the client
     * @throws InvalidInputException when no region is configured and none can be found
     */
    public S3Client buildClient() {
        S3ClientBuilder builder = S3Client.builder()
                .region(resolveRegion())
                .forcePathStyle(pathStyle)
                .credentialsProvider(credentials())
                .httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(connectionTimeout)
                        .socketTimeout(socketTimeout)
                        .maxConnections(maxConnections))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(attemptTimeout)
                        .build());
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        if (requestChecksumCalculation != null) {
            builder.requestChecksumCalculation(requestChecksumCalculation);
        }
        if (responseChecksumValidation != null) {
            builder.responseChecksumValidation(responseChecksumValidation);
        }
        if (legacyMd5) {
            builder.addPlugin(LegacyMd5Plugin.create());
        }
        return builder.build();
    }

    private Region resolveRegion() {
        if (region != null) {
            return Region.of(region);
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            if (endpoint != null) {
                return Region.US_EAST_1; // S3-compatible stores mostly ignore the region; SigV4 still needs one
            }
            throw new InvalidInputException("No AWS region configured for the S3 storage target: call region(..)"
                    + " (for example \"eu-central-1\", or \"auto\" for Cloudflare R2), or set AWS_REGION.", e);
        }
    }

    private AwsCredentialsProvider credentials() {
        if (credentialsProvider != null) {
            return credentialsProvider;
        }
        if (accessKeyId != null) {
            return StaticCredentialsProvider.create(sessionToken == null
                    ? AwsBasicCredentials.create(accessKeyId, secretAccessKey.revealString())
                    : AwsSessionCredentials.create(accessKeyId, secretAccessKey.revealString(),
                            sessionToken.revealString()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /**
     * Describes the configuration without secrets: the access key id is shortened, secret key and
     * session token print as {@value Secret#REDACTED}.
     *
     * @return the description
     */
    @Override
    public String toString() {
        String creds;
        if (credentialsProvider != null) {
            creds = "provider " + credentialsProvider.getClass().getSimpleName();
        } else if (accessKeyId != null) {
            creds = "static(accessKeyId=" + maskedKeyId(accessKeyId) + ", secretAccessKey=" + Secret.REDACTED
                    + (sessionToken == null ? "" : ", sessionToken=" + Secret.REDACTED) + ")";
        } else {
            creds = "default chain";
        }
        return "S3Config[endpoint=" + (endpoint == null ? "AWS" : endpoint) + ", region="
                + (region == null ? "default chain" : region) + ", pathStyle=" + pathStyle + ", credentials=" + creds
                + ", requestChecksumCalculation=" + (requestChecksumCalculation == null ? "SDK default"
                : requestChecksumCalculation) + ", responseChecksumValidation=" + (responseChecksumValidation == null
                ? "SDK default" : responseChecksumValidation) + ", legacyMd5=" + legacyMd5 + "]";
    }

    static String maskedKeyId(String keyId) {
        return keyId.length() <= 4 ? "****" : keyId.substring(0, 4) + "****";
    }

    /**
     * Removes user info, query and fragment from an endpoint, so it can be logged.
     *
     * @param uri an endpoint
     * @return scheme, host, port and path only
     */
    static URI sanitized(URI uri) {
        if (uri == null) {
            return null;
        }
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null);
        } catch (URISyntaxException e) {
            return URI.create(uri.getScheme() + "://" + uri.getHost());
        }
    }

    /** Builds an immutable {@link S3Config}. Not thread-safe. */
    public static final class Builder {
        private URI endpoint;
        private String region;
        private boolean pathStyle;
        private String accessKeyId;
        private Secret secretAccessKey;
        private Secret sessionToken;
        private AwsCredentialsProvider credentialsProvider;
        private RequestChecksumCalculation requestChecksumCalculation;
        private ResponseChecksumValidation responseChecksumValidation;
        private boolean legacyMd5;
        private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
        private Duration socketTimeout = DEFAULT_SOCKET_TIMEOUT;
        private Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;

        private Builder() {
        }

        /**
         * The endpoint of an S3-compatible store, e.g. {@code https://<account>.r2.cloudflarestorage.com}
         * or {@code http://minio.local:9000}. Leave unset for AWS S3.
         *
         * @param value the endpoint: scheme, host, optional port; no user info
         * @return this builder
         * @throws InvalidInputException when the URI is not an absolute http(s) URI or carries user info
         */
        public Builder endpoint(URI value) {
            Objects.requireNonNull(value, "endpoint");
            if (value.getRawUserInfo() != null) {
                throw new InvalidInputException("The S3 endpoint " + sanitized(value) + " carries user info;"
                        + " give the credentials with credentials(..) instead of in the URI.");
            }
            if (!"http".equalsIgnoreCase(value.getScheme()) && !"https".equalsIgnoreCase(value.getScheme())
                    || value.getHost() == null) {
                throw new InvalidInputException("The S3 endpoint '" + sanitized(value) + "' is not an http(s) URI"
                        + " with a host; use for example https://<account-id>.r2.cloudflarestorage.com.");
            }
            this.endpoint = value;
            return this;
        }

        /**
         * The region: an AWS region id such as {@code eu-central-1}, or {@code auto} for Cloudflare R2.
         * Default: AWS's region chain ({@code AWS_REGION}, profile, instance metadata), else
         * {@code us-east-1} when an endpoint is set.
         *
         * @param value the region id
         * @return this builder
         */
        public Builder region(String value) {
            Objects.requireNonNull(value, "region");
            if (value.isBlank()) {
                throw new InvalidInputException("The S3 region is blank: use for example \"eu-central-1\" or \"auto\".");
            }
            this.region = value.strip();
            return this;
        }

        /**
         * Path-style addressing ({@code https://host/bucket/key}) instead of virtual-host style
         * ({@code https://bucket.host/key}). MinIO and S3Proxy usually need it. Default {@code false}.
         *
         * @param value {@code true} for path style
         * @return this builder
         */
        public Builder pathStyle(boolean value) {
            this.pathStyle = value;
            return this;
        }

        /**
         * Explicit credentials (an access key pair).
         *
         * @param keyId     the access key id
         * @param secretKey the secret access key
         * @return this builder
         */
        public Builder credentials(String keyId, Secret secretKey) {
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(secretKey, "secretKey");
            if (keyId.isBlank()) {
                throw new InvalidInputException("The S3 access key id is blank.");
            }
            this.accessKeyId = keyId.strip();
            this.secretAccessKey = secretKey;
            this.sessionToken = null;
            this.credentialsProvider = null;
            return this;
        }

        /**
         * Explicit temporary credentials (an access key pair with an STS session token).
         *
         * @param keyId        the access key id
         * @param secretKey    the secret access key
         * @param sessionToken the session token
         * @return this builder
         */
        public Builder credentials(String keyId, Secret secretKey, Secret sessionToken) {
            credentials(keyId, secretKey);
            this.sessionToken = Objects.requireNonNull(sessionToken, "sessionToken");
            return this;
        }

        /**
         * Credentials from AWS's default chain: environment ({@code AWS_ACCESS_KEY_ID},
         * {@code AWS_SECRET_ACCESS_KEY}), system properties, web identity, profile files
         * ({@code AWS_PROFILE}), container and instance metadata. The default.
         *
         * @return this builder
         */
        public Builder defaultCredentials() {
            this.accessKeyId = null;
            this.secretAccessKey = null;
            this.sessionToken = null;
            this.credentialsProvider = null;
            return this;
        }

        /**
         * Credentials from a provider of the caller's (the provider is not closed by the target).
         *
         * @param value the provider
         * @return this builder
         */
        public Builder credentialsProvider(AwsCredentialsProvider value) {
            this.credentialsProvider = Objects.requireNonNull(value, "credentialsProvider");
            this.accessKeyId = null;
            this.secretAccessKey = null;
            this.sessionToken = null;
            return this;
        }

        /**
         * When the SDK adds checksums to requests. {@code WHEN_REQUIRED} is for stores that reject
         * the CRC32 headers SDK 2.30+ sends by default. Default: the SDK's ({@code WHEN_SUPPORTED}).
         *
         * @param value the setting
         * @return this builder
         */
        public Builder requestChecksumCalculation(RequestChecksumCalculation value) {
            this.requestChecksumCalculation = Objects.requireNonNull(value, "requestChecksumCalculation");
            return this;
        }

        /**
         * When the SDK validates checksums of responses. Default: the SDK's ({@code WHEN_SUPPORTED}).
         *
         * @param value the setting
         * @return this builder
         */
        public Builder responseChecksumValidation(ResponseChecksumValidation value) {
            this.responseChecksumValidation = Objects.requireNonNull(value, "responseChecksumValidation");
            return this;
        }

        /**
         * Shortcut: request checksum calculation and response checksum validation both
         * {@code WHEN_REQUIRED}, the setting for S3-compatible stores that reject or mishandle the
         * SDK's default checksums. The target's own SHA-256 still protects the data.
         *
         * @return this builder
         */
        public Builder checksumsWhenRequired() {
            this.requestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            this.responseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
            return this;
        }

        /**
         * Also send {@code Content-MD5} where S3 requires an integrity header (DeleteObjects), for
         * stores that only understand MD5 there. Default {@code false}.
         *
         * @param value {@code true} to send it
         * @return this builder
         */
        public Builder legacyMd5(boolean value) {
            this.legacyMd5 = value;
            return this;
        }

        /**
         * Time to establish a connection; default {@link #DEFAULT_CONNECTION_TIMEOUT}.
         *
         * @param value the timeout
         * @return this builder
         */
        public Builder connectionTimeout(Duration value) {
            this.connectionTimeout = positive(value, "connectionTimeout");
            return this;
        }

        /**
         * How long a socket read may wait for data; default {@link #DEFAULT_SOCKET_TIMEOUT}.
         *
         * @param value the timeout
         * @return this builder
         */
        public Builder socketTimeout(Duration value) {
            this.socketTimeout = positive(value, "socketTimeout");
            return this;
        }

        /**
         * Limit of one HTTP attempt from start to end (a part upload must fit in it, also on a slow
         * link); a stalled connection is cut after it and the request retried. Default
         * {@link #DEFAULT_ATTEMPT_TIMEOUT}.
         *
         * @param value the timeout
         * @return this builder
         */
        public Builder attemptTimeout(Duration value) {
            this.attemptTimeout = positive(value, "attemptTimeout");
            return this;
        }

        /**
         * Size of the HTTP connection pool; default {@value #DEFAULT_MAX_CONNECTIONS}. Keep it above
         * the target's parts in flight.
         *
         * @param value the number of connections
         * @return this builder
         */
        public Builder maxConnections(int value) {
            if (value < 1) {
                throw new InvalidInputException("maxConnections must be at least 1, but was " + value + ".");
            }
            this.maxConnections = value;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the configuration
         */
        public S3Config build() {
            return new S3Config(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new InvalidInputException(name + " must be a positive duration, but was " + value + ".");
            }
            return value;
        }
    }
}
