package io.github.neo4jbackup.export.cypher.driver;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeIdSetTest {

    @Test
    void addsFindsAndIteratesInOrderLikeASortedSet() {
        NodeIdSet set = new NodeIdSet();
        TreeSet<Long> reference = new TreeSet<>();
        Random random = new Random(7);
        for (int i = 0; i < 50_000; i++) {
            long id = switch (i % 4) {
                case 0 -> random.nextInt(100_000);                       // dense
                case 1 -> 4_000_000_000L + random.nextInt(10_000);       // near the end of the dense range
                case 2 -> (1L << 40) + random.nextInt(1_000);            // sparse pages
                default -> random.nextInt(64);                           // repeats
            };
            assertThat(set.add(id)).isEqualTo(reference.add(id));
        }
        assertThat(set.size()).isEqualTo(reference.size());
        List<Long> ids = new ArrayList<>();
        set.forEach(ids::add);
        assertThat(ids).containsExactlyElementsOf(reference);
        for (long probe : new long[] {-1, 0, 63, 99_999, 100_000, 4_000_000_000L, (1L << 40) + 999, Long.MAX_VALUE}) {
            assertThat(set.contains(probe)).as("id %d", probe).isEqualTo(reference.contains(probe));
        }
    }

    @Test
    void aDenseMillionIdsTakeAboutOneBitEach() {
        NodeIdSet set = new NodeIdSet();
        for (long id = 0; id < 1_000_000; id++) {
            set.add(id);
        }
        assertThat(set.size()).isEqualTo(1_000_000);
        assertThat(set.bytes()).isLessThan(140_000); // 125,000 bytes of bits plus the page table
        assertThat(set.contains(999_999)).isTrue();
        assertThat(set.contains(1_000_000)).isFalse();
    }

    @Test
    void negativeIdsAreRefused() {
        assertThatThrownBy(() -> new NodeIdSet().add(-5)).isInstanceOf(IllegalArgumentException.class);
    }
}
