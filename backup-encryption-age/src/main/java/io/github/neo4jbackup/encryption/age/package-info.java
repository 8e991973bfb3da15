/**
 * Client-side encryption of backups in the age format ({@code age-encryption.org/v1}), so that an
 * operator can always decrypt a backup with the standard {@code age} tool.
 *
 * <ul>
 *   <li>{@link io.github.neo4jbackup.encryption.age.AgeEncryption} is the {@code age} transformer:
 *       X25519 recipients ({@code age1...}) or a passphrase (scrypt) to encrypt, X25519 identities
 *       ({@code AGE-SECRET-KEY-1...}, identity files as {@code age-keygen} writes them) or the
 *       passphrase to decrypt. It streams in bounded memory (64 KiB chunks) and belongs last in
 *       the chain, after compression.</li>
 *   <li>{@link io.github.neo4jbackup.encryption.age.AgeTransformerProvider} is registered for
 *       {@link java.util.ServiceLoader}; it turns "restore without a configured identity" into a
 *       clear error instead of an unknown transformer id.</li>
 *   <li>{@link io.github.neo4jbackup.encryption.age.AgeDataException} reports data that cannot be
 *       decrypted, with a {@link io.github.neo4jbackup.encryption.age.AgeDataException.Problem}:
 *       not age, truncated, authentication failed, malformed, unsupported.</li>
 * </ul>
 *
 * <p>The format, STREAM payload and X25519 recipients are jagged's
 * ({@code com.exceptionfactory.jagged}); the scrypt recipient stanza, which jagged does not publish
 * on Maven Central, is composed here from BouncyCastle's scrypt and jagged's file-key encryption as
 * the age specification defines it, and is tested against the {@code age} tool. Keys and
 * passphrases are held as {@link io.github.neo4jbackup.core.Secret}s and never appear in
 * {@code toString()}, exception messages, logs or manifests; manifests record recipient types,
 * public-key fingerprints and the scrypt work factor only.
 */
package io.github.neo4jbackup.encryption.age;
