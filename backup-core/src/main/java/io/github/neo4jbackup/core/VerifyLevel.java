package io.github.neo4jbackup.core;

/** How thoroughly {@link BackupPipeline#verify(String, VerifyLevel)} checks a backup. */
public enum VerifyLevel {
    /** The manifest is readable and the data object exists with the recorded size (and stored hash, where the store keeps one). */
    MANIFEST,
    /**
     * Full read-back: the stored bytes are read and hashed, the whole transformer chain is decoded
     * and the raw bytes are hashed and counted, all compared with the manifest.
     */
    FULL
}
