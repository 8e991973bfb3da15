package io.github.neo4jbackup.core.transform;

import io.github.neo4jbackup.core.InvalidInputException;

/**
 * Creates the compression transformers. There is no "none": a transformer chain without a
 * compression transformer stores the data as it is.
 *
 * <pre>{@code
 * Transformer fast = Compression.zstd();          // zstd(level=3,workers=0)
 * Transformer small = Compression.zstd(19, 4);    // slower, smaller, four threads
 * Transformer portable = Compression.gzip();      // gzip(level=6), no native code
 * }</pre>
 */
public final class Compression {

    private Compression() {
    }

    /**
     * gzip at the default level {@value GzipTransformer#DEFAULT_LEVEL}.
     *
     * @return the transformer
     */
    public static GzipTransformer gzip() {
        return new GzipTransformer(GzipTransformer.DEFAULT_LEVEL);
    }

    /**
     * gzip at a given level.
     *
     * @param level 1 (fastest) to 9 (smallest output)
     * @return the transformer
     * @throws InvalidInputException if the level is out of range
     */
    public static GzipTransformer gzip(int level) {
        return new GzipTransformer(level);
    }

    /**
     * zstd at the default level {@value ZstdTransformer#DEFAULT_LEVEL}, on the writing thread.
     *
     * @return the transformer
     * @throws InvalidInputException if zstd's native library cannot be loaded on this platform
     */
    public static ZstdTransformer zstd() {
        return new ZstdTransformer(ZstdTransformer.DEFAULT_LEVEL, ZstdTransformer.DEFAULT_WORKERS);
    }

    /**
     * zstd at a given level, on the writing thread.
     *
     * @param level 1 (fastest) to 19 (smallest output), or a fast level from
     *              {@value ZstdTransformer#MIN_FAST_LEVEL} to -1
     * @return the transformer
     * @throws InvalidInputException if the level is out of range or zstd's native library cannot be
     *                               loaded on this platform
     */
    public static ZstdTransformer zstd(int level) {
        return new ZstdTransformer(level, ZstdTransformer.DEFAULT_WORKERS);
    }

    /**
     * zstd at a given level with compression worker threads.
     *
     * @param level   1 (fastest) to 19 (smallest output), or a fast level from
     *                {@value ZstdTransformer#MIN_FAST_LEVEL} to -1
     * @param workers 0 (compress on the writing thread) to {@value ZstdTransformer#MAX_WORKERS}
     * @return the transformer
     * @throws InvalidInputException if a parameter is out of range or zstd's native library cannot be
     *                               loaded on this platform
     */
    public static ZstdTransformer zstd(int level, int workers) {
        return new ZstdTransformer(level, workers);
    }
}
