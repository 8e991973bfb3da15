package io.github.neo4jbackup.core.manifest;

import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.ObjectKey;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestCodecTest {

    static Manifest sample() {
        return new Manifest(1, "neo4j-20251101T230000Z", "neo4j", Instant.parse("2025-11-01T23:00:00Z"),
                Instant.parse("2025-11-01T23:01:02.345Z"),
                new Manifest.SourceInfo("cypher-apoc", "5.26.19", "5.26.30", "community", Map.of("consistency", "read-committed")),
                "0.1.0", "host-1", List.of(new TransformerSpec("zstd", Map.of("level", "3", "workers", "0"))),
                new StoredObject(ObjectKey.of("neo4j/neo4j-20251101T230000Z.cypher.zst"), 1234, 567,
                        "a".repeat(64), "b".repeat(64)),
                new GraphCounts(10, 20, Map.of("Entity", 7L, "Épisode ü", 3L), Map.of("RELATES_TO", 20L)),
                Map.of("environment", "prod"), Map.of("note", "line1\nline2 \"quoted\" ✓"));
    }

    @Test
    void roundTrip() {
        Manifest m = sample();
        byte[] json = ManifestCodec.write(m);
        assertThat(ManifestCodec.read(json, "x")).isEqualTo(m);
        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"formatVersion\" : 1")
                .contains("\"storedSha256\"").contains("\"transformers\"");
    }

    @Test
    void copyOriginRoundTripsAndOldManifestsHaveNone() {
        Manifest copy = sample().asCopy(ObjectKey.of("offsite/neo4j-20251101T230000Z.cypher.zst"),
                new Manifest.CopiedFrom("/var/backups/neo4j", "neo4j/neo4j-20251101T230000Z.cypher.zst",
                        Instant.parse("2025-11-02T01:00:00Z")));
        byte[] json = ManifestCodec.write(copy);
        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"copiedFrom\"");
        Manifest read = ManifestCodec.read(json, "x");
        assertThat(read).isEqualTo(copy);
        assertThat(read.copiedFrom().repository()).isEqualTo("/var/backups/neo4j");
        assertThat(read.object().key().value()).startsWith("offsite/");
        assertThat(read.object().storedSha256()).isEqualTo(sample().object().storedSha256());
        assertThat(new String(ManifestCodec.write(sample()), StandardCharsets.UTF_8)).doesNotContain("copiedFrom");
        assertThat(ManifestCodec.read(ManifestCodec.write(sample()), "x").copiedFrom()).isNull();
        String broken = new String(json, StandardCharsets.UTF_8).replace("\"copiedAt\" : \"2025-11-02T01:00:00Z\"",
                "\"copiedAt\" : \"yesterday\"");
        assertThatThrownBy(() -> ManifestCodec.read(broken, "k")).isInstanceOf(IntegrityException.class)
                .hasMessageContaining("copiedAt");
    }

    @Test
    void unknownCountsStayUnknown() {
        Manifest m = sample();
        Manifest unknown = new Manifest(1, m.id(), m.database(), m.createdAt(), m.finishedAt(), m.source(),
                m.toolVersion(), m.host(), m.transformers(), m.object(), GraphCounts.UNKNOWN, m.labels(), m.metadata());
        assertThat(ManifestCodec.read(ManifestCodec.write(unknown), "x").counts().known()).isFalse();
    }

    @Test
    void unknownFieldsAreIgnoredForForwardCompatibility() {
        String json = new String(ManifestCodec.write(sample()), StandardCharsets.UTF_8)
                .replaceFirst("\\{", "{\"futureField\": {\"a\": [1,2]},");
        assertThat(ManifestCodec.read(json, "x")).isEqualTo(sample());
    }

    @Test
    void newerFormatVersionIsRefusedWithAHint() {
        String json = new String(ManifestCodec.write(sample()), StandardCharsets.UTF_8)
                .replace("\"formatVersion\" : 1", "\"formatVersion\" : 2");
        assertThatThrownBy(() -> ManifestCodec.read(json, "k.manifest.json")).isInstanceOf(IntegrityException.class)
                .hasMessageContaining("format version 2").hasMessageContaining("newer neo4j-backup");
    }

    @Test
    void missingOrMalformedFieldsAreNamed() {
        String json = new String(ManifestCodec.write(sample()), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ManifestCodec.read(json.replace("\"storedSha256\"", "\"x\""), "m"))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("storedSha256");
        assertThatThrownBy(() -> ManifestCodec.read(json.replace("\"rawSize\" : 1234", "\"rawSize\" : -1"), "m"))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("rawSize");
        assertThatThrownBy(() -> ManifestCodec.read(json.replace("neo4j/neo4j-2025", "../neo4j-2025"), "m"))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("object.key");
        assertThatThrownBy(() -> ManifestCodec.read("[]", "m")).isInstanceOf(IntegrityException.class);
        assertThatThrownBy(() -> ManifestCodec.read("{", "m")).isInstanceOf(IntegrityException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> ManifestCodec.read(new byte[ManifestCodec.MAX_MANIFEST_BYTES + 1], "m"))
                .isInstanceOf(IntegrityException.class);
    }

    @Test
    void fuzzedManifestsOnlyEverFailWithIntegrityException() {
        byte[] valid = ManifestCodec.write(sample());
        Random random = new Random(20251121);
        int parsed = 0;
        for (int i = 0; i < 5000; i++) {
            byte[] mutated = valid.clone();
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits && mutated.length > 0; e++) {
                int pos = random.nextInt(mutated.length);
                switch (random.nextInt(3)) {
                    case 0 -> mutated[pos] = (byte) random.nextInt(256);
                    case 1 -> mutated[pos] = (byte) "{}[]\":,0-9e".charAt(random.nextInt(11));
                    default -> mutated = java.util.Arrays.copyOf(mutated, pos);
                }
            }
            try {
                ManifestCodec.read(mutated, "fuzz");
                parsed++;
            } catch (IntegrityException expected) {
                assertThat(expected.getMessage()).contains("fuzz");
            }
        }
        assertThat(parsed).isLessThan(5000);
    }
}
