package io.github.neo4jbackup.testkit;

import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Contract tests of metadata: user metadata round-trips where the target keeps it, is accepted
 * where it does not, and a recorded SHA-256 matches the content.
 *
 * <p>One link of the {@link StorageTargetContract} suite, which stacks the areas into one class
 * (single inheritance keeps the test methods {@code protected} and overridable, as the suite
 * promises); the order of the links means nothing. Extend {@link StorageTargetContract}, not this.
 */
abstract class MetadataContract extends RoundTripContract {

    /**
     * Metadata given at creation comes back from {@link StorageTarget#stat} and
     * {@link PendingObject#commit()} (only for targets that support metadata).
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("metadata round-trips where the target supports it")
    protected void metadataRoundTrips() throws Exception {
        assumeThat(supportsMetadata()).as("target supports metadata").isTrue();
        ObjectKey key = key("meta/object.bin");
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("backup-id", "neo4j-20251101T230000Z");
        metadata.put("source", "cypher-apoc");
        metadata.put("chain", "zstd(level=3)");

        ObjectInfo committed = put(key, "payload".getBytes(StandardCharsets.UTF_8), metadata, WriteMode.CREATE_NEW);

        assertThat(committed.metadata()).containsAllEntriesOf(metadata);
        assertThat(target().stat(key).orElseThrow().metadata()).containsAllEntriesOf(metadata);
    }

    /**
     * Targets without metadata support accept metadata and ignore it instead of failing.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("metadata is accepted (and may be dropped) where the target does not support it")
    protected void metadataIsAcceptedWithoutSupport() throws Exception {
        assumeThat(supportsMetadata()).as("target supports metadata").isFalse();
        ObjectKey key = key("meta/ignored.bin");

        put(key, new byte[] {1, 2, 3}, Map.of("backup-id", "x"), WriteMode.CREATE_NEW);

        assertThat(read(key)).containsExactly(1, 2, 3);
    }

    /**
     * When a target records a SHA-256 of an object, it is the digest of the stored bytes.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("a SHA-256 recorded by the target matches the content")
    protected void recordedSha256MatchesContent() throws Exception {
        ObjectKey key = key("meta/digest.bin");
        byte[] data = randomBytes(10_000, 4);
        put(key, data);

        Optional<String> recorded = target().stat(key).orElseThrow().sha256();
        assumeThat(recorded).as("target records a SHA-256").isPresent();
        assertThat(recorded.orElseThrow()).isEqualTo(sha256(data));
    }
}
