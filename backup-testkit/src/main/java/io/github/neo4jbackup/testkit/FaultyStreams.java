package io.github.neo4jbackup.testkit;

import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.testkit.FaultInjectingStorageTarget.FaultKind;
import io.github.neo4jbackup.testkit.FaultInjectingStorageTarget.Operation;
import io.github.neo4jbackup.testkit.FaultPlan.Decision;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The decorated streams of a {@link FaultInjectingStorageTarget}: a pending write whose chunks and
 * commit can fail, stall or lose data ({@link FaultKind#TRUNCATE}), and a read stream whose reads
 * can fail, stall, end early or return a flipped bit ({@link FaultKind#CORRUPT}). Every decision
 * comes from the target's {@link FaultPlan}. Not API.
 */
final class FaultyStreams {

    private FaultyStreams() {
    }

    /** A pending write whose stream and commit can fail, stall or lose data. */
    static final class FaultyPendingObject implements PendingObject {
        private final FaultPlan plan;
        private final PendingObject delegate;
        private final FaultyOutputStream stream;

        FaultyPendingObject(FaultPlan plan, PendingObject delegate) {
            this.plan = plan;
            this.delegate = delegate;
            this.stream = new FaultyOutputStream(plan, delegate.stream(), String.valueOf(delegate.key()));
        }

        @Override
        public ObjectKey key() {
            return delegate.key();
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public ObjectInfo commit() throws IOException {
            plan.simpleFault(Operation.COMMIT, String.valueOf(delegate.key()));
            return delegate.commit();
        }

        @Override
        public void abort() {
            delegate.abort();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** The stream of a pending write. */
    private static final class FaultyOutputStream extends OutputStream {
        private final FaultPlan plan;
        private final OutputStream delegate;
        private final String key;
        private boolean truncated;

        FaultyOutputStream(FaultPlan plan, OutputStream delegate, String key) {
            this.plan = plan;
            this.delegate = delegate;
            this.key = key;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            Decision d = plan.decide(Operation.WRITE);
            if (d != null) {
                if (d.rule().kind() == FaultKind.TRUNCATE) {
                    int kept = truncated ? 0 : len / 2;
                    plan.record(d, key, "kept " + kept + " of " + len + " bytes, later writes dropped");
                    if (!truncated && kept > 0) {
                        delegate.write(b, off, kept);
                    }
                    truncated = true;
                    return;
                }
                plan.applyFailOrStall(d, key);
            }
            if (!truncated) {
                delegate.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            delegate.flush();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }

    /** A stream opened for reading. */
    static final class FaultyInputStream extends FilterInputStream {
        private final FaultPlan plan;
        private final String key;
        private boolean truncated;

        FaultyInputStream(FaultPlan plan, InputStream in, String key) {
            super(in);
            this.plan = plan;
            this.key = key;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            Decision d = plan.decide(Operation.READ);
            if (d != null) {
                switch (d.rule().kind()) {
                    case TRUNCATE -> {
                        plan.record(d, key, truncated ? "already at end" : "stream ends here");
                        truncated = true;
                    }
                    case CORRUPT -> {
                        if (truncated) {
                            return -1;
                        }
                        int n = in.read(b, off, len);
                        if (n > 0) {
                            int pos = plan.nextInt(n);
                            int bit = plan.nextInt(8);
                            b[off + pos] ^= (byte) (1 << bit);
                            plan.record(d, key, "flipped bit " + bit + " of byte " + pos + " of " + n + " read");
                        }
                        return n;
                    }
                    default -> plan.applyFailOrStall(d, key);
                }
            }
            if (truncated) {
                return -1;
            }
            return in.read(b, off, len);
        }

        @Override
        public long skip(long n) throws IOException {
            if (n <= 0) {
                return 0;
            }
            byte[] buffer = new byte[(int) Math.min(8192, n)];
            int read = read(buffer, 0, buffer.length);
            return Math.max(read, 0);
        }

        @Override
        public int available() throws IOException {
            return truncated ? 0 : in.available();
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public synchronized void mark(int readlimit) {
            // not supported
        }

        @Override
        public synchronized void reset() throws IOException {
            throw new IOException("mark/reset not supported");
        }
    }
}
