package io.github.neo4jbackup.benchmarks.e2e;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the end-to-end suite at the smoke size (about 500 entities) with the settings the build
 * passes (programs under {@code target/e2e}, results under {@code target/e2e-smoke}): every backup,
 * restore and baseline must run and pass its checks, and the report must be written.
 */
class EndToEndSmokeTest {

    @Test
    void smokeSizeRunsEveryStep() throws Exception {
        Settings settings = Settings.fromSystemProperties("smoke");
        assertThat(settings.results().toString()).as("the smoke run never writes benchmarks/RESULTS.md")
                .contains("target");

        List<SizeResult> results = new EndToEndSuite(settings).run();

        assertThat(results).hasSize(1);
        SizeResult smoke = results.get(0);
        assertThat(smoke.entities()).isBetween(450L, 600L);
        assertThat(smoke.steps()).extracting(Step::id).containsExactly(
                "backup.driver.local", "backup.driver.s3", "backup.apoc.local", "backup.apoc.s3", "baseline.apoc-export",
                "backup.admin.local", "backup.admin.s3", "baseline.admin-dump", "baseline.admin-load",
                "restore.admin.local", "restore.driver.local", "restore.driver.s3", "restore.apoc.local",
                "baseline.cypher-shell");
        assertThat(smoke.steps()).allSatisfy(step -> assertThat(step.ok()).as(step.id() + ": " + step.note()).isTrue());
        assertThat(smoke.steps()).filteredOn(step -> step.id().startsWith("backup."))
                .allSatisfy(step -> assertThat(step.storedBytes()).as(step.id()).isPositive());
        assertThat(smoke.steps()).filteredOn(step -> !step.baseline() && step.xmx() != null)
                .allSatisfy(step -> assertThat(step.heap()).as(step.id() + " heap").isNotNull());
        // the server's CPU time is measured around every step that runs against the running server
        assertThat(smoke.serverCpu()).containsKeys("backup.driver.local", "restore.driver.local",
                "baseline.apoc-export", "baseline.cypher-shell").doesNotContainKey("restore.admin.local");
        assertThat(smoke.serverCpu().get("restore.driver.local")).isPositive();
        String report = Files.readString(settings.results());
        assertThat(report).contains("## smoke:", "### Backup", "### Restore", "### Server CPU", "## Summary");
    }
}
