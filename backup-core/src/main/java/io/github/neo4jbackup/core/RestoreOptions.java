package io.github.neo4jbackup.core;

import java.util.Optional;

/**
 * Options of a restore.
 *
 * @param verifyFirst  read the whole backup back and check it before the sink sees a byte (default
 *                     {@code true}). Without it the data is still verified while streaming, and the
 *                     sink sees the failure at the end, before it finishes.
 * @param safetyBackup a pipeline that backs up the database about to be overwritten; when set, the
 *                     restore runs it first and refuses to proceed if it fails. {@code null} for none.
 */
public record RestoreOptions(boolean verifyFirst, BackupPipeline safetyBackup) {

    /**
     * The defaults: verify first, no safety backup.
     *
     * @return the options
     */
    public static RestoreOptions defaults() {
        return new RestoreOptions(true, null);
    }

    /**
     * A copy with another verify-first setting.
     *
     * @param value the setting
     * @return the copy
     */
    public RestoreOptions withVerifyFirst(boolean value) {
        return new RestoreOptions(value, safetyBackup);
    }

    /**
     * A copy that takes a safety backup of the current database with {@code pipeline} before restoring.
     *
     * @param pipeline the pipeline (its source reads the database the restore overwrites), or {@code null}
     * @return the copy
     */
    public RestoreOptions withSafetyBackup(BackupPipeline pipeline) {
        return new RestoreOptions(verifyFirst, pipeline);
    }

    /**
     * The safety backup pipeline, if any.
     *
     * @return the pipeline
     */
    public Optional<BackupPipeline> safetyBackupPipeline() {
        return Optional.ofNullable(safetyBackup);
    }
}
