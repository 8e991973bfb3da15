package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupPlan;
import io.github.neo4jbackup.core.PruneResult;
import io.github.neo4jbackup.core.lock.LockInfo;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.export.admin.DatabaseInfo;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.exceptions.Neo4jException;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code backup --dry-run}: checks what a backup needs and prints its plan, writing nothing. Per
 * database: the source answers (driver/apoc: a Bolt session and the node and relationship counts;
 * admin: {@code neo4j-admin database info}), the repository can be used (a local directory's
 * permissions; an S3 target's access check, a listing, when it is opened), its lock is free (read, not
 * taken), then {@link BackupPipeline#plan()}.
 */
final class BackupDryRun {

    /** Bytes per node of a logical export without its properties: the floor the estimate starts from. */
    static final long BYTES_PER_NODE = 100;
    /** Bytes per relationship of a logical export without its properties. */
    static final long BYTES_PER_RELATIONSHIP = 60;

    private final BackupCommand command;
    private final Resources res;

    BackupDryRun(BackupCommand command, Resources res) {
        this.command = command;
        this.res = res;
    }

    /**
     * Plans a backup of each database.
     *
     * @param databases the databases
     * @return the exit code: 0 when every check passed
     * @throws CliException exit 4 when a live run holds a lock; 1/2 when the source or target cannot be used
     */
    int run(List<String> databases) {
        List<ObjectNode> plans = new ArrayList<>();
        for (String db : databases) {
            BackupPipeline pipeline = command.pipeline(res, List.of(), false, db, true);
            Engine engine = command.resolvedEngine;
            ObjectNode source = checkSource(db, engine);
            String writable = checkWritable(pipeline.target());
            BackupPlan plan = pipeline.plan();
            LockInfo holder = plan.lockHolder().orElse(null);
            if (holder != null) {
                throw new CliException(ExitCodes.LOCKED, "LockHeld", "The repository lock of database '" + db
                        + "' on " + plan.repository() + " is held by a live run: " + holder.describe(Instant.now())
                        + ". A backup now would fail; wait for that run to finish (nothing was written)", null);
            }
            ObjectNode json = json(plan, engine, source, writable);
            plans.add(json);
            if (!command.json) {
                print(plan, engine, source, writable);
            }
        }
        if (command.json) {
            if (plans.size() == 1) {
                command.printJson(plans.get(0));
            } else {
                ObjectNode all = Json.MAPPER.createObjectNode();
                all.put("dryRun", true);
                all.putArray("plans").addAll(plans);
                command.printJson(all);
            }
        }
        return ExitCodes.OK;
    }

    /** Contacts the source; the returned object says what was found (counts, or neo4j-admin's info). */
    private ObjectNode checkSource(String db, Engine engine) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        if (engine.usesDriver()) {
            Driver driver = res.driver(res.neo4jUri(command.uri, "--uri"), command.credentials);
            try (Session session = driver.session(SessionConfig.forDatabase(db))) {
                long nodes = session.run("MATCH (n) RETURN count(n) AS c").single().get("c").asLong();
                long relationships = session.run("MATCH ()-[r]->() RETURN count(r) AS c").single().get("c").asLong();
                o.put("nodes", nodes);
                o.put("relationships", relationships);
                o.put("estimatedRawBytes", nodes * BYTES_PER_NODE + relationships * BYTES_PER_RELATIONSHIP);
            } catch (Neo4jException e) {
                throw CliException.failed("Cannot read database '" + db + "' over Bolt (" + e.getMessage()
                        + "): check the database name (--database) and that the user may read it", e);
            }
        } else {
            DatabaseInfo info;
            try {
                info = res.admin(command.admin).databaseInfo(db);
            } catch (CliException e) {
                throw e;
            } catch (RuntimeException e) {
                throw CliException.failed("neo4j-admin cannot describe database '" + db + "' (" + e.getMessage()
                        + "): check --neo4j-home or --admin-command and that neo4j-admin runs as the user owning the"
                        + " store", e);
            }
            o.put("storeFormat", info.storeFormat());
            o.put("inUse", info.inUse());
            o.put("lastCommittedTransaction", info.lastCommittedTransaction());
            o.put("recoveryRequired", info.recoveryRequired());
        }
        return o;
    }

    /** Checks that a backup could write to the target, writing nothing; returns what was checked. */
    private static String checkWritable(StorageTarget target) {
        if (target instanceof LocalStorageTarget local) {
            Path root = local.root();
            if (!Files.isDirectory(root) || !Files.isWritable(root)) {
                throw CliException.usage("--to '" + root.toAbsolutePath() + "' is not a writable directory: check the"
                        + " path and its permissions (a dry run does not create a repository)");
            }
            return "directory is writable";
        }
        return "reachable and listable; write permission is not tested without writing";
    }

    private static ObjectNode json(BackupPlan plan, Engine engine, ObjectNode source, String writable) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("dryRun", true);
        o.put("engine", engine.name());
        o.put("sourceType", plan.sourceType());
        o.put("database", plan.database());
        o.put("repository", plan.repository());
        o.put("target", writable);
        o.put("lock", "free");
        o.put("id", plan.id());
        o.put("dataKey", plan.dataKey().value());
        o.set("source", source);
        if (source.has("estimatedRawBytes")) {
            o.put("sizeIsEstimate", true);
        }
        ArrayNode transformers = o.putArray("transformers");
        plan.transformers().forEach(transformers::add);
        ArrayNode skipped = o.putArray("skippedTransformers");
        plan.skippedTransformers().forEach(skipped::add);
        if (plan.retention().isPresent()) {
            o.set("retention", Json.prune(plan.retention().get()));
        } else {
            o.putNull("retention");
        }
        return o;
    }

    private void print(BackupPlan plan, Engine engine, ObjectNode source, String writable) {
        PrintStream out = command.ctx().out();
        out.println("Dry run: nothing was written.");
        out.println("  database:     " + plan.database());
        out.println("  engine:       " + engine.name() + " (" + plan.sourceType() + ")");
        if (source.has("nodes")) {
            out.println("  source:       reachable; " + source.get("nodes").asLong() + " nodes, "
                    + source.get("relationships").asLong() + " relationships");
            out.println("  size:         about " + ProgressListener.bytes(source.get("estimatedRawBytes").asLong())
                    + " before compression (an estimate from the counts, without properties; the real size"
                    + " depends on the properties)");
        } else {
            out.println("  source:       neo4j-admin database info readable; store format "
                    + source.get("storeFormat").asText() + (source.get("inUse").asBoolean() ? ", in use" : ""));
            out.println("  size:         no estimate (neo4j-admin gives no counts)");
        }
        out.println("  repository:   " + plan.repository() + " (" + writable + "; lock free)");
        out.println("  backup id:    " + plan.id());
        out.println("  data key:     " + plan.dataKey().value());
        out.println("  transformers: " + (plan.transformers().isEmpty() ? "none" : String.join(" -> ",
                plan.transformers())) + (plan.skippedTransformers().isEmpty() ? ""
                : " (skipped, output already compressed: " + String.join(", ", plan.skippedTransformers()) + ")"));
        if (plan.retention().isEmpty()) {
            out.println("  retention:    no policy: nothing would be deleted");
        } else {
            PruneResult r = plan.retention().get();
            List<String> deleted = r.deleted().stream().map(PruneResult.Decision::id).toList();
            out.println("  retention:    would keep " + r.kept().size() + " and delete " + deleted.size()
                    + (deleted.isEmpty() ? "" : " (" + String.join(", ", deleted) + ")")
                    + (r.orphans().isEmpty() ? "" : "; " + r.orphans().size() + " orphaned objects")
                    + " now, before the new backup is counted");
        }
        out.flush();
    }
}
