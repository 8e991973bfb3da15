package io.github.neo4jbackup.storage.s3;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.IOException;
import java.io.InputStream;

/**
 * The body of a GetObject that survives broken connections: when a read fails with a transient
 * error, it reopens the object at the current position ({@code Range: bytes=pos-}) on the same
 * version ({@code If-Match: <ETag>}), a bounded number of times. Not thread-safe. Not API.
 */
final class ResumingInputStream extends InputStream {

    private static final Logger LOG = LoggerFactory.getLogger(ResumingInputStream.class);

    /** Reopens the object from a byte position; the ETag pins the version. */
    interface Reopener {
        ResponseInputStream<GetObjectResponse> open(long position, String eTag) throws IOException;
    }

    private final String what;
    private final long length;
    private final String eTag;
    private final Reopener reopener;
    private final int maxResumes;
    private ResponseInputStream<GetObjectResponse> in;
    private long position;
    private int resumes;
    private boolean closed;

    ResumingInputStream(String what, ResponseInputStream<GetObjectResponse> first, Reopener reopener, int maxResumes) {
        this.what = what;
        this.in = first;
        Long contentLength = first.response().contentLength();
        this.length = contentLength == null ? -1 : contentLength;
        this.eTag = first.response().eTag();
        this.reopener = reopener;
        this.maxResumes = maxResumes;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("Cannot read " + what + ": the stream is closed.");
        }
        if (len == 0) {
            return 0;
        }
        while (true) {
            try {
                int n = in.read(b, off, len);
                if (n < 0) {
                    if (length >= 0 && position < length) {
                        throw new IOException("the connection ended after " + position + " of " + length + " bytes");
                    }
                    return -1;
                }
                position += n;
                return n;
            } catch (IOException e) {
                if (length >= 0 && position >= length && !closed) {
                    return -1; // every byte arrived; only the end of the exchange failed
                }
                if (closed || resumes >= maxResumes || eTag == null || !S3Errors.isRetryable(e)) {
                    throw e;
                }
                resumes++;
                LOG.warn("Reading {} failed at byte {} ({}); resuming (attempt {} of {})", what, position, e.toString(),
                        resumes, maxResumes);
                in.abort();
                in = reopener.open(position, eTag);
            }
        }
    }

    @Override
    public int available() throws IOException {
        return closed ? 0 : in.available();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (length >= 0 && position >= length) {
            in.close();
        } else {
            in.abort(); // do not drain the rest of a large object just to reuse the connection
            try {
                in.close();
            } catch (IOException e) {
                // the connection was aborted on purpose
            }
        }
    }
}
