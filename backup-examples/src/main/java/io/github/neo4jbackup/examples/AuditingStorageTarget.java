package io.github.neo4jbackup.examples;

import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.core.storage.ForwardingStorageTarget;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * SPI example: a {@link StorageTarget} decorator, built on {@link ForwardingStorageTarget}, that
 * writes an audit trail of every change to the repository (objects created, committed with their
 * size, aborted, deleted) to a consumer — a log, a SIEM, a compliance table. Reads and listings
 * pass through untouched. Decorators like this one (or retry, or rate limiting) wrap any target:
 * {@code new AuditingStorageTarget(LocalStorageTarget.of(dir), auditLog::info)}.
 */
public final class AuditingStorageTarget extends ForwardingStorageTarget {

    private final Consumer<String> audit;

    /**
     * Wraps a target.
     *
     * @param delegate the target that stores the objects
     * @param audit    receives one line per change; must not throw
     */
    public AuditingStorageTarget(StorageTarget delegate, Consumer<String> audit) {
        super(delegate);
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    private void record(String line) {
        try {
            audit.accept(line);
        } catch (RuntimeException e) {
            // an audit sink failure must not fail a backup; the store's own outcome stands
        }
    }

    @Override
    public PendingObject create(ObjectKey key, Map<String, String> metadata, WriteMode mode) throws IOException {
        PendingObject pending = super.create(key, metadata, mode);
        record("create " + key.value() + " " + mode);
        return new AuditedPendingObject(pending);
    }

    @Override
    public void delete(ObjectKey key) throws IOException {
        super.delete(key);
        record("delete " + key.value());
    }

    @Override
    public void deleteAll(java.util.Collection<ObjectKey> keys) throws IOException {
        super.deleteAll(keys);
        keys.forEach(k -> record("delete " + k.value()));
    }

    /** Counts the bytes written and records the outcome. */
    private final class AuditedPendingObject implements PendingObject {
        private final PendingObject delegate;
        private final OutputStream stream;
        private long bytes;
        private boolean finished;

        AuditedPendingObject(PendingObject delegate) {
            this.delegate = delegate;
            this.stream = new FilterOutputStream(delegate.stream()) {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    bytes++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    bytes += len;
                }

                @Override
                public void close() throws IOException {
                    out.close(); // keep the delegate's close semantics (FilterOutputStream would flush first)
                }
            };
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
            ObjectInfo info = delegate.commit();
            finished = true;
            record("commit " + info.key().value() + " " + bytes + " bytes");
            return info;
        }

        @Override
        public void abort() {
            delegate.abort();
            if (!finished) {
                finished = true;
                record("abort " + delegate.key().value() + " after " + bytes + " bytes");
            }
        }

        @Override
        public void close() {
            delegate.close();
            if (!finished) {
                finished = true;
                record("abort " + delegate.key().value() + " (closed without commit) after " + bytes + " bytes");
            }
        }
    }
}
