package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.Secret;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.WriteMode;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.Map;

/**
 * Uploads a generated stream through an S3StorageTarget and prints one RESULT line with the SHA-256,
 * the stored size, the peak heap use and the duration. Run in a child JVM with a small -Xmx by
 * {@link S3LargeUploadTest}: that the upload completes at all proves memory stays bounded.
 *
 * <p>Arguments: endpoint, bucket, key, size in bytes, part size in bytes, parts in flight.
 */
public final class LargeUploadMain {

    private LargeUploadMain() {
    }

    /**
     * Runs the upload.
     *
     * @param args endpoint bucket key size partSize inFlight
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        String bucket = args[1];
        String key = args[2];
        long size = Long.parseLong(args[3]);
        int partSize = Integer.parseInt(args[4]);
        int inFlight = Integer.parseInt(args[5]);
        S3Config config = S3Config.builder().endpoint(endpoint).region("us-east-1").pathStyle(true)
                .credentials(S3ProxyServer.ACCESS_KEY, Secret.of(S3ProxyServer.SECRET_KEY)).build();
        long[] peak = new long[1];
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                synchronized (peak) {
                    peak[0] = Math.max(peak[0], used);
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long start = System.nanoTime();
        try (S3StorageTarget target = S3StorageTarget.builder().config(config).bucket(bucket).partSize(partSize)
                .maxPartsInFlight(inFlight).build()) {
            S3PendingObject pending = target.create(ObjectKey.of(key), Map.of("database", "neo4j"),
                    WriteMode.CREATE_NEW);
            String sha;
            ObjectInfo info;
            try (pending) {
                sha = TestData.write(pending.stream(), 200, size, 64 * 1024);
                info = pending.commit();
            }
            sampler.interrupt();
            long peakHeap;
            synchronized (peak) {
                peakHeap = peak[0];
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.println("RESULT sha256=" + sha + " stored=" + info.size() + " recorded=" + info.sha256().orElse("")
                    + " parts=" + pending.partsUploaded() + " peakHeap=" + peakHeap + " maxHeap="
                    + Runtime.getRuntime().maxMemory() + " seconds=" + String.format("%.2f", seconds));
        }
    }
}
