package io.github.neo4jbackup.export.cypher.schema;

import io.github.neo4jbackup.export.cypher.CypherNames;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CypherNamesTest {

    @Test
    void quoteAlwaysQuotesAndDoublesBackticks() {
        assertThat(CypherNames.quote("a")).isEqualTo("`a`");
        assertThat(CypherNames.quote("a`b")).isEqualTo("`a``b`");
        assertThat(CypherNames.quote("`")).isEqualTo("````");
        assertThat(CypherNames.quote("with space")).isEqualTo("`with space`");
    }

    @Test
    void quoteIfNeededLeavesPlainIdentifiers() {
        assertThat(CypherNames.quoteIfNeeded("Entity")).isEqualTo("Entity");
        assertThat(CypherNames.quoteIfNeeded("_x1")).isEqualTo("_x1");
        assertThat(CypherNames.quoteIfNeeded("1x")).isEqualTo("`1x`");
        assertThat(CypherNames.quoteIfNeeded("Odd Label")).isEqualTo("`Odd Label`");
        assertThat(CypherNames.quoteIfNeeded("ünï")).isEqualTo("`ünï`");
        assertThat(CypherNames.quoteIfNeeded("match")).isEqualTo("`match`");
        assertThat(CypherNames.quoteIfNeeded("spatial.wgs-84.min")).isEqualTo("`spatial.wgs-84.min`");
    }

    @Test
    void stringEscapesEverythingUnsafe() {
        assertThat(CypherNames.string("plain")).isEqualTo("'plain'");
        assertThat(CypherNames.string("")).isEqualTo("''");
        assertThat(CypherNames.string("a'b\"c\\d")).isEqualTo("'a\\'b\\\"c\\\\d'");
        assertThat(CypherNames.string("l1\nl2\r\n\t")).isEqualTo("'l1\\nl2\\r\\n\\t'");
        assertThat(CypherNames.string("a\u0000b\u001f\u007f")).isEqualTo("'a\\u0000b\\u001F\\u007F'");
        assertThat(CypherNames.string("\u2028\uFEFF")).isEqualTo("'\\u2028\\uFEFF'");
        assertThat(CypherNames.string("👋")).isEqualTo("'👋'");
        assertThat(CypherNames.string("x\uD800y")).isEqualTo("'x\\uD800y'");
        assertThat(CypherNames.string("Grüße")).isEqualTo("'Grüße'");
        assertThat(CypherNames.string("a;b // c")).doesNotContain("\n");
    }
}
