package io.github.neo4jbackup.testkit;

import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectPage;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.core.storage.ForwardingStorageTarget;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@link StorageTarget} decorator for tests that injects faults into the calls made to the
 * target it wraps: it fails, stalls, truncates or corrupts them at chosen call numbers or at
 * random (seeded), and keeps a log of every fault it injected so that tests can assert on it and a
 * failing run can be reproduced.
 *
 * <p>Calls are counted per {@link Operation}, starting at 1: every {@code create}, every
 * {@code write} on the stream of a pending object, every {@code commit}, every {@code open}, every
 * {@code read} on an opened stream, every listing page, every {@code stat} and every {@code delete}
 * (also those made by {@link #deleteAll(Collection)}) is one call. For each call the rules of its
 * operation are consulted in the order they were added; the first one that fires decides the fault,
 * so at most one fault is injected per call. Probabilistic rules draw from one
 * {@link Random} built from the seed, so the same seed and the same sequence of calls give the same
 * faults.
 *
 * <p>What each {@link FaultKind} does:
 * <ul>
 *   <li>{@link FaultKind#FAIL}: the call throws an {@link IOException} (message starting with
 *       {@value #MESSAGE_PREFIX}) and does not reach the wrapped target. A failed {@code commit}
 *       leaves the object invisible, as the contract demands; the write is aborted when the caller
 *       closes the pending object.</li>
 *   <li>{@link FaultKind#STALL}: the call sleeps for the rule's duration (bounded by
 *       {@link #MAX_STALL}), then proceeds normally. An interrupted stall throws
 *       {@link InterruptedIOException} and keeps the interrupt flag.</li>
 *   <li>{@link FaultKind#TRUNCATE} ({@code WRITE} and {@code READ} only): for a read, the stream
 *       returns end-of-stream from this call on, as a connection closed early would. For a write,
 *       the store silently loses the second half of this chunk and every later chunk, then commits
 *       what it received and <em>honestly</em> reports the smaller size in the {@link ObjectInfo}
 *       returned by {@code commit()} (a store that lost the tail of an upload but tells the truth
 *       about what it holds). A store that also lied about the size could not be detected before a
 *       read-back, so that is not modelled; callers are expected to compare the reported size with
 *       what they wrote.</li>
 *   <li>{@link FaultKind#CORRUPT} ({@code READ} only): one bit of one byte returned by this read is
 *       flipped (position and bit drawn from the seeded random). A read that returns no data is
 *       not corrupted and nothing is logged.</li>
 * </ul>
 *
 * <p>Instances are thread-safe, but the order of faults is only reproducible when the calls come
 * in a reproducible order (one thread). The decisions and the log are kept by {@code FaultPlan},
 * the decorated streams are {@code FaultyStreams}'.
 *
 * <pre>{@code
 * FaultInjectingStorageTarget faulty = FaultInjectingStorageTarget.builder(new InMemoryStorageTarget())
 *         .seed(42)
 *         .failAt(Operation.COMMIT, 1)                      // the first commit fails
 *         .withProbability(Operation.READ, FaultKind.CORRUPT, 0.01)
 *         .build();
 * }</pre>
 */
public final class FaultInjectingStorageTarget extends ForwardingStorageTarget {

    /** The start of the message of every injected {@link IOException}. */
    public static final String MESSAGE_PREFIX = "Injected fault";

    /** The longest a stall may last. */
    public static final Duration MAX_STALL = Duration.ofSeconds(5);

    /** The calls a fault can be injected into. */
    public enum Operation {
        /** {@link StorageTarget#create}. */
        CREATE,
        /** One {@code write} on the stream of a pending object. */
        WRITE,
        /** {@link PendingObject#commit()}. */
        COMMIT,
        /** {@link StorageTarget#open}. */
        OPEN,
        /** One {@code read} (or {@code skip}) on a stream returned by {@code open}. */
        READ,
        /** One page of {@link StorageTarget#list}. */
        LIST,
        /** {@link StorageTarget#stat}. */
        STAT,
        /** {@link StorageTarget#delete} (also each key of {@code deleteAll}). */
        DELETE
    }

    /** What an injected fault does; see the class description. */
    public enum FaultKind {
        /** The call throws an {@link IOException}. */
        FAIL,
        /** The call is delayed, then proceeds. */
        STALL,
        /** The stream ends early (read) or the stored object loses its tail (write). */
        TRUNCATE,
        /** One bit of the data returned by a read is flipped. */
        CORRUPT
    }

    /**
     * One injected fault.
     *
     * @param sequence  the position of the fault in the log, from 1
     * @param operation the operation of the call
     * @param call      the call number of that operation, from 1
     * @param kind      what was done
     * @param key       the object key or listing prefix the call was about
     * @param detail    what exactly was done (stall length, bytes kept, byte flipped)
     */
    public record InjectedFault(int sequence, Operation operation, long call, FaultKind kind, String key,
                                String detail) {

        /**
         * A one-line description for logs and assertion messages.
         *
         * @return the description
         */
        @Override
        public String toString() {
            return "#" + sequence + " " + kind + " " + operation + " call " + call + " [" + key + "]"
                    + (detail.isEmpty() ? "" : " " + detail);
        }
    }

    private final FaultPlan plan;

    private FaultInjectingStorageTarget(Builder builder) {
        super(builder.delegate);
        this.plan = new FaultPlan(builder.seed, builder.rules);
    }

    /**
     * Starts a builder around a target.
     *
     * @param delegate the target to inject faults into
     * @return the builder
     */
    public static Builder builder(StorageTarget delegate) {
        return new Builder(delegate);
    }

    /**
     * The seed of the random decisions.
     *
     * @return the seed
     */
    public long seed() {
        return plan.seed();
    }

    /**
     * The faults injected so far, oldest first.
     *
     * @return an immutable snapshot of the log
     */
    public List<InjectedFault> log() {
        return plan.log();
    }

    /**
     * The seed and every injected fault, one per line, for assertion messages and reproduction.
     *
     * @return the description
     */
    public String describeLog() {
        return plan.describeLog();
    }

    /**
     * How many calls of an operation were made so far (whether or not a fault was injected).
     *
     * @param operation the operation
     * @return the number of calls
     */
    public long calls(Operation operation) {
        return plan.calls(operation);
    }

    /**
     * Switches fault injection on or off; while off, calls are neither counted nor faulted. Streams
     * already truncated stay truncated.
     *
     * @param value {@code true} to inject faults
     */
    public void setEnabled(boolean value) {
        plan.setEnabled(value);
    }

    /**
     * Injects faults, then delegates.
     *
     * @return {@code faults-<describe of the wrapped target>}
     */
    @Override
    public String describe() {
        return "faults-" + delegate().describe();
    }

    @Override
    public PendingObject create(ObjectKey key, Map<String, String> metadata, WriteMode mode) throws IOException {
        plan.simpleFault(Operation.CREATE, String.valueOf(key));
        return new FaultyStreams.FaultyPendingObject(plan, delegate().create(key, metadata, mode));
    }

    @Override
    public InputStream open(ObjectKey key) throws IOException {
        plan.simpleFault(Operation.OPEN, String.valueOf(key));
        return new FaultyStreams.FaultyInputStream(plan, delegate().open(key), String.valueOf(key));
    }

    @Override
    public Optional<ObjectInfo> stat(ObjectKey key) throws IOException {
        plan.simpleFault(Operation.STAT, String.valueOf(key));
        return delegate().stat(key);
    }

    @Override
    public ObjectPage list(String prefix, String continuationToken) throws IOException {
        plan.simpleFault(Operation.LIST, String.valueOf(prefix));
        return delegate().list(prefix, continuationToken);
    }

    @Override
    public void delete(ObjectKey key) throws IOException {
        plan.simpleFault(Operation.DELETE, String.valueOf(key));
        delegate().delete(key);
    }

    /**
     * Deletes the keys one by one through {@link #delete(ObjectKey)}, so that each can fail.
     *
     * @param keys the keys
     * @throws IOException on the first failure (earlier keys stay deleted)
     */
    @Override
    public void deleteAll(Collection<ObjectKey> keys) throws IOException {
        for (ObjectKey key : keys) {
            delete(key);
        }
    }

    @Override
    public String toString() {
        return "FaultInjectingStorageTarget[seed=" + plan.seed() + ", rules=" + plan.ruleCount() + ", injected="
                + log().size() + ", " + delegate() + "]";
    }

    // ----------------------------------------------------------------------------------- builder

    /** Builds a {@link FaultInjectingStorageTarget}; rules apply in the order they are added. */
    public static final class Builder {
        private final StorageTarget delegate;
        private final List<FaultPlan.Rule> rules = new ArrayList<>();
        private long seed;

        private Builder(StorageTarget delegate) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
        }

        /**
         * The seed of the random decisions (default 0).
         *
         * @param value the seed
         * @return this builder
         */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * Injects a fault at chosen call numbers of an operation.
         *
         * @param operation the operation
         * @param kind      the fault; {@link FaultKind#STALL} stalls for 50 ms
         * @param calls     call numbers, from 1
         * @return this builder
         * @throws IllegalArgumentException if the kind does not apply to the operation or a call number is below 1
         */
        public Builder at(Operation operation, FaultKind kind, long... calls) {
            requireCalls(calls);
            return add(operation, kind, calls, 0, 50);
        }

        /**
         * Makes chosen calls of an operation fail with an {@link IOException}.
         *
         * @param operation the operation
         * @param calls     call numbers, from 1
         * @return this builder
         */
        public Builder failAt(Operation operation, long... calls) {
            return at(operation, FaultKind.FAIL, calls);
        }

        /**
         * Stalls chosen calls of an operation.
         *
         * @param operation the operation
         * @param stall     how long, at most {@link #MAX_STALL}
         * @param calls     call numbers, from 1
         * @return this builder
         */
        public Builder stallAt(Operation operation, Duration stall, long... calls) {
            requireCalls(calls);
            return add(operation, FaultKind.STALL, calls, 0, stallMillis(stall));
        }

        /**
         * Injects a fault into each call of an operation with a probability.
         *
         * @param operation   the operation
         * @param kind        the fault; {@link FaultKind#STALL} stalls for 50 ms
         * @param probability between 0 and 1
         * @return this builder
         * @throws IllegalArgumentException if the kind does not apply to the operation or the probability is out of range
         */
        public Builder withProbability(Operation operation, FaultKind kind, double probability) {
            return withProbability(operation, kind, probability, Duration.ofMillis(50));
        }

        /**
         * Injects a fault into each call of an operation with a probability; stalls last {@code stall}.
         *
         * @param operation   the operation
         * @param kind        the fault
         * @param probability between 0 and 1
         * @param stall       how long a {@link FaultKind#STALL} lasts, at most {@link #MAX_STALL}
         * @return this builder
         */
        public Builder withProbability(Operation operation, FaultKind kind, double probability, Duration stall) {
            if (!(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException("A fault probability must be between 0 and 1, but was " + probability);
            }
            return add(operation, kind, new long[0], probability, stallMillis(stall));
        }

        /**
         * Builds the decorator.
         *
         * @return the decorator
         */
        public FaultInjectingStorageTarget build() {
            return new FaultInjectingStorageTarget(this);
        }

        private Builder add(Operation operation, FaultKind kind, long[] calls, double probability, long stallMillis) {
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(calls, "calls");
            if (kind == FaultKind.TRUNCATE && operation != Operation.WRITE && operation != Operation.READ) {
                throw new IllegalArgumentException("TRUNCATE applies to WRITE and READ only, not to " + operation);
            }
            if (kind == FaultKind.CORRUPT && operation != Operation.READ) {
                throw new IllegalArgumentException("CORRUPT applies to READ only, not to " + operation);
            }
            Set<Long> set = new TreeSet<>();
            for (long call : calls) {
                if (call < 1) {
                    throw new IllegalArgumentException("Call numbers start at 1, but " + call + " was given in "
                            + Arrays.toString(calls));
                }
                set.add(call);
            }
            rules.add(new FaultPlan.Rule(operation, kind, Set.copyOf(set), probability, stallMillis));
            return this;
        }

        private static void requireCalls(long[] calls) {
            if (calls == null || calls.length == 0) {
                throw new IllegalArgumentException("Give at least one call number (from 1) for a fault at chosen calls");
            }
        }

        private static long stallMillis(Duration stall) {
            Objects.requireNonNull(stall, "stall");
            if (stall.isNegative() || stall.compareTo(MAX_STALL) > 0) {
                throw new IllegalArgumentException("A stall must last between 0 and " + MAX_STALL + ", but was " + stall);
            }
            return stall.toMillis();
        }
    }
}
