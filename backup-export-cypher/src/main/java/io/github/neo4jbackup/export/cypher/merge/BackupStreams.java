package io.github.neo4jbackup.export.cypher.merge;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens a backup's decoded stream in the graph format, once per pass of a {@link MergeRestore}.
 * The merge reads each stream to its end and closes it; closing a stream read to its end must complete
 * any checks of the data (see {@link MergeRestore#streams(io.github.neo4jbackup.core.BackupPipeline,
 * io.github.neo4jbackup.core.manifest.Manifest)}).
 */
@FunctionalInterface
public interface BackupStreams {

    /**
     * Opens the stream from its start.
     *
     * @return a new stream; the caller closes it
     * @throws IOException when it cannot be opened
     */
    InputStream open() throws IOException;
}
