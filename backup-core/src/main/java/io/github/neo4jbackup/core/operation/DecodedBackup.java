package io.github.neo4jbackup.core.operation;

import io.github.neo4jbackup.core.internal.FailureRecordingInputStream;
import io.github.neo4jbackup.core.internal.VerifyingInputStream;
import io.github.neo4jbackup.core.repository.StoredStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;

/**
 * A backup opened by {@link BackupReader}: the stored stream, the decoding chain over it and the
 * decoded stream, each checked against the manifest. Reading {@link #raw()} to the end completes
 * both checks.
 */
public final class DecodedBackup implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DecodedBackup.class);

    private final StoredStream stored;
    private final InputStream chain;
    private final FailureRecordingInputStream decoder;
    private final VerifyingInputStream raw;

    DecodedBackup(StoredStream stored, InputStream chain, FailureRecordingInputStream decoder,
                  VerifyingInputStream raw) {
        this.stored = stored;
        this.chain = chain;
        this.decoder = decoder;
        this.raw = raw;
    }

    /**
     * The decoded bytes, as the source wrote them.
     *
     * @return the stream
     */
    public InputStream raw() {
        return raw;
    }

    /**
     * Reads what is left of both streams so that both checks complete.
     *
     * @throws IOException when reading fails
     * @throws io.github.neo4jbackup.core.IntegrityException when the bytes differ from the manifest
     */
    public void drain() throws IOException {
        raw.drain();
        stored.drain();
    }

    /**
     * Stored bytes read so far.
     *
     * @return the count
     */
    public long storedBytes() {
        return stored.count();
    }

    /**
     * Decoded bytes read so far.
     *
     * @return the count
     */
    public long rawBytes() {
        return raw.count();
    }

    /**
     * The failure the decoding chain reported about the data itself, if any: {@code null} when it
     * did not fail or when reading the store failed (a failure of the store is not damage).
     *
     * @return the failure or {@code null}
     */
    public IOException decodeFailure() {
        return stored.storageFailure() == null ? decoder.failure() : null;
    }

    @Override
    public void close() throws IOException {
        try {
            raw.close();
        } finally {
            chain.close();
            stored.close();
        }
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("Ignoring failure on close after an earlier failure: {}", e.toString());
        }
    }
}
