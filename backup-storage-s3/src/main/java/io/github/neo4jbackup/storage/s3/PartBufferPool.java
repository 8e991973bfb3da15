package io.github.neo4jbackup.storage.s3;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Recycles part buffers of one size so that a long upload does not allocate a new array per part.
 * Keeps at most {@code retained} free buffers; the number in use is bounded by the target's
 * in-flight permits plus one buffer per writer. Thread-safe. Not API.
 */
final class PartBufferPool {

    private final int bufferSize;
    private final int retained;
    private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger freeCount = new AtomicInteger();

    PartBufferPool(int bufferSize, int retained) {
        this.bufferSize = bufferSize;
        this.retained = retained;
    }

    /** A buffer of {@code bufferSize} bytes, recycled when one is free. */
    byte[] take() {
        byte[] buffer = free.poll();
        if (buffer != null) {
            freeCount.decrementAndGet();
            return buffer;
        }
        return new byte[bufferSize];
    }

    /** Gives a buffer back; buffers of another size, and those beyond the retained count, are dropped. */
    void release(byte[] buffer) {
        if (buffer == null || buffer.length != bufferSize) {
            return;
        }
        if (freeCount.incrementAndGet() <= retained) {
            free.offer(buffer);
        } else {
            freeCount.decrementAndGet();
        }
    }
}
