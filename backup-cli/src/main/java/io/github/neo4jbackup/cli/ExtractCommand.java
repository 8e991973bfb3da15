package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.core.BackupNotFoundException;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.repository.ObjectPerBackupRepository;
import io.github.neo4jbackup.core.repository.Repository;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.Transformer;
import io.github.neo4jbackup.export.cypher.driver.GraphRecord;
import io.github.neo4jbackup.export.cypher.select.GraphSelection;
import io.github.neo4jbackup.export.cypher.select.RelationshipScope;
import io.github.neo4jbackup.export.cypher.select.SelectedGraphReader;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code neo4j-backup extract}: writes part of a driver-format backup as JSON lines or CSV, reading
 * the stored backup only (no Neo4j server).
 */
@Command(name = "extract", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write selected nodes (and relationships) of a driver-format backup as JSON lines or CSV,",
                "with every property type-exact. Needs no Neo4j server: reads, decompresses, decrypts and checks",
                "the stored backup. See docs/partial-recovery.md."})
final class ExtractCommand extends AbstractCommand {

    @Option(names = "--from", required = true, paramLabel = "TARGET",
            description = "Repository: a directory, a file: URI or s3://bucket/prefix.")
    String from;

    @Mixin
    Options.S3 s3;

    @ArgGroup(exclusive = true, multiplicity = "1")
    BackupSelection backup;

    @Option(names = "--database", paramLabel = "DB",
            description = "With --latest: the newest backup of this database (default: of any database).")
    String database;

    @Mixin
    SelectOptions select;

    @Option(names = "--order-by", paramLabel = "PROP",
            description = "Write the nodes ordered by this property, ascending (nodes without it last; ties in "
                    + "backup order). Holds the selected nodes in memory, see --sort-buffer.")
    String orderBy;

    @Option(names = "--limit", paramLabel = "N", description = "Write at most N nodes (the first N by --order-by).")
    Long limit;

    @Option(names = "--sort-buffer", paramLabel = "CHARS", defaultValue = "134217728",
            description = "Most characters of output --order-by may hold in memory (default: ${DEFAULT-VALUE}); "
                    + "beyond it extract stops and says how to narrow the selection.")
    long sortBuffer;

    @Option(names = "--format", paramLabel = "jsonl|csv", defaultValue = "jsonl",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    ExtractWriter.Format format;

    @Option(names = "--out", required = true, paramLabel = "PATH|-",
            description = "Where to write: a file (written under a temporary name, renamed when complete and "
                    + "checked) or - for standard output.")
    String out;

    @Mixin
    Options.Decryption decryption;

    @Override
    boolean json() {
        return false;
    }

    @Override
    public Integer call() {
        if (limit != null && limit < 0) {
            throw CliException.usage("--limit must not be negative");
        }
        if (orderBy != null && orderBy.isEmpty()) {
            throw CliException.usage("--order-by needs a property name");
        }
        GraphSelection selection = select.selection(RelationshipScope.NONE);
        try (Resources res = new Resources(ctx())) {
            StorageTarget target = res.target(from, "--from", s3, false);
            BackupPipeline pipeline = pipeline(target).build();
            Manifest manifest = resolve(pipeline);
            SelectedGraphReader.requireReadable(manifest);
            List<Transformer> decoders = Options.ageDecoder(decryption.identities, decryption.passphraseEnv,
                    ctx().env()).map(List::of).orElse(List.of());
            Repository repository = new ObjectPerBackupRepository(target, pipeline.keyTemplate(), Clock.systemUTC(),
                    Duration.ofMinutes(30), "extract");
            say("Extracting from backup " + manifest.id() + " (" + manifest.database() + "): " + selection);
            if (out.equals("-")) {
                Writer w = new BufferedWriter(new OutputStreamWriter(nonClosing(ctx().out()), StandardCharsets.UTF_8));
                return extract(repository, manifest, decoders, selection, w);
            }
            return extractToFile(repository, manifest, decoders, selection, Path.of(out));
        } catch (IOException e) {
            throw CliException.failed("extract failed: " + e.getMessage(), e);
        }
    }

    private Manifest resolve(BackupPipeline pipeline) {
        if (backup.id != null) {
            Manifest m = pipeline.find(backup.id);
            if (database != null && !database.equals(m.database())) {
                throw CliException.usage("Backup " + m.id() + " is of database '" + m.database() + "', not '"
                        + database + "'");
            }
            return m;
        }
        Optional<Manifest> newest = pipeline.list(database).stream().filter(m -> !m.isSafety()).findFirst();
        return newest.orElseThrow(() -> new BackupNotFoundException("No backup" + (database == null ? ""
                : " of database '" + database + "'") + " found on " + pipeline.target().describe()));
    }

    private int extractToFile(Repository repository, Manifest manifest, List<Transformer> decoders,
                              GraphSelection selection, Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path parent = absolute.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw CliException.usage("--out " + file + ": the directory " + parent + " does not exist");
        }
        Path temp = Files.createTempFile(parent, "." + absolute.getFileName(), ".partial");
        boolean done = false;
        try {
            int code;
            try (Writer w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                code = extract(repository, manifest, decoders, selection, w);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            return code;
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private int extract(Repository repository, Manifest manifest, List<Transformer> decoders,
                        GraphSelection selection, Writer w) throws IOException {
        long start = System.nanoTime();
        ExtractWriter writer = new ExtractWriter(w, format, orderBy, limit == null ? -1 : limit, sortBuffer,
                selection.relationships());
        try (SelectedGraphReader reader = SelectedGraphReader.open(repository, manifest, decoders, selection)) {
            writer.start();
            for (GraphRecord r = reader.next(); r != null; r = reader.next()) {
                if (r instanceof GraphRecord.Node n) {
                    writer.node(n);
                } else if (r instanceof GraphRecord.Relationship rel) {
                    writer.relationship(rel);
                }
            }
            writer.finish();
            say("Wrote " + writer.nodesWritten() + " nodes and " + writer.relationshipsWritten() + " relationships"
                    + " (of " + reader.nodesRead() + " nodes and " + reader.relationshipsRead() + " relationships in the"
                    + " backup; " + reader.nodesSelected() + " nodes selected) to " + (out.equals("-") ? "standard output"
                    : out) + " in " + (System.nanoTime() - start) / 1_000_000 + " ms; the backup's checksums matched");
            return ExitCodes.OK;
        }
    }

    /** Standard output must stay open after the writer over it is closed. */
    private static OutputStream nonClosing(OutputStream s) {
        return new java.io.FilterOutputStream(s) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
