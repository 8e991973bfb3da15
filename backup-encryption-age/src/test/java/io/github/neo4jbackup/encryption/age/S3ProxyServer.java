package io.github.neo4jbackup.encryption.age;

import io.github.neo4jbackup.core.Secret;
import io.github.neo4jbackup.storage.s3.S3Config;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One S3Proxy server (HTTP on 127.0.0.1, file-system blob store) shared by the tests of this JVM,
 * as backup-storage-s3's tests run it, and a client to inspect and tamper with it directly.
 */
final class S3ProxyServer {

    static final String ACCESS_KEY = "test-access";
    static final String SECRET_KEY = "test-secret-k3y";

    private static S3ProxyServer shared;
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private final S3Proxy proxy;
    private final Path dir;
    private final S3Client client;

    private S3ProxyServer() throws Exception {
        dir = Files.createTempDirectory("s3proxy-age-");
        proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(dir.toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        client = S3Client.builder()
                .endpointOverride(endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClientBuilder(Apache5HttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "s3proxy-age-stop"));
    }

    /** The server shared by this JVM, started on first use. */
    static synchronized S3ProxyServer shared() {
        if (shared == null) {
            try {
                shared = new S3ProxyServer();
            } catch (Exception e) {
                throw new IllegalStateException("Could not start S3Proxy", e);
            }
        }
        return shared;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** A client for inspecting the server directly (not the target's). */
    S3Client client() {
        return client;
    }

    /** A configuration for this server (path style, static credentials). */
    S3Config.Builder config() {
        return S3Config.builder().endpoint(endpoint()).region("us-east-1").pathStyle(true)
                .credentials(ACCESS_KEY, Secret.of(SECRET_KEY));
    }

    /** Creates a new, empty bucket with a unique name. */
    String newBucket(String hint) {
        String name = (hint + "-" + BUCKETS.incrementAndGet()).toLowerCase();
        client.createBucket(r -> r.bucket(name));
        return name;
    }

    /** Deletes a bucket's objects, then the bucket. */
    void dropBucket(String bucket) {
        client.listObjectsV2Paginator(r -> r.bucket(bucket)).contents()
                .forEach((S3Object o) -> client.deleteObject(r -> r.bucket(bucket).key(o.key())));
        client.deleteBucket(r -> r.bucket(bucket));
    }

    private void stop() {
        try {
            client.close();
            proxy.stop();
        } catch (Exception e) {
            // shutting down
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
