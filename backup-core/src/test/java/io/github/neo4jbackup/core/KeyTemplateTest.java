package io.github.neo4jbackup.core;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyTemplateTest {

    private static final Instant T = Instant.parse("2025-03-04T05:06:07.890Z");

    @Test
    void rendersEveryPlaceholder() {
        KeyTemplate t = KeyTemplate.of("{environment}/{engine}/{yyyy}/{MM}/{dd}/{HH}{mm}{ss}/{database}-{timestamp}-{id}.{ext}");
        assertThat(t.render("neo4j-x", "neo4j", T, "cypher-apoc", "cypher.zst", Map.of("environment", "prod")).value())
                .isEqualTo("prod/cypher-apoc/2025/03/04/050607/neo4j-20250304T050607Z-neo4j-x.cypher.zst");
        assertThat(t.labelNames()).containsExactly("environment");
    }

    @Test
    void defaultTemplate() {
        KeyTemplate t = KeyTemplate.of(KeyTemplate.DEFAULT);
        assertThat(t.render("i", "neo4j", T, "e", "dump", Map.of()).value()).isEqualTo("neo4j/neo4j-20250304T050607Z.dump");
        assertThat(t.listingPrefix()).isEmpty();
        assertThat(t.keyPattern("neo4j").matcher("neo4j/neo4j-20250304T050607Z.dump").matches()).isTrue();
        assertThat(t.keyPattern("neo4j").matcher("other/other-20250304T050607Z.dump").matches()).isFalse();
        assertThat(t.keyPattern("neo4j").matcher("neo4j/notes.txt").matches()).isFalse();
    }

    @Test
    void listingPrefixIsTheLiteralDirectoryPart() {
        assertThat(KeyTemplate.of("backups/prod/{database}-{timestamp}.{ext}").listingPrefix()).isEqualTo("backups/prod/");
        assertThat(KeyTemplate.of("backups/db-{database}/{timestamp}.{ext}").listingPrefix()).isEqualTo("backups/");
    }

    @Test
    void refusesUnsafeOrNonUniqueTemplates() {
        assertThatThrownBy(() -> KeyTemplate.of("../{timestamp}")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("..");
        assertThatThrownBy(() -> KeyTemplate.of("/abs/{timestamp}")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> KeyTemplate.of("{database}/latest.{ext}")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("{timestamp}");
        assertThatThrownBy(() -> KeyTemplate.of("{database/{timestamp}")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> KeyTemplate.of("a//{timestamp}")).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void refusesValuesThatWouldEscapeASegment() {
        KeyTemplate t = KeyTemplate.of("{env}/{database}-{timestamp}.{ext}");
        for (String bad : new String[] {"..", "a/b", "", "x\ny", "a\\b"}) {
            assertThatThrownBy(() -> t.render("i", "neo4j", T, "e", "bin", Map.of("env", bad)))
                    .as(bad).isInstanceOf(InvalidInputException.class).hasMessageContaining("{env}");
        }
    }
}
