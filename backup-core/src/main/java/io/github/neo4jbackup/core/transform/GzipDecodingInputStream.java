package io.github.neo4jbackup.core.transform;

import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes gzip with commons-compress, strictly: every member's CRC-32 and length are checked, the
 * input must end right after a member (concatenated members are decoded in turn), and input that
 * ends early is reported. The header is read on the first read, not when the stream is created.
 */
final class GzipDecodingInputStream extends DecodingInputStream {

    private GzipCompressorInputStream gzip;
    private boolean released;

    /**
     * Creates the stream; reads nothing yet.
     *
     * @param upstream the gzip bytes
     */
    GzipDecodingInputStream(InputStream upstream) {
        super("gzip", upstream);
    }

    @Override
    protected int decode(byte[] b, int off, int len) throws IOException {
        if (gzip == null) {
            gzip = GzipCompressorInputStream.builder()
                    .setInputStream(new NonClosing(upstream()))
                    .setDecompressConcatenated(true)
                    .get();
        }
        int n;
        do {
            n = gzip.read(b, off, len);
        } while (n == 0);
        return n;
    }

    @Override
    protected void release() {
        // Ends the inflater; the upstream itself is closed by DecodingInputStream.close().
        if (gzip != null && !released) {
            released = true;
            try {
                gzip.close();
            } catch (IOException e) {
                throw new IllegalStateException("Closing a stream that does not close anything failed", e);
            }
        }
    }

    /** Keeps commons-compress from closing the upstream: that is done once, by the caller's close. */
    private static final class NonClosing extends FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the upstream is closed by DecodingInputStream.close()
        }
    }
}
