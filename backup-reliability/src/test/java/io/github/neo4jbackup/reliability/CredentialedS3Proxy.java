package io.github.neo4jbackup.reliability;

import io.github.neo4jbackup.core.Secret;
import io.github.neo4jbackup.storage.s3.S3Config;
import io.github.neo4jbackup.storage.s3.S3StorageTarget;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An S3Proxy server on 127.0.0.1 with a file-system blob store and AWS signature checking for one
 * access key, plus a direct client to create buckets and to read a bucket's listing (keys, sizes
 * and ETags) without going through the code under test. Processes other than this JVM (a killed
 * backup child, the command line) can talk to it.
 */
final class CredentialedS3Proxy implements AutoCloseable {

    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private final String accessKey;
    private final String secretKey;
    private final S3Proxy proxy;
    private final Path dir;
    private final S3Client client;

    CredentialedS3Proxy(String accessKey, String secretKey) {
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        try {
            dir = Files.createTempDirectory("s3proxy-reliability-");
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
        } catch (Exception e) {
            throw new IllegalStateException("Could not start S3Proxy", e);
        }
        client = S3Client.builder()
                .endpointOverride(endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .httpClientBuilder(Apache5HttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** A configuration for this server with the right credentials. */
    S3Config.Builder config() {
        return config(secretKey);
    }

    /** A configuration for this server with the given secret key (right or wrong). */
    S3Config.Builder config(String secret) {
        return S3Config.builder().endpoint(endpoint()).region("us-east-1").pathStyle(true)
                .credentials(accessKey, Secret.of(secret));
    }

    /** Creates a new, empty bucket with a unique name. */
    String newBucket(String hint) {
        String name = (hint + "-" + BUCKETS.incrementAndGet()).toLowerCase();
        client.createBucket(r -> r.bucket(name));
        return name;
    }

    /** Every object of a bucket as key to "size/ETag". */
    Map<String, String> listing(String bucket) {
        Map<String, String> listing = new TreeMap<>();
        client.listObjectsV2Paginator(r -> r.bucket(bucket)).contents()
                .forEach((S3Object o) -> listing.put(o.key(), o.size() + "/" + o.eTag()));
        return listing;
    }

    /** Temporary objects ({@code .incomplete/}) and unfinished multipart uploads in a bucket. */
    List<String> temporaryKeysAndUploads(String bucket) {
        List<String> found = new ArrayList<>();
        client.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().forEach((S3Object o) -> {
            if (o.key().contains(S3StorageTarget.INCOMPLETE_FOLDER)) {
                found.add(o.key());
            }
        });
        for (MultipartUpload u : client.listMultipartUploads(r -> r.bucket(bucket)).uploads()) {
            found.add("upload " + u.key() + "@" + u.uploadId());
        }
        return found;
    }

    /** The directory of the blob store (everything the server stored). */
    Path directory() {
        return dir;
    }

    @Override
    public void close() {
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
