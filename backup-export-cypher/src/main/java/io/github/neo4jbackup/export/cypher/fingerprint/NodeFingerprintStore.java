package io.github.neo4jbackup.export.cypher.fingerprint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Fixed-size records (one per node id) in a sparse, memory-mapped temporary file: the OS page cache
 * holds them, not the Java heap. Slot {@code id} lives at offset {@code id * recordSize}; a slot that
 * was never written reads as zeros. Not thread-safe.
 */
final class NodeFingerprintStore implements AutoCloseable {

    /** Bytes per mapped chunk (a multiple of every record size used). */
    private static final long CHUNK = 64L * 1024 * 1024;

    private final Path directory;
    private final int recordSize;
    private final int recordsPerChunk;
    private Path file;
    private FileChannel channel;
    private MappedByteBuffer[] chunks = new MappedByteBuffer[4];
    private boolean closed;

    NodeFingerprintStore(Path directory, int recordSize) {
        if (CHUNK % recordSize != 0) {
            throw new IllegalArgumentException("record size must divide " + CHUNK);
        }
        this.directory = directory;
        this.recordSize = recordSize;
        this.recordsPerChunk = (int) (CHUNK / recordSize);
    }

    private MappedByteBuffer chunk(long id, boolean create) {
        if (id < 0) {
            throw new IllegalArgumentException("Node ids are not negative: " + id);
        }
        if (closed) {
            throw new IllegalStateException("The fingerprint store is closed");
        }
        long index = id / recordsPerChunk;
        if (index >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Node id too large: " + id);
        }
        int i = (int) index;
        if (i < chunks.length && chunks[i] != null) {
            return chunks[i];
        }
        if (!create) {
            return null;
        }
        try {
            if (channel == null) {
                file = directory == null ? Files.createTempFile("neo4j-backup-fingerprint-", ".bin")
                        : Files.createTempFile(directory, "neo4j-backup-fingerprint-", ".bin");
                channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            if (i >= chunks.length) {
                chunks = Arrays.copyOf(chunks, Math.max(i + 1, chunks.length * 2));
            }
            chunks[i] = channel.map(FileChannel.MapMode.READ_WRITE, index * CHUNK, CHUNK);
            return chunks[i];
        } catch (IOException e) {
            throw new UncheckedIOException("Could not map the temporary node fingerprint file"
                    + (file == null ? "" : " " + file) + ": " + e.getMessage()
                    + ". Check free space and permissions of the temporary directory.", e);
        }
    }

    /**
     * Stores a record. Returns {@code false} (and stores nothing) if the slot was already written.
     */
    boolean put(long id, byte[] record) {
        MappedByteBuffer c = chunk(id, true);
        int pos = (int) (id % recordsPerChunk) * recordSize;
        if (!isZero(c, pos)) {
            return false;
        }
        c.put(pos, record, 0, recordSize);
        return true;
    }

    /**
     * Reads a record into {@code out}. Returns {@code false} when the slot was never written.
     */
    boolean get(long id, byte[] out, int offset) {
        MappedByteBuffer c = chunk(id, false);
        if (c == null) {
            return false;
        }
        int pos = (int) (id % recordsPerChunk) * recordSize;
        c.get(pos, out, offset, recordSize);
        for (int i = 0; i < recordSize; i++) {
            if (out[offset + i] != 0) {
                return true;
            }
        }
        return false;
    }

    private boolean isZero(ByteBuffer c, int pos) {
        for (int i = 0; i < recordSize; i += 8) {
            if (c.getLong(pos + i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The temporary file, or {@code null} if nothing was stored yet. */
    Path file() {
        return file;
    }

    /** Unmaps (best effort), closes and deletes the temporary file. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        MappedByteBuffer[] mapped = chunks;
        chunks = new MappedByteBuffer[0];
        try {
            for (MappedByteBuffer b : mapped) {
                if (b != null) {
                    unmap(b);
                }
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // deleting below is what matters
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    file.toFile().deleteOnExit();
                }
            }
        }
    }

    private static final Method INVOKE_CLEANER;
    private static final Object UNSAFE;

    static {
        Method m = null;
        Object u = null;
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field f = unsafeClass.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            u = f.get(null);
            m = unsafeClass.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            m = null;
            u = null;
        }
        INVOKE_CLEANER = m;
        UNSAFE = u;
    }

    /** Releases a mapping now instead of at garbage collection (so the file can be deleted on every OS). */
    private static void unmap(MappedByteBuffer buffer) {
        if (INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, buffer);
        } catch (ReflectiveOperationException | RuntimeException ignored) {
            // the mapping is released when the buffer is collected
        }
    }
}
