package io.github.neo4jbackup.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which commands a run builds: only the one its arguments name, else all of them. */
class NeoBackupCommandTest {

    private static final CliContext CTX;

    static {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        CTX = CliContext.of(Map.of(), sink, sink);
    }

    @Test
    void aRunNamingACommandBuildsOnlyThatCommand() {
        assertThat(commands("restore", "--from", "/r", "--latest")).containsExactly("restore");
        assertThat(commands("-v", "backup", "--engine", "driver")).containsExactly("backup");
        assertThat(commands("--verbose", "extract", "--help")).containsExactly("extract");
    }

    @Test
    void helpNoCommandAnArgumentFileOrAnUnknownWordBuildEveryCommand() {
        String[] all = {"backup", "run", "list", "verify", "restore", "prune", "unlock", "copy", "import", "extract",
                "help"};
        assertThat(commands()).containsExactly(all);
        assertThat(commands("--help")).containsExactly(all);
        assertThat(commands("help", "restore")).containsExactly(all);
        assertThat(commands("@args.txt")).containsExactly(all);
        assertThat(commands("restor", "--latest")).containsExactly(all);
        assertThat(NeoBackupCommand.commandLine(CTX).getSubcommands().keySet()).containsExactly(all);
    }

    @Test
    void anUnknownCommandIsStillReportedWithTheListOfCommands() {
        CliRun run = CliRun.inProcess(Map.of(), "restor", "--latest");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("restor").contains("Run 'neo4j-backup --help'");
    }

    private static String[] commands(String... args) {
        CommandLine cl = NeoBackupCommand.commandLine(CTX, args);
        return cl.getSubcommands().keySet().toArray(String[]::new);
    }
}
