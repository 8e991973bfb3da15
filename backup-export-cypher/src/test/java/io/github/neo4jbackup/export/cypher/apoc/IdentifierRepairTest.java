package io.github.neo4jbackup.export.cypher.apoc;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IdentifierRepairTest {

    @Test
    void repairsBrokenQuotingOutsideStringsAndComments() {
        IdentifierRepair repair = IdentifierRepair.forNames(List.of("Plain", "label with `backtick`", "weird`type", "p`k"));
        assertThat(repair.affectedNames()).isEqualTo(3);
        String apoc = "SET n:`label with `backtick``:`Odd Label`;\n"
                + "CREATE (a)-[r:`weird`type`]->(b) SET r += {`p`k`: 1, s: \"`weird`type` stays\", t: 'it\\'s `p`k`'};\n"
                + "// `weird`type` in a comment\n/* `p`k` */ MATCH (n:Plain) RETURN n.`Plain`;\n";
        String fixed = repair.apply(apoc);
        assertThat(fixed).isEqualTo("SET n:`label with ``backtick```:`Odd Label`;\n"
                + "CREATE (a)-[r:`weird``type`]->(b) SET r += {`p``k`: 1, s: \"`weird`type` stays\", t: 'it\\'s `p`k`'};\n"
                + "// `weird`type` in a comment\n/* `p`k` */ MATCH (n:Plain) RETURN n.`Plain`;\n");
        assertThat(repair.repairs()).isEqualTo(3);
        assertThat(repair.atTopLevel()).isTrue();
    }

    @Test
    void correctQuotingIsLeftAloneAndStateCarriesAcrossChunks() {
        IdentifierRepair repair = IdentifierRepair.forNames(List.of("a`b"));
        assertThat(repair.apply("MATCH (n:`a``b`) RETURN 'open")).isEqualTo("MATCH (n:`a``b`) RETURN 'open");
        assertThat(repair.atTopLevel()).isFalse();
        assertThat(repair.apply(" `a`b` ' + n.`a`b`;")).isEqualTo(" `a`b` ' + n.`a``b`;");
        assertThat(repair.repairs()).isEqualTo(1);
    }

    @Test
    void withoutAffectedNamesTheTextIsUnchanged() {
        IdentifierRepair repair = IdentifierRepair.forNames(List.of("A", "B c"));
        String text = "CREATE (:`B c` {x: '`'});";
        assertThat(repair.apply(text)).isSameAs(text);
        assertThat(repair.affectedNames()).isZero();
    }
}
