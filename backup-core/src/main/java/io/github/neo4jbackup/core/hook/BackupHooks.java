package io.github.neo4jbackup.core.hook;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.BackupHook;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The built-in {@link BackupHook}s. */
public final class BackupHooks {

    private BackupHooks() {
    }

    /**
     * The database is already offline (stopped by the operator); nothing to do, and nothing
     * to restart.
     *
     * @return the hook
     */
    public static BackupHook alreadyOffline() {
        return new BackupHook() {
            @Override
            public String name() {
                return "already-offline";
            }

            @Override
            public void beforeBackup(String database) {
            }

            @Override
            public void afterBackup(String database, boolean succeeded) {
            }

            @Override
            public boolean takesDatabaseOffline() {
                return false;
            }

            @Override
            public String toString() {
                return "BackupHook[already-offline]";
            }
        };
    }

    /** A Java callback. */
    @FunctionalInterface
    public interface Callback {
        /**
         * Runs the callback.
         *
         * @param database the database
         * @throws Exception when it fails
         */
        void run(String database) throws Exception;
    }

    /**
     * Java callbacks, e.g. to stop and start an embedded server or call a container API.
     *
     * @param stop  runs before the backup
     * @param start runs after the backup, whatever happened
     * @return the hook
     */
    public static BackupHook callbacks(Callback stop, Callback start) {
        Objects.requireNonNull(stop, "stop");
        Objects.requireNonNull(start, "start");
        return new BackupHook() {
            @Override
            public String name() {
                return "callback";
            }

            @Override
            public void beforeBackup(String database) throws IOException {
                call(stop, database, "stop");
            }

            @Override
            public void afterBackup(String database, boolean succeeded) throws IOException {
                call(start, database, "start");
            }

            @Override
            public String toString() {
                return "BackupHook[callback]";
            }
        };
    }

    private static void call(Callback callback, String database, String what) throws IOException {
        try {
            callback.run(database);
        } catch (IOException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("The " + what + " callback was interrupted", e);
        } catch (Exception e) {
            throw new IOException("The " + what + " callback failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs commands (argument vectors, never through a shell), e.g.
     * {@code List.of("docker", "stop", "neo4j")} and {@code List.of("docker", "start", "neo4j")}.
     *
     * @param stop    the command run before the backup
     * @param start   the command run after the backup
     * @param timeout how long each command may take before it is killed
     * @param env     extra environment variables
     * @return the hook
     */
    public static BackupHook commands(List<String> stop, List<String> start, Duration timeout, Map<String, String> env) {
        ProcessCommand stopCommand = ProcessCommand.of(stop, timeout, env);
        ProcessCommand startCommand = ProcessCommand.of(start, timeout, env);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new InvalidInputException("The hook command timeout must be positive");
        }
        return new BackupHook() {
            @Override
            public String name() {
                return "command";
            }

            @Override
            public void beforeBackup(String database) throws IOException {
                stopCommand.run("stop command");
            }

            @Override
            public void afterBackup(String database, boolean succeeded) throws IOException {
                startCommand.run("start command");
            }

            @Override
            public String toString() {
                return "BackupHook[stop=" + stopCommand + ", start=" + startCommand + "]";
            }
        };
    }

    /**
     * Quiesce commands for an online backup (argument vectors, never through a shell): {@code pre}
     * runs before the export, e.g. to pause an ingestion worker so that the logical export is a
     * point-in-time copy; {@code post} runs after the export, <em>always</em> (also when
     * {@code pre} or the export failed), e.g. to resume the worker. The database stays online, so
     * no downtime is recorded. Each command gets the environment variables
     * {@code NEO4J_BACKUP_DATABASE} (the database) and, for {@code post},
     * {@code NEO4J_BACKUP_SUCCEEDED} ({@code true} or {@code false}), besides {@code env}. A command
     * that exits non-zero or times out fails: a failing {@code pre} stops the backup before
     * anything is exported; a failing {@code post} fails the backup run after the backup was
     * stored ({@link io.github.neo4jbackup.core.HookFailedException}). The tail of the command's
     * output (stdout and stderr) is kept in the message.
     *
     * @param pre     the command run before the export, or {@code null} for none
     * @param post    the command run after the export, or {@code null} for none
     * @param timeout how long each command may take before it is killed
     * @param env     extra environment variables (values never printed), or {@code null}
     * @return the hook
     * @throws InvalidInputException when neither command is given, a command is empty or the timeout is not positive
     */
    public static BackupHook quiesce(List<String> pre, List<String> post, Duration timeout, Map<String, String> env) {
        if (pre == null && post == null) {
            throw new InvalidInputException("A quiesce hook needs a pre command, a post command or both");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new InvalidInputException("The hook command timeout must be positive");
        }
        Map<String, String> base = env == null ? Map.of() : Map.copyOf(env);
        ProcessCommand preCommand = pre == null ? null : ProcessCommand.of(pre, timeout, base);
        ProcessCommand postCommand = post == null ? null : ProcessCommand.of(post, timeout, base);
        return new BackupHook() {
            @Override
            public String name() {
                return "quiesce";
            }

            @Override
            public void beforeBackup(String database) throws IOException {
                if (preCommand != null) {
                    with(preCommand, Map.of("NEO4J_BACKUP_DATABASE", database)).run("pre command");
                }
            }

            @Override
            public void afterBackup(String database, boolean succeeded) throws IOException {
                if (postCommand != null) {
                    with(postCommand, Map.of("NEO4J_BACKUP_DATABASE", database,
                            "NEO4J_BACKUP_SUCCEEDED", Boolean.toString(succeeded))).run("post command");
                }
            }

            @Override
            public boolean takesDatabaseOffline() {
                return false;
            }

            @Override
            public String toString() {
                return "BackupHook[pre=" + preCommand + ", post=" + postCommand + "]";
            }
        };
    }

    private static ProcessCommand with(ProcessCommand command, Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(command.env());
        env.putAll(extra);
        return ProcessCommand.of(command.argv(), command.timeout(), env);
    }
}
