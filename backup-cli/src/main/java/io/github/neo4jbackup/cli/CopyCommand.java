package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.BackupNotFoundException;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.CopyResult;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.StorageTarget;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code neo4j-backup copy}: copies backups from one repository into another, as they are stored. */
@Command(name = "copy", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Copy backups from one repository into another (local <-> S3, S3 <-> S3) as they are stored:",
                "encrypted backups stay encrypted and need no key. Each copy is checked while it is read and read back",
                "once written; its manifest is written last and records where it came from. A backup the destination",
                "already holds with the same bytes is skipped; the same id with other bytes is refused (exit 2).",
                "The --s3-* options are the source's, the --to-s3-* options the destination's."})
final class CopyCommand extends AbstractCommand {

    @Option(names = "--from", required = true, paramLabel = "TARGET",
            description = "Repository to copy from: a directory, a file: URI or s3://bucket/prefix.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "TARGET",
            description = "Repository to copy into (a missing local directory is created).")
    String to;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Selection selection;

    @Option(names = "--database", paramLabel = "DB",
            description = "Only this database's backups (--latest, --all; default: NEO4J_DATABASE, else all).")
    String database;

    @Option(names = "--to-key-template", paramLabel = "TEMPLATE",
            description = "Key template of the destination (default: --key-template, else the default template).")
    String toKeyTemplate;

    @Mixin
    Options.S3 s3;

    @Mixin
    Options.DestinationS3 toS3;

    @Option(names = "--dry-run", description = "Only say what would be copied; write nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print what was copied as one JSON document on stdout.")
    boolean json;

    /** {@code --id ID | --latest | --all}. */
    static final class Selection {
        @Option(names = "--id", paramLabel = "ID", required = true, description = "The backup id (see list).")
        String id;

        @Option(names = "--latest", required = true, description = "The newest backup (of --database).")
        boolean latest;

        @Option(names = "--all", required = true, description = "Every backup (of --database), oldest first.")
        boolean all;
    }

    @Override
    boolean json() {
        return json;
    }

    @Override
    public Integer call() {
        try (Resources res = new Resources(ctx())) {
            StorageTarget source = res.target(from, "--from", s3, false);
            StorageTarget destination = res.target(to, "--to", toS3.asS3(), true);
            BackupPipeline fromPipeline = pipeline(source).build();
            BackupPipeline toPipeline = destination(destination, toKeyTemplate, layout.keyTemplate);
            String db = database(database, null);
            List<Manifest> chosen = choose(fromPipeline, db);
            Copies copies = new Copies(source.describe(), destination.describe(), dryRun);
            for (Manifest m : chosen) {
                try {
                    CopyResult r = fromPipeline.copy(m, toPipeline, dryRun);
                    copies.done(r);
                    say(Copies.line(r));
                } catch (BackupException e) {
                    copies.failed(m.id(), e);
                    say("FAILED to copy " + m.id() + " to " + destination.describe() + ": " + e.getMessage());
                }
            }
            say(copies.summary());
            if (json) {
                printJson(copies.json());
            }
            return copies.exitCode();
        }
    }

    private List<Manifest> choose(BackupPipeline pipeline, String db) {
        if (selection.id != null) {
            return List.of(pipeline.find(selection.id));
        }
        List<Manifest> all = pipeline.list(db);
        if (all.isEmpty()) {
            throw new BackupNotFoundException("No backup" + (db == null ? "" : " of database '" + db + "'") + " on "
                    + pipeline.target().describe() + " to copy");
        }
        if (selection.latest) {
            return List.of(all.get(0));
        }
        List<Manifest> oldestFirst = new ArrayList<>(all);
        java.util.Collections.reverse(oldestFirst);
        return oldestFirst;
    }

    /** A pipeline over a copy destination with its own key template, else the command's, else the default. */
    static BackupPipeline destination(StorageTarget target, String template, String fallback) {
        BackupPipeline.Builder b = BackupPipeline.builder().target(target);
        String chosen = template != null ? template : fallback;
        if (chosen != null) {
            try {
                b.keyTemplate(chosen);
            } catch (io.github.neo4jbackup.core.InvalidInputException e) {
                throw CliException.usage((template != null ? "--to-key-template: " : "--key-template: ")
                        + e.getMessage(), e);
            }
        }
        return b.build();
    }

    /** What a run of copies did, for the summary line, the JSON document and the exit code. */
    static final class Copies {
        private final String from;
        private final String to;
        private final boolean dryRun;
        private final List<CopyResult> done = new ArrayList<>();
        private final List<ObjectNode> failures = new ArrayList<>();
        private int exitCode = ExitCodes.OK;

        Copies(String from, String to, boolean dryRun) {
            this.from = from;
            this.to = to;
            this.dryRun = dryRun;
        }

        void done(CopyResult r) {
            done.add(r);
        }

        void failed(String id, BackupException e) {
            int code = ExitCodes.of(e);
            if (exitCode == ExitCodes.OK) {
                exitCode = code;
            }
            ObjectNode o = Json.error(e, code);
            o.put("id", id);
            o.put("to", to);
            failures.add(o);
        }

        int exitCode() {
            return exitCode;
        }

        boolean ok() {
            return failures.isEmpty();
        }

        static String line(CopyResult r) {
            return switch (r.outcome()) {
                case COPIED -> "copied " + r.id() + " -> " + r.destination() + " " + r.destinationKey() + " ("
                        + ProgressListener.bytes(r.bytesCopied()) + ", read back, in " + r.duration().toMillis() + " ms)";
                case ALREADY_PRESENT -> "skipped " + r.id() + ": already in " + r.destination() + " with the same bytes ("
                        + r.destinationKey() + ")";
                case WOULD_COPY -> "would copy " + r.id() + " -> " + r.destination() + " " + r.destinationKey() + " ("
                        + ProgressListener.bytes(r.manifest().object().storedSize()) + ")";
            };
        }

        String summary() {
            long copied = done.stream().filter(r -> r.outcome() == CopyResult.Outcome.COPIED).count();
            long skipped = done.stream().filter(r -> r.outcome() == CopyResult.Outcome.ALREADY_PRESENT).count();
            long would = done.stream().filter(r -> r.outcome() == CopyResult.Outcome.WOULD_COPY).count();
            return (dryRun ? "Dry run: would copy " + would : "Copied " + copied) + ", already present " + skipped
                    + (failures.isEmpty() ? "" : ", FAILED " + failures.size()) + " (" + from + " -> " + to + ")";
        }

        ObjectNode json() {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("from", from);
            o.put("to", to);
            o.put("dryRun", dryRun);
            o.put("ok", failures.isEmpty());
            ArrayNode copies = o.putArray("copies");
            for (CopyResult r : done) {
                copies.add(Json.copy(r));
            }
            ArrayNode failed = o.putArray("failures");
            failures.forEach(failed::add);
            return o;
        }
    }
}
