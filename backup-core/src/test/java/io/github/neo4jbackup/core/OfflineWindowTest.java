package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.TestSupport.GeneratedSource;
import io.github.neo4jbackup.core.TestSupport.HashingSink;
import io.github.neo4jbackup.core.TestSupport.MutableClock;
import io.github.neo4jbackup.core.hook.OfflineWindow;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.BackupHook;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An offline restore with a safety backup stops the database once and starts it once
 * ({@link OfflineWindow}), counted on the hook, through a real pipeline: the safety backup runs
 * with the window's hook like {@code AdminDumpSource}, the sink calls it around its load like
 * {@code AdminLoadSink}.
 */
class OfflineWindowTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));
    private final InMemoryStorageTarget target = new InMemoryStorageTarget(clock);
    private final List<String> calls = new ArrayList<>();

    /** The stop/start commands, counted. */
    private final BackupHook stopStart = new BackupHook() {
        @Override
        public String name() {
            return "stop/start";
        }

        @Override
        public void beforeBackup(String database) {
            calls.add("stop " + database);
        }

        @Override
        public void afterBackup(String database, boolean succeeded) {
            calls.add("start " + database);
        }
    };

    /** A sink that, like AdminLoadSink, runs its hook around the load. */
    private RestoreSink loadingSink(BackupHook hook) {
        return new HashingSink() {
            @Override
            public SinkResult restore(InputStream data, Manifest manifest) throws IOException {
                hook.beforeBackup("neo4j");
                boolean ok = false;
                try {
                    calls.add("load");
                    SinkResult r = super.restore(data, manifest);
                    ok = true;
                    return r;
                } finally {
                    hook.afterBackup("neo4j", ok);
                }
            }
        };
    }

    private io.github.neo4jbackup.core.spi.BackupSource recordingSource(GeneratedSource data) {
        return new io.github.neo4jbackup.core.spi.BackupSource() {
            @Override
            public String type() {
                return data.type();
            }

            @Override
            public String database() {
                return data.database();
            }

            @Override
            public String extension() {
                return data.extension();
            }

            @Override
            public io.github.neo4jbackup.core.spi.SourceDescription export(java.io.OutputStream out,
                    io.github.neo4jbackup.core.spi.ExportContext context) throws IOException {
                calls.add("safety dump");
                return data.export(out, context);
            }
        };
    }

    @Test
    void theSafetyDumpAndTheLoadShareOneStopAndOneStart() {
        BackupResult nightly = BackupPipeline.builder().source(new GeneratedSource("neo4j", 20_000, 1)).target(target)
                .clock(clock).build().backup();
        clock.advance(Duration.ofHours(1));
        RestoreResult result;
        try (OfflineWindow window = OfflineWindow.around(stopStart, 2)) {
            BackupPipeline safety = BackupPipeline.builder().source(recordingSource(new GeneratedSource("neo4j", 10_000, 3)))
                    .target(target).clock(clock).hook(window.step()).build();
            result = BackupPipeline.builder().target(target).clock(clock).build().restore(nightly.id(),
                    loadingSink(window.step()), RestoreOptions.defaults().withSafetyBackup(safety));
            assertThat(window.offline()).isFalse();
        }
        assertThat(calls).containsExactly("stop neo4j", "safety dump", "load", "start neo4j");
        assertThat(result.safetyBackupId()).isNotNull();
    }

    @Test
    void aFailedSafetyDumpStartsTheDatabaseAgainAndNothingIsLoaded() {
        BackupResult nightly = BackupPipeline.builder().source(new GeneratedSource("neo4j", 20_000, 1)).target(target)
                .clock(clock).build().backup();
        clock.advance(Duration.ofHours(1));
        GeneratedSource data = new GeneratedSource("neo4j", 10_000, 3);
        data.failAfter = 1000;
        io.github.neo4jbackup.core.spi.BackupSource failing = recordingSource(data);
        try (OfflineWindow window = OfflineWindow.around(stopStart, 2)) {
            BackupPipeline safety = BackupPipeline.builder().source(failing).target(target).clock(clock)
                    .hook(window.step()).build();
            assertThatThrownBy(() -> BackupPipeline.builder().target(target).clock(clock).build().restore(nightly.id(),
                    loadingSink(window.step()), RestoreOptions.defaults().withSafetyBackup(safety)))
                    .isInstanceOf(RestoreFailedException.class).hasMessageContaining("safety backup");
        }
        assertThat(calls).containsExactly("stop neo4j", "safety dump", "start neo4j");
    }

    @Test
    void aStepThatNeverRunsIsClosedByTheWindow() throws IOException {
        try (OfflineWindow window = OfflineWindow.around(stopStart, 2)) {
            window.step().beforeBackup("neo4j");
            window.step().afterBackup("neo4j", true);
            assertThat(window.offline()).isTrue();
        }
        assertThat(calls).containsExactly("stop neo4j", "start neo4j");
    }
}
