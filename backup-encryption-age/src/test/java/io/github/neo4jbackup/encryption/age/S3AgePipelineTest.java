package io.github.neo4jbackup.encryption.age;

import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.storage.s3.S3ProxyServer;
import io.github.neo4jbackup.storage.s3.S3StorageTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.util.Map;

/**
 * The age pipeline contract on {@link S3StorageTarget} against S3Proxy. Tampering rewrites the
 * object through a separate client and keeps its metadata, including the SHA-256 the target
 * recorded, so only reading and decrypting can find the damage.
 */
class S3AgePipelineTest extends AgePipelineContract {

    private static final String PREFIX = "neo4j-backups/";
    private final S3ProxyServer server = S3ProxyServer.shared();
    private String bucket;
    private S3StorageTarget target;

    @BeforeEach
    void setUp() {
        bucket = server.newBucket("age");
        target = S3StorageTarget.builder().config(server.config().build()).bucket(bucket).prefix("neo4j-backups")
                .build();
    }

    @AfterEach
    void tearDown() {
        target.close();
        server.dropBucket(bucket);
    }

    @Override
    StorageTarget target() {
        return target;
    }

    @Override
    byte[] readStored(ObjectKey key) {
        return server.client().getObjectAsBytes(r -> r.bucket(bucket).key(PREFIX + key.value())).asByteArray();
    }

    @Override
    void replaceStored(ObjectKey key, byte[] bytes) {
        HeadObjectResponse head = server.client().headObject(r -> r.bucket(bucket).key(PREFIX + key.value()));
        Map<String, String> metadata = head.metadata();
        server.client().putObject(r -> r.bucket(bucket).key(PREFIX + key.value()).metadata(metadata),
                RequestBody.fromBytes(bytes));
    }

    @Override
    int tamperSamples() {
        return 10;
    }
}
