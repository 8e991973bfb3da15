package io.github.neo4jbackup.benchmarks.e2e;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An S3-compatible server (S3Proxy) inside the suite's JVM, on 127.0.0.1, keeping objects as files
 * under a directory so large backups never sit in memory. The measured command-line runs reach it
 * over HTTP like any S3 endpoint, with path-style requests and static credentials.
 */
final class S3Server implements AutoCloseable {

    static final String ACCESS_KEY = "bench-access";
    static final String SECRET_KEY = "bench-secret-k3y";

    private final S3Proxy proxy;
    private final BlobStore store;

    private S3Server(S3Proxy proxy, BlobStore store) {
        this.proxy = proxy;
        this.store = store;
    }

    static S3Server start(Path dir) throws Exception {
        Files.createDirectories(dir);
        BlobStore store = new FilesystemNio2BlobStore(dir.toString());
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                proxy.stop();
                throw new IOException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        return new S3Server(proxy, store);
    }

    /** @return the endpoint URL */
    String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    /** Creates a bucket (in a new, empty store). */
    void bucket(String name) {
        store.createContainer(CreateBucketRequest.builder().bucket(name).build());
    }

    @Override
    public void close() throws IOException {
        try {
            proxy.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IOException("Could not stop S3Proxy", e);
        }
    }
}
