package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.ObjectKey;

import java.time.Duration;
import java.util.Objects;

/**
 * What copying one backup into another repository did.
 *
 * @param outcome        copied, already there, or (dry run) what would be copied
 * @param manifest       the backup's manifest in the destination: the one written (copied), the
 *                       one found there (already present), or the one that would be written (dry run)
 * @param sourceKey      the backup's data key in the source repository
 * @param destination    the destination repository as it describes itself (never credentials)
 * @param bytesCopied    stored bytes transferred (0 unless copied)
 * @param duration       how long the copy took, read-back included
 */
public record CopyResult(Outcome outcome, Manifest manifest, ObjectKey sourceKey, String destination,
                         long bytesCopied, Duration duration) {

    /**
     * Creates the result.
     *
     * @param outcome     outcome
     * @param manifest    manifest in the destination
     * @param sourceKey   data key in the source
     * @param destination destination description
     * @param bytesCopied bytes copied
     * @param duration    duration
     */
    public CopyResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(sourceKey, "sourceKey");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(duration, "duration");
    }

    /**
     * The backup id (the same in both repositories).
     *
     * @return the id
     */
    public String id() {
        return manifest.id();
    }

    /**
     * The data key in the destination.
     *
     * @return the key
     */
    public ObjectKey destinationKey() {
        return manifest.object().key();
    }

    /** What a copy did. */
    public enum Outcome {
        /** The backup was copied, read back and its manifest written in the destination. */
        COPIED,
        /** The destination already held this backup with the same stored bytes (same size and SHA-256); nothing was written. */
        ALREADY_PRESENT,
        /** Dry run: the backup would be copied; nothing was written. */
        WOULD_COPY
    }
}
