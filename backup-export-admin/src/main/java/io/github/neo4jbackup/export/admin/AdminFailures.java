package io.github.neo4jbackup.export.admin;

import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.export.admin.internal.AdminProcess;

import java.util.Locale;

/** Recognises neo4j-admin's failure messages and says what to do about them. */
final class AdminFailures {

    /** What to do when a dump finds the database online. */
    static final String OFFLINE_ADVICE = "Community Edition can only dump a stopped database. Configure a stop/start "
            + "hook: BackupPipeline.Builder.hook(BackupHooks.commands(stop, start, timeout, env)) with e.g. "
            + "[\"docker\", \"stop\", \"neo4j\"] / [\"docker\", \"start\", \"neo4j\"] or [\"systemctl\", \"stop\", "
            + "\"neo4j\"] / [\"systemctl\", \"start\", \"neo4j\"] (CLI: --stop-command / --start-command), or "
            + "BackupHooks.callbacks(..) from Java; or stop Neo4j yourself and declare it with "
            + "BackupHooks.alreadyOffline() (CLI: --already-offline). Enterprise Edition can stop just this database "
            + "(STOP DATABASE) or take an online backup with AdminOnlineBackupSource instead";

    private AdminFailures() {
    }

    /**
     * Whether neo4j-admin complained that a running server has the database open.
     *
     * @param output the process diagnostics
     * @return {@code true} for the "in use" failure
     */
    static boolean inUse(String output) {
        return output.toLowerCase(Locale.ROOT).contains("is in use");
    }

    /**
     * Whether neo4j-admin reported that the database does not exist.
     *
     * @param output the process diagnostics
     * @return {@code true} when it does not exist
     */
    static boolean doesNotExist(String output) {
        return output.toLowerCase(Locale.ROOT).contains("database does not exist");
    }

    /**
     * A sentence about a failed process: {@code neo4j-admin database dump neo4j exited with code 1}.
     *
     * @param process  the process
     * @param exitCode its exit code
     * @return the sentence, without a final period
     */
    static String exited(AdminProcess process, int exitCode) {
        return process.description() + " " + AdminProcess.describeExit(exitCode);
    }

    /**
     * A sentence about a process killed at its timeout.
     *
     * @param process the process
     * @return the sentence, without a final period
     */
    static String timedOut(AdminProcess process) {
        return process.description() + " did not finish within " + process.timeout()
                + " and was killed with its child processes (raise Neo4jAdmin.Builder.timeout(..) if the database "
                + "really needs longer)";
    }

    /**
     * Advice when the database does not exist where neo4j-admin looked.
     *
     * @param database the database
     * @return the advice
     */
    static String notFoundAdvice(String database) {
        return "database '" + database + "' does not exist in this Neo4j installation: check the database name, "
                + "NEO4J_HOME and NEO4J_CONF (server.directories.data) of the configured neo4j-admin";
    }

    /**
     * The exception for a failed command on the backup side, recognising "in use" and "does not exist".
     *
     * @param verb        what was attempted ({@code dump}, {@code read information about})
     * @param database    the database
     * @param process     the process
     * @param exit        its exit code
     * @param diagnostics its error output
     * @return the exception
     */
    static SourceFailedException sourceFailure(String verb, String database, AdminProcess process, int exit,
                                               String diagnostics) {
        String what = exited(process, exit);
        if (inUse(diagnostics)) {
            return new SourceFailedException("Cannot " + verb + " database '" + database + "': it is in use by a "
                    + "running Neo4j server (" + what + "). " + OFFLINE_ADVICE + ".", exit, diagnostics, null);
        }
        if (doesNotExist(diagnostics)) {
            return new SourceFailedException("Cannot " + verb + " database '" + database + "': "
                    + notFoundAdvice(database) + " (" + what + ").", exit, diagnostics, null);
        }
        return new SourceFailedException("Cannot " + verb + " database '" + database + "': " + what
                + ". Nothing was backed up; see neo4j-admin's error output below.", exit, diagnostics, null);
    }
}
