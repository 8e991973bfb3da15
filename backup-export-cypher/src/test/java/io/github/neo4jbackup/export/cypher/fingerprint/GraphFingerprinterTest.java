package io.github.neo4jbackup.export.cypher.fingerprint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Value;
import org.neo4j.driver.Values;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GraphFingerprinterTest {

    @TempDir
    Path temp;

    private static Map<String, Value> props(Object... kv) {
        Map<String, Value> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], Values.value(kv[i + 1]));
        }
        return m;
    }

    private String fp(Consumer<GraphFingerprinter> feed) {
        try (GraphFingerprinter fp = GraphFingerprinter.open(temp)) {
            feed.accept(fp);
            return fp.finish().hex();
        }
    }

    private String singleNode(Object value) {
        return fp(f -> f.node(0, List.of("L"), props("p", value)));
    }

    @Test
    void valuesAreTypeExact() {
        ZonedDateTime zoned = ZonedDateTime.of(2025, 3, 30, 1, 59, 59, 123456789, ZoneId.of("Europe/Berlin"));
        List<Object> values = List.of("1", 1L, 1.0d, -0.0d, 0.0d, true, "true",
                new byte[] {1, 2}, List.of(1L, 2L), List.of(1.0, 2.0), List.of("1", "2"), List.of(),
                new byte[0], zoned, zoned.toOffsetDateTime(), zoned.withZoneSameInstant(ZoneOffset.UTC),
                zoned.withZoneSameInstant(ZoneId.of("Asia/Kathmandu")), zoned.plusNanos(1),
                zoned.toLocalDateTime(), zoned.toLocalDate(), zoned.toLocalTime(), zoned.toOffsetDateTime().toOffsetTime(),
                Values.isoDuration(1, 0, 0, 0).asIsoDuration(), Values.isoDuration(0, 30, 0, 0).asIsoDuration(),
                Values.isoDuration(0, 0, 0, 1).asIsoDuration(),
                Values.point(7203, 1, 2).asPoint(), Values.point(4326, 1, 2).asPoint(), Values.point(9157, 1, 2, 0).asPoint(),
                Values.point(9157, 1, 2, -0.0).asPoint(), Long.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY,
                "", "a\uD800", "a?", List.of(List.of(1L)));
        List<String> prints = new ArrayList<>();
        for (Object v : values) {
            prints.add(singleNode(v));
        }
        assertThat(prints).doesNotHaveDuplicates();
        // the same value gives the same fingerprint; NaN is canonical
        assertThat(singleNode(Double.longBitsToDouble(0x7ff8000000000123L))).isEqualTo(singleNode(Double.NaN));
        assertThat(singleNode(LocalDateTime.of(2000, 1, 1, 0, 0))).isEqualTo(singleNode(LocalDateTime.of(2000, 1, 1, 0, 0)));
    }

    @Test
    void labelsAndKeysAreUnambiguousAndOrderFree() {
        assertThat(fp(f -> f.node(0, List.of("ab"), Map.of()))).isNotEqualTo(fp(f -> f.node(0, List.of("a", "b"), Map.of())));
        assertThat(fp(f -> f.node(0, List.of("a", "b"), Map.of()))).isEqualTo(fp(f -> f.node(0, List.of("b", "a"), Map.of())));
        assertThat(fp(f -> f.node(0, List.of(), props("a", "bc")))).isNotEqualTo(fp(f -> f.node(0, List.of(), props("ab", "c"))));
        assertThat(fp(f -> f.node(0, List.of("p"), Map.of()))).isNotEqualTo(fp(f -> f.node(0, List.of(), props("p", ""))));
        assertThat(fp(f -> f.node(0, List.of(), props("x", 1L, "y", 2L))))
                .isEqualTo(fp(f -> f.node(0, List.of(), new java.util.TreeMap<>(props("y", 2L, "x", 1L)))));
        assertThat(fp(f -> f.node(0, List.of(), props("x", 1L, "y", 2L))))
                .isNotEqualTo(fp(f -> f.node(0, List.of(), props("x", 2L, "y", 1L))));
    }

    @Test
    void valueOverloadsMatchMapOverloads() {
        Map<String, Object> p = Map.of("s", "x", "l", List.of(1.5, 2.5), "d", java.time.LocalDate.of(2020, 2, 29));
        String viaMap = fp(f -> {
            f.node(7, List.of("A", "B"), Values.value(p).asMap(v -> v));
            f.node(9, List.of(), Map.of());
            f.relationship(7, 9, "T", Values.value(p).asMap(v -> v));
        });
        String viaValues = fp(f -> {
            f.node(7, Values.value(List.of("B", "A")), Values.value(p));
            f.node(9, Values.value(List.of()), null);
            f.relationship(7, 9, "T", Values.value(p));
        });
        assertThat(viaValues).isEqualTo(viaMap);
    }

    @Test
    void orderAndIdsDoNotMatterButDuplicatesAndDirectionsDo() {
        Random random = new Random(1);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            order.add(i);
        }
        String base = graph(order, i -> (long) i, false);
        Collections.shuffle(order, random);
        assertThat(graph(order, i -> 1_000_000L + i * 7L, false)).isEqualTo(base);
        assertThat(graph(order, i -> (long) i, true)).isNotEqualTo(base);

        String one = fp(f -> f.node(0, List.of("L"), props("x", 1L)));
        String two = fp(f -> {
            f.node(0, List.of("L"), props("x", 1L));
            f.node(1, List.of("L"), props("x", 1L));
        });
        assertThat(two).isNotEqualTo(one);
        String parallelOnce = fp(f -> {
            f.node(0, List.of(), Map.of());
            f.node(1, List.of("L"), Map.of());
            f.relationship(0, 1, "T", Map.of());
        });
        String parallelTwice = fp(f -> {
            f.node(0, List.of(), Map.of());
            f.node(1, List.of("L"), Map.of());
            f.relationship(0, 1, "T", Map.of());
            f.relationship(0, 1, "T", Map.of());
        });
        String reversed = fp(f -> {
            f.node(0, List.of(), Map.of());
            f.node(1, List.of("L"), Map.of());
            f.relationship(1, 0, "T", Map.of());
        });
        assertThat(List.of(parallelOnce, parallelTwice, reversed)).doesNotHaveDuplicates();
    }

    /** A chain 0 -> 1 -> ... with node i labelled and numbered; ids mapped; optionally the first relationship reversed. */
    private String graph(List<Integer> order, java.util.function.IntFunction<Long> id, boolean reverseFirst) {
        return fp(f -> {
            for (int i : order) {
                f.node(id.apply(i), List.of("N" + (i % 3)), props("i", (long) i));
            }
            for (int i : order) {
                if (i + 1 < order.size()) {
                    boolean rev = reverseFirst && i == 0;
                    f.relationship(id.apply(rev ? i + 1 : i), id.apply(rev ? i : i + 1), "NEXT", props("w", (double) i));
                }
            }
        });
    }

    @Test
    void misuseIsRefused() throws Exception {
        try (GraphFingerprinter f = GraphFingerprinter.open(temp)) {
            f.node(5, List.of(), Map.of());
            assertThatThrownBy(() -> f.node(5, List.of("X"), Map.of())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("fed twice");
            assertThatThrownBy(() -> f.relationship(5, 6, "T", Map.of())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("node id 6");
            assertThatThrownBy(() -> f.relationship(123_456_789L, 5, "T", Map.of())).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> f.node(6, List.of(), Map.of())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("before the first relationship");
            assertThatThrownBy(() -> f.node(-1, List.of(), Map.of())).isInstanceOf(IllegalStateException.class);
            f.finish();
            assertThatThrownBy(f::finish).isInstanceOf(IllegalStateException.class);
        }
        try (GraphFingerprinter f = GraphFingerprinter.open(temp)) {
            assertThatThrownBy(() -> f.node(-1, List.of(), Map.of())).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void sparseIdsAndTheTemporaryFileIsDeleted() {
        Path file;
        String sparse;
        try (GraphFingerprinter f = GraphFingerprinter.open(temp)) {
            f.node(3_000_000_000L, List.of("Far"), Map.of());
            f.node(1, List.of("Near"), Map.of());
            f.relationship(1, 3_000_000_000L, "T", Map.of());
            file = f.temporaryFile();
            assertThat(file).exists();
            sparse = f.finish().hex();
        }
        assertThat(file).doesNotExist();
        assertThat(fp(f -> {
            f.node(0, List.of("Near"), Map.of());
            f.node(1, List.of("Far"), Map.of());
            f.relationship(0, 1, "T", Map.of());
        })).isEqualTo(sparse);
        try (GraphFingerprinter f = GraphFingerprinter.open(temp)) {
            assertThat(f.finish()).satisfies(c -> {
                assertThat(c.nodes()).isZero();
                assertThat(c.relationships()).isZero();
            });
            assertThat(f.temporaryFile()).isNull();
        }
        assertThat(temp.toFile().list()).isEmpty();
    }

    @Test
    void largeStringsAndListsStream() {
        String big = "x".repeat(200_000) + "\uD83D\uDC4B";
        double[] vector = new double[3000];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = i / 7.0;
        }
        String a = singleNode(big);
        String b = singleNode(big.substring(0, big.length() - 2) + "\uD83D\uDC4C");
        assertThat(a).isNotEqualTo(b);
        String v1 = singleNode(vector);
        vector[2999] = Math.nextUp(vector[2999]);
        assertThat(singleNode(vector)).isNotEqualTo(v1);
        assertThat(Files.exists(temp)).isTrue();
    }
}
