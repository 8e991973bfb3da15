package io.github.neo4jbackup.core;

/**
 * Options of a restore.
 *
 * @param verifyFirst read the whole backup back and check it before the sink sees a byte (default
 *                    {@code true}). Without it the data is still verified while streaming, and the
 *                    sink sees the failure at the end, before it finishes.
 */
public record RestoreOptions(boolean verifyFirst) {

    /**
     * The defaults: verify first.
     *
     * @return the options
     */
    public static RestoreOptions defaults() {
        return new RestoreOptions(true);
    }

    /**
     * A copy with another verify-first setting.
     *
     * @param value the setting
     * @return the copy
     */
    public RestoreOptions withVerifyFirst(boolean value) {
        return new RestoreOptions(value);
    }
}
