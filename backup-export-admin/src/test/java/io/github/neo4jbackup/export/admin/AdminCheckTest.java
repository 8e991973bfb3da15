package io.github.neo4jbackup.export.admin;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** neo4j-admin database check against a fake script: outcomes, options and the backup check. */
class AdminCheckTest {

    private static final String CONSISTENT = "echo 'Running consistency check with max off-heap:1.00GiB'\n"
            + "echo '  Store size:88.00KiB'\n"
            + "echo '....................  10%'\n"
            + "echo 'Consistency check'";
    private static final String COMPARE_WITH_SAMPLE = "if cmp -s \"$FROM/$DB.dump\" \"$SAMPLE\"; then\n"
            + "  ls \"$TEMP\" > /dev/null || exit 70\n"
            + "  echo 'Consistency check'\n"
            + "else\n"
            + "  echo \"Failed to prepare for consistency check: Invalid input for a CheckDump\" >&2; exit 70\n"
            + "fi";

    @TempDir
    Path dir;

    @Test
    void consistentDatabase() {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).on("check", CONSISTENT).install();
        CheckReport report = AdminCheck.of(fake.admin()).check("neo4j");
        assertThat(report.consistent()).isTrue();
        assertThat(report.outcome()).isEqualTo(CheckReport.Outcome.CONSISTENT);
        assertThat(report.exitCode()).hasValue(0);
        assertThat(report.problems()).isEmpty();
        assertThat(report.summary()).contains("Store size:88.00KiB").noneMatch(l -> l.contains("10%"));
        assertThat(report.reportFile()).isEmpty();
        String call = fake.calls().get(0);
        assertThat(call).startsWith("database check --report-path=").endsWith(" neo4j");
        Path reports = Path.of(call.substring("database check --report-path=".length(), call.length() - " neo4j".length()));
        assertThat(reports).doesNotExist();
    }

    @Test
    void inconsistenciesPointToTheReport() throws IOException {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).on("check",
                "F=\"$REPORT/inconsistencies-2025-01-01.report\"\n"
                        + "printf 'ERROR: The property chain contains multiple properties that have the same property key id.\\n"
                        + "\\tNode[12,used=true,rel=3,prop=7,labels=Inline(0x1:[1]),light,secondaryUnitId=-1]\\n' > \"$F\"\n"
                        + "echo \"Inconsistencies found. See '$F' for details.\" >&2\n"
                        + "exit 1")
                .install();
        CheckReport report = AdminCheck.builder(fake.admin()).reportDirectory(dir.resolve("reports")).build()
                .check("neo4j");
        assertThat(report.outcome()).isEqualTo(CheckReport.Outcome.INCONSISTENT);
        assertThat(report.exitCode()).hasValue(1);
        assertThat(report.reportFile()).hasValue(dir.resolve("reports/inconsistencies-2025-01-01.report"));
        assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("property chain contains multiple"));
        assertThat(Files.exists(report.reportFile().orElseThrow())).isTrue();
    }

    @Test
    void failuresAreReportedNotThrown() {
        FakeNeo4jAdmin inUse = FakeNeo4jAdmin.in(dir.resolve("home")).on("check",
                "echo \"The database is in use. Stop database '$DB' and try again.\" >&2; exit 1").install();
        CheckReport report = AdminCheck.of(inUse.admin()).check("neo4j");
        assertThat(report.outcome()).isEqualTo(CheckReport.Outcome.FAILED);
        assertThat(report.problems()).singleElement().asString().contains("exited with code 1")
                .contains("in use by a running Neo4j server");

        FakeNeo4jAdmin crash = FakeNeo4jAdmin.in(dir.resolve("home2")).on("check",
                "echo 'Failed to prepare for consistency check: java.lang.OutOfMemoryError' >&2; exit 70").install();
        assertThat(AdminCheck.of(crash.admin()).check("neo4j").problems()).singleElement().asString()
                .contains("exited with code 70").contains("OutOfMemoryError");

        CheckReport missing = AdminCheck.of(Neo4jAdmin.home(dir.resolve("nothing")).build()).check("neo4j");
        assertThat(missing.outcome()).isEqualTo(CheckReport.Outcome.FAILED);
        assertThat(missing.exitCode()).isEmpty();
        assertThat(missing.problems()).singleElement().asString().contains("neo4j-admin not found");
    }

    @Test
    void optionsBecomeArguments() {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).on("check", CONSISTENT).install();
        AdminCheck.builder(fake.admin()).checkIndexes(false).checkPropertyOwners(true).threads(2)
                .maxOffHeapMemory("512m").reportDirectory(dir.resolve("r")).build().check("neo4j");
        assertThat(fake.calls()).singleElement().isEqualTo("database check --check-indexes=false "
                + "--check-property-owners=true --threads=2 --max-off-heap-memory=512m --report-path="
                + dir.resolve("r") + " neo4j");
        assertThatThrownBy(() -> AdminCheck.builder(fake.admin()).maxOffHeapMemory("lots; rm -rf /"))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> AdminCheck.builder(fake.admin()).threads(0)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void dumpInADirectoryIsCheckedWithFromPathAndATemporaryPath() throws IOException {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).on("check", COMPARE_WITH_SAMPLE).install();
        Path dumps = Files.createDirectories(dir.resolve("dumps"));
        Files.write(dumps.resolve("neo4j.dump"), FakeNeo4jAdmin.sampleDump());
        CheckReport report = AdminCheck.of(fake.admin()).checkDump(dumps, "neo4j");
        assertThat(report.consistent()).as(report.toString()).isTrue();
        assertThat(fake.calls().get(0)).contains("--from-path=" + dumps.toAbsolutePath()).contains("--temp-path=" + dir);
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("check-unpack-"));
        }
    }

    @Test
    void storedBackupIsRestoredIntoScratchCheckedAndRemoved() throws IOException {
        FakeNeo4jAdmin fake = FakeNeo4jAdmin.in(dir.resolve("home")).on("check", COMPARE_WITH_SAMPLE).install();
        Path repository = dir.resolve("repo");
        BackupPipeline pipeline = BackupPipeline.builder().source(AdminDumpSource.of(fake.admin(), "neo4j"))
                .target(LocalStorageTarget.of(repository)).build();
        BackupResult backup = pipeline.backup();
        Path scratch = dir.resolve("scratch");

        CheckReport report = AdminCheck.of(fake.admin()).checkBackup(pipeline, backup.id(), scratch);
        assertThat(report.consistent()).as(report.toString()).isTrue();
        try (var left = Files.list(scratch)) {
            assertThat(left).isEmpty();
        }

        // the RESTORE verify level with the scratch sink: the check passes; an offline dump records no
        // counts, so none are compared
        VerifyReport verify = pipeline.verify(backup.id(), VerifyLevel.RESTORE,
                AdminCheck.of(fake.admin()).scratchSink(scratch));
        assertThat(verify.ok()).as(verify.problems().toString()).isTrue();

        // a dump whose manifest has counts (read online before the stop): the offline check says why it
        // cannot compare them, so they do not fail the verification
        BackupPipeline counted = BackupPipeline.builder().source(AdminDumpSource.builder(fake.admin(), "neo4j")
                        .onlineProbe(new OnlineProbe() {
                            @Override
                            public java.util.Map<String, String> attributes(String database) {
                                return java.util.Map.of();
                            }

                            @Override
                            public io.github.neo4jbackup.core.spi.GraphCounts counts(String database) {
                                return io.github.neo4jbackup.core.spi.GraphCounts.of(3, 2);
                            }
                        }).build())
                .target(LocalStorageTarget.of(dir.resolve("counted"))).build();
        BackupResult withCounts = counted.backup();
        assertThat(withCounts.manifest().counts().known()).isTrue();
        VerifyReport countedVerify = counted.verify(withCounts.id(), VerifyLevel.RESTORE,
                AdminCheck.of(fake.admin()).scratchSink(scratch));
        assertThat(countedVerify.ok()).as(countedVerify.problems().toString()).isTrue();

        Path stored = repository.resolve(backup.dataKey().value());
        byte[] bytes = Files.readAllBytes(stored);
        bytes[bytes.length - 1] ^= 1;
        Files.write(stored, bytes);
        int checks = (int) fake.calls().stream().filter(c -> c.startsWith("database check")).count();
        CheckReport damaged = AdminCheck.of(fake.admin()).checkBackup(pipeline, backup.id(), scratch);
        assertThat(damaged.outcome()).isEqualTo(CheckReport.Outcome.FAILED);
        assertThat(damaged.problems()).singleElement().asString().contains("SHA-256");
        assertThat(fake.calls().stream().filter(c -> c.startsWith("database check")).count()).isEqualTo(checks);
        assertThat(List.of(scratch.toFile().list())).isEmpty();
    }
}
