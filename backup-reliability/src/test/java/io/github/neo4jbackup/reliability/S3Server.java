package io.github.neo4jbackup.reliability;

import io.github.neo4jbackup.storage.s3.S3StorageTarget;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real S3 server for the reliability suites: S3Proxy over HTTP on 127.0.0.1 with a file-system
 * blob store, plus a client to look at the bucket without going through the target under test.
 * Processes other than this JVM (a killed backup child) can talk to it.
 */
final class S3Server implements AutoCloseable {

    static final String ACCESS_KEY = "reliability-access";
    static final String SECRET_KEY = "reliability-s3cret";

    private final S3Proxy proxy;
    private final S3Client client;

    private S3Server(S3Proxy proxy) {
        this.proxy = proxy;
        this.client = S3Client.builder().endpointOverride(endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY,
                        SECRET_KEY)))
                .httpClientBuilder(software.amazon.awssdk.http.apache5.Apache5HttpClient.builder()).build();
    }

    /**
     * Starts a server storing its blobs under {@code dir}.
     *
     * @param dir the blob directory
     * @return the started server
     * @throws Exception when it does not start within 30 s
     */
    static S3Server start(Path dir) throws Exception {
        Files.createDirectories(dir);
        S3Proxy proxy = S3Proxy.builder().blobStore(new FilesystemNio2BlobStore(dir.toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                proxy.stop();
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        return new S3Server(proxy);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    String newBucket(String name) {
        client.createBucket(r -> r.bucket(name));
        return name;
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

    @Override
    public void close() throws Exception {
        client.close();
        proxy.stop();
    }
}
