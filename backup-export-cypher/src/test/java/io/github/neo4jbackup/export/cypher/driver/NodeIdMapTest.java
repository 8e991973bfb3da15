package io.github.neo4jbackup.export.cypher.driver;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeIdMapTest {

    @Test
    void mapsDenseKeysToIdsAndReportsAbsentKeys() {
        try (NodeIdMap map = new NodeIdMap(16)) {
            for (long k = 0; k < 10_000; k++) {
                map.put(k, 3 * k);
            }
            for (long k = 0; k < 10_000; k++) {
                assertThat(map.get(k)).isEqualTo(3 * k);
            }
            assertThat(map.get(10_000)).isEqualTo(-1);
            assertThat(map.get(-5)).isEqualTo(-1);
            assertThat(map.get(1L << 40)).isEqualTo(-1);
            assertThat(map.size()).isEqualTo(10_000);
            assertThat(map.pages()).isEqualTo((10_000 + NodeIdMap.PAGE_SIZE - 1) / NodeIdMap.PAGE_SIZE);
            assertThat(map.filePages()).isZero();
        }
    }

    @Test
    void idZeroIsADistinctValueFromAbsent() {
        try (NodeIdMap map = new NodeIdMap(1)) {
            map.put(7, 0);
            assertThat(map.get(7)).isZero();
            assertThat(map.get(8)).isEqualTo(-1);
        }
    }

    @Test
    void sparseAndHugeKeysWork() {
        try (NodeIdMap map = new NodeIdMap(4)) {
            long[] keys = {0, 1L << 28, (1L << 28) + 1, 1L << 40, Long.MAX_VALUE};
            for (int i = 0; i < keys.length; i++) {
                map.put(keys[i], i);
            }
            for (int i = 0; i < keys.length; i++) {
                assertThat(map.get(keys[i])).isEqualTo(i);
            }
            assertThat(map.get((1L << 28) + 2)).isEqualTo(-1);
        }
    }

    @Test
    void pagesBeyondTheHeapBudgetGoToAFileAndStayCorrect() {
        Random random = new Random(42);
        long[] ids = new long[300_000];
        try (NodeIdMap map = new NodeIdMap(2)) {
            for (int k = 0; k < ids.length; k++) {
                ids[k] = random.nextLong() & Long.MAX_VALUE;
                map.put(k, ids[k]);
            }
            assertThat(map.filePages()).isEqualTo(map.pages() - 2).isPositive();
            for (int k = 0; k < ids.length; k++) {
                assertThat(map.get(k)).isEqualTo(ids[k]);
            }
        }
    }

    @Test
    void aKeyPutTwiceWithAnotherIdIsRefused() {
        try (NodeIdMap map = new NodeIdMap(1)) {
            map.put(5, 9);
            map.put(5, 9);
            assertThat(map.size()).isEqualTo(1);
            assertThatThrownBy(() -> map.put(5, 10)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("node key 5 occurs twice");
        }
    }
}
