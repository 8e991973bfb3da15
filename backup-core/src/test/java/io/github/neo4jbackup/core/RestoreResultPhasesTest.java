package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.RestoreSink;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RestoreResultPhasesTest {

    @Test
    void sinkPhasesComeBackInTheOrderTheSinkListsThem() {
        RestoreSink.SinkResult sink = new RestoreSink.SinkResult(GraphCounts.UNKNOWN, Map.of(
                Attributes.RESTORE_PHASES, "schema,nodes,relationships,broken,missing",
                Attributes.RESTORE_PHASE_PREFIX + "schema", "PT0.5S",
                Attributes.RESTORE_PHASE_PREFIX + "nodes", "PT3S",
                Attributes.RESTORE_PHASE_PREFIX + "relationships", "PT1M",
                Attributes.RESTORE_PHASE_PREFIX + "broken", "three seconds"));

        assertThat(RestoreResult.sinkPhases(sink)).containsExactly(
                Map.entry("schema", Duration.ofMillis(500)), Map.entry("nodes", Duration.ofSeconds(3)),
                Map.entry("relationships", Duration.ofMinutes(1)));
        assertThat(RestoreResult.sinkPhases(RestoreSink.SinkResult.empty())).isEmpty();
        assertThat(RestoreResult.sinkPhases(null)).isEmpty();
    }

    @Test
    void theSixArgumentConstructorTakesThePhasesFromTheSinkAndTheMapIsACopy() {
        RestoreSink.SinkResult sink = new RestoreSink.SinkResult(GraphCounts.UNKNOWN, Map.of(
                Attributes.RESTORE_PHASES, "nodes", Attributes.RESTORE_PHASE_PREFIX + "nodes", "PT2S"));
        RestoreResult result = new RestoreResult(null, 10, Duration.ofSeconds(3), sink, null, null);
        assertThat(result.phases()).containsExactly(Map.entry("nodes", Duration.ofSeconds(2)));

        Map<String, Duration> phases = new LinkedHashMap<>();
        phases.put("verify", Duration.ofSeconds(1));
        phases.put("nodes", Duration.ofSeconds(2));
        RestoreResult withPhases = new RestoreResult(null, 10, Duration.ofSeconds(3), sink, null, null, phases);
        phases.clear();
        assertThat(withPhases.phases().keySet()).containsExactly("verify", "nodes");
    }
}
