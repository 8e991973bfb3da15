package io.github.neo4jbackup.core.retention;

import io.github.neo4jbackup.core.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The value types and the input checks of planning. */
class RetentionModelTest {

    private static final Instant T = Instant.parse("2025-11-01T00:00:00Z");
    private static final RetentionPolicy POLICY = RetentionPolicy.builder().keepLast(1).build();

    @Test
    void candidateRefusesBlankAndNullValues() {
        assertThatThrownBy(() -> new RetentionCandidate(" ", T))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("non-blank backup id");
        assertThatThrownBy(() -> new RetentionCandidate(null, T)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new RetentionCandidate("a", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void duplicateIdsAreRefusedNamingTheId() {
        List<RetentionCandidate> candidates = List.of(
                new RetentionCandidate("backup-1", T), new RetentionCandidate("backup-2", T.plusSeconds(5)),
                new RetentionCandidate("backup-1", T.plusSeconds(60)));

        assertThatThrownBy(() -> POLICY.plan(candidates))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'backup-1'")
                .hasMessageContaining("more than once");
        assertThatThrownBy(() -> POLICY.plan(List.of(new RetentionCandidate("x", T), new RetentionCandidate("x", T))))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void nullInputIsRefused() {
        List<RetentionCandidate> withNull = new ArrayList<>();
        withNull.add(new RetentionCandidate("a", T));
        withNull.add(null);

        assertThatThrownBy(() -> POLICY.plan(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> POLICY.plan(withNull)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void extremeInstantsArePlannedOrReportedClearly() {
        List<RetentionCandidate> candidates = List.of(
                new RetentionCandidate("min", Instant.MIN), new RetentionCandidate("max", Instant.MAX));

        RetentionPlan plan = RetentionPolicy.builder().keepWithin("1y").build().plan(candidates);
        assertThat(plan.keep()).extracting(RetentionDecision::id).containsExactly("max");
        RetentionPlan all = RetentionPolicy.builder().keepWithin("9999999999y").build().plan(candidates);
        assertThat(all.delete()).isEmpty();

        // Instant.MAX lies beyond the last LocalDateTime, so it has no calendar day
        RetentionPolicy daily = RetentionPolicy.builder().keepDaily(1).build();
        assertThatThrownBy(() -> daily.plan(candidates))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'max'")
                .hasMessageContaining("cannot be placed in a calendar");
    }

    @Test
    void decisionCopiesReasonsAndNeedsOne() {
        List<String> reasons = new ArrayList<>(List.of("newest"));
        RetentionDecision decision = new RetentionDecision("a", T, true, reasons);
        reasons.add("changed later");

        assertThat(decision.reasons()).containsExactly("newest");
        assertThatThrownBy(() -> decision.reasons().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(decision.candidate()).isEqualTo(new RetentionCandidate("a", T));
        assertThatThrownBy(() -> new RetentionDecision("a", T, true, List.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no reason");
        assertThat(RetentionDecision.delete(new RetentionCandidate("b", T)).reasons())
                .containsExactly("not matched by any keep rule");
    }

    @Test
    void planOfSortsNewestFirstAndRefusesDuplicateIds() {
        RetentionDecision old = RetentionDecision.delete(new RetentionCandidate("old", T));
        RetentionDecision recent = new RetentionDecision("recent", T.plusSeconds(1), true, List.of("newest"));

        RetentionPlan plan = RetentionPlan.of(List.of(old, recent));

        assertThat(plan.decisions()).containsExactly(recent, old);
        assertThat(plan.keep()).containsExactly(recent);
        assertThat(plan.delete()).containsExactly(old);
        assertThat(plan.decision("old")).contains(old);
        assertThat(plan.decision("missing")).isEmpty();
        assertThat(plan).hasToString("RetentionPlan[keep=1, delete=1]");
        assertThatThrownBy(() -> plan.decisions().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> RetentionPlan.of(List.of(old, old)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'old'");
        assertThat(RetentionPlan.of(List.of())).isEqualTo(RetentionPlan.empty());
    }

    @Test
    void planDoesNotDependOnTheCallersCollectionAfterwards() {
        List<RetentionCandidate> candidates = new ArrayList<>(List.of(new RetentionCandidate("a", T)));
        RetentionPlan plan = POLICY.plan(candidates);
        candidates.add(new RetentionCandidate("b", T.plusSeconds(1)));

        assertThat(plan.decisions()).hasSize(1);
    }
}
