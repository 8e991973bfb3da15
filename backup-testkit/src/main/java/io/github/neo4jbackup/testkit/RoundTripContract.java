package io.github.neo4jbackup.testkit;

import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Contract tests of round trips: objects of every size come back byte for byte, and
 * {@link StorageTarget#stat}, {@link PendingObject#commit()} and {@link StorageTarget#describe()}
 * describe them consistently.
 *
 * <p>One link of the {@link StorageTargetContract} suite, which stacks the areas into one class
 * (single inheritance keeps the test methods {@code protected} and overridable, as the suite
 * promises); the order of the links means nothing. Extend {@link StorageTargetContract}, not this.
 */
abstract class RoundTripContract extends StorageTargetContractSupport {

    /**
     * An empty object can be written and read back.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("an empty object round-trips")
    protected void emptyObjectRoundTrips() throws Exception {
        ObjectKey key = key("round-trip/empty.bin");
        ObjectInfo info = put(key, new byte[0]);

        assertThat(info.size()).isZero();
        assertThat(read(key)).isEmpty();
        assertThat(target().stat(key)).get().extracting(ObjectInfo::size).isEqualTo(0L);
    }

    /**
     * A one-byte object can be written and read back.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("a one-byte object round-trips")
    protected void oneByteObjectRoundTrips() throws Exception {
        ObjectKey key = key("round-trip/one.bin");
        try (PendingObject pending = target().create(key, Map.of(), WriteMode.CREATE_NEW)) {
            pending.stream().write(0xA5);
            pending.commit();
        }

        assertThat(read(key)).containsExactly((byte) 0xA5);
        assertThat(target().stat(key)).get().extracting(ObjectInfo::size).isEqualTo(1L);
    }

    /**
     * A large random object written in chunks of varying sizes comes back byte for byte.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("a large random object written in uneven chunks round-trips exactly")
    protected void largeRandomObjectRoundTrips() throws Exception {
        ObjectKey key = key("round-trip/large.bin");
        byte[] data = randomBytes(largeObjectSize(), 1);
        ObjectInfo info = put(key, data, Map.of(), WriteMode.CREATE_NEW);

        byte[] back = read(key);
        assertThat(back.length).as("length read back").isEqualTo(data.length);
        assertThat(sha256(back)).as("SHA-256 of the bytes read back").isEqualTo(sha256(data));
        assertThat(info.size()).isEqualTo(data.length);
    }

    /**
     * {@link StorageTarget#stat} reports the size and a modification time close to now.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("stat reports size and a current modification time")
    protected void statReportsSizeAndLastModified() throws Exception {
        ObjectKey key = key("stat/object.bin");
        Instant before = Instant.now();
        put(key, randomBytes(12_345, 2));
        Instant after = Instant.now();

        ObjectInfo info = target().stat(key).orElseThrow();
        assertThat(info.key()).isEqualTo(key);
        assertThat(info.size()).isEqualTo(12_345L);
        assertThat(info.lastModified())
                .isAfterOrEqualTo(before.minus(clockTolerance()))
                .isBeforeOrEqualTo(after.plus(clockTolerance()));
    }

    /**
     * What {@link PendingObject#commit()} returns describes the object as {@link StorageTarget#stat}
     * does.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("the ObjectInfo returned by commit matches stat")
    protected void commitResultMatchesStat() throws Exception {
        ObjectKey key = key("stat/committed.bin");
        ObjectInfo committed = put(key, randomBytes(4096, 3));
        ObjectInfo stat = target().stat(key).orElseThrow();

        assertThat(committed.key()).isEqualTo(stat.key());
        assertThat(committed.size()).isEqualTo(stat.size()).isEqualTo(4096L);
        assertCloseInTime(committed.lastModified(), stat.lastModified());
    }

    /**
     * {@link StorageTarget#describe()} is a short, non-blank location.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("describe is not blank")
    protected void describeIsNotBlank() throws Exception {
        assertThat(target().describe()).isNotBlank();
    }
}
