package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.manifest.Manifest;
import picocli.CommandLine.Option;

/** {@code --id ID | --latest}: which backup a command works on. */
final class BackupSelection {

    @Option(names = "--id", paramLabel = "ID", required = true, description = "The backup id (see list).")
    String id;

    @Option(names = "--latest", required = true, description = "The newest backup in the repository.")
    boolean latest;

    /** The chosen backup's manifest. */
    Manifest resolve(BackupPipeline pipeline) {
        return id != null ? pipeline.find(id) : pipeline.latest();
    }
}
