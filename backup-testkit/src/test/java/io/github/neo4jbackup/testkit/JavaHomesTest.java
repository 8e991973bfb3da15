package io.github.neo4jbackup.testkit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JavaHomesTest {

    @AfterEach
    void clear() {
        System.clearProperty(JavaHomes.PROPERTY);
    }

    private static Path fakeHome(Path dir, String version) throws Exception {
        Files.createDirectories(dir.resolve("bin"));
        Files.createFile(dir.resolve("bin/java"));
        Files.writeString(dir.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"" + version + "\"\n");
        return dir;
    }

    @Test
    void featureVersionComesFromTheReleaseFile(@TempDir Path dir) throws Exception {
        assertThat(JavaHomes.featureVersion(fakeHome(dir.resolve("a"), "25.0.3"))).isEqualTo(25);
        assertThat(JavaHomes.featureVersion(fakeHome(dir.resolve("b"), "1.8.0_402"))).isEqualTo(8);
        assertThat(JavaHomes.featureVersion(dir.resolve("none"))).isEqualTo(-1);
        assertThat(JavaHomes.featureVersion(JavaHomes.current())).isGreaterThanOrEqualTo(17);
    }

    @Test
    void aConfiguredHomeWinsAndATooOldOneIsReportedNotReplaced(@TempDir Path dir) throws Exception {
        System.setProperty(JavaHomes.PROPERTY, fakeHome(dir.resolve("new"), "21.0.1").toString());
        assertThat(JavaHomes.find(21)).contains(dir.resolve("new"));
        System.setProperty(JavaHomes.PROPERTY, fakeHome(dir.resolve("old"), "17.0.2").toString());
        assertThatThrownBy(() -> JavaHomes.find(21)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(JavaHomes.PROPERTY).hasMessageContaining("Java 17");
    }

    @Test
    void serverVersionsAndTheirJdk(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.createFile(dir.resolve("neo4j-server-2026.08.1.jar"));
        assertThat(Neo4jServerProcess.versionOf(dir)).isEqualTo("2026.08.1");
        assertThat(Neo4jServerProcess.isCalendarVersion("2026.08.1")).isTrue();
        assertThat(Neo4jServerProcess.isCalendarVersion("5.26.30")).isFalse();
        assertThat(Neo4jServerProcess.javaHomeFor("5.26.30")).contains(JavaHomes.current());
        assertThatThrownBy(() -> Neo4jServerProcess.versionOf(dir.resolve("missing")))
                .hasMessageContaining("Run the tests through Maven");
    }
}
