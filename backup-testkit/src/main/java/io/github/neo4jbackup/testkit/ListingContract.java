package io.github.neo4jbackup.testkit;

import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectPage;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Contract tests of listing and paging: prefixes (whole and partial segments), ascending key
 * order, empty listings, continuation tokens over many pages, and agreement of the listing helpers
 * with {@link StorageTarget#list} and {@link StorageTarget#stat}.
 *
 * <p>One link of the {@link StorageTargetContract} suite, which stacks the areas into one class
 * (single inheritance keeps the test methods {@code protected} and overridable, as the suite
 * promises); the order of the links means nothing. Extend {@link StorageTargetContract}, not this.
 */
abstract class ListingContract extends DeleteContract {

    /**
     * A prefix is a plain string prefix: {@code a/} does not match {@code ab/...}, {@code a}
     * matches both.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("list filters by plain string prefix")
    protected void listFiltersByPrefix() throws Exception {
        for (String k : List.of("a/x.txt", "a/y/z.txt", "ab/x.txt", "abc", "b/x.txt")) {
            put(key(k), k.getBytes(StandardCharsets.UTF_8));
        }

        assertThat(listedKeys("a/")).containsExactly("a/x.txt", "a/y/z.txt");
        assertThat(listedKeys("a/y/")).containsExactly("a/y/z.txt");
        assertThat(listedKeys("a")).containsExactly("a/x.txt", "a/y/z.txt", "ab/x.txt", "abc");
        assertThat(listedKeys("ab")).containsExactly("ab/x.txt", "abc");
        assertThat(listedKeys("abc")).containsExactly("abc");
        assertThat(listedKeys("b/x.txt")).containsExactly("b/x.txt");
        assertThat(listedKeys("")).containsExactly("a/x.txt", "a/y/z.txt", "ab/x.txt", "abc", "b/x.txt");
        assertThat(listedKeys("c")).isEmpty();
        assertThat(listedKeys("a/x.txt/")).isEmpty();
    }

    /**
     * A prefix may end in the middle of a segment, as backup-name prefixes do.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("list with a prefix that ends inside a segment")
    protected void listWithPartialSegmentPrefix() throws Exception {
        List<String> keys = List.of(
                "neo4j/neo4j-20241231T230000Z.cypher.zst",
                "neo4j/neo4j-20251101T230000Z.cypher.zst",
                "neo4j/neo4j-20251101T230000Z.manifest.json",
                "neo4j/neo4j-20251102T230000Z.cypher.zst",
                "neo4j/other-20251101.txt",
                "neo4j2/neo4j-20251101T230000Z.cypher.zst",
                "system/neo4j-20251101T230000Z.cypher.zst");
        for (String k : keys) {
            put(key(k), new byte[] {1});
        }

        assertThat(listedKeys("neo4j/neo4j-2025")).containsExactly(
                "neo4j/neo4j-20251101T230000Z.cypher.zst",
                "neo4j/neo4j-20251101T230000Z.manifest.json",
                "neo4j/neo4j-20251102T230000Z.cypher.zst");
        assertThat(listedKeys("neo4j/neo4j-20251101T230000Z.")).hasSize(2);
        assertThat(listedKeys("neo4j/")).hasSize(5);
        assertThat(listedKeys("neo4j")).hasSize(6);
        assertThat(listedKeys("neo")).hasSize(6);
    }

    /**
     * Listings are in ascending key order, comparing keys as strings: {@code k-1 < k.2 < k/x < k0}
     * (so {@code /} is an ordinary character, not a tree separator).
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("list returns keys in ascending string order")
    protected void listIsInAscendingKeyOrder() throws Exception {
        List<String> keys = new ArrayList<>(List.of(
                "0", "K", "k-1", "k.2", "k/B", "k/_x", "k/a-b/c", "k/a.b", "k/a/b-c/d", "k/a/b.c", "k/a/b/c",
                "k/a/b0", "k/a0", "k/z/z/z/z", "k0", "kA", "k_z", "l"));
        Collections.shuffle(keys, new Random(12));
        for (String k : keys) {
            put(key(k), k.getBytes(StandardCharsets.UTF_8));
        }
        List<String> expected = new ArrayList<>(keys);
        Collections.sort(expected);

        assertThat(listedKeys("")).containsExactlyElementsOf(expected);
        assertThat(listedKeys("k/a")).containsExactlyElementsOf(
                expected.stream().filter(k -> k.startsWith("k/a")).toList());
    }

    /**
     * Listing an empty target, or a prefix nothing matches, gives one empty last page.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("list of nothing is one empty last page")
    protected void listOfNothingIsEmptyLastPage() throws Exception {
        ObjectPage page = target().list("", null);
        assertThat(page.objects()).isEmpty();
        assertThat(page.continuationToken()).isNull();

        put(key("some/object"), new byte[] {1});
        ObjectPage other = target().list("other/", null);
        assertThat(other.objects()).isEmpty();
        assertThat(other.continuationToken()).isNull();
    }

    /**
     * Many objects are listed across several pages by following continuation tokens until there
     * is none, with no object missing, none twice, in ascending order.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("list pages through many objects with continuation tokens")
    protected void listPagesThroughManyObjects() throws Exception {
        int count = pagingObjectCount();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add(String.format("pages/object-%05d.bin", i));
        }
        List<String> decoys = List.of("pages-other/x.bin", "pagesz.bin", "page/x.bin", "a-first.bin", "z-last.bin");
        List<String> all = new ArrayList<>(expected);
        all.addAll(decoys);
        Collections.shuffle(all, new Random(13));
        List<Callable<Void>> writes = new ArrayList<>();
        for (String k : all) {
            writes.add(() -> {
                put(key(k), k.getBytes(StandardCharsets.UTF_8), Map.of(), WriteMode.CREATE_NEW);
                return null;
            });
        }
        runAll(writes, concurrency());

        List<String> listed = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String token = null;
        int pages = 0;
        do {
            ObjectPage page = target().list("pages/", token);
            pages++;
            for (ObjectInfo info : page.objects()) {
                String k = info.key().value();
                assertThat(seen.add(k)).as("key %s listed twice (page %d)", k, pages).isTrue();
                listed.add(k);
                assertThat(info.size()).as("size of %s", k).isEqualTo(k.getBytes(StandardCharsets.UTF_8).length);
            }
            token = page.continuationToken();
            assertThat(pages).as("pages needed for %d objects (endless listing?)", count).isLessThanOrEqualTo(count + 1);
        } while (token != null);

        assertThat(listed).as("keys listed under pages/").containsExactlyElementsOf(expected);
        if (count > listingPageSizeHint()) {
            assertThat(pages).as("pages for %d objects with page size %d", count, listingPageSizeHint())
                    .isGreaterThan(1);
        }
        assertThat(target().listAllObjects("")).hasSize(count + decoys.size());
        List<String> lazily = new ArrayList<>();
        target().listAll("pages/").forEach(info -> lazily.add(info.key().value()));
        assertThat(lazily).containsExactlyElementsOf(expected);
    }

    /**
     * {@link StorageTarget#listAll} and {@link StorageTarget#listAllObjects} agree with
     * {@link StorageTarget#list}, and listings report the same size as stat.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("listAll and listAllObjects agree with list and stat")
    protected void listHelpersAgreeWithListAndStat() throws Exception {
        for (int i = 0; i < 7; i++) {
            put(key("helpers/" + i + "/object.bin"), randomBytes(i * 100, 20 + i));
        }

        List<ObjectInfo> eager = target().listAllObjects("helpers/");
        List<ObjectInfo> lazy = new ArrayList<>();
        target().listAll("helpers/").forEach(lazy::add);
        List<ObjectInfo> firstPage = target().list("helpers/", null).objects();

        assertThat(eager).hasSize(7);
        assertThat(lazy).extracting(ObjectInfo::key).containsExactlyElementsOf(
                eager.stream().map(ObjectInfo::key).toList());
        assertThat(firstPage).as("first page").isNotEmpty();
        assertThat(firstPage).extracting(ObjectInfo::key).containsExactlyElementsOf(
                eager.subList(0, Math.min(firstPage.size(), eager.size())).stream().map(ObjectInfo::key).toList());
        for (ObjectInfo listed : eager) {
            ObjectInfo stat = target().stat(listed.key()).orElseThrow();
            assertThat(listed.size()).as("listed size of %s", listed.key()).isEqualTo(stat.size());
            assertCloseInTime(listed.lastModified(), stat.lastModified());
        }
    }

    /**
     * Deeply nested keys can be written, listed by any of their prefixes, read and deleted.
     *
     * @throws Exception on failure
     */
    @Test
    @DisplayName("nested keys work")
    protected void nestedKeysWork() throws Exception {
        ObjectKey key = key("a/b/c/d.txt");
        put(key, "deep".getBytes(StandardCharsets.UTF_8));

        for (String prefix : List.of("", "a", "a/", "a/b", "a/b/", "a/b/c/", "a/b/c/d", "a/b/c/d.txt")) {
            assertThat(listedKeys(prefix)).as("listing of prefix '%s'", prefix).containsExactly(key.value());
        }
        assertThat(read(key)).isEqualTo("deep".getBytes(StandardCharsets.UTF_8));
        assertThat(target().stat(key("a/b/c"))).as("a directory-like prefix is not an object").isEmpty();

        target().delete(key);
        assertThat(listedKeys("")).isEmpty();
        assertThat(target().stat(key)).isEmpty();
    }
}
