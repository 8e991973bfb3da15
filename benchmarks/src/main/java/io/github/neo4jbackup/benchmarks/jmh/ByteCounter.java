package io.github.neo4jbackup.benchmarks.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts the payload bytes a benchmark processed, so JMH reports a secondary metric {@code bytes}
 * in bytes per second next to the operations per second. Each benchmark adds the documented size of
 * its input per operation (for codecs the uncompressed size), so ours and its baseline count the
 * same bytes for the same work. {@link JmhReport} turns it into MB/s.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class ByteCounter {

    /** Bytes processed in the current iteration. */
    public long bytes;

    /** Starts each iteration at zero. */
    @Setup(Level.Iteration)
    public void reset() {
        bytes = 0;
    }
}
