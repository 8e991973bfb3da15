package io.github.neo4jbackup.core.transform;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.Transformer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Objects;

/**
 * Zstandard compression with zstd-jni: id {@code zstd}, extension {@code zst}, parameters
 * {@code level} (1 to 19, or a negative "fast" level; default 3) and {@code workers} (compression
 * threads, 0 = compress on the writing thread; default 0).
 *
 * <p>Encoding writes one frame with a content checksum, so corrupted data is detected on decoding;
 * any zstd tool can read it. Decoding accepts concatenated frames and fails with an
 * {@link IOException} on truncated input, corrupt data (including a checksum mismatch) and bytes
 * after the last frame. Decoding does not depend on the level or the workers.
 *
 * <p>zstd-jni uses native code. Its library is probed when a transformer is created; when it cannot
 * be loaded on this platform, creation fails with an {@link InvalidInputException} that says why
 * (gzip needs no native code). {@link #available()} tells in advance. The native memory of a stream
 * is freed when the stream is closed, so always close the streams.
 *
 * <p>Instances are immutable and thread-safe; each stream they create is for one thread. Create them
 * with {@link Compression#zstd()} and its overloads.
 */
public final class ZstdTransformer implements Transformer {

    /** The id recorded in manifests. */
    public static final String ID = "zstd";
    /** The file extension, without a dot. */
    public static final String EXTENSION = "zst";
    /** The name of the level parameter. */
    public static final String LEVEL = "level";
    /** The name of the workers parameter. */
    public static final String WORKERS = "workers";
    /** The fastest regular level. */
    public static final int MIN_LEVEL = 1;
    /** The highest level accepted (levels 20 to 22 need much more memory to decode and are refused). */
    public static final int MAX_LEVEL = 19;
    /** The fastest "fast" level, zstd's {@code ZSTD_minCLevel()}; fast levels run from this to -1. */
    public static final int MIN_FAST_LEVEL = -131072;
    /** The level used when none is given (zstd's default). */
    public static final int DEFAULT_LEVEL = 3;
    /** The most worker threads accepted (zstd's limit on 64-bit platforms). */
    public static final int MAX_WORKERS = 200;
    /** The number of workers used when none is given: compress on the writing thread. */
    public static final int DEFAULT_WORKERS = 0;

    private final int level;
    private final int workers;

    /**
     * Creates the transformer after checking the parameters and probing the native library.
     *
     * @param level   the compression level
     * @param workers the number of worker threads
     * @throws InvalidInputException if a parameter is out of range or zstd's native library cannot
     *                               be loaded
     */
    ZstdTransformer(int level, int workers) {
        if (level == 0 || level < MIN_FAST_LEVEL || level > MAX_LEVEL) {
            throw new InvalidInputException("Invalid zstd level " + level + ": use " + MIN_LEVEL + " (fastest) to "
                    + MAX_LEVEL + " (smallest output), or a fast level from " + MIN_FAST_LEVEL
                    + " to -1 (faster, larger output); the default is " + DEFAULT_LEVEL + ".");
        }
        if (workers < 0 || workers > MAX_WORKERS) {
            throw new InvalidInputException("Invalid number of zstd workers " + workers + ": use 0 (compress on the "
                    + "writing thread) to " + MAX_WORKERS + " worker threads; the default is " + DEFAULT_WORKERS + ".");
        }
        ZstdNative.requireAvailable();
        this.level = level;
        this.workers = workers;
    }

    /**
     * Whether zstd can be used here: the zstd-jni native library loads on this platform. Probes once
     * and remembers the answer.
     *
     * @return {@code true} if zstd transformers can be created
     */
    public static boolean available() {
        return ZstdNative.available();
    }

    /**
     * The compression level.
     *
     * @return 1 to 19, or a negative fast level
     */
    public int level() {
        return level;
    }

    /**
     * The number of compression worker threads.
     *
     * @return 0 (compress on the writing thread) or more
     */
    public int workers() {
        return workers;
    }

    /**
     * Returns {@value #ID}.
     *
     * @return the id
     */
    @Override
    public String id() {
        return ID;
    }

    /**
     * Returns the level and the workers, for example {@code {level=3, workers=0}}; both are
     * informative only, decoding does not need them.
     *
     * @return the parameters, unmodifiable
     */
    @Override
    public Map<String, String> parameters() {
        return Map.of(LEVEL, Integer.toString(level), WORKERS, Integer.toString(workers));
    }

    /**
     * Returns {@value #EXTENSION}.
     *
     * @return the extension
     */
    @Override
    public boolean compresses() {
        return true;
    }

    @Override
    public String extension() {
        return EXTENSION;
    }

    /**
     * Starts a zstd frame. Closing the returned stream writes the rest of the frame and its checksum,
     * frees the native context, then closes {@code out}.
     *
     * @param out the downstream
     * @return the compressing stream
     * @throws IOException when zstd refuses the parameters
     */
    @Override
    public OutputStream encode(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        return ZstdEncodingOutputStream.open(out, level, workers);
    }

    /**
     * Wraps zstd data. Nothing is read until the first read; reading fails with an
     * {@link IOException} on truncated or corrupt data and on bytes after the last frame.
     *
     * @param in the zstd bytes
     * @return the decompressing stream; closing it frees the native context and closes {@code in}
     */
    @Override
    public InputStream decode(InputStream in) {
        Objects.requireNonNull(in, "in");
        return new ZstdDecodingInputStream(in);
    }

    /**
     * Equal to other zstd transformers with the same level and workers.
     *
     * @param other the object to compare with
     * @return whether it is an equal transformer
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof ZstdTransformer z && z.level == level && z.workers == workers;
    }

    /**
     * A hash code consistent with {@link #equals(Object)}.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        return Objects.hash(ID, level, workers);
    }

    /**
     * The same as {@link #describe()}, for example {@code zstd(level=3,workers=0)}.
     *
     * @return the description
     */
    @Override
    public String toString() {
        return describe();
    }
}
