package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.Secret;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real S3 server for tests (S3Proxy over HTTP on 127.0.0.1, file-system blob store, AWS
 * signatures checked) and helpers to inspect it without going through the target under test.
 * {@link #shared()} is one server per JVM with the {@link #ACCESS_KEY}/{@link #SECRET_KEY}
 * credentials; {@link #start(String, String)} starts a server of one's own with other credentials,
 * closed by the caller. Other processes (the command line, a child JVM) can talk to it too.
 *
 * <p>Published in this module's test jar for the other modules' tests.
 */
public final class S3ProxyServer implements AutoCloseable {

    /** Access key id of {@link #shared()}. */
    public static final String ACCESS_KEY = "test-access";
    /** Secret key of {@link #shared()}. */
    public static final String SECRET_KEY = "test-secret-k3y";

    private static S3ProxyServer shared;
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private final String accessKey;
    private final String secretKey;
    private final boolean isShared;
    private final S3Proxy proxy;
    private final Path dir;
    private final S3Client client;

    private S3ProxyServer(String accessKey, String secretKey, boolean isShared) throws Exception {
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.isShared = isShared;
        dir = Files.createTempDirectory("s3proxy-");
        proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(dir.toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        client = newClient(port(), accessKey, secretKey);
        if (isShared) {
            Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "s3proxy-stop"));
        }
    }

    /**
     * The server shared by this JVM, started on first use and stopped when the JVM exits.
     *
     * @return the shared server
     */
    public static synchronized S3ProxyServer shared() {
        if (shared == null) {
            try {
                shared = new S3ProxyServer(ACCESS_KEY, SECRET_KEY, true);
            } catch (Exception e) {
                throw new IllegalStateException("Could not start S3Proxy", e);
            }
        }
        return shared;
    }

    /**
     * Starts a server of one's own that accepts only the given credentials; {@link #close()} stops
     * it and deletes what it stored.
     *
     * @param accessKey the access key id
     * @param secretKey the secret key
     * @return the started server
     */
    public static S3ProxyServer start(String accessKey, String secretKey) {
        try {
            return new S3ProxyServer(accessKey, secretKey, false);
        } catch (Exception e) {
            throw new IllegalStateException("Could not start S3Proxy", e);
        }
    }

    /**
     * The port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return proxy.getPort();
    }

    /**
     * The endpoint, {@code http://127.0.0.1:PORT}.
     *
     * @return the endpoint
     */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /**
     * A client for inspecting the server directly (not the target's); owned by the server.
     *
     * @return the client
     */
    public S3Client client() {
        return client;
    }

    /**
     * A new client with the shared server's credentials to a port (the shared server's, or a fault
     * proxy's in front of it), with no SDK retries; the caller closes it.
     *
     * @param port         the port
     * @param interceptors interceptors to add, e.g. to record requests
     * @return the client
     */
    public static S3Client newClient(int port, ExecutionInterceptor... interceptors) {
        return newClient(port, ACCESS_KEY, SECRET_KEY, interceptors);
    }

    private static S3Client newClient(int port, String accessKey, String secretKey,
                                      ExecutionInterceptor... interceptors) {
        return S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .httpClientBuilder(Apache5HttpClient.builder())
                .overrideConfiguration(o -> {
                    o.retryStrategy(AwsRetryStrategy.doNotRetry());
                    for (ExecutionInterceptor i : interceptors) {
                        o.addExecutionInterceptor(i);
                    }
                })
                .build();
    }

    /**
     * A configuration for this server (path style, its credentials).
     *
     * @return a builder to add the bucket and options to
     */
    public S3Config.Builder config() {
        return config(secretKey);
    }

    /**
     * A configuration for this server with the given secret key, right or wrong.
     *
     * @param secret the secret key to sign with
     * @return a builder to add the bucket and options to
     */
    public S3Config.Builder config(String secret) {
        return S3Config.builder().endpoint(endpoint()).region("us-east-1").pathStyle(true)
                .credentials(accessKey, Secret.of(secret));
    }

    /**
     * Creates a new, empty bucket with a unique name.
     *
     * @param hint the start of the name
     * @return the bucket's name
     */
    public String newBucket(String hint) {
        String name = (hint + "-" + BUCKETS.incrementAndGet()).toLowerCase();
        client.createBucket(r -> r.bucket(name));
        return name;
    }

    /**
     * Every key in a bucket, temporary objects included.
     *
     * @param bucket the bucket
     * @return the keys
     */
    public List<String> allKeys(String bucket) {
        List<String> keys = new ArrayList<>();
        client.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().forEach((S3Object o) -> keys.add(o.key()));
        return keys;
    }

    /**
     * Every incomplete multipart upload in a bucket, as key@uploadId.
     *
     * @param bucket the bucket
     * @return the uploads
     */
    public List<String> pendingUploads(String bucket) {
        List<String> uploads = new ArrayList<>();
        for (MultipartUpload u : client.listMultipartUploads(r -> r.bucket(bucket)).uploads()) {
            uploads.add(u.key() + "@" + u.uploadId());
        }
        return uploads;
    }

    /**
     * Every object of a bucket as key to "size/ETag".
     *
     * @param bucket the bucket
     * @return the listing, sorted by key
     */
    public Map<String, String> listing(String bucket) {
        Map<String, String> listing = new TreeMap<>();
        client.listObjectsV2Paginator(r -> r.bucket(bucket)).contents()
                .forEach((S3Object o) -> listing.put(o.key(), o.size() + "/" + o.eTag()));
        return listing;
    }

    /**
     * The directory of the blob store: everything the server stored.
     *
     * @return the directory
     */
    public Path directory() {
        return dir;
    }

    /**
     * Deletes a bucket's objects and uploads, then the bucket.
     *
     * @param bucket the bucket
     */
    public void dropBucket(String bucket) {
        for (MultipartUpload u : client.listMultipartUploads(r -> r.bucket(bucket)).uploads()) {
            client.abortMultipartUpload(r -> r.bucket(bucket).key(u.key()).uploadId(u.uploadId()));
        }
        for (String key : allKeys(bucket)) {
            client.deleteObject(r -> r.bucket(bucket).key(key));
        }
        client.deleteBucket(r -> r.bucket(bucket));
    }

    /** Stops a server made by {@link #start(String, String)}; the shared server stops when the JVM exits. */
    @Override
    public void close() {
        if (!isShared) {
            stop();
        }
    }

    private void stop() {
        try {
            client.close();
            proxy.stop();
        } catch (Exception e) {
            // shutting down
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
