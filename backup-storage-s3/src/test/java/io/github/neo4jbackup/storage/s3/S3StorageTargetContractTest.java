package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.testkit.StorageTargetContract;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The StorageTarget contract against a real S3 server over HTTP (S3Proxy), with the smallest part
 * size so that the large object of the suite (12 MiB) goes through a multipart upload, the
 * concurrent part uploads and the server-side copy that records its SHA-256; under a key prefix.
 */
class S3StorageTargetContractTest extends StorageTargetContract {

    private static final int MIB = 1024 * 1024;

    private String bucket;

    @Override
    protected StorageTarget newTarget() {
        S3ProxyServer server = S3ProxyServer.shared();
        bucket = server.newBucket("contract");
        return configure(S3StorageTarget.builder().client(server.client()).bucket(bucket)).build();
    }

    /** Settings of this variant. */
    S3StorageTarget.Builder configure(S3StorageTarget.Builder builder) {
        return builder.prefix("backups/prod").partSize(5 * MIB).maxPartsInFlight(3);
    }

    @Override
    protected int largeObjectSize() {
        return 12 * MIB;
    }

    @Override
    protected void afterEachTarget(StorageTarget target) {
        S3ProxyServer server = S3ProxyServer.shared();
        assertThat(server.pendingUploads(bucket)).as("incomplete multipart uploads left behind").isEmpty();
        assertThat(server.allKeys(bucket)).as("temporary objects left behind")
                .noneMatch(k -> k.contains(S3StorageTarget.INCOMPLETE_FOLDER));
        ((S3StorageTarget) target).close();
        server.dropBucket(bucket);
    }
}
