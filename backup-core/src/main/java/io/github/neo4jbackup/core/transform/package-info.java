/**
 * The compression transformers: {@link io.github.neo4jbackup.core.transform.GzipTransformer}
 * (id {@code gzip}, JDK deflate, no native code) and
 * {@link io.github.neo4jbackup.core.transform.ZstdTransformer} (id {@code zstd}, zstd-jni, native
 * code probed when the transformer is created).
 *
 * <ul>
 *   <li>{@link io.github.neo4jbackup.core.transform.Compression} creates them with validated
 *       levels; an empty transformer chain means no compression.</li>
 *   <li>{@link io.github.neo4jbackup.core.transform.GzipTransformerProvider} and
 *       {@link io.github.neo4jbackup.core.transform.ZstdTransformerProvider} rebuild them from the
 *       parameters recorded in a manifest; they are registered for {@link java.util.ServiceLoader}.</li>
 *   <li>{@link io.github.neo4jbackup.core.transform.TransformerRegistry} finds the transformer for a
 *       recorded id: a configured one first, then a provider.</li>
 * </ul>
 *
 * <p>Decoding is strict: truncated input, a failed checksum or bytes after the end of the
 * compressed data make the decoding stream throw an {@link java.io.IOException}; it never returns
 * fewer or different bytes silently. Both formats may hold several concatenated members (gzip) or
 * frames (zstd); they decode to the concatenation of their contents, as the formats specify.
 */
package io.github.neo4jbackup.core.transform;
