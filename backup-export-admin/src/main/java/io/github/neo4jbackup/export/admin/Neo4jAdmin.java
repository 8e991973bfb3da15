package io.github.neo4jbackup.export.admin;

import io.github.neo4jbackup.core.DatabaseName;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.export.admin.internal.AdminProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * How to run {@code neo4j-admin}: immutable, thread-safe configuration shared by the dump source,
 * the load sink, the consistency check and the online backup source.
 *
 * <pre>{@code
 * Neo4jAdmin admin = Neo4jAdmin.home(Path.of("/var/lib/neo4j")).build();              // bin/neo4j-admin
 * Neo4jAdmin admin = Neo4jAdmin.executable(Path.of("/usr/bin/neo4j-admin"))
 *         .environment("NEO4J_CONF", "/etc/neo4j").build();
 * Neo4jAdmin admin = Neo4jAdmin.command(List.of("docker", "exec", "-i", "neo4j", "neo4j-admin"))
 *         .timeout(Duration.ofHours(1)).build();                                      // in a container
 * }</pre>
 *
 * <p>The tool is always started from an argument vector, never through a shell, so database
 * names, paths and options cannot be reinterpreted. Extra environment variables are passed to the
 * process; their values are never logged or printed (only their names are). Nothing secret ever
 * goes into the arguments.
 */
public final class Neo4jAdmin {

    /** Default longest run of a dump, load, check or backup: 2 hours. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(2);
    /** Default longest run of a short command ({@code info}, {@code version}): 2 minutes. */
    public static final Duration DEFAULT_INFO_TIMEOUT = Duration.ofMinutes(2);

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Path home;
    private final Path executable;
    private final List<String> prefix;
    private final Map<String, String> environment;
    private final Duration timeout;
    private final Duration infoTimeout;
    private final Path workingDirectory;
    private final Path additionalConfig;

    private Neo4jAdmin(Builder b) {
        this.home = b.home;
        this.executable = b.executable;
        this.prefix = List.copyOf(b.prefix);
        this.environment = Collections.unmodifiableMap(new TreeMap<>(b.environment));
        this.timeout = b.timeout;
        this.infoTimeout = b.infoTimeout;
        this.workingDirectory = b.workingDirectory;
        this.additionalConfig = b.additionalConfig;
    }

    /**
     * A Neo4j installation: runs {@code <home>/bin/neo4j-admin} with {@code NEO4J_HOME} set to
     * {@code home} (unless the environment sets it).
     *
     * @param neo4jHome the installation directory (the one holding {@code bin/} and {@code conf/})
     * @return a builder
     */
    public static Builder home(Path neo4jHome) {
        Objects.requireNonNull(neo4jHome, "neo4jHome");
        Builder b = new Builder();
        b.home = neo4jHome.toAbsolutePath().normalize();
        b.executable = b.home.resolve("bin").resolve("neo4j-admin");
        b.prefix.add(b.executable.toString());
        return b;
    }

    /**
     * An explicit {@code neo4j-admin} executable (for example a package's {@code /usr/bin/neo4j-admin}).
     *
     * @param executable the executable
     * @return a builder
     */
    public static Builder executable(Path executable) {
        Objects.requireNonNull(executable, "executable");
        Builder b = new Builder();
        b.executable = executable.toAbsolutePath().normalize();
        b.prefix.add(b.executable.toString());
        return b;
    }

    /**
     * A command prefix that ends in neo4j-admin, as an argument vector, for example
     * {@code List.of("docker", "exec", "-i", "neo4j", "neo4j-admin")} or
     * {@code List.of("kubectl", "exec", "-i", "neo4j-0", "--", "neo4j-admin")}. Keep {@code -i}
     * for containers: a restore streams the dump into the tool's standard input.
     *
     * @param commandPrefix the prefix; the first element is looked up on the {@code PATH}
     * @return a builder
     */
    public static Builder command(List<String> commandPrefix) {
        if (commandPrefix == null || commandPrefix.isEmpty()) {
            throw new InvalidInputException("The neo4j-admin command prefix is empty; give an argument vector such as "
                    + "[\"docker\", \"exec\", \"-i\", \"neo4j\", \"neo4j-admin\"]");
        }
        for (String part : commandPrefix) {
            if (part == null || part.isBlank()) {
                throw new InvalidInputException("The neo4j-admin command prefix " + commandPrefix
                        + " has an empty element; give one argument per element, without shell quoting");
            }
        }
        Builder b = new Builder();
        b.prefix.addAll(commandPrefix);
        return b;
    }

    /**
     * A builder holding this configuration, to make a variant.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.home = home;
        b.executable = executable;
        b.prefix.addAll(prefix);
        b.environment.putAll(environment);
        b.timeout = timeout;
        b.infoTimeout = infoTimeout;
        b.workingDirectory = workingDirectory;
        b.additionalConfig = additionalConfig;
        return b;
    }

    /**
     * The full argument vector for a neo4j-admin invocation.
     *
     * @param arguments the arguments after {@code neo4j-admin}, e.g. {@code database dump neo4j --to-stdout}
     * @return the vector, starting with the executable
     */
    public List<String> commandLine(List<String> arguments) {
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(arguments);
        return List.copyOf(argv);
    }

    /**
     * The Neo4j installation, when configured with {@link #home(Path)}.
     *
     * @return the home
     */
    public Optional<Path> home() {
        return Optional.ofNullable(home);
    }

    /**
     * The executable, when configured with {@link #home(Path)} or {@link #executable(Path)}; empty
     * for a command prefix.
     *
     * @return the executable
     */
    public Optional<Path> executablePath() {
        return Optional.ofNullable(executable);
    }

    /**
     * The command prefix: the executable alone, or the configured prefix.
     *
     * @return the prefix
     */
    public List<String> commandPrefix() {
        return prefix;
    }

    /**
     * The names of the extra environment variables (values are never exposed).
     *
     * @return the names
     */
    public Set<String> environmentNames() {
        return environment.keySet();
    }

    /**
     * The longest a dump, load, check or backup may run before it is killed.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * The longest a short command ({@code database info}, {@code version}) may run.
     *
     * @return the timeout
     */
    public Duration infoTimeout() {
        return infoTimeout;
    }

    /**
     * The working directory of the processes, if set.
     *
     * @return the directory
     */
    public Optional<Path> workingDirectory() {
        return Optional.ofNullable(workingDirectory);
    }

    /**
     * The configuration file passed as {@code --additional-config} to database commands, if set.
     *
     * @return the file
     */
    public Optional<Path> additionalConfig() {
        return Optional.ofNullable(additionalConfig);
    }

    /**
     * Runs {@code neo4j-admin database info --format=json <database>}: the store format, the last
     * committed transaction and whether a server has the database open. Needs no running server.
     *
     * @param database the database
     * @return what neo4j-admin reports
     * @throws io.github.neo4jbackup.core.InvalidInputException when the name is invalid
     * @throws SourceFailedException when neo4j-admin cannot run or fails (with its exit code and error
     *                               output; an "in use" failure says how to take the database offline)
     */
    public DatabaseInfo databaseInfo(String database) {
        DatabaseName.validate(database);
        List<String> args = databaseArguments("info", database, List.of("--format=json"));
        AdminProcess process;
        try {
            process = start(args, infoTimeout, AdminProcess.Stdout.DRAIN, false);
        } catch (AdminCommandException e) {
            throw new SourceFailedException("Cannot read information about database '" + database + "': "
                    + e.getMessage(), e);
        }
        try (process) {
            int exit = process.waitFor();
            String diagnostics = process.diagnostics();
            if (process.timedOut()) {
                throw new SourceFailedException(AdminFailures.timedOut(process) + ". Nothing was backed up.",
                        null, diagnostics, null);
            }
            if (exit != 0) {
                throw AdminFailures.sourceFailure("read information about", database, process, exit, diagnostics);
            }
            return DatabaseInfo.parse(process.outputText(), database);
        } catch (IOException e) {
            throw new SourceFailedException("Cannot read information about database '" + database + "': "
                    + e.getMessage(), null, process.diagnostics(), e);
        }
    }

    /**
     * Arguments of a {@code neo4j-admin database <command>} invocation: the command, the options,
     * {@code --additional-config} when configured, then the database name last.
     *
     * @param command  {@code dump}, {@code load}, {@code info}, ...
     * @param database the database name (already validated), or {@code null} for none
     * @param options  the options
     * @return the arguments
     */
    List<String> databaseArguments(String command, String database, List<String> options) {
        List<String> args = new ArrayList<>();
        args.add("database");
        args.add(command);
        args.addAll(options);
        if (additionalConfig != null) {
            args.add("--additional-config=" + additionalConfig);
        }
        if (database != null) {
            args.add(database);
        }
        return args;
    }

    /**
     * Starts neo4j-admin.
     *
     * @param arguments   the arguments after the prefix
     * @param runTimeout  how long it may run
     * @param stdoutMode  what happens to its standard output
     * @param writesStdin whether the caller writes its standard input
     * @return the running process
     * @throws AdminCommandException when the tool is missing or cannot be started
     */
    AdminProcess start(List<String> arguments, Duration runTimeout, AdminProcess.Stdout stdoutMode, boolean writesStdin)
            throws AdminCommandException {
        String what = describe(arguments);
        if (executable != null && !Files.isExecutable(executable)) {
            String fix = home != null
                    ? "set the Neo4j home to the installation directory (the one holding bin/ and conf/), or configure "
                    + "Neo4jAdmin.executable(..) or Neo4jAdmin.command(..)"
                    : "configure the path of an installed neo4j-admin, or Neo4jAdmin.home(..) / Neo4jAdmin.command(..)";
            throw new AdminCommandException("neo4j-admin not found: " + executable
                    + (Files.exists(executable) ? " is not executable" : " does not exist") + "; " + fix,
                    null, null, null);
        }
        Map<String, String> env = new TreeMap<>(environment);
        if (home != null) {
            env.putIfAbsent("NEO4J_HOME", home.toString());
        }
        try {
            return AdminProcess.start(commandLine(arguments), env, workingDirectory, runTimeout, what, stdoutMode,
                    writesStdin);
        } catch (IOException e) {
            throw new AdminCommandException("Could not start " + what + ": " + e.getMessage()
                    + "; check that " + prefix.get(0) + " is installed"
                    + (executable == null ? " and on the PATH" : "") + " and executable", null, null, e);
        }
    }

    /**
     * A readable command line for messages: {@code neo4j-admin database dump neo4j --to-stdout},
     * with the configured prefix.
     *
     * @param arguments the arguments
     * @return the text
     */
    String describe(List<String> arguments) {
        return String.join(" ", commandLine(arguments));
    }

    @Override
    public String toString() {
        return "Neo4jAdmin[" + String.join(" ", prefix)
                + (environment.isEmpty() ? "" : ", environment=" + environment.keySet())
                + ", timeout=" + timeout + "]";
    }

    /** Builds an immutable {@link Neo4jAdmin}. Not thread-safe. */
    public static final class Builder {
        private Path home;
        private Path executable;
        private final List<String> prefix = new ArrayList<>();
        private final Map<String, String> environment = new TreeMap<>();
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration infoTimeout = DEFAULT_INFO_TIMEOUT;
        private Path workingDirectory;
        private Path additionalConfig;

        private Builder() {
        }

        /**
         * Adds an environment variable for the process, e.g. {@code NEO4J_CONF} or {@code HEAP_SIZE}.
         * The value is never logged or printed.
         *
         * @param name  the variable name
         * @param value the value
         * @return this builder
         */
        public Builder environment(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (!ENV_NAME.matcher(name).matches()) {
                throw new InvalidInputException("Invalid environment variable name '" + name
                        + "': use letters, digits and '_', not starting with a digit");
            }
            environment.put(name, value);
            return this;
        }

        /**
         * Adds environment variables (see {@link #environment(String, String)}).
         *
         * @param values the variables
         * @return this builder
         */
        public Builder environment(Map<String, String> values) {
            values.forEach(this::environment);
            return this;
        }

        /**
         * How long a dump, load, check or backup may run before it is killed with its child
         * processes (default 2 hours; a hung dump keeps the database offline).
         *
         * @param value a positive duration
         * @return this builder
         */
        public Builder timeout(Duration value) {
            this.timeout = positive(value, "timeout");
            return this;
        }

        /**
         * How long {@code database info} and {@code version} may run (default 2 minutes).
         *
         * @param value a positive duration
         * @return this builder
         */
        public Builder infoTimeout(Duration value) {
            this.infoTimeout = positive(value, "infoTimeout");
            return this;
        }

        /**
         * The working directory of the processes (default: the current one). neo4j-admin writes
         * consistency reports relative to it unless told otherwise.
         *
         * @param value the directory, or {@code null}
         * @return this builder
         */
        public Builder workingDirectory(Path value) {
            this.workingDirectory = value;
            return this;
        }

        /**
         * A configuration file passed to database commands as {@code --additional-config}.
         *
         * @param value the file, or {@code null}
         * @return this builder
         */
        public Builder additionalConfig(Path value) {
            this.additionalConfig = value;
            return this;
        }

        private static Duration positive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new InvalidInputException("The neo4j-admin " + name + " must be a positive duration");
            }
            return value;
        }

        /**
         * Builds the configuration.
         *
         * @return the configuration
         */
        public Neo4jAdmin build() {
            return new Neo4jAdmin(this);
        }
    }
}
