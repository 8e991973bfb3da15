package io.github.neo4jbackup.cli;

import picocli.CommandLine;

import java.util.Arrays;
import java.util.List;

/**
 * The {@code neo4j-backup} entry point. {@link #run(String[], CliContext)} runs a command line
 * in-process and returns its exit code (see {@link ExitCodes}); {@link #main(String[])} exits with it.
 */
public final class Main {

    private Main() {
    }

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        configureLogging(args);
        SignalStop.install(Thread.currentThread(), System.err);
        int code = run(args, CliContext.system());
        if (SignalStop.received() != null) {
            if (code == ExitCodes.OK) {
                System.err.println(SignalStop.received() + " arrived after the command had finished: it completed.");
            } else {
                code = SignalStop.exitCode();
            }
        }
        System.exit(code);
    }

    /**
     * Runs a command line.
     *
     * @param args the arguments
     * @param ctx  environment and streams
     * @return the exit code
     */
    public static int run(String[] args, CliContext ctx) {
        List<String> argList = Arrays.asList(args);
        boolean jsonRequested = argList.contains("--json");
        CommandLine cl = NeoBackupCommand.commandLine(ctx, args);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(new java.io.PrintWriter(ctx.out(), true)); // --help and --version
        cl.setErr(new java.io.PrintWriter(ctx.err(), true));
        cl.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine failed = ex.getCommandLine();
            String message = ex.getMessage() + ". Run 'neo4j-backup " + (failed.getCommandName().equals("neo4j-backup")
                    ? "" : failed.getCommandName() + " ") + "--help' for the options.";
            ctx.err().println("Error: " + message);
            if (jsonRequested) {
                ctx.out().println(Json.write(Json.error(CliException.usage(message), ExitCodes.USAGE)));
            }
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, failed, parseResult) -> {
            int code = ExitCodes.of(ex);
            String message = String.valueOf(ex.getMessage());
            if (SignalStop.received() != null) {
                message = "Stopped by " + SignalStop.received() + " during '" + failed.getCommandName() + "': "
                        + SignalStop.consequence(failed.getCommandName()) + " (The operation reported: " + message + ")";
                code = SignalStop.exitCode();
                ctx.err().println("Error: " + message);
                if (jsonRequested) {
                    ctx.out().println(Json.write(Json.error(CliException.failed(message, ex), code)));
                }
                return code;
            }
            ctx.err().println("Error: " + message);
            if (code == ExitCodes.FAILED && !(ex instanceof CliException)
                    && !(ex instanceof io.github.neo4jbackup.core.BackupException)) {
                // unexpected: keep the stack trace for a bug report
                ex.printStackTrace(ctx.err());
            } else if (Boolean.getBoolean("neo4jBackup.stackTraces")) {
                ex.printStackTrace(ctx.err());
            }
            if (jsonRequested) {
                ctx.out().println(Json.write(Json.error(ex, code)));
            }
            return code;
        });
        cl.setExitCodeExceptionMapper(ExitCodes::of);
        try {
            return cl.execute(args);
        } finally {
            ctx.out().flush();
            ctx.err().flush();
        }
    }

    /** slf4j-simple reads its settings once: set them before the first logger exists. */
    private static void configureLogging(String[] args) {
        boolean verbose = Arrays.stream(args).anyMatch(a -> a.equals("--verbose") || a.equals("-v"));
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
