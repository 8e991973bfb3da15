package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.ObjectKey;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a successful backup: it is stored, verified and its manifest written.
 *
 * @param manifest     the manifest written for it
 * @param manifestKey  where the manifest is stored
 * @param prune        the retention run that followed, when a policy is configured and it succeeded
 * @param pruneFailure why the retention run after the backup failed (the backup itself is fine), or {@code null}
 */
public record BackupResult(Manifest manifest, ObjectKey manifestKey, PruneResult prune, String pruneFailure) {

    /**
     * Creates a result.
     *
     * @param manifest     manifest
     * @param manifestKey  manifest key
     * @param prune        prune result or {@code null}
     * @param pruneFailure prune failure or {@code null}
     */
    public BackupResult {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(manifestKey, "manifestKey");
    }

    /**
     * The backup id.
     *
     * @return the id
     */
    public String id() {
        return manifest.id();
    }

    /**
     * The data object's key.
     *
     * @return the key
     */
    public ObjectKey dataKey() {
        return manifest.object().key();
    }

    /**
     * Size of the stream the source produced.
     *
     * @return bytes
     */
    public long rawSize() {
        return manifest.object().rawSize();
    }

    /**
     * Size of the stored object.
     *
     * @return bytes
     */
    public long storedSize() {
        return manifest.object().storedSize();
    }

    /**
     * SHA-256 of the stored object.
     *
     * @return lower-case hex
     */
    public String storedSha256() {
        return manifest.object().storedSha256();
    }

    /**
     * SHA-256 of the raw stream.
     *
     * @return lower-case hex
     */
    public String rawSha256() {
        return manifest.object().rawSha256();
    }

    /**
     * How long the backup took until its manifest was written.
     *
     * @return the duration
     */
    public Duration duration() {
        return manifest.duration();
    }

    /**
     * Entity counts the source reported.
     *
     * @return the counts
     */
    public GraphCounts counts() {
        return manifest.counts();
    }

    /**
     * The retention run after the backup, if any succeeded.
     *
     * @return the prune result
     */
    public Optional<PruneResult> pruneResult() {
        return Optional.ofNullable(prune);
    }

    /**
     * Why the retention run after the backup failed, if it did.
     *
     * @return the failure message
     */
    public Optional<String> pruneFailureMessage() {
        return Optional.ofNullable(pruneFailure);
    }
}
