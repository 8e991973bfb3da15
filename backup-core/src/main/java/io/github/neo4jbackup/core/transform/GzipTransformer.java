package io.github.neo4jbackup.core.transform;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.Transformer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Objects;

/**
 * gzip compression (RFC 1952): id {@code gzip}, extension {@code gz}, parameter {@code level}
 * (1 to 9, default 6). Needs no native code: encoding uses the JDK's deflater, decoding
 * commons-compress.
 *
 * <p>Encoding writes one member with a fixed header (no name, modification time 0), so equal input
 * and level give equal output; any gzip tool can read it. Decoding checks every member's CRC-32 and
 * length, accepts concatenated members, and fails with an {@link IOException} on truncated input,
 * corrupt data or bytes after the last member.
 *
 * <p>Instances are immutable and thread-safe; each stream they create is for one thread. Create them
 * with {@link Compression#gzip()} or {@link Compression#gzip(int)}.
 */
public final class GzipTransformer implements Transformer {

    /** The id recorded in manifests. */
    public static final String ID = "gzip";
    /** The file extension, without a dot. */
    public static final String EXTENSION = "gz";
    /** The name of the level parameter. */
    public static final String LEVEL = "level";
    /** The fastest level. */
    public static final int MIN_LEVEL = 1;
    /** The level giving the smallest output. */
    public static final int MAX_LEVEL = 9;
    /** The level used when none is given (the gzip tool's default). */
    public static final int DEFAULT_LEVEL = 6;

    private final int level;

    /**
     * Creates the transformer.
     *
     * @param level the compression level, 1 to 9
     * @throws InvalidInputException if the level is out of range
     */
    GzipTransformer(int level) {
        if (level < MIN_LEVEL || level > MAX_LEVEL) {
            throw new InvalidInputException("Invalid gzip level " + level + ": use " + MIN_LEVEL + " (fastest) to "
                    + MAX_LEVEL + " (smallest output); the default is " + DEFAULT_LEVEL + ".");
        }
        this.level = level;
    }

    /**
     * The compression level.
     *
     * @return 1 to 9
     */
    public int level() {
        return level;
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
     * Returns the level, for example {@code {level=6}}; the level is informative only, decoding
     * does not need it.
     *
     * @return the parameters, unmodifiable
     */
    @Override
    public Map<String, String> parameters() {
        return Map.of(LEVEL, Integer.toString(level));
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
     * Starts a gzip member: writes the header to {@code out} at once. Closing the returned stream
     * writes the remaining data and the trailer, then closes {@code out}.
     *
     * @param out the downstream
     * @return the compressing stream
     * @throws IOException when the header cannot be written; {@code out} is then left open
     */
    @Override
    public OutputStream encode(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        return GzipEncodingOutputStream.open(out, level);
    }

    /**
     * Wraps gzip data. Nothing is read until the first read; reading fails with an
     * {@link IOException} on truncated or corrupt data and on bytes after the last member.
     *
     * @param in the gzip bytes
     * @return the decompressing stream; closing it closes {@code in}
     */
    @Override
    public InputStream decode(InputStream in) {
        Objects.requireNonNull(in, "in");
        return new GzipDecodingInputStream(in);
    }

    /**
     * Equal to other gzip transformers with the same level.
     *
     * @param other the object to compare with
     * @return whether it is an equal transformer
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof GzipTransformer g && g.level == level;
    }

    /**
     * A hash code consistent with {@link #equals(Object)}.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        return Objects.hash(ID, level);
    }

    /**
     * The same as {@link #describe()}, for example {@code gzip(level=6)}.
     *
     * @return the description
     */
    @Override
    public String toString() {
        return describe();
    }
}
