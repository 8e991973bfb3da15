package io.github.neo4jbackup.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command's {@code --help} renders without picocli falling back to an unformatted description
 * (picocli reports such a fallback, e.g. for an unescaped {@code %}, as a warning on System.err).
 */
class HelpTextTest {

    private static final List<String> COMMANDS = List.of("backup", "run", "list", "verify", "restore", "prune",
            "unlock", "copy", "import", "extract");

    @Test
    void everyCommandsHelpIsFormattedWithoutPicocliWarnings() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        StringBuilder helps = new StringBuilder();
        try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setErr(capture);
            CliRun top = CliRun.inProcess(Map.of(), "--help");
            assertThat(top.exitCode()).as(top.toString()).isZero();
            for (String command : COMMANDS) {
                CliRun run = CliRun.inProcess(Map.of(), command, "--help");
                assertThat(run.exitCode()).as(run.toString()).isZero();
                assertThat(run.err()).as(command).doesNotContain("picocli WARN");
                helps.append(run.out());
            }
        } finally {
            System.setErr(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("picocli WARN").doesNotContain("%n");
        assertThat(helps.toString().replaceAll("\\s+", " ")).contains("(50 or 50%)").doesNotContain("%%");
    }
}
