package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.core.BackupNotFoundException;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.manifest.Manifest;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code --id ID | --latest}: which backup a command works on. */
final class BackupSelection {

    @Option(names = "--id", paramLabel = "ID", required = true, description = "The backup id (see list).")
    String id;

    @Option(names = "--latest", required = true, description = "The newest backup in the repository.")
    boolean latest;

    /** The selection in words, for a message about a backup not resolved yet: the id, or {@code (latest)}. */
    String describe() {
        return id != null ? id : "(latest)";
    }

    /** The chosen backup's manifest. */
    Manifest resolve(BackupPipeline pipeline) {
        return id != null ? pipeline.find(id) : pipeline.latest();
    }

    /** The chosen backup's manifest; {@code --latest} skips suspect backups unless they are included. */
    Manifest resolve(BackupPipeline pipeline, boolean includeSuspect) {
        return resolve(pipeline, includeSuspect, true);
    }

    /**
     * The chosen backup's manifest; {@code --latest} skips suspect backups and safety backups
     * unless they are included.
     */
    Manifest resolve(BackupPipeline pipeline, boolean includeSuspect, boolean includeSafety) {
        if (id != null || (includeSuspect && includeSafety)) {
            return resolve(pipeline);
        }
        List<Manifest> all = pipeline.list();
        return all.stream().filter(m -> (includeSuspect || !m.isSuspect()) && (includeSafety || !m.isSafety()))
                .findFirst().orElseThrow(() -> new BackupNotFoundException(all.isEmpty()
                        ? "No backup found on " + pipeline.target().describe()
                        : "Every backup on " + pipeline.target().describe() + " is suspect (a shrink guard failed) or a"
                        + " safety backup: give --id, or --include-suspect / --include-safety to take the newest one ("
                        + all.get(0).id() + ")"));
    }
}
