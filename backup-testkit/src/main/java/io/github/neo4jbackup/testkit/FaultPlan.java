package io.github.neo4jbackup.testkit;

import io.github.neo4jbackup.testkit.FaultInjectingStorageTarget.FaultKind;
import io.github.neo4jbackup.testkit.FaultInjectingStorageTarget.InjectedFault;
import io.github.neo4jbackup.testkit.FaultInjectingStorageTarget.Operation;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * The decisions of a {@link FaultInjectingStorageTarget}: counts the calls of each
 * {@link Operation}, consults the rules in the order they were added (the first that fires
 * decides, probabilistic rules always draw from the seeded {@link Random} so the sequence stays
 * reproducible), keeps the log of injected faults, and applies the faults that need no data
 * ({@link FaultKind#FAIL}, {@link FaultKind#STALL}). Thread-safe. Not API.
 */
final class FaultPlan {

    /** One fault rule: a kind for an operation, at fixed call numbers or with a probability. */
    record Rule(Operation operation, FaultKind kind, Set<Long> calls, double probability, long stallMillis) {
    }

    /** The rule that fires for one call, and the call's number. */
    record Decision(Rule rule, long call) {
    }

    private final long seed;
    private final List<Rule> rules;
    private final Random random;
    private final Map<Operation, Long> counters = new EnumMap<>(Operation.class);
    private final List<InjectedFault> log = new ArrayList<>();
    private volatile boolean enabled = true;

    FaultPlan(long seed, List<Rule> rules) {
        this.seed = seed;
        this.rules = List.copyOf(rules);
        this.random = new Random(seed);
        for (Operation op : Operation.values()) {
            counters.put(op, 0L);
        }
    }

    long seed() {
        return seed;
    }

    int ruleCount() {
        return rules.size();
    }

    synchronized List<InjectedFault> log() {
        return List.copyOf(log);
    }

    synchronized String describeLog() {
        StringBuilder sb = new StringBuilder("seed=").append(seed).append(", ").append(log.size())
                .append(" fault(s) injected");
        for (InjectedFault fault : log) {
            sb.append(System.lineSeparator()).append("  ").append(fault);
        }
        return sb.toString();
    }

    synchronized long calls(Operation operation) {
        return counters.get(Objects.requireNonNull(operation, "operation"));
    }

    void setEnabled(boolean value) {
        this.enabled = value;
    }

    /** Counts the call and decides its fault; {@code null} for none. */
    synchronized Decision decide(Operation operation) {
        if (!enabled) {
            return null;
        }
        long call = counters.merge(operation, 1L, Long::sum);
        Decision chosen = null;
        for (Rule rule : rules) {
            if (rule.operation() != operation) {
                continue;
            }
            boolean fires;
            if (rule.calls().isEmpty()) {
                fires = random.nextDouble() < rule.probability(); // always draw: keeps the sequence stable
            } else {
                fires = rule.calls().contains(call);
            }
            if (fires && chosen == null) {
                chosen = new Decision(rule, call);
            }
        }
        return chosen;
    }

    /** Logs an injected fault. */
    synchronized void record(Decision decision, String key, String detail) {
        log.add(new InjectedFault(log.size() + 1, decision.rule().operation(), decision.call(), decision.rule().kind(),
                key, detail));
    }

    /** A number drawn from the seeded random. */
    synchronized int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** Applies a FAIL or STALL fault to a call that has no data of its own. */
    void simpleFault(Operation operation, String key) throws IOException {
        Decision d = decide(operation);
        if (d != null) {
            applyFailOrStall(d, key);
        }
    }

    /** Throws for {@link FaultKind#FAIL}, sleeps for {@link FaultKind#STALL}. */
    void applyFailOrStall(Decision d, String key) throws IOException {
        switch (d.rule().kind()) {
            case FAIL -> {
                record(d, key, "");
                throw new IOException(FaultInjectingStorageTarget.MESSAGE_PREFIX + ": " + d.rule().operation()
                        + " call " + d.call() + " on " + key + " failed (seed " + seed + ")");
            }
            case STALL -> {
                record(d, key, d.rule().stallMillis() + " ms");
                try {
                    Thread.sleep(d.rule().stallMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException(FaultInjectingStorageTarget.MESSAGE_PREFIX
                            + ": interrupted while stalling " + d.rule().operation() + " on " + key);
                }
            }
            default -> throw new IllegalStateException("unreachable: " + d.rule().kind() + " on " + d.rule().operation());
        }
    }
}
