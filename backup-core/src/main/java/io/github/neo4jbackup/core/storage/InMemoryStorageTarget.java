package io.github.neo4jbackup.core.storage;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.ObjectExistsException;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectNotFoundException;
import io.github.neo4jbackup.core.spi.ObjectPage;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link StorageTarget} that keeps every object in memory, for tests.
 *
 * <p>It follows the whole contract: pending writes are buffered and become visible only when
 * committed; {@link WriteMode#CREATE_NEW} commits are atomic (the first commit wins, later ones fail
 * with {@link ObjectExistsException}); listings are paged in ascending key order; metadata is kept
 * as given. Modification times come from a {@link Clock}, so tests can control them.
 *
 * <p>Instances are thread-safe. Nothing is ever written to disk; objects are lost with the instance.
 * The continuation token of a listing is the last key of the page.
 */
public final class InMemoryStorageTarget implements StorageTarget {

    /** The page size of listings when none is given. */
    public static final int DEFAULT_PAGE_SIZE = 1000;

    private final ConcurrentSkipListMap<String, Stored> objects = new ConcurrentSkipListMap<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final int pageSize;
    private final Clock clock;

    /** Creates an empty target with listing pages of {@value #DEFAULT_PAGE_SIZE} objects and the system clock. */
    public InMemoryStorageTarget() {
        this(DEFAULT_PAGE_SIZE, Clock.systemUTC());
    }

    /**
     * Creates an empty target with the system clock.
     *
     * @param pageSize the most objects a listing page holds; at least 1
     * @throws InvalidInputException if {@code pageSize} is smaller than 1
     */
    public InMemoryStorageTarget(int pageSize) {
        this(pageSize, Clock.systemUTC());
    }

    /**
     * Creates an empty target with listing pages of {@value #DEFAULT_PAGE_SIZE} objects.
     *
     * @param clock where modification times come from
     */
    public InMemoryStorageTarget(Clock clock) {
        this(DEFAULT_PAGE_SIZE, clock);
    }

    /**
     * Creates an empty target.
     *
     * @param pageSize the most objects a listing page holds; at least 1
     * @param clock    where modification times come from
     * @throws InvalidInputException if {@code pageSize} is smaller than 1
     */
    public InMemoryStorageTarget(int pageSize, Clock clock) {
        if (pageSize < 1) {
            throw new InvalidInputException("The listing page size of an in-memory storage target must be at least 1,"
                    + " but was " + pageSize + ".");
        }
        this.pageSize = pageSize;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Always {@code memory:}.
     *
     * @return {@code memory:}
     */
    @Override
    public String describe() {
        return "memory:";
    }

    /**
     * Starts a write buffered in memory; nothing is visible until it is committed.
     *
     * @param key      the key
     * @param metadata metadata kept with the object ({@code null} means none)
     * @param mode     what to do if the key exists at commit time
     * @return the pending write
     */
    @Override
    public PendingObject create(ObjectKey key, Map<String, String> metadata, WriteMode mode) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(mode, "mode");
        Map<String, String> copy = copyMetadata(key, metadata);
        pending.incrementAndGet();
        return new MemoryPendingObject(key, copy, mode);
    }

    /**
     * Opens a committed object; the stream reads a snapshot of its bytes.
     *
     * @param key the key
     * @return the bytes
     * @throws ObjectNotFoundException when there is no such object
     */
    @Override
    public InputStream open(ObjectKey key) throws ObjectNotFoundException {
        Objects.requireNonNull(key, "key");
        Stored stored = objects.get(key.value());
        if (stored == null) {
            throw new ObjectNotFoundException(key);
        }
        return new ByteArrayInputStream(stored.data());
    }

    /**
     * Describes a committed object.
     *
     * @param key the key
     * @return the description, or empty
     */
    @Override
    public Optional<ObjectInfo> stat(ObjectKey key) {
        Objects.requireNonNull(key, "key");
        Stored stored = objects.get(key.value());
        return stored == null ? Optional.empty() : Optional.of(stored.info());
    }

    /**
     * Lists committed objects under a prefix in ascending key order; the continuation token is the
     * last key of the page.
     *
     * @param prefix            the key prefix; {@code null} or empty for everything
     * @param continuationToken {@code null} for the first page, else the previous page's token
     * @return the page
     */
    @Override
    public ObjectPage list(String prefix, String continuationToken) {
        String p = prefix == null ? "" : prefix;
        NavigableMap<String, Stored> tail = continuationToken == null || continuationToken.compareTo(p) < 0
                ? objects.tailMap(p, true)
                : objects.tailMap(continuationToken, false);
        List<ObjectInfo> page = new ArrayList<>();
        boolean more = false;
        for (Map.Entry<String, Stored> entry : tail.entrySet()) {
            if (!entry.getKey().startsWith(p)) {
                break; // keys with the prefix are contiguous in sorted order
            }
            if (page.size() == pageSize) {
                more = true;
                break;
            }
            page.add(entry.getValue().info());
        }
        String token = more ? page.get(page.size() - 1).key().value() : null;
        return new ObjectPage(page, token);
    }

    /**
     * Deletes an object; deleting a missing object does nothing.
     *
     * @param key the key
     */
    @Override
    public void delete(ObjectKey key) {
        Objects.requireNonNull(key, "key");
        objects.remove(key.value());
    }

    /**
     * The keys of all committed objects, in ascending order: a snapshot for assertions in tests.
     *
     * @return an unmodifiable list of keys
     */
    public List<ObjectKey> keys() {
        List<ObjectKey> keys = new ArrayList<>();
        for (Stored stored : objects.values()) {
            keys.add(stored.info().key());
        }
        return List.copyOf(keys);
    }

    /**
     * How many writes were started and neither committed nor aborted yet; tests use it to check
     * that every pending write was finished.
     *
     * @return the number of open pending writes
     */
    public int pendingCount() {
        return pending.get();
    }

    /**
     * The most objects a listing page holds.
     *
     * @return the page size
     */
    public int pageSize() {
        return pageSize;
    }

    @Override
    public String toString() {
        return "InMemoryStorageTarget[objects=" + objects.size() + ", pending=" + pending.get() + "]";
    }

    private static Map<String, String> copyMetadata(ObjectKey key, Map<String, String> metadata) {
        if (metadata == null) {
            return Map.of();
        }
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            if (entry.getKey() == null || entry.getValue() == null) {
                throw new InvalidInputException("Metadata for object '" + key
                        + "' contains a null name or value. Remove the entry or give it a value.");
            }
        }
        return Map.copyOf(metadata);
    }

    /** A committed object: its bytes and its description. */
    private record Stored(byte[] data, ObjectInfo info) {
    }

    private enum State { OPEN, COMMITTED, ABORTED }

    /** A write buffered in memory. */
    private final class MemoryPendingObject implements PendingObject {
        private final ObjectKey key;
        private final Map<String, String> metadata;
        private final WriteMode mode;
        private final Buffer buffer = new Buffer();
        private final OutputStream stream = new PendingStream();
        private State state = State.OPEN;
        private boolean streamClosed;

        MemoryPendingObject(ObjectKey key, Map<String, String> metadata, WriteMode mode) {
            this.key = key;
            this.metadata = metadata;
            this.mode = mode;
        }

        @Override
        public ObjectKey key() {
            return key;
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public synchronized ObjectInfo commit() throws IOException {
            if (state != State.OPEN) {
                throw new IOException("Cannot commit object '" + key + "': the write was already "
                        + (state == State.COMMITTED ? "committed" : "aborted") + ". Start a new write with create().");
            }
            byte[] data = buffer.toByteArray();
            finish(State.ABORTED); // the buffer is consumed whatever happens below
            buffer.reset();
            ObjectInfo info = new ObjectInfo(key, data.length, clock.instant(), metadata);
            Stored stored = new Stored(data, info);
            if (mode == WriteMode.CREATE_NEW) {
                if (objects.putIfAbsent(key.value(), stored) != null) {
                    throw new ObjectExistsException(key);
                }
            } else {
                objects.put(key.value(), stored);
            }
            state = State.COMMITTED;
            return info;
        }

        @Override
        public synchronized void abort() {
            if (state == State.OPEN) {
                finish(State.ABORTED);
                buffer.reset();
            }
        }

        @Override
        public void close() {
            abort();
        }

        private void finish(State next) {
            state = next;
            pending.decrementAndGet();
        }

        private void checkWritable() throws IOException {
            if (state != State.OPEN) {
                throw new IOException("Cannot write to object '" + key + "': the write was already "
                        + (state == State.COMMITTED ? "committed" : "aborted") + ".");
            }
            if (streamClosed) {
                throw new IOException("Cannot write to object '" + key + "': its stream was closed.");
            }
        }

        /** The stream of the pending write; closing it neither commits nor aborts. */
        private final class PendingStream extends OutputStream {
            @Override
            public void write(int b) throws IOException {
                synchronized (MemoryPendingObject.this) {
                    checkWritable();
                    buffer.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                synchronized (MemoryPendingObject.this) {
                    checkWritable();
                    buffer.write(b, off, len);
                }
            }

            @Override
            public void close() {
                synchronized (MemoryPendingObject.this) {
                    streamClosed = true;
                }
            }
        }
    }

    /** A byte buffer whose memory can be released. */
    private static final class Buffer extends ByteArrayOutputStream {
        @Override
        public synchronized void reset() {
            super.reset();
            buf = new byte[0];
        }
    }
}
