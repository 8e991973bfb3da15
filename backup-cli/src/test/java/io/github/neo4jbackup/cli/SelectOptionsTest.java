package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.export.cypher.select.GraphSelection;
import io.github.neo4jbackup.export.cypher.select.PropertyPredicate;
import io.github.neo4jbackup.export.cypher.select.RelationshipScope;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Values;
import picocli.CommandLine;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZonedDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SelectOptionsTest {

    @CommandLine.Command(name = "t")
    static final class Holder {
        @CommandLine.Mixin
        SelectOptions select;
    }

    static GraphSelection parse(String... args) {
        Holder h = new Holder();
        new CommandLine(h).parseArgs(args);
        return h.select.selection(RelationshipScope.NONE);
    }

    static PropertyPredicate.Range range(String spec) {
        return (PropertyPredicate.Range) parse("--where-range", spec).conditions().get(0);
    }

    @Test
    void whereValuesAreStringsUnlessTyped() {
        GraphSelection s = parse("--where", "group_id=g1", "--where", "rank:int=3", "--where", "score:float=0.5",
                "--where", "ok:bool=true", "--where", "code:string=007", "--where", "at:datetime=2025-06-01T08:00Z",
                "--where", "eq=a=b");
        assertThat(s.conditions()).containsExactly(
                new PropertyPredicate.Equals("group_id", Values.value("g1")),
                new PropertyPredicate.Equals("rank", Values.value(3L)),
                new PropertyPredicate.Equals("score", Values.value(0.5)),
                new PropertyPredicate.Equals("ok", Values.value(true)),
                new PropertyPredicate.Equals("code", Values.value("007")),
                new PropertyPredicate.Equals("at", Values.value(ZonedDateTime.parse("2025-06-01T08:00Z"))),
                new PropertyPredicate.Equals("eq", Values.value("a=b")));
        assertThat(s.relationships()).isEqualTo(RelationshipScope.NONE);
    }

    @Test
    void whereInSplitsOnUnescapedCommas() {
        GraphSelection s = parse("--where-in", "name=a,b\\,c,", "--where-in", "n:int=1,2");
        assertThat(s.conditions()).containsExactly(
                new PropertyPredicate.In("name", List.of(Values.value("a"), Values.value("b,c"), Values.value(""))),
                new PropertyPredicate.In("n", List.of(Values.value(1L), Values.value(2L))));
    }

    @Test
    void rangeBoundsAreTypedByFormAndBracketsSayInclusive() {
        PropertyPredicate.Range r = range("valid_at=2025-06-01T00:00:00Z..2025-06-08T00:00+02:00[Europe/Berlin]");
        assertThat(r.lower()).isEqualTo(PropertyPredicate.Bound.inclusive(
                Values.value(ZonedDateTime.parse("2025-06-01T00:00:00Z"))));
        assertThat(r.upper()).isEqualTo(PropertyPredicate.Bound.exclusive(
                Values.value(ZonedDateTime.parse("2025-06-08T00:00+02:00[Europe/Berlin]"))));
        PropertyPredicate.Range both = range("t=[2025-06-01T00:00Z..2025-06-08T00:00+02:00[Europe/Berlin]]");
        assertThat(both.lower().inclusive()).isTrue();
        assertThat(both.upper().inclusive()).isTrue();
        assertThat(both.upper().value()).isEqualTo(Values.value(ZonedDateTime.parse("2025-06-08T00:00+02:00[Europe/Berlin]")));
        PropertyPredicate.Range open = range("n=(1..");
        assertThat(open.lower()).isEqualTo(PropertyPredicate.Bound.exclusive(Values.value(1L)));
        assertThat(open.upper()).isNull();
        PropertyPredicate.Range floats = range("n=..2.5]");
        assertThat(floats.lower()).isNull();
        assertThat(floats.upper()).isEqualTo(PropertyPredicate.Bound.inclusive(Values.value(2.5)));
        assertThat(range("d=2025-01-01..2025-02-01").lower().value()).isEqualTo(Values.value(LocalDate.of(2025, 1, 1)));
        assertThat(range("d=2025-01-01T10:00..").lower().value())
                .isEqualTo(Values.value(LocalDateTime.of(2025, 1, 1, 10, 0)));
        assertThat(range("t=08:00..09:00").lower().value()).isEqualTo(Values.value(LocalTime.of(8, 0)));
        assertThat(range("t=08:00Z..09:00Z").lower().value()).isEqualTo(Values.value(OffsetTime.parse("08:00Z")));
        assertThat(range("name=a..m").lower().value()).isEqualTo(Values.value("a"));
        assertThat(range("code:string=1..5").lower().value()).isEqualTo(Values.value("1"));
    }

    @Test
    void malformedOptionsAreUsageErrors() {
        assertThatThrownBy(() -> parse("--where", "novalue")).isInstanceOf(CliException.class)
                .hasMessageContaining("KEY=VALUE");
        assertThatThrownBy(() -> parse("--where", "n:int=x")).isInstanceOf(CliException.class)
                .hasMessageContaining("not a valid int");
        assertThatThrownBy(() -> parse("--where-range", "n=1-5")).isInstanceOf(CliException.class)
                .hasMessageContaining("START..END");
        assertThatThrownBy(() -> parse("--where-range", "n=..")).isInstanceOf(CliException.class)
                .hasMessageContaining("a start, an end or both");
        assertThatThrownBy(() -> parse("--where-range", "d=2025-13-01..")).isInstanceOf(CliException.class)
                .hasMessageContaining("not valid");
        assertThatThrownBy(() -> parse("--relationships", "all")).isInstanceOf(CliException.class)
                .hasMessageContaining("none, both-ends or any-end");
        assertThat(parse("--with-relationships").relationships()).isEqualTo(RelationshipScope.BOTH_ENDS);
        assertThat(parse("--relationships", "any-end").relationships()).isEqualTo(RelationshipScope.ANY_END);
        assertThat(parse("--graphiti-group", "g").conditions())
                .containsExactly(new PropertyPredicate.Equals("group_id", Values.value("g")));
    }
}
