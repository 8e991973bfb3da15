package io.github.neo4jbackup.testkit;

import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import io.github.neo4jbackup.testkit.FaultInjectingStorageTarget.FaultKind;
import io.github.neo4jbackup.testkit.FaultInjectingStorageTarget.InjectedFault;
import io.github.neo4jbackup.testkit.FaultInjectingStorageTarget.Operation;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultInjectingStorageTargetTest {

    private static final ObjectKey KEY = ObjectKey.of("a/b.bin");

    private final InMemoryStorageTarget store = new InMemoryStorageTarget(2);

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    private void put(ObjectKey key, byte[] data) throws IOException {
        try (PendingObject p = store.create(key, Map.of(), WriteMode.CREATE_NEW)) {
            p.stream().write(data);
            p.commit();
        }
    }

    @Test
    void withoutRulesEverythingIsForwarded() throws IOException {
        FaultInjectingStorageTarget faulty = FaultInjectingStorageTarget.builder(store).build();
        try (PendingObject p = faulty.create(KEY, Map.of("k", "v"), WriteMode.CREATE_NEW)) {
            p.stream().write(bytes(100));
            p.stream().write(5);
            assertThat(p.commit().size()).isEqualTo(101);
        }
        try (InputStream in = faulty.open(KEY)) {
            assertThat(in.readAllBytes()).hasSize(101);
        }
        assertThat(faulty.stat(KEY)).isPresent();
        assertThat(faulty.listAllObjects("a/")).hasSize(1);
        faulty.delete(KEY);
        assertThat(store.keys()).isEmpty();
        assertThat(faulty.log()).isEmpty();
        assertThat(faulty.calls(Operation.WRITE)).isEqualTo(2);
        assertThat(faulty.calls(Operation.CREATE)).isEqualTo(1);
        assertThat(faulty.describe()).isEqualTo("faults-memory:");
    }

    @Test
    void failAtChosenCallsOfEachSimpleOperation() throws IOException {
        put(KEY, bytes(10));
        FaultInjectingStorageTarget faulty = FaultInjectingStorageTarget.builder(store)
                .failAt(Operation.CREATE, 1).failAt(Operation.OPEN, 2).failAt(Operation.STAT, 1)
                .failAt(Operation.LIST, 1).failAt(Operation.DELETE, 1).build();

        assertThatIOException().isThrownBy(() -> faulty.create(ObjectKey.of("x"), Map.of(), WriteMode.CREATE_NEW))
                .withMessageStartingWith(FaultInjectingStorageTarget.MESSAGE_PREFIX);
        assertThat(store.pendingCount()).isZero();
        faulty.open(KEY).close();
        assertThatIOException().isThrownBy(() -> faulty.open(KEY));
        faulty.open(KEY).close();
        assertThatIOException().isThrownBy(() -> faulty.stat(KEY));
        assertThat(faulty.stat(KEY)).isPresent();
        assertThatIOException().isThrownBy(() -> faulty.list("", null));
        assertThat(faulty.list("", null).objects()).hasSize(1);
        assertThatIOException().isThrownBy(() -> faulty.deleteAll(List.of(KEY)));
        assertThat(store.keys()).containsExactly(KEY);
        faulty.delete(KEY);
        assertThat(store.keys()).isEmpty();

        assertThat(faulty.log()).extracting(InjectedFault::operation).containsExactly(Operation.CREATE,
                Operation.OPEN, Operation.STAT, Operation.LIST, Operation.DELETE);
        assertThat(faulty.log()).extracting(InjectedFault::kind).containsOnly(FaultKind.FAIL);
        assertThat(faulty.log().get(1).call()).isEqualTo(2);
        assertThat(faulty.log().get(1).key()).isEqualTo(KEY.toString());
        assertThat(faulty.describeLog()).contains("seed=0", "5 fault(s)", "FAIL OPEN call 2");
    }

    @Test
    void failedWriteAndCommitLeaveNothingVisible() throws IOException {
        FaultInjectingStorageTarget faulty = FaultInjectingStorageTarget.builder(store)
                .failAt(Operation.WRITE, 2).failAt(Operation.COMMIT, 1).build();
        try (PendingObject p = faulty.create(KEY, Map.of(), WriteMode.CREATE_NEW)) {
            p.stream().write(bytes(10));
            assertThatIOException().isThrownBy(() -> p.stream().write(bytes(10)));
        }
        try (PendingObject p = faulty.create(KEY, Map.of(), WriteMode.CREATE_NEW)) {
            p.stream().write(bytes(10));
            assertThatIOException().isThrownBy(p::commit);
        }
        assertThat(store.keys()).isEmpty();
        assertThat(store.pendingCount()).isZero();
        try (PendingObject p = faulty.create(KEY, Map.of(), WriteMode.CREATE_NEW)) {
            p.stream().write(bytes(10));
            assertThat(p.commit().size()).isEqualTo(10);
        }
        assertThat(faulty.log()).hasSize(2);
    }

    @Test
    void truncatedWriteCommitsFewerBytesAndReportsTheTrueSize() throws IOException {
        FaultInjectingStorageTarget faulty = FaultInjectingStorageTarget.builder(store)
                .at(Operation.WRITE, FaultKind.TRUNCATE, 2).build();
        ObjectInfo info;
        try (PendingObject p = faulty.create(KEY, Map.of(), WriteMode.CREATE_NEW)) {
            p.stream().write(bytes(100));
            p.stream().write(bytes(100)); // half kept
            p.stream().write(bytes(100)); // dropped
            info = p.commit();
        }
        assertThat(info.size()).isEqualTo(150);
        assertThat(store.stat(KEY)).map(ObjectInfo::size).contains(150L);
        assertThat(faulty.log()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FaultKind.TRUNCATE);
            assertThat(f.operation()).isEqualTo(Operation.WRITE);
            assertThat(f.detail()).contains("kept 50 of 100");
        });
    }

    @Test
    void truncatedReadEndsTheStreamEarly() throws IOException {
        put(KEY, bytes(1000));
        FaultInjectingStorageTarget faulty = FaultInjectingStorageTarget.builder(store)
                .at(Operation.READ, FaultKind.TRUNCATE, 3).build();
        try (InputStream in = faulty.open(KEY)) {
            byte[] buffer = new byte[100];
            assertThat(in.read(buffer)).isEqualTo(100);
            assertThat(in.read()).isEqualTo(bytes(1000)[100] & 0xff);
            assertThat(in.read(buffer)).isEqualTo(-1);
            assertThat(in.read(buffer)).isEqualTo(-1);
            assertThat(in.available()).isZero();
        }
        assertThat(faulty.log()).singleElement().extracting(InjectedFault::kind).isEqualTo(FaultKind.TRUNCATE);
    }

    @Test
    void corruptedReadFlipsExactlyOneBit() throws IOException {
        byte[] original = bytes(5000);
        put(KEY, original);
        FaultInjectingStorageTarget faulty = FaultInjectingStorageTarget.builder(store).seed(7)
                .at(Operation.READ, FaultKind.CORRUPT, 1).build();
        byte[] read;
        try (InputStream in = faulty.open(KEY)) {
            read = in.readAllBytes();
        }
        assertThat(read).hasSameSizeAs(original);
        int differentBits = 0;
        for (int i = 0; i < read.length; i++) {
            differentBits += Integer.bitCount((read[i] ^ original[i]) & 0xff);
        }
        assertThat(differentBits).isEqualTo(1);
        assertThat(faulty.log()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FaultKind.CORRUPT);
            assertThat(f.detail()).startsWith("flipped bit");
        });
        // the store itself is untouched
        try (InputStream in = store.open(KEY)) {
            assertThat(in.readAllBytes()).isEqualTo(original);
        }
    }

    @Test
    void failedReadThrows() throws IOException {
        put(KEY, bytes(10));
        FaultInjectingStorageTarget faulty = FaultInjectingStorageTarget.builder(store)
                .failAt(Operation.READ, 1).build();
        try (InputStream in = faulty.open(KEY)) {
            assertThatIOException().isThrownBy(in::readAllBytes).withMessageContaining("READ call 1");
        }
    }

    @Test
    void stallDelaysThenProceeds() throws IOException {
        put(KEY, bytes(10));
        FaultInjectingStorageTarget faulty = FaultInjectingStorageTarget.builder(store)
                .stallAt(Operation.STAT, Duration.ofMillis(120), 1).build();
        long start = System.nanoTime();
        assertThat(faulty.stat(KEY)).isPresent();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(faulty.log()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FaultKind.STALL);
            assertThat(f.detail()).isEqualTo("120 ms");
        });
    }

    @Test
    void interruptedStallThrowsInterruptedIoException() {
        FaultInjectingStorageTarget faulty = FaultInjectingStorageTarget.builder(store)
                .stallAt(Operation.LIST, Duration.ofSeconds(1), 1).build();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> faulty.list("", null)).isInstanceOf(InterruptedIOException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void stallsAreBounded() {
        assertThatThrownBy(() -> FaultInjectingStorageTarget.builder(store)
                .stallAt(Operation.READ, Duration.ofMinutes(1), 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void kindsThatDoNotApplyAreRejected() {
        var builder = FaultInjectingStorageTarget.builder(store);
        assertThatThrownBy(() -> builder.at(Operation.LIST, FaultKind.TRUNCATE, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.at(Operation.WRITE, FaultKind.CORRUPT, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.failAt(Operation.READ, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.failAt(Operation.READ)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.withProbability(Operation.READ, FaultKind.FAIL, 1.5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void probabilisticFaultsAreReproducibleFromTheSeed() throws IOException {
        put(KEY, bytes(10));
        List<List<InjectedFault>> logs = new ArrayList<>();
        for (long seed : new long[] {11, 11, 12}) {
            FaultInjectingStorageTarget faulty = FaultInjectingStorageTarget.builder(store).seed(seed)
                    .withProbability(Operation.STAT, FaultKind.FAIL, 0.3)
                    .withProbability(Operation.STAT, FaultKind.STALL, 0.2, Duration.ZERO).build();
            for (int i = 0; i < 200; i++) {
                try {
                    faulty.stat(KEY);
                } catch (IOException expected) {
                    // injected
                }
            }
            assertThat(faulty.seed()).isEqualTo(seed);
            logs.add(faulty.log());
        }
        assertThat(logs.get(0)).isEqualTo(logs.get(1));
        assertThat(logs.get(0)).isNotEqualTo(logs.get(2));
        long failures = logs.get(0).stream().filter(f -> f.kind() == FaultKind.FAIL).count();
        assertThat(failures).isBetween(30L, 90L);
        assertThat(logs.get(0)).anyMatch(f -> f.kind() == FaultKind.STALL);
    }

    @Test
    void disabledInjectorNeitherCountsNorFaults() throws IOException {
        put(KEY, bytes(10));
        FaultInjectingStorageTarget faulty = FaultInjectingStorageTarget.builder(store)
                .withProbability(Operation.STAT, FaultKind.FAIL, 1.0).build();
        faulty.setEnabled(false);
        assertThat(faulty.stat(KEY)).isPresent();
        assertThat(faulty.calls(Operation.STAT)).isZero();
        faulty.setEnabled(true);
        assertThatIOException().isThrownBy(() -> faulty.stat(KEY));
    }
}
