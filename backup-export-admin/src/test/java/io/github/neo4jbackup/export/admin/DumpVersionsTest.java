package io.github.neo4jbackup.export.admin;

import io.github.neo4jbackup.core.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DumpVersionsTest {

    @Test
    void calendarVersionsAreNewerThan5x() {
        assertThat(DumpVersions.compareLines("2025.01.0", "5.26.30")).isPositive();
        assertThat(DumpVersions.compareLines("5.26.30", "2026.08.1")).isNegative();
        assertThat(DumpVersions.compareLines("5.26.30", "5.26.1")).isZero();
        assertThat(DumpVersions.compareLines("2026.08.1", "2026.02.0")).isPositive();
        assertThat(DumpVersions.compareLines(null, "5.26.1")).isZero();
        assertThat(DumpVersions.isCalendar("2026.08.1")).isTrue();
        assertThat(DumpVersions.isCalendar("5.26.30")).isFalse();
    }

    @Test
    void aNewerDumpIsRefusedNamingBothVersionsAnOlderOneGetsTheMigrateNote() {
        assertThatThrownBy(() -> DumpVersions.refuseDowngrade("b1", "neo4j", "2026.08.1", "5.26.30"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("dump of Neo4j 2026.08.1")
                .hasMessageContaining("target is Neo4j 5.26.30")
                .hasMessageContaining("--engine driver");
        assertThatCode(() -> DumpVersions.refuseDowngrade("b1", "neo4j", "5.26.30", "2026.08.1"))
                .doesNotThrowAnyException();
        assertThatCode(() -> DumpVersions.refuseDowngrade("b1", "neo4j", null, "5.26.30")).doesNotThrowAnyException();
        assertThat(DumpVersions.upgradeNote("b1", "neo4j", "5.26.30", "2026.08.1"))
                .contains("neo4j-admin database migrate neo4j", "5.26.30", "2026.08.1");
        assertThat(DumpVersions.upgradeNote("b1", "neo4j", "2026.08.1", "2026.08.1")).isNull();
    }

    @Test
    void theInstalledVersionComesFromTheKernelJar(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("lib"));
        Files.createDirectories(home.resolve("bin"));
        Files.createFile(home.resolve("lib/neo4j-kernel-2026.08.1.jar"));
        assertThat(DumpVersions.installed(Neo4jAdmin.home(home).build())).contains("2026.08.1");
        Files.delete(home.resolve("lib/neo4j-kernel-2026.08.1.jar"));
        assertThat(DumpVersions.installed(Neo4jAdmin.home(home).build())).isEmpty();
    }
}
