package io.github.neo4jbackup.export.cypher.internal;

import io.github.neo4jbackup.core.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {

    @Test
    void positiveDurationsPassAndOthersAreRefusedByName() {
        assertThat(Durations.positive("stallTimeout", Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(1));
        assertThatThrownBy(() -> Durations.positive("stallTimeout", Duration.ZERO))
                .isInstanceOf(InvalidInputException.class).hasMessage("stallTimeout must be positive, was PT0S");
        assertThatThrownBy(() -> Durations.positive("indexTimeout", Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("indexTimeout");
        assertThatThrownBy(() -> Durations.positive("apocTimeout", null))
                .isInstanceOf(InvalidInputException.class).hasMessage("apocTimeout must be positive, was null");
    }

    @Test
    void anOptionalDurationMayBeAbsentButNotZero() {
        assertThat(Durations.positiveOrNull("transactionTimeout", null)).isNull();
        assertThat(Durations.positiveOrNull("transactionTimeout", Duration.ofMinutes(1))).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> Durations.positiveOrNull("transactionTimeout", Duration.ZERO))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("transactionTimeout");
    }
}
