package io.github.neo4jbackup.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a run of the command line sees of its process: environment variables, standard output and
 * error, and whether a person is at a terminal. Tests pass their own to run commands in-process.
 *
 * @param env         environment variables
 * @param out         standard output (only JSON documents go here)
 * @param err         standard error (human output, progress, errors)
 * @param interactive whether a terminal is attached ({@code System.console() != null}): enables the
 *                    progress bar and the restore confirmation prompt
 * @param prompt      reads one answer line for a prompt, or returns {@code null} when none can be read
 */
public record CliContext(Map<String, String> env, PrintStream out, PrintStream err, boolean interactive,
                         Function<String, String> prompt) {

    /**
     * Creates a context.
     *
     * @param env         environment (copied)
     * @param out         stdout
     * @param err         stderr
     * @param interactive terminal attached
     * @param prompt      prompt reader
     */
    public CliContext {
        env = Map.copyOf(env);
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(prompt, "prompt");
    }

    /**
     * The context of this process.
     *
     * @return the real environment, streams and console
     */
    public static CliContext system() {
        java.io.Console console = System.console();
        return new CliContext(System.getenv(), System.out, System.err, console != null,
                question -> console == null ? null : console.readLine("%s", question));
    }

    /**
     * A non-interactive context (no terminal), e.g. for tests.
     *
     * @param env environment variables
     * @param out stdout
     * @param err stderr
     * @return the context
     */
    public static CliContext of(Map<String, String> env, PrintStream out, PrintStream err) {
        return new CliContext(env, out, err, false, question -> null);
    }

    /**
     * An environment variable, blank values counting as absent.
     *
     * @param name the name
     * @return the value or {@code null}
     */
    public String env(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v;
    }
}
