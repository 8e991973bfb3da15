package io.github.neo4jbackup.cli.service;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceStateTest {

    static final class MutableClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-03-01T00:00:00Z"));

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.set(now.get().plus(d));
        }
    }

    @Test
    void startingUntilTheFirstDueTimePlusMaxAgeThenOkThenFailedThenOkAgain() {
        MutableClock clock = new MutableClock();
        ServiceState state = new ServiceState(clock, Duration.ofHours(2));
        state.nextRun(clock.instant().plus(Duration.ofHours(1)));
        assertThat(state.health().healthy()).isTrue();
        assertThat(state.health().body()).containsEntry("status", "starting");
        clock.advance(Duration.ofMinutes(179));
        assertThat(state.health().body()).containsEntry("status", "starting");
        clock.advance(Duration.ofMinutes(2));
        assertThat(state.health().healthy()).isFalse();
        assertThat((String) state.health().body().get("reason")).contains("no successful backup yet");

        state.runStarted();
        state.runSucceeded("neo4j-1", clock.instant());
        assertThat(state.health().healthy()).isTrue();
        assertThat(state.health().body()).containsEntry("status", "ok").containsEntry("lastSuccessId", "neo4j-1");

        state.runStarted();
        state.runFailed("Cannot reach Neo4j");
        assertThat(state.health().healthy()).isFalse();
        assertThat((String) state.health().body().get("reason")).contains("the last run failed: Cannot reach Neo4j");

        state.runStarted();
        state.runSucceeded("neo4j-2", clock.instant());
        assertThat(state.health().healthy()).isTrue();
        clock.advance(Duration.ofHours(3));
        assertThat(state.health().healthy()).isFalse();
        assertThat((String) state.health().body().get("reason")).contains("newest backup is 10800 s old");
        assertThat(state.health().body()).containsEntry("runs", 3L).containsEntry("failedRuns", 1L);
    }

    @Test
    void aBackupFoundInTheRepositoryAtStartCounts() {
        MutableClock clock = new MutableClock();
        ServiceState state = new ServiceState(clock, Duration.ofHours(2));
        state.newestBackup(clock.instant().minus(Duration.ofHours(3)));
        assertThat(state.health().healthy()).isFalse();
        assertThat(state.health().body()).containsEntry("newestBackupAgeSeconds", 10800L);
    }
}
