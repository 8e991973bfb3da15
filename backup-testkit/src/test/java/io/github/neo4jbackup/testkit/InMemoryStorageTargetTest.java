package io.github.neo4jbackup.testkit;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.ObjectExistsException;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectPage;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.WriteMode;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@link InMemoryStorageTarget} does beyond the contract. */
class InMemoryStorageTargetTest {

    private static final Instant NOW = Instant.parse("2025-11-01T23:00:00Z");

    @Test
    void modificationTimeComesFromTheClock() throws IOException {
        InMemoryStorageTarget target = new InMemoryStorageTarget(Clock.fixed(NOW, ZoneOffset.UTC));

        ObjectInfo info = write(target, "a.bin", WriteMode.CREATE_NEW);

        assertThat(info.lastModified()).isEqualTo(NOW);
        assertThat(target.stat(ObjectKey.of("a.bin")).orElseThrow().lastModified()).isEqualTo(NOW);
    }

    @Test
    void pagesHoldAtMostThePageSizeAndTheTokenIsTheLastKey() throws IOException {
        InMemoryStorageTarget target = new InMemoryStorageTarget(2);
        for (String k : new String[] {"p/1", "p/2", "p/3", "p/4", "p/5", "q/1"}) {
            write(target, k, WriteMode.CREATE_NEW);
        }

        ObjectPage first = target.list("p/", null);
        assertThat(first.objects()).extracting(i -> i.key().value()).containsExactly("p/1", "p/2");
        assertThat(first.continuationToken()).isEqualTo("p/2");
        ObjectPage second = target.list("p/", first.continuationToken());
        assertThat(second.objects()).extracting(i -> i.key().value()).containsExactly("p/3", "p/4");
        ObjectPage third = target.list("p/", second.continuationToken());
        assertThat(third.objects()).extracting(i -> i.key().value()).containsExactly("p/5");
        assertThat(third.continuationToken()).isNull();
        assertThat(third.next()).isEmpty();
    }

    @Test
    void fullLastPageHasNoToken() throws IOException {
        InMemoryStorageTarget target = new InMemoryStorageTarget(2);
        write(target, "x/1", WriteMode.CREATE_NEW);
        write(target, "x/2", WriteMode.CREATE_NEW);

        assertThat(target.list("x/", null).continuationToken()).isNull();
    }

    @Test
    void nullPrefixListsEverything() throws IOException {
        InMemoryStorageTarget target = new InMemoryStorageTarget();
        write(target, "b", WriteMode.CREATE_NEW);
        write(target, "a", WriteMode.CREATE_NEW);

        assertThat(target.list(null, null).objects()).extracting(i -> i.key().value()).containsExactly("a", "b");
    }

    @Test
    void keysIsASortedSnapshot() throws IOException {
        InMemoryStorageTarget target = new InMemoryStorageTarget();
        write(target, "z", WriteMode.CREATE_NEW);
        write(target, "m/n", WriteMode.CREATE_NEW);

        var keys = target.keys();
        write(target, "a", WriteMode.CREATE_NEW);

        assertThat(keys).containsExactly(ObjectKey.of("m/n"), ObjectKey.of("z"));
        assertThatThrownBy(() -> keys.add(ObjectKey.of("x"))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void pendingCountTracksOpenWrites() throws IOException {
        InMemoryStorageTarget target = new InMemoryStorageTarget();
        PendingObject committed = target.create(ObjectKey.of("a"), Map.of(), WriteMode.CREATE_NEW);
        PendingObject aborted = target.create(ObjectKey.of("b"), Map.of(), WriteMode.CREATE_NEW);
        PendingObject failed = target.create(ObjectKey.of("a"), Map.of(), WriteMode.CREATE_NEW);
        assertThat(target.pendingCount()).isEqualTo(3);

        committed.commit();
        aborted.close();
        aborted.abort();
        assertThat(target.pendingCount()).isEqualTo(1);
        assertThatThrownBy(failed::commit).isInstanceOf(ObjectExistsException.class);
        failed.close();
        committed.close();

        assertThat(target.pendingCount()).isZero();
    }

    @Test
    void metadataIsCopied() throws IOException {
        InMemoryStorageTarget target = new InMemoryStorageTarget();
        Map<String, String> metadata = new HashMap<>(Map.of("k", "v"));
        try (PendingObject pending = target.create(ObjectKey.of("m"), metadata, WriteMode.CREATE_NEW)) {
            metadata.put("k", "changed");
            pending.commit();
        }

        assertThat(target.stat(ObjectKey.of("m")).orElseThrow().metadata()).containsExactly(Map.entry("k", "v"));
    }

    @Test
    void nullMetadataMeansNone() throws IOException {
        InMemoryStorageTarget target = new InMemoryStorageTarget();
        try (PendingObject pending = target.create(ObjectKey.of("m"), null, WriteMode.CREATE_NEW)) {
            pending.commit();
        }

        assertThat(target.stat(ObjectKey.of("m")).orElseThrow().metadata()).isEmpty();
    }

    @Test
    void nullMetadataValuesAreRejected() {
        InMemoryStorageTarget target = new InMemoryStorageTarget();
        Map<String, String> metadata = new HashMap<>();
        metadata.put("k", null);

        assertThatThrownBy(() -> target.create(ObjectKey.of("m"), metadata, WriteMode.CREATE_NEW))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'m'");
        assertThat(target.pendingCount()).isZero();
    }

    @Test
    void pageSizeMustBePositive() {
        assertThatThrownBy(() -> new InMemoryStorageTarget(0))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("page size");
    }

    @Test
    void describesItselfAsMemory() {
        InMemoryStorageTarget target = new InMemoryStorageTarget();

        assertThat(target.describe()).isEqualTo("memory:");
        assertThat(target.pageSize()).isEqualTo(InMemoryStorageTarget.DEFAULT_PAGE_SIZE);
        assertThat(target.toString()).contains("objects=0");
    }

    private static ObjectInfo write(InMemoryStorageTarget target, String key, WriteMode mode) throws IOException {
        try (PendingObject pending = target.create(ObjectKey.of(key), Map.of(), mode)) {
            pending.stream().write(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return pending.commit();
        }
    }
}
