package io.github.neo4jbackup.core;

/** How thoroughly {@link BackupPipeline#verify(String, VerifyLevel)} checks a backup. */
public enum VerifyLevel {
    /** The manifest is readable and the data object exists with the recorded size (and stored hash, where the store keeps one). */
    MANIFEST,
    /**
     * Full read-back: the stored bytes are read and hashed, the whole transformer chain is decoded
     * and the raw bytes are hashed and counted, all compared with the manifest.
     */
    FULL,
    /**
     * Everything {@link #FULL} checks, then a restore into a scratch database through a caller-supplied
     * sink (see {@link BackupPipeline#verify(String, VerifyLevel, io.github.neo4jbackup.core.spi.RestoreSink)}):
     * counts and, where both sides know them, the content and schema fingerprints of the restored
     * database are compared with the manifest.
     */
    RESTORE
}
