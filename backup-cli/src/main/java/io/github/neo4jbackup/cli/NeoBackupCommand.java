package io.github.neo4jbackup.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** The root command: {@code neo4j-backup <command> [options]}. */
@Command(name = "neo4j-backup",
        mixinStandardHelpOptions = true,
        versionProvider = NeoBackupCommand.Version.class,
        description = "Back up, list, verify, extract from, restore and prune Neo4j backups on a local directory or S3; unlock a repository.",
        footer = {"", "Exit codes: 0 success, 1 operation failed, 2 usage or configuration error,",
                "3 verification failed (or a stale/too small newest backup), 4 repository locked.",
                "See docs/cli.md."},
        subcommands = {BackupCommand.class, RunCommand.class, ListCommand.class, VerifyCommand.class,
                RestoreCommand.class, PruneCommand.class, UnlockCommand.class, CopyCommand.class, ImportCommand.class,
                ExtractCommand.class, CommandLine.HelpCommand.class})
public final class NeoBackupCommand implements Callable<Integer> {

    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @CommandLine.Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
            description = "Log at INFO level on stderr (default: WARN).")
    boolean verbose;

    /**
     * Creates the root command for a context.
     *
     * @param ctx environment and streams
     */
    public NeoBackupCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    /**
     * The context of this run.
     *
     * @return the context
     */
    public CliContext context() {
        return ctx;
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing command: use one of backup, run, list, verify, extract, restore, prune, unlock, copy, import "
                + "(neo4j-backup help <command>)");
    }

    /** Prints the tool's version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = NeoBackupCommand.class.getPackage().getImplementationVersion();
            return new String[] {"neo4j-backup " + (v == null ? "(development build)" : v)};
        }
    }
}
