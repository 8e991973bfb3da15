package io.github.neo4jbackup.export.cypher.driver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The restore's map from a node's backup key to the internal id the target gave it, in primitive
 * pages of {@value #PAGE_SIZE} slots. Backup keys are the source's internal ids, which are dense
 * (they start at 0 and freed ids are reused), so a graph of {@code n} nodes costs about {@code 8 n}
 * bytes (2.4 MB for 300,000 nodes). Pages are allocated only where keys occur; pages for low keys are
 * found by index, others through a hash map. The first {@code heapPages} pages live on the heap;
 * beyond them pages are slots of a memory-mapped temporary file (outside the Java heap, paged by
 * the operating system), so the heap stays bounded at any graph size.
 *
 * <p>Writes come from the writer threads (synchronized); reads come from one thread after every
 * node batch has committed (the pool's completion establishes the happens-before edge), and are
 * not synchronized. Close it to delete the file.
 */
final class NodeIdMap implements AutoCloseable {

    static final int PAGE_SHIFT = 12;
    static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    private static final int MASK = PAGE_SIZE - 1;
    private static final int DENSE_PAGES = 1 << 16; // keys below 2^28 are found by page index
    private static final int PAGES_PER_REGION = 2048; // 64 MiB of the file mapped at once

    private final int heapPages;
    private LongBuffer[] dense = new LongBuffer[16];
    private final Map<Long, LongBuffer> sparse = new HashMap<>();
    private final List<LongBuffer> regions = new ArrayList<>();
    private int pages;
    private int filePages;
    private long size;
    private Path file;
    private FileChannel channel;

    /**
     * @param heapPages pages kept on the heap before spilling to a file (each {@value #PAGE_SIZE} × 8 bytes)
     */
    NodeIdMap(int heapPages) {
        if (heapPages < 0) {
            throw new IllegalArgumentException("heapPages must not be negative");
        }
        this.heapPages = heapPages;
    }

    /**
     * Records that the node with backup key {@code key} got internal id {@code id}.
     *
     * @throws IllegalArgumentException when the key or id is negative, or the key was put before with
     *                                  another id
     */
    synchronized void put(long key, long id) {
        if (key < 0 || id < 0) {
            throw new IllegalArgumentException("keys and ids are not negative: " + key + " -> " + id);
        }
        LongBuffer page = page(key, true);
        int slot = (int) (key & MASK);
        long old = page.get(slot);
        if (old != 0 && old != id + 1) {
            throw new IllegalArgumentException("node key " + key + " occurs twice in the backup");
        }
        if (old == 0) {
            size++;
        }
        page.put(slot, id + 1);
    }

    /**
     * The internal id of a backup key.
     *
     * @return the id, or -1 when the key was never put
     */
    long get(long key) {
        if (key < 0) {
            return -1;
        }
        LongBuffer page = page(key, false);
        return page == null ? -1 : page.get((int) (key & MASK)) - 1;
    }

    /** How many keys were put. */
    synchronized long size() {
        return size;
    }

    /** Pages allocated on the heap and in the file. */
    synchronized int pages() {
        return pages;
    }

    /** Pages held in the file (outside the heap). */
    synchronized int filePages() {
        return filePages;
    }

    private LongBuffer page(long key, boolean create) {
        long index = key >>> PAGE_SHIFT;
        if (index < DENSE_PAGES) {
            int i = (int) index;
            if (i >= dense.length) {
                if (!create) {
                    return null;
                }
                dense = Arrays.copyOf(dense, Math.min(DENSE_PAGES, Math.max(i + 1, dense.length * 2)));
            }
            LongBuffer page = dense[i];
            if (page == null && create) {
                page = newPage();
                dense[i] = page;
            }
            return page;
        }
        LongBuffer page = sparse.get(index);
        if (page == null && create) {
            page = newPage();
            sparse.put(index, page);
        }
        return page;
    }

    private LongBuffer newPage() {
        pages++;
        if (pages <= heapPages) {
            return LongBuffer.wrap(new long[PAGE_SIZE]);
        }
        try {
            int region = filePages / PAGES_PER_REGION;
            if (region == regions.size()) {
                if (channel == null) {
                    file = Files.createTempFile("neo4j-backup-restore-ids", ".bin");
                    channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                }
                long bytes = (long) PAGES_PER_REGION * PAGE_SIZE * Long.BYTES;
                regions.add(channel.map(FileChannel.MapMode.READ_WRITE, region * bytes, bytes)
                        .order(ByteOrder.nativeOrder()).asLongBuffer());
            }
            int offset = (filePages % PAGES_PER_REGION) * PAGE_SIZE;
            filePages++;
            return regions.get(region).slice(offset, PAGE_SIZE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not spill the restore's node id map to a temporary file: "
                    + e.getMessage() + ". Free space in the temporary directory (java.io.tmpdir).", e);
        }
    }

    /** Deletes the temporary file, if one was made. */
    @Override
    public synchronized void close() {
        regions.clear();
        try {
            if (channel != null) {
                channel.close();
            }
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // the file is in the temporary directory; nothing else to do
        } finally {
            channel = null;
            file = null;
        }
    }
}
