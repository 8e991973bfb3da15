package io.github.neo4jbackup.testkit;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.WriteMode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Contract tests of keys: unusual but valid keys round-trip, invalid keys never reach the target.
 *
 * <p>One link of the {@link StorageTargetContract} suite, which stacks the areas into one class
 * (single inheritance keeps the test methods {@code protected} and overridable, as the suite
 * promises); the order of the links means nothing. Extend {@link StorageTargetContract}, not this.
 */
abstract class KeyContract extends ListingContract {

    /**
     * Keys with spaces, {@code =}, {@code +}, {@code %}, other punctuation and non-ASCII
     * characters round-trip through write, stat, list, read and delete.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("keys with unusual but valid characters round-trip")
    protected void unusualKeysRoundTrip() throws Exception {
        List<String> keys = List.of(
                "with space/file name.txt",
                "k=v/date=2025-11-01/part=0.bin",
                "plus/a+b+c.txt",
                "percent/100%25 done %20.txt",
                "punct/a&b,c;d@e!f~g'h(i)[j]{k}$.txt",
                "unicode/日本語-ñ-ü-Ωμέγα.txt",
                "emoji/backup-\uD83D\uDE00.bin",
                ".hidden/.dotfile",
                "dots/x..y");
        for (String k : keys) {
            put(key(k), k.getBytes(StandardCharsets.UTF_8), Map.of(), WriteMode.CREATE_NEW);
        }

        assertThat(listedKeys("")).containsExactlyInAnyOrderElementsOf(keys);
        for (String k : keys) {
            ObjectKey key = key(k);
            assertThat(read(key)).as("content of '%s'", k).isEqualTo(k.getBytes(StandardCharsets.UTF_8));
            assertThat(target().stat(key)).as("stat of '%s'", k).get()
                    .extracting(ObjectInfo::key).isEqualTo(key);
            assertThat(listedKeys(k)).as("listing with the key '%s' as prefix", k).contains(k);
        }
        for (String k : keys) {
            target().delete(key(k));
        }
        assertThat(listedKeys("")).isEmpty();
    }

    /**
     * Keys that could escape a target's root are rejected by {@link ObjectKey} before any target
     * sees them.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("invalid keys are rejected before they reach the target")
    protected void invalidKeysNeverReachTheTarget() throws Exception {
        for (String bad : List.of("", "../escape", "a/../../escape", "/absolute", "a//b", "a/./b", "a/", ".",
                "..", "a\\b", "C:/windows", "a\u0000b")) {
            assertThatThrownBy(() -> ObjectKey.of(bad)).as("key '%s'", bad)
                    .isInstanceOf(InvalidInputException.class);
        }
        assertThat(listedKeys("")).isEmpty();
        assertThat(listedKeys("../")).isEmpty();
        assertThat(listedKeys("/")).isEmpty();
    }
}
