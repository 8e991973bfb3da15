package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.StorageTarget;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** What every subcommand shares: the context, the repository layout option, output helpers. */
abstract class AbstractCommand implements Callable<Integer> {

    @ParentCommand
    NeoBackupCommand root;

    @Mixin
    Options.Layout layout;

    /** Whether {@code --json} was given (subcommands without the flag return false). */
    abstract boolean json();

    CliContext ctx() {
        return root.context();
    }

    /** A line of human output (stderr). */
    void say(String text) {
        ctx().err().println(text);
    }

    /** The one JSON document of this run (stdout). */
    void printJson(JsonNode node) {
        ctx().out().println(Json.write(node));
        ctx().out().flush();
    }

    /** A pipeline builder over a target with this command's key template. */
    BackupPipeline.Builder pipeline(StorageTarget target) {
        BackupPipeline.Builder b = BackupPipeline.builder().target(target);
        if (layout.keyTemplate != null) {
            try {
                b.keyTemplate(layout.keyTemplate);
            } catch (InvalidInputException e) {
                throw CliException.usage("--key-template: " + e.getMessage(), e);
            }
        }
        return b;
    }

    /** A database name from the flag, NEO4J_DATABASE, or the fallback. */
    String database(String flagValue, String fallback) {
        if (flagValue != null) {
            return flagValue;
        }
        String env = ctx().env("NEO4J_DATABASE");
        return env != null ? env : fallback;
    }
}
