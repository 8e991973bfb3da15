package io.github.neo4jbackup.export.cypher.driver;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * A compact set of non-negative node ids: a bitmap in pages of {@value #PAGE_BITS} ids, allocated
 * only where ids occur. Neo4j's ids are dense (they start at 0 and freed ids are reused), so a
 * graph of {@code n} nodes costs about {@code n / 8} bytes, e.g. 12.5 MB for 100 million nodes —
 * not the 40+ bytes per id of a {@code HashSet<Long>}. Pages of ids below 2<sup>32</sup> sit in an
 * array that grows to the highest page used; pages of larger ids (sparse id schemes) sit in a
 * sorted map. Iteration is in ascending order. Not thread-safe.
 */
public final class NodeIdSet {

    static final int PAGE_BITS = 4096;
    private static final int PAGE_SHIFT = 12;
    private static final int WORDS = PAGE_BITS / 64;
    private static final long DENSE_PAGES = 1L << (32 - PAGE_SHIFT);

    private long[][] dense = new long[16][];
    private final Map<Long, long[]> sparse = new TreeMap<>();
    private long size;

    /** Creates an empty set. */
    public NodeIdSet() {
    }

    /**
     * Adds an id.
     *
     * @param id a non-negative id
     * @return {@code true} when it was not in the set
     * @throws IllegalArgumentException for a negative id
     */
    public boolean add(long id) {
        long[] page = page(id, true);
        int bit = (int) (id & (PAGE_BITS - 1));
        long mask = 1L << (bit & 63);
        if ((page[bit >>> 6] & mask) != 0) {
            return false;
        }
        page[bit >>> 6] |= mask;
        size++;
        return true;
    }

    /**
     * Whether the set holds an id.
     *
     * @param id the id
     * @return {@code true} when present
     */
    public boolean contains(long id) {
        if (id < 0) {
            return false;
        }
        long[] page = page(id, false);
        int bit = (int) (id & (PAGE_BITS - 1));
        return page != null && (page[bit >>> 6] & (1L << (bit & 63))) != 0;
    }

    /**
     * The number of ids in the set.
     *
     * @return the count
     */
    public long size() {
        return size;
    }

    /**
     * The bytes the pages hold (for figures and tests).
     *
     * @return the byte count
     */
    public long bytes() {
        long pages = sparse.size();
        for (long[] p : dense) {
            if (p != null) {
                pages++;
            }
        }
        return pages * WORDS * 8L + dense.length * 8L;
    }

    /**
     * Calls {@code action} for every id, in ascending order.
     *
     * @param action what to do with each id
     */
    public void forEach(LongConsumer action) {
        for (int p = 0; p < dense.length; p++) {
            if (dense[p] != null) {
                each((long) p << PAGE_SHIFT, dense[p], action);
            }
        }
        for (Map.Entry<Long, long[]> e : sparse.entrySet()) {
            each(e.getKey() << PAGE_SHIFT, e.getValue(), action);
        }
    }

    private static void each(long base, long[] page, LongConsumer action) {
        for (int w = 0; w < WORDS; w++) {
            long word = page[w];
            while (word != 0) {
                int bit = Long.numberOfTrailingZeros(word);
                action.accept(base + w * 64L + bit);
                word &= word - 1;
            }
        }
    }

    private long[] page(long id, boolean create) {
        if (id < 0) {
            throw new IllegalArgumentException("a node id must not be negative, was " + id);
        }
        long index = id >>> PAGE_SHIFT;
        if (index < DENSE_PAGES) {
            int i = (int) index;
            if (i >= dense.length) {
                if (!create) {
                    return null;
                }
                dense = Arrays.copyOf(dense, Math.max(i + 1, dense.length * 2));
            }
            long[] page = dense[i];
            if (page == null && create) {
                page = new long[WORDS];
                dense[i] = page;
            }
            return page;
        }
        long[] page = sparse.get(index);
        if (page == null && create) {
            page = new long[WORDS];
            sparse.put(index, page);
        }
        return page;
    }
}
