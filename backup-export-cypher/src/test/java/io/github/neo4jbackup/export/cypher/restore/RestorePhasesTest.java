package io.github.neo4jbackup.export.cypher.restore;

import io.github.neo4jbackup.core.spi.Attributes;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RestorePhasesTest {

    @Test
    void phasesAccumulateInTheOrderTheyFirstStartedAndBecomeAttributes() throws InterruptedException {
        RestorePhases phases = new RestorePhases();
        phases.start("schema");
        Thread.sleep(20);
        phases.start("nodes");
        Thread.sleep(20);
        phases.start("schema");
        Thread.sleep(20);
        phases.stop();
        Map<String, Duration> d = phases.durations();
        assertThat(d.keySet()).containsExactly("schema", "nodes");
        assertThat(d.get("schema")).isGreaterThanOrEqualTo(Duration.ofMillis(40));
        assertThat(d.get("nodes")).isGreaterThanOrEqualTo(Duration.ofMillis(20));
        Duration frozen = d.get("nodes");
        Thread.sleep(10);
        assertThat(phases.durations().get("nodes")).as("stopped phases do not grow").isEqualTo(frozen);

        Map<String, String> attributes = phases.attributes();
        assertThat(attributes).containsEntry(Attributes.RESTORE_PHASES, "schema,nodes")
                .containsEntry(Attributes.RESTORE_PHASE_PREFIX + "nodes", frozen.toString());
        assertThat(Duration.parse(attributes.get(Attributes.RESTORE_PHASE_PREFIX + "schema"))).isEqualTo(d.get("schema"));
        assertThat(phases.describe()).startsWith("schema ").contains(", nodes ");
    }
}
