package io.github.neo4jbackup.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** The root command: {@code neo4j-backup <command> [options]}. */
@Command(name = "neo4j-backup",
        mixinStandardHelpOptions = true,
        versionProvider = NeoBackupCommand.Version.class,
        description = "Back up, list, verify, extract from, restore and prune Neo4j backups on a local directory or S3; unlock a repository.",
        footer = {"", "Exit codes: 0 success, 1 operation failed, 2 usage or configuration error,",
                "3 verification failed (or a stale/too small newest backup), 4 repository locked.",
                "See docs/cli.md."})
public final class NeoBackupCommand implements Callable<Integer> {

    /** The commands, in the order the help lists them. */
    private static final List<Class<?>> COMMANDS = List.of(BackupCommand.class, RunCommand.class, ListCommand.class,
            VerifyCommand.class, RestoreCommand.class, PruneCommand.class, UnlockCommand.class, CopyCommand.class,
            ImportCommand.class, ExtractCommand.class, CommandLine.HelpCommand.class);

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
     * The command line with every command, e.g. for the root's help.
     *
     * @param ctx environment and streams
     * @return the command line
     */
    public static CommandLine commandLine(CliContext ctx) {
        return commandLine(ctx, new String[0]);
    }

    /**
     * The command line for a run. Building picocli's model of a command with all its options costs
     * tens of milliseconds, of all of them a few hundred: when the first word of the arguments names a
     * command, only that command is built. Without one, with {@code help}, an argument file
     * ({@code @file}) or an unknown word, every command is, so the help and the errors list them all.
     *
     * @param ctx  environment and streams
     * @param args the arguments of the run
     * @return the command line
     */
    public static CommandLine commandLine(CliContext ctx, String[] args) {
        CommandLine cl = new CommandLine(new NeoBackupCommand(ctx));
        String word = firstWord(args);
        boolean one = word != null && !word.equals("help") && COMMANDS.stream().anyMatch(c -> name(c).equals(word));
        for (Class<?> c : COMMANDS) {
            if (!one || name(c).equals(word)) {
                cl.addSubcommand(c);
            }
        }
        return cl;
    }

    /** The first argument that is not an option: the root's options take no values. */
    private static String firstWord(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }

    private static String name(Class<?> command) {
        return command.getAnnotation(Command.class).name();
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
