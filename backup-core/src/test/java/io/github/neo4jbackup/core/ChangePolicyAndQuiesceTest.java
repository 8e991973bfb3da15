package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.hook.BackupHooks;
import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ExportContext;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.SourceDescription;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangePolicyAndQuiesceTest {

    private final InMemoryStorageTarget target = new InMemoryStorageTarget();

    /** A source whose first {@code changedAttempts} exports report a concurrent change. */
    static class ChangingSource implements BackupSource {
        final int changedAttempts;
        int exports;
        boolean fail;

        ChangingSource(int changedAttempts) {
            this.changedAttempts = changedAttempts;
        }

        @Override
        public String type() {
            return "changing";
        }

        @Override
        public String database() {
            return "neo4j";
        }

        @Override
        public String extension() {
            return "txt";
        }

        @Override
        public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
            exports++;
            out.write(("export " + exports + "\n").getBytes(StandardCharsets.UTF_8));
            if (fail) {
                throw new IOException("the server went away");
            }
            boolean changed = exports <= changedAttempts;
            return new SourceDescription("changing", "1", "5.26.0", "community", "neo4j", GraphCounts.of(exports, 0),
                    Map.of(Attributes.CHANGED_DURING_EXPORT, Boolean.toString(changed)));
        }
    }

    private BackupPipeline pipeline(BackupSource source, ChangePolicy policy) {
        return BackupPipeline.builder().source(source).target(target).onChange(policy).build();
    }

    @Test
    void warnKeepsTheFirstExportMarked() {
        ChangingSource source = new ChangingSource(5);
        BackupResult r = pipeline(source, ChangePolicy.warn()).backup();
        assertThat(source.exports).isEqualTo(1);
        assertThat(r.manifest().source().attributes()).containsEntry(Attributes.CHANGED_DURING_EXPORT, "true")
                .containsEntry(ChangePolicy.ATTEMPTS_ATTRIBUTE, "1");
    }

    @Test
    void failStoresNothing() {
        ChangingSource source = new ChangingSource(1);
        BackupPipeline p = pipeline(source, ChangePolicy.fail());
        assertThatThrownBy(p::backup).isInstanceOf(SourceFailedException.class)
                .hasMessageContaining("changed during the export").hasMessageContaining("Nothing was stored");
        assertThat(source.exports).isEqualTo(1);
        assertThat(target.keys()).isEmpty();
    }

    @Test
    void retryRepeatsUntilAnExportSawNoChange() throws IOException {
        ChangingSource source = new ChangingSource(2);
        BackupPipeline p = pipeline(source, ChangePolicy.retry(3, ChangePolicy.Action.FAIL));
        BackupResult r = p.backup();
        assertThat(source.exports).isEqualTo(3);
        assertThat(r.manifest().source().attributes()).containsEntry(Attributes.CHANGED_DURING_EXPORT, "false")
                .containsEntry(ChangePolicy.ATTEMPTS_ATTRIBUTE, "3");
        assertThat(r.manifest().counts().nodes()).isEqualTo(3);
        // only the kept attempt is stored: the discarded pending objects left nothing behind
        assertThat(target.keys()).hasSize(2);
        try (var in = target.open(r.dataKey())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("export 3\n");
        }
        assertThat(p.verify(r.id(), VerifyLevel.FULL).ok()).isTrue();
    }

    @Test
    void retryThenWarnKeepsTheLastAttempt() {
        ChangingSource source = new ChangingSource(10);
        BackupResult r = pipeline(source, ChangePolicy.retry(2, ChangePolicy.Action.WARN)).backup();
        assertThat(source.exports).isEqualTo(3);
        assertThat(r.manifest().source().attributes()).containsEntry(Attributes.CHANGED_DURING_EXPORT, "true")
                .containsEntry(ChangePolicy.ATTEMPTS_ATTRIBUTE, "3");
        assertThat(target.keys()).hasSize(2);
    }

    @Test
    void retryThenFailStoresNothing() {
        ChangingSource source = new ChangingSource(10);
        BackupPipeline p = pipeline(source, ChangePolicy.retry(2, ChangePolicy.Action.FAIL));
        assertThatThrownBy(p::backup).isInstanceOf(SourceFailedException.class)
                .hasMessageContaining("in each of 3 attempts");
        assertThat(source.exports).isEqualTo(3);
        assertThat(target.keys()).isEmpty();
    }

    @Test
    void policiesAreValidated() {
        assertThatThrownBy(() -> ChangePolicy.retry(0, ChangePolicy.Action.WARN)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> ChangePolicy.retry(2, ChangePolicy.Action.RETRY)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> ChangePolicy.retry(101, ChangePolicy.Action.WARN)).isInstanceOf(InvalidInputException.class);
        assertThat(ChangePolicy.retry(3, ChangePolicy.Action.FAIL)).hasToString("retry 3 times, then fail");
        assertThat(ChangePolicy.warn().after(1)).isEqualTo(ChangePolicy.Action.WARN);
    }

    @Test
    void quiesceCommandsRunOnceAroundAllAttemptsInOrder(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("log.txt");
        List<String> pre = List.of("sh", "-c", "echo \"pre $NEO4J_BACKUP_DATABASE\" >> \"$0\"", log.toString());
        List<String> post = List.of("sh", "-c", "echo \"post $NEO4J_BACKUP_SUCCEEDED\" >> \"$0\"", log.toString());
        ChangingSource source = new ChangingSource(1) {
            @Override
            public SourceDescription export(OutputStream out, ExportContext context) throws IOException {
                Files.writeString(log, "export\n", java.nio.file.StandardOpenOption.APPEND);
                return super.export(out, context);
            }
        };
        BackupResult r = BackupPipeline.builder().source(source).target(target)
                .onChange(ChangePolicy.retry(1, ChangePolicy.Action.FAIL))
                .hook(BackupHooks.quiesce(pre, post, Duration.ofSeconds(30), Map.of())).build().backup();
        assertThat(Files.readAllLines(log)).containsExactly("pre neo4j", "export", "export", "post true");
        assertThat(r.manifest().source().attributes()).containsEntry("hook", "quiesce").doesNotContainKey("downtime.ms");
    }

    @Test
    void postCommandRunsWhenTheExportFails(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("log.txt");
        ChangingSource source = new ChangingSource(0);
        source.fail = true;
        BackupPipeline p = BackupPipeline.builder().source(source).target(target)
                .hook(BackupHooks.quiesce(List.of("sh", "-c", "echo pre >> \"$0\"", log.toString()),
                        List.of("sh", "-c", "echo \"post $NEO4J_BACKUP_SUCCEEDED\" >> \"$0\"", log.toString()),
                        Duration.ofSeconds(30), null)).build();
        assertThatThrownBy(p::backup).isInstanceOf(SourceFailedException.class).hasMessageContaining("went away");
        assertThat(Files.readAllLines(log)).containsExactly("pre", "post false");
        assertThat(target.keys()).isEmpty();
    }

    @Test
    void postCommandRunsWhenThePreCommandFailsAndItsStderrIsKept(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("log.txt");
        ChangingSource source = new ChangingSource(0);
        BackupPipeline p = BackupPipeline.builder().source(source).target(target)
                .hook(BackupHooks.quiesce(List.of("sh", "-c", "echo worker refused to pause >&2; exit 4"),
                        List.of("sh", "-c", "echo post >> \"$0\"", log.toString()), Duration.ofSeconds(30), null))
                .build();
        assertThatThrownBy(p::backup).isInstanceOf(SourceFailedException.class)
                .hasMessageContaining("exited with code 4").hasMessageContaining("worker refused to pause");
        assertThat(source.exports).isZero();
        assertThat(Files.readAllLines(log)).containsExactly("post");
    }

    @Test
    void failingPostCommandIsLoudButTheBackupIsStored() {
        BackupPipeline p = BackupPipeline.builder().source(new ChangingSource(0)).target(target)
                .hook(BackupHooks.quiesce(null, List.of("sh", "-c", "exit 7"), Duration.ofSeconds(30), null)).build();
        assertThatThrownBy(p::backup).isInstanceOfSatisfying(HookFailedException.class,
                e -> assertThat(e.getMessage()).contains("exited with code 7").contains("may still be paused"));
        assertThat(p.list()).hasSize(1);
    }

    @Test
    void quiesceNeedsACommand() {
        assertThatThrownBy(() -> BackupHooks.quiesce(null, null, Duration.ofSeconds(1), null))
                .isInstanceOf(InvalidInputException.class);
    }
}
