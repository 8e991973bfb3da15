package io.github.neo4jbackup.storage.s3;

/**
 * The StorageTarget contract with {@link MultipartCommit#DIRECT} (parts go straight to the final
 * key), at the bucket's root (no prefix), one part in flight.
 */
class S3StorageTargetDirectContractTest extends S3StorageTargetContractTest {

    @Override
    S3StorageTarget.Builder configure(S3StorageTarget.Builder builder) {
        return builder.partSize(5 * 1024 * 1024).maxPartsInFlight(1).multipartCommit(MultipartCommit.DIRECT);
    }
}
