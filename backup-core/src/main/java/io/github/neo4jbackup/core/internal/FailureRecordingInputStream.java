package io.github.neo4jbackup.core.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes reads through and remembers the first {@link IOException} they threw, so that a caller
 * further up a chain of streams can tell which layer failed (the store, or a decoder). Not API.
 */
public final class FailureRecordingInputStream extends FilterInputStream {

    private volatile IOException failure;

    /**
     * Creates the stream.
     *
     * @param in the stream to watch
     */
    public FailureRecordingInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        try {
            return in.read();
        } catch (IOException e) {
            throw record(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (IOException e) {
            throw record(e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return in.skip(n);
        } catch (IOException e) {
            throw record(e);
        }
    }

    private IOException record(IOException e) {
        if (failure == null) {
            failure = e;
        }
        return e;
    }

    /**
     * The first failure a read threw, if any.
     *
     * @return the failure or {@code null}
     */
    public IOException failure() {
        return failure;
    }
}
