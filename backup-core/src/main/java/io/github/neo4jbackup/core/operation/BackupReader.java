package io.github.neo4jbackup.core.operation;

import io.github.neo4jbackup.core.internal.FailureRecordingInputStream;
import io.github.neo4jbackup.core.internal.VerifyingInputStream;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.manifest.StoredObject;
import io.github.neo4jbackup.core.manifest.TransformerSpec;
import io.github.neo4jbackup.core.repository.Repository;
import io.github.neo4jbackup.core.repository.StoredStream;
import io.github.neo4jbackup.core.spi.Transformer;
import io.github.neo4jbackup.core.transform.TransformerRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads a backup back as its source wrote it: the stored bytes from the repository (checked
 * against the manifest's size and SHA-256), decoded through the transformer chain the manifest
 * names, in reverse, and the decoded stream checked against the manifest's raw size and SHA-256.
 * Shared by the verifier and the restorer. Immutable and thread-safe.
 */
public final class BackupReader {

    private final Repository repository;
    private final List<Transformer> configured;

    /**
     * Creates the reader.
     *
     * @param repository   where the backups are
     * @param decoders     transformers registered only for decoding (e.g. holding a decryption key)
     * @param transformers the encoding chain of the pipeline (its instances can decode, too)
     */
    public BackupReader(Repository repository, List<Transformer> decoders, List<Transformer> transformers) {
        this.repository = Objects.requireNonNull(repository, "repository");
        List<Transformer> all = new ArrayList<>(decoders);
        all.addAll(transformers);
        this.configured = List.copyOf(all);
    }

    /**
     * Opens a backup for reading.
     *
     * @param manifest the backup
     * @return the decoded stream with both checks; the caller closes it
     * @throws io.github.neo4jbackup.core.InvalidInputException when a transformer the manifest names is
     *                                                          not available
     * @throws io.github.neo4jbackup.core.IntegrityException    when the data is missing
     * @throws IOException                                      when the store or a decoder failed to start
     */
    public DecodedBackup open(Manifest manifest) throws IOException {
        List<Transformer> chain = decodeChain(manifest);
        StoredStream stored = repository.open(manifest);
        InputStream decoded = stored;
        try {
            for (int i = chain.size() - 1; i >= 0; i--) {
                decoded = chain.get(i).decode(decoded);
            }
        } catch (IOException | RuntimeException e) {
            DecodedBackup.closeQuietly(decoded);
            throw e;
        }
        FailureRecordingInputStream decoder = new FailureRecordingInputStream(decoded);
        StoredObject object = manifest.object();
        String what = "Decoded stream of backup " + manifest.id();
        // Without transformers the decoded bytes are the stored bytes, whose SHA-256 the stored
        // stream checks already: hash them once (a manifest that records two different checksums
        // for the same bytes is checked twice, and fails).
        boolean sameBytes = chain.isEmpty() && object.rawSize() == object.storedSize()
                && object.rawSha256().equals(object.storedSha256());
        VerifyingInputStream raw = sameBytes
                ? VerifyingInputStream.sizeOnly(decoder, object.rawSize(), what)
                : new VerifyingInputStream(decoder, object.rawSize(), object.rawSha256(), what);
        return new DecodedBackup(stored, decoded, decoder, raw);
    }

    private List<Transformer> decodeChain(Manifest manifest) {
        List<Transformer> chain = new ArrayList<>();
        for (TransformerSpec spec : manifest.transformers()) {
            chain.add(TransformerRegistry.resolve(spec.id(), spec.parameters(), configured));
        }
        return chain;
    }
}
