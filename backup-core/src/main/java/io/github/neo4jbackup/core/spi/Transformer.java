package io.github.neo4jbackup.core.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * An invertible stream filter (compression, encryption) with a stable id.
 *
 * <p>The id and {@link #parameters()} are recorded in the manifest, in chain order. On restore
 * the pipeline rebuilds the chain from the manifest in reverse, finding a transformer for each id
 * among the ones configured on the pipeline and, failing that, among the
 * {@link TransformerProvider}s found by {@link java.util.ServiceLoader}.
 *
 * <p>Stream lifecycle: closing the stream returned by {@link #encode(OutputStream)} finishes the
 * encoding (trailers, final chunks) and closes the wrapped stream. A decoding stream must throw an
 * {@link IOException} on truncated or corrupt input, never return wrong bytes silently.
 */
public interface Transformer {

    /**
     * The stable id, for example {@code gzip}, {@code zstd}, {@code age}.
     *
     * @return the id
     */
    String id();

    /**
     * Parameters that describe how the data was encoded, recorded in the manifest; never secrets.
     *
     * @return the parameters (for example {@code level=3})
     */
    Map<String, String> parameters();

    /**
     * The file extension this transformer adds, without a dot ({@code gz}, {@code zst}, {@code age}).
     *
     * @return the extension
     */
    String extension();

    /**
     * Wraps a stream so that what is written to the result is encoded into {@code out}.
     *
     * @param out the downstream
     * @return the encoding stream; closing it finishes the encoding and closes {@code out}
     * @throws IOException when the encoder cannot start
     */
    OutputStream encode(OutputStream out) throws IOException;

    /**
     * Wraps a stream so that reading the result decodes {@code in}.
     *
     * @param in the encoded stream
     * @return the decoded stream; closing it closes {@code in}
     * @throws IOException when the input is not valid for this transformer
     */
    InputStream decode(InputStream in) throws IOException;

    /**
     * Whether this transformer compresses (so it gains nothing on already-compressed data such as
     * neo4j-admin dumps, and the pipeline skips it for such sources unless told otherwise).
     *
     * @return {@code true} for compressors
     */
    default boolean compresses() {
        return false;
    }

    /**
     * A human-readable form with parameters, for example {@code zstd(level=3)}.
     *
     * @return the description
     */
    default String describe() {
        Map<String, String> parameters = new java.util.TreeMap<>(parameters());
        if (parameters.isEmpty()) {
            return id();
        }
        StringBuilder sb = new StringBuilder(id()).append('(');
        parameters.forEach((k, v) -> sb.append(k).append('=').append(v).append(','));
        sb.setLength(sb.length() - 1);
        return sb.append(')').toString();
    }
}
