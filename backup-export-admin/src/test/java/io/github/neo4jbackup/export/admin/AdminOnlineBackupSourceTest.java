package io.github.neo4jbackup.export.admin;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.RestoreFailedException;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import io.github.neo4jbackup.core.transform.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Enterprise online backup against a fake neo4j-admin that behaves like the Enterprise tool: it
 * writes a {@code <db>-<timestamp>.backup} artifact into {@code --to-path} (for DIFF, only when a
 * chain already exists there), removes its partial artifact and exits 1 on failure, and
 * {@code restore} reads the artifacts from {@code --from-path}.
 */
class AdminOnlineBackupSourceTest {

    /** Writes an artifact like the Enterprise tool (and a copy for the test to compare). */
    private static final String BACKUP = "mkdir -p \"$H/produced\"\n"
            + "if [ \"$TYPE\" = DIFF ] && ! ls \"$TO\"/\"$DB\"-*.backup > /dev/null 2>&1; then\n"
            + "  echo 'Backup failed: no backup chain found in the target directory for a DIFF backup' >&2; exit 1\n"
            + "fi\n"
            + "KIND=$TYPE; if [ \"$TYPE\" = AUTO ]; then KIND=FULL; ls \"$TO\"/\"$DB\"-*.backup > /dev/null 2>&1 && KIND=DIFF; fi\n"
            + "N=$(ls \"$H/produced\" | wc -l)\n"
            + "F=\"$DB-2025-01-01T00-00-0$N.backup\"\n"
            + "{ echo \"NEO4J BACKUP $KIND $DB\"; head -c 300000 /dev/urandom; } > \"$TO/$F\"\n"
            + "cp \"$TO/$F\" \"$H/produced/$F\"\n"
            + "echo \"Backup of database '$DB' completed ($KIND).\"";
    /** Restores by recording what it found in --from-path. */
    private static final String RESTORE = "mkdir -p \"$H/restored\" && cp \"$FROM\"/* \"$H/restored/\"";

    @TempDir
    Path dir;

    private final InMemoryStorageTarget target = new InMemoryStorageTarget();

    @Test
    void fullBackupIsStreamedAsATarAndRestoredWithNeo4jAdminRestore() throws IOException {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).on("backup", BACKUP).on("restore", RESTORE).install();
        BackupPipeline pipeline = BackupPipeline.builder()
                .source(AdminOnlineBackupSource.builder(fake.admin(), "neo4j").from("db1.internal:6362").build())
                .transform(Compression.zstd()).target(target).build();

        BackupResult backup = pipeline.backup();

        assertThat(backup.dataKey().value()).endsWith(".tar");
        assertThat(backup.manifest().source().type()).isEqualTo("neo4j-admin-backup");
        assertThat(backup.manifest().source().neo4jEdition()).isEqualTo("enterprise");
        assertThat(backup.manifest().source().attributes()).containsEntry("backup.type", "FULL")
                .containsEntry("backup.from", "db1.internal:6362")
                .containsEntry("backup.artifacts", "neo4j-2025-01-01T00-00-00.backup")
                .containsKey("compression.skipped");
        String call = fake.calls().get(0);
        assertThat(call).startsWith("database backup --from=db1.internal:6362 --to-path=").endsWith(" --type=FULL neo4j");
        Path staging = Path.of(call.replaceAll(".*--to-path=(\\S+).*", "$1"));
        assertThat(staging).doesNotExist();

        RestoreResult restored = pipeline.restore(backup.id(),
                AdminRestoreSink.builder(fake.admin(), "neo4j").scratchDirectory(dir.resolve("scratch")).build());
        assertThat(fake.file("restored/neo4j-2025-01-01T00-00-00.backup"))
                .hasSameBinaryContentAs(fake.file("produced/neo4j-2025-01-01T00-00-00.backup"));
        assertThat(fake.calls().get(1)).startsWith("database restore --from-path=" + dir.resolve("scratch"))
                .endsWith("--overwrite-destination=true neo4j");
        assertThat(restored.sinkResult().attributes()).containsEntry("restore.artifacts",
                "neo4j-2025-01-01T00-00-00.backup");
        try (var left = Files.list(dir.resolve("scratch"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void failedBackupRemovesItsArtifactsAndStoresNothing() throws IOException {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).on("backup",
                "head -c 1000 /dev/urandom > \"$TO/$DB-2025-01-01T00-00-00.backup\"\n"
                        + "echo 'ERROR Backup failed: Connection refused: db1.internal/10.0.0.7:6362' >&2\nexit 1")
                .install();
        Path staging = Files.createDirectories(dir.resolve("staging"));
        BackupPipeline pipeline = BackupPipeline.builder()
                .source(AdminOnlineBackupSource.builder(fake.admin(), "neo4j").from("db1.internal:6362")
                        .stagingDirectory(staging).build())
                .target(target).build();

        assertThatThrownBy(pipeline::backup).isInstanceOfSatisfying(SourceFailedException.class, e -> {
            assertThat(e.exitCode()).hasValue(1);
            assertThat(e.errorTail()).contains("Connection refused");
            assertThat(e.getMessage()).contains("server.backup.enabled=true");
        });
        try (var left = Files.list(staging)) {
            assertThat(left).isEmpty();
        }
        assertThat(target.keys()).isEmpty();

        FakeNeo4jAdmin nothing = FakeNeo4jAdmin.in(dir.resolve("home2")).on("backup", "echo done").install();
        assertThatThrownBy(() -> BackupPipeline.builder()
                .source(AdminOnlineBackupSource.builder(nothing.admin(), "neo4j").from("db1:6362").build())
                .target(target).build().backup())
                .isInstanceOf(SourceFailedException.class).hasMessageContaining("produced no backup artifact");
    }

    @Test
    void differentialBackupsKeepTheChainAndEachStoredBackupHoldsAllOfIt() throws IOException {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).on("backup", BACKUP).on("restore", RESTORE).install();
        Path staging = dir.resolve("staging");
        AdminOnlineBackupSource auto = AdminOnlineBackupSource.builder(fake.admin(), "neo4j").from("db1:6362")
                .type(AdminOnlineBackupSource.BackupType.AUTO).stagingDirectory(staging).build();
        BackupPipeline first = BackupPipeline.builder().source(auto).target(target).build();
        BackupResult full = first.backup();
        BackupResult diff = first.toBuilder()
                .source(AdminOnlineBackupSource.builder(fake.admin(), "neo4j").from("db1:6362")
                        .type(AdminOnlineBackupSource.BackupType.DIFF).stagingDirectory(staging).build())
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(2))).build().backup();

        assertThat(full.manifest().source().attributes()).containsEntry("backup.included",
                "neo4j-2025-01-01T00-00-00.backup");
        assertThat(diff.manifest().source().attributes())
                .containsEntry("backup.artifacts", "neo4j-2025-01-01T00-00-01.backup")
                .containsEntry("backup.included", "neo4j-2025-01-01T00-00-00.backup,neo4j-2025-01-01T00-00-01.backup");
        try (var kept = Files.list(staging)) {
            assertThat(kept).hasSize(2);
        }
        first.restore(diff.id(), AdminRestoreSink.builder(fake.admin(), "neo4j").build());
        assertThat(fake.file("restored/neo4j-2025-01-01T00-00-00.backup"))
                .hasSameBinaryContentAs(fake.file("produced/neo4j-2025-01-01T00-00-00.backup"));
        assertThat(fake.file("restored/neo4j-2025-01-01T00-00-01.backup"))
                .hasSameBinaryContentAs(fake.file("produced/neo4j-2025-01-01T00-00-01.backup"));
        assertThat(new String(Files.readAllBytes(fake.file("produced/neo4j-2025-01-01T00-00-01.backup")),
                java.nio.charset.StandardCharsets.ISO_8859_1)).startsWith("NEO4J BACKUP DIFF neo4j\n");
    }

    @Test
    void restoreFailureCarriesTheExitCode() {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).on("backup", BACKUP)
                .on("restore", "echo \"Failed to restore: The database is in use. Stop database '$DB' and try again.\" >&2\n"
                        + "exit 1")
                .install();
        BackupPipeline pipeline = BackupPipeline.builder()
                .source(AdminOnlineBackupSource.builder(fake.admin(), "neo4j").from("db1:6362").build())
                .target(target).build();
        BackupResult backup = pipeline.backup();
        assertThatThrownBy(() -> pipeline.restore(backup.id(), AdminRestoreSink.builder(fake.admin(), "neo4j").build()))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("STOP DATABASE neo4j")
                .cause().isInstanceOfSatisfying(AdminCommandException.class, e -> assertThat(e.exitCode()).hasValue(1));
    }

    @Test
    void configurationIsValidated() {
        Neo4jAdmin admin = Neo4jAdmin.home(dir).build();
        assertThatThrownBy(() -> AdminOnlineBackupSource.builder(admin, "neo4j").build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("from(\"host:port\")");
        assertThatThrownBy(() -> AdminOnlineBackupSource.builder(admin, "neo4j").from("db1:6362")
                .type(AdminOnlineBackupSource.BackupType.DIFF).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("stagingDirectory(..)");
        for (String bad : List.of("db1:6362 --to-path=/etc", "", "a,b", "db1;reboot")) {
            assertThatThrownBy(() -> AdminOnlineBackupSource.builder(admin, "neo4j").from(bad))
                    .isInstanceOf(InvalidInputException.class);
        }
        assertThatThrownBy(() -> AdminOnlineBackupSource.builder(admin, "neo4j").option("--to-path=/tmp"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("through the builder");
        assertThatThrownBy(() -> AdminOnlineBackupSource.builder(admin, "neo4j").option("pagecache=1g"))
                .isInstanceOf(InvalidInputException.class);
        AdminOnlineBackupSource ok = AdminOnlineBackupSource.builder(admin, "neo4j").from("[::1]:6362", "db2")
                .option("--pagecache=1g").compress(false).build();
        assertThat(ok.compressedOutput()).isFalse();
        assertThat(ok.extension()).isEqualTo("tar");
        assertThat(AdminRestoreSink.builder(admin, "neo4j").build().accepts("neo4j-admin-backup")).isTrue();
        assertThat(AdminRestoreSink.builder(admin, "neo4j").build().accepts("neo4j-admin")).isFalse();
    }
}
