package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.export.cypher.merge.MergeConflict;
import io.github.neo4jbackup.export.cypher.merge.MergeRestore;
import io.github.neo4jbackup.export.cypher.merge.MergeResult;
import io.github.neo4jbackup.export.cypher.merge.OnConflict;
import io.github.neo4jbackup.export.cypher.select.GraphSelection;
import io.github.neo4jbackup.export.cypher.select.RelationshipScope;
import org.neo4j.driver.Driver;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The selective restore flags of {@code restore} ({@code --graphiti-group}, {@code --merge-on},
 * {@code --on-conflict}, {@code --dry-run}) and the run they select: a {@link MergeRestore} of the
 * selected subgraph into a live database instead of a full restore. See {@code docs/selective-restore.md}.
 */
final class MergeRestoreOptions {

    @Mixin
    SelectOptions select = new SelectOptions();

    @Option(names = "--merge-on", paramLabel = "KEY",
            description = "Selective restore: the node property the selected nodes are matched on (default with "
                    + "--graphiti-group: uuid; required otherwise). It must have a uniqueness constraint (or an index) in the database.")
    String mergeOn;

    @Option(names = "--on-conflict", paramLabel = "keep|overwrite",
            description = "Selective restore: what to do with selected nodes that exist with other content. Without it "
                    + "such conflicts are listed, nothing is written and the exit code is 3.")
    String onConflict;

    @Option(names = "--dry-run", description = "Selective restore: only say what would be created, left alone and in "
            + "conflict; write nothing.")
    boolean dryRun;

    @Option(names = "--list-conflicts", paramLabel = "N", defaultValue = "20",
            description = "Selective restore: how many conflicts to list (default: ${DEFAULT-VALUE}).")
    int listConflicts;

    /** Whether any selective restore flag was given. */
    boolean active() {
        return select.any() || mergeOn != null || onConflict != null || dryRun;
    }

    /** Runs the selective restore for the restore command; returns the exit code. */
    int run(RestoreCommand command, Resources res, BackupPipeline pipeline, Manifest manifest, String db) {
        if (!select.any()) {
            throw CliException.usage("A selective restore needs a selection: --graphiti-group G (the nodes of one "
                    + "Graphiti group) or --label/--where/--where-in/--where-range with --merge-on KEY. --merge-on, "
                    + "--on-conflict and --dry-run apply to it.");
        }
        if (mergeOn == null && select.graphitiGroup == null) {
            throw CliException.usage("A selective restore of --label/--where selections needs --merge-on KEY: the node "
                    + "property (with a uniqueness constraint) that identifies a node in both the backup and the database");
        }
        if (command.wipe || command.engine != null || command.writers != null || command.admin.any()
                || command.safety != null || !command.safetyRecipients.isEmpty()) {
            throw CliException.usage("A selective restore (--graphiti-group, --label, --where...) merges into the "
                    + "live database and cannot be combined with --wipe, --engine, --writers, the admin options or the safety backup options");
        }
        GraphSelection selection = select.selection(RelationshipScope.BOTH_ENDS);
        if (selection.relationships() != RelationshipScope.BOTH_ENDS) {
            throw CliException.usage("A selective restore takes the relationships whose both ends are selected; "
                    + "--relationships " + select.relationships + " applies to extract only");
        }
        OnConflict policy = policy();
        try {
            MergeRestore.requireDriverBackup(manifest);
        } catch (InvalidInputException e) {
            throw CliException.usage(e.getMessage(), e);
        }
        URI uri = res.neo4jUri(command.uri, "--uri");
        String where = "database '" + db + "' at " + Resources.redact(uri.toString());
        Driver driver = res.driver(uri, command.credentials);
        MergeRestore merge;
        try {
            merge = MergeRestore.builder(driver).database(db).select(selection)
                    .mergeOn(mergeOn == null ? MergeRestore.GRAPHITI_KEY : mergeOn).onConflict(policy)
                    .dryRun(dryRun).listConflicts(listConflicts).build();
        } catch (InvalidInputException e) {
            throw CliException.usage(e.getMessage(), e);
        }
        if (!dryRun) {
            confirm(command, manifest, where);
        }
        command.say((dryRun ? "Checking" : "Merging") + " " + describe(selection) + " of backup "
                + manifest.id() + " into " + where + " on key '" + merge.mergeKey() + "'");
        MergeResult result = merge.restore(pipeline, manifest);
        report(command, result);
        if (command.json) {
            command.printJson(json(result, manifest, select.graphitiGroup, selection));
        }
        return switch (result.outcome()) {
            case APPLIED -> ExitCodes.OK;
            case DRY_RUN -> result.problems().isEmpty() ? ExitCodes.OK : ExitCodes.VERIFICATION;
            case REFUSED -> ExitCodes.VERIFICATION;
            case FAILED -> ExitCodes.FAILED;
        };
    }

    private String describe(GraphSelection selection) {
        if (select.graphitiGroup != null && selection.labels().isEmpty() && selection.conditions().size() == 1) {
            return "Graphiti group '" + select.graphitiGroup + "'";
        }
        return "the selection " + selection;
    }

    private OnConflict policy() {
        if (onConflict == null) {
            return OnConflict.REFUSE;
        }
        return switch (onConflict.toLowerCase(Locale.ROOT)) {
            case "keep" -> OnConflict.KEEP;
            case "overwrite" -> OnConflict.OVERWRITE;
            default -> throw CliException.usage("--on-conflict must be keep or overwrite, was '" + onConflict + "'");
        };
    }

    private static void confirm(RestoreCommand command, Manifest manifest, String where) {
        if (command.yes) {
            return;
        }
        if (!command.ctx().interactive()) {
            throw CliException.usage("Refusing to merge without confirmation: no terminal to ask on. Pass --yes to "
                    + "confirm merging from backup " + manifest.id() + " into " + where + " (or --dry-run to check)");
        }
        String answer = command.ctx().prompt().apply("Merge the selection of backup " + manifest.id() + " into "
                + where + " (nothing outside the selection is changed)? Type 'yes' to continue: ");
        if (answer == null || !answer.strip().equalsIgnoreCase("yes")) {
            throw CliException.usage("Merge cancelled: the answer was not 'yes' (pass --yes to skip the question)");
        }
    }

    private static void report(RestoreCommand command, MergeResult r) {
        command.say(r.summary());
        if (r.conflictCount() > 0) {
            command.say(r.conflictCount() + " conflicts" + (r.conflicts().size() < r.conflictCount()
                    ? " (the first " + r.conflicts().size() + ")" : "") + ":");
            for (MergeConflict c : r.conflicts()) {
                command.say("  " + c);
            }
        }
        r.warnings().forEach(w -> command.say("Warning: " + w));
        r.problems().forEach(p -> command.say((r.outcome() == MergeResult.Outcome.FAILED ? "Error: " : "Refused: ") + p));
        if (!r.constraintSuggestions().isEmpty()) {
            command.say("Suggested constraints:");
            r.constraintSuggestions().forEach(s -> command.say("  " + s + ";"));
        }
    }

    static ObjectNode json(MergeResult r, Manifest manifest, String group, GraphSelection selection) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", manifest.id());
        o.put("mode", "merge");
        o.put("outcome", r.outcome().name().toLowerCase(Locale.ROOT));
        o.put("database", r.database());
        if (group != null) {
            o.put("graphitiGroup", group);
        }
        o.put("selection", selection.toString());
        o.put("mergeKey", r.mergeKey());
        o.put("onConflict", r.onConflict().name().toLowerCase(Locale.ROOT));
        o.put("durationMillis", r.duration().toMillis());
        ObjectNode nodes = o.putObject("nodes");
        nodes.put("selected", r.selectedNodes());
        nodes.put("created", r.nodesCreated());
        nodes.put("unchanged", r.nodesUnchanged());
        nodes.put("conflicts", r.conflictCount());
        nodes.put("overwritten", r.nodesOverwritten());
        nodes.put("kept", r.nodesKept());
        nodes.put("withoutKey", r.nodesWithoutKey());
        nodes.put("duplicateKeysInBackup", r.duplicateKeysInBackup());
        nodes.put("duplicateKeysInTarget", r.duplicateKeysInTarget());
        ObjectNode rels = o.putObject("relationships");
        rels.put("selected", r.selectedRelationships());
        rels.put("created", r.relationshipsCreated());
        rels.put("unchanged", r.relationshipsUnchanged());
        rels.put("withoutEnds", r.relationshipsWithoutEnds());
        ArrayNode conflicts = o.putArray("conflicts");
        for (MergeConflict c : r.conflicts()) {
            ObjectNode n = conflicts.addObject();
            n.put("key", c.key());
            strings(n.putArray("labels"), c.backupLabels());
            strings(n.putArray("targetLabels"), c.targetLabels());
            strings(n.putArray("differentProperties"), c.differentProperties());
        }
        strings(o.putArray("problems"), r.problems());
        strings(o.putArray("warnings"), r.warnings());
        strings(o.putArray("constraintSuggestions"), r.constraintSuggestions());
        return o;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
