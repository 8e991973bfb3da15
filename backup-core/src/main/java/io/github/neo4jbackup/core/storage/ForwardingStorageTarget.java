package io.github.neo4jbackup.core.storage;

import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectPage;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A target that forwards every call to another one: the base for decorators that add retries,
 * metrics, logging or fault injection around a store. Override what the decorator changes.
 */
public abstract class ForwardingStorageTarget implements StorageTarget {

    private final StorageTarget delegate;

    /**
     * Creates the decorator.
     *
     * @param delegate the decorated target
     */
    protected ForwardingStorageTarget(StorageTarget delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * The decorated target.
     *
     * @return the delegate
     */
    protected StorageTarget delegate() {
        return delegate;
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public PendingObject create(ObjectKey key, Map<String, String> metadata, WriteMode mode) throws IOException {
        return delegate.create(key, metadata, mode);
    }

    @Override
    public InputStream open(ObjectKey key) throws IOException {
        return delegate.open(key);
    }

    @Override
    public Optional<ObjectInfo> stat(ObjectKey key) throws IOException {
        return delegate.stat(key);
    }

    @Override
    public ObjectPage list(String prefix, String continuationToken) throws IOException {
        return delegate.list(prefix, continuationToken);
    }

    @Override
    public void delete(ObjectKey key) throws IOException {
        delegate.delete(key);
    }

    @Override
    public void deleteAll(Collection<ObjectKey> keys) throws IOException {
        delegate.deleteAll(keys);
    }

    @Override
    public int cleanupIncomplete(Instant olderThan) throws IOException {
        return delegate.cleanupIncomplete(olderThan);
    }

    @Override
    public boolean isRetryable(IOException failure) {
        return delegate.isRetryable(failure);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate.describe() + "]";
    }
}
