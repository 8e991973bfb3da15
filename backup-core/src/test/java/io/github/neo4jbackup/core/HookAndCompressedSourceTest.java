package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.TestSupport.GeneratedSource;
import io.github.neo4jbackup.core.TestSupport.HashingSink;
import io.github.neo4jbackup.core.hook.BackupHooks;
import io.github.neo4jbackup.core.spi.BackupHook;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import io.github.neo4jbackup.core.transform.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HookAndCompressedSourceTest {

    private final InMemoryStorageTarget target = new InMemoryStorageTarget();

    @Test
    void hooksRunAroundTheExportAndDowntimeIsRecorded() {
        List<String> calls = new ArrayList<>();
        BackupHook hook = BackupHooks.callbacks(db -> calls.add("stop " + db), db -> calls.add("start " + db));
        BackupResult r = BackupPipeline.builder().source(new GeneratedSource("neo4j", 1000, 1)).target(target)
                .hook(hook).build().backup();
        assertThat(calls).containsExactly("stop neo4j", "start neo4j");
        assertThat(r.manifest().source().attributes()).containsEntry("hook", "callback").containsKey("downtime.ms");
    }

    @Test
    void startHookRunsEvenWhenTheExportFails() {
        List<String> calls = new ArrayList<>();
        GeneratedSource failing = new GeneratedSource("neo4j", 100_000, 1);
        failing.failAfter = 10;
        BackupPipeline p = BackupPipeline.builder().source(failing).target(target)
                .hook(BackupHooks.callbacks(db -> calls.add("stop"), db -> calls.add("start"))).build();
        assertThatThrownBy(p::backup).isInstanceOf(SourceFailedException.class);
        assertThat(calls).containsExactly("stop", "start");
        assertThat(target.keys()).isEmpty();
    }

    @Test
    void failingStopHookStartsTheDatabaseAgainAndBacksUpNothing() {
        List<String> calls = new ArrayList<>();
        BackupPipeline p = BackupPipeline.builder().source(new GeneratedSource("neo4j", 1000, 1)).target(target)
                .hook(BackupHooks.callbacks(db -> {
                    throw new IOException("docker: container not found");
                }, db -> calls.add("start"))).build();
        assertThatThrownBy(p::backup).isInstanceOf(SourceFailedException.class)
                .hasMessageContaining("container not found").hasMessageContaining("Nothing was backed up");
        assertThat(calls).containsExactly("start");
        assertThat(target.keys()).isEmpty();
    }

    @Test
    void failingStartHookIsLoudButTheBackupExists() {
        BackupPipeline p = BackupPipeline.builder().source(new GeneratedSource("neo4j", 1000, 1)).target(target)
                .hook(BackupHooks.callbacks(db -> { }, db -> {
                    throw new IllegalStateException("systemctl: unit failed");
                })).build();
        assertThatThrownBy(p::backup).isInstanceOfSatisfying(HookFailedException.class, e -> {
            assertThat(e.getMessage()).contains("unit failed").contains("may still be stopped");
            assertThat(e.result().id()).isNotBlank();
        });
        assertThat(p.list()).hasSize(1);
    }

    @Test
    void commandHooksRunArgumentVectorsWithATimeout(@TempDir Path dir) throws IOException {
        Path marker = dir.resolve("log.txt");
        Path script = dir.resolve("hook.sh");
        Files.writeString(script, "#!/bin/sh\necho \"$1\" >> \"$2\"\n");
        script.toFile().setExecutable(true);
        BackupHook hook = BackupHooks.commands(List.of(script.toString(), "stopped; rm -rf /", marker.toString()),
                List.of(script.toString(), "started", marker.toString()), Duration.ofSeconds(20), Map.of());
        BackupPipeline.builder().source(new GeneratedSource("neo4j", 10, 1)).target(target).hook(hook).build().backup();
        assertThat(Files.readAllLines(marker)).containsExactly("stopped; rm -rf /", "started");

        BackupHook hanging = BackupHooks.commands(List.of("sleep", "30"), List.of("true"), Duration.ofMillis(500), Map.of());
        BackupPipeline p = BackupPipeline.builder().source(new GeneratedSource("other", 10, 1)).target(target)
                .hook(hanging).build();
        assertThatThrownBy(p::backup).isInstanceOf(SourceFailedException.class).hasMessageContaining("killed");

        BackupHook failing = BackupHooks.commands(List.of("sh", "-c", "echo boom >&2; exit 3"), List.of("true"),
                Duration.ofSeconds(10), Map.of());
        BackupPipeline q = BackupPipeline.builder().source(new GeneratedSource("third", 10, 1)).target(target)
                .hook(failing).build();
        assertThatThrownBy(q::backup).isInstanceOf(SourceFailedException.class).hasMessageContaining("exited with code 3")
                .hasMessageContaining("boom");

        BackupHook missing = BackupHooks.commands(List.of("/no/such/tool"), List.of("true"), Duration.ofSeconds(10), Map.of());
        BackupPipeline m = BackupPipeline.builder().source(new GeneratedSource("fourth", 10, 1)).target(target)
                .hook(missing).build();
        assertThatThrownBy(m::backup).isInstanceOf(SourceFailedException.class).hasMessageContaining("could not be started");
    }

    @Test
    void alreadyCompressedOutputIsNotCompressedAgainUnlessAsked() {
        byte[] dump = new byte[5000];
        new java.util.Random(1).nextBytes(dump);
        BackupSource compressed = new BackupSource() {
            private final BackupSource inner = BackupSource.ofStream("neo4j-admin", "neo4j", "dump",
                    () -> new ByteArrayInputStream(dump));

            @Override
            public String type() {
                return inner.type();
            }

            @Override
            public String database() {
                return inner.database();
            }

            @Override
            public String extension() {
                return "dump";
            }

            @Override
            public boolean compressedOutput() {
                return true;
            }

            @Override
            public io.github.neo4jbackup.core.spi.SourceDescription export(java.io.OutputStream out,
                    io.github.neo4jbackup.core.spi.ExportContext context) throws IOException {
                return inner.export(out, context);
            }
        };
        BackupPipeline p = BackupPipeline.builder().source(compressed).target(target).transform(Compression.zstd()).build();
        BackupResult r = p.backup();
        assertThat(r.manifest().transformers()).isEmpty();
        assertThat(r.dataKey().value()).endsWith(".dump");
        assertThat(r.manifest().source().attributes()).containsEntry("compression.skipped", "zstd(level=3,workers=0)");
        HashingSink sink = new HashingSink();
        p.restore(r.id(), sink);
        assertThat(sink.bytes).isEqualTo(5000);

        BackupPipeline forced = p.toBuilder().source(new BackupSource() {
            @Override
            public String type() {
                return "neo4j-admin";
            }

            @Override
            public String database() {
                return "forced";
            }

            @Override
            public boolean compressedOutput() {
                return true;
            }

            @Override
            public io.github.neo4jbackup.core.spi.SourceDescription export(java.io.OutputStream out,
                    io.github.neo4jbackup.core.spi.ExportContext context) throws IOException {
                out.write(dump);
                return null;
            }
        }).recompressCompressedOutput(true).build();
        assertThat(forced.backup().manifest().transformers()).hasSize(1);
    }

    @Test
    void safetyBackupIsTakenBeforeRestoreAndItsFailureStopsTheRestore() {
        BackupPipeline p = BackupPipeline.builder().source(new GeneratedSource("neo4j", 1000, 1)).target(target).build();
        BackupResult r = p.backup();
        InMemoryStorageTarget safetyTarget = new InMemoryStorageTarget();
        BackupPipeline safety = BackupPipeline.builder().source(new GeneratedSource("neo4j", 500, 2)).target(safetyTarget)
                .build();
        HashingSink sink = new HashingSink();
        RestoreResult restored = p.restore(r.id(), sink, RestoreOptions.defaults().withSafetyBackup(safety));
        assertThat(restored.safetyBackup()).isPresent();
        assertThat(safety.list()).extracting(m -> m.id()).containsExactly(restored.safetyBackup().get());

        GeneratedSource broken = new GeneratedSource("neo4j", 500, 2);
        broken.failAfter = 1;
        BackupPipeline failingSafety = BackupPipeline.builder().source(broken).target(new InMemoryStorageTarget()).build();
        HashingSink untouched = new HashingSink();
        assertThatThrownBy(() -> p.restore(r.id(), untouched, RestoreOptions.defaults().withSafetyBackup(failingSafety)))
                .isInstanceOf(RestoreFailedException.class).hasMessageContaining("safety backup")
                .hasMessageContaining("Nothing was changed");
        assertThat(untouched.called).isFalse();
    }
}
