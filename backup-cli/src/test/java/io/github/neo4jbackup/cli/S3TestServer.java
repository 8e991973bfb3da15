package io.github.neo4jbackup.cli;

import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.S3Proxy;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** One real S3 server (S3Proxy over HTTP on 127.0.0.1, file-system blob store) per test JVM. */
final class S3TestServer {

    static final String ACCESS_KEY = "cli-access";
    static final String SECRET_KEY = "cli-secret-k3y";

    private static S3TestServer shared;
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private final S3Proxy proxy;
    private final S3Client client;

    private S3TestServer() throws Exception {
        Path dir = Files.createTempDirectory("cli-s3proxy-");
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
        client = S3Client.builder().endpointOverride(endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .httpClientBuilder(Apache5HttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                client.close();
                proxy.stop();
            } catch (Exception ignored) {
                // shutting down
            }
        }, "cli-s3proxy-stop"));
    }

    static synchronized S3TestServer shared() {
        if (shared == null) {
            try {
                shared = new S3TestServer();
            } catch (Exception e) {
                throw new IllegalStateException("Could not start S3Proxy", e);
            }
        }
        return shared;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    S3Client client() {
        return client;
    }

    String newBucket(String hint) {
        String name = (hint + "-" + BUCKETS.incrementAndGet()).toLowerCase();
        client.createBucket(r -> r.bucket(name));
        return name;
    }
}
