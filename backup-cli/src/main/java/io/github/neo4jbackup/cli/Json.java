package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.PruneResult;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.health.Staleness;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.manifest.ManifestCodec;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.core.spi.ObjectKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The JSON documents {@code --json} prints: one per command, built from the library's result types. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The manifest in its documented on-disk format (docs/manifest.md). */
    static JsonNode manifest(Manifest m) {
        try {
            return MAPPER.readTree(ManifestCodec.write(m));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode backup(BackupResult r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", r.id());
        o.put("database", r.manifest().database());
        o.put("engine", r.manifest().source().type());
        o.put("dataKey", r.dataKey().value());
        o.put("manifestKey", r.manifestKey().value());
        o.put("rawSize", r.rawSize());
        o.put("storedSize", r.storedSize());
        o.put("storedSha256", r.storedSha256());
        o.put("durationMillis", r.duration().toMillis());
        o.set("counts", counts(r.counts()));
        o.put("suspect", r.manifest().isSuspect());
        o.set("prune", r.pruneResult().map(Json::prune).orElse(null));
        o.put("pruneFailure", r.pruneFailureMessage().orElse(null));
        o.set("manifest", manifest(r.manifest()));
        return o;
    }

    static ObjectNode copy(io.github.neo4jbackup.core.CopyResult r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", r.id());
        o.put("database", r.manifest().database());
        o.put("outcome", r.outcome().name());
        o.put("sourceKey", r.sourceKey().value());
        o.put("to", r.destination());
        o.put("destinationKey", r.destinationKey().value());
        o.put("storedSize", r.manifest().object().storedSize());
        o.put("storedSha256", r.manifest().object().storedSha256());
        o.put("bytesCopied", r.bytesCopied());
        o.put("durationMillis", millis(r.duration()));
        return o;
    }

    static ObjectNode list(String repository, List<Manifest> manifests, Staleness.Report staleness) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("repository", repository);
        o.put("count", manifests.size());
        ArrayNode arr = o.putArray("backups");
        manifests.forEach(m -> arr.add(manifest(m)));
        if (staleness != null) {
            o.set("staleness", staleness(staleness));
        }
        return o;
    }

    static ObjectNode staleness(Staleness.Report r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("ok", r.ok());
        o.put("newestId", r.newestId());
        o.put("finishedAt", instant(r.finishedAt()));
        if (r.age() == null) {
            o.putNull("ageSeconds");
        } else {
            o.put("ageSeconds", r.age().getSeconds());
        }
        o.put("size", r.size());
        o.put("reason", r.reason());
        return o;
    }

    static ObjectNode verify(VerifyReport r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", r.id());
        o.put("level", r.level().name());
        o.put("ok", r.ok());
        ArrayNode problems = o.putArray("problems");
        r.problems().forEach(problems::add);
        o.put("storedBytes", r.storedBytes());
        o.put("rawBytes", r.rawBytes());
        o.put("durationMillis", millis(r.duration()));
        return o;
    }

    static ObjectNode prune(PruneResult r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("dryRun", r.dryRun());
        o.set("kept", decisions(r.kept()));
        o.set("deleted", decisions(r.deleted()));
        ArrayNode orphans = o.putArray("orphans");
        r.orphans().forEach(k -> orphans.add(k.value()));
        o.put("incompleteRemoved", r.incompleteRemoved());
        return o;
    }

    private static ArrayNode decisions(List<PruneResult.Decision> decisions) {
        ArrayNode arr = MAPPER.createArrayNode();
        for (PruneResult.Decision d : decisions) {
            ObjectNode o = arr.addObject();
            o.put("id", d.id());
            o.put("database", d.database());
            o.put("createdAt", instant(d.createdAt()));
            ArrayNode reasons = o.putArray("reasons");
            d.reasons().forEach(reasons::add);
            ArrayNode keys = o.putArray("keys");
            d.keys().stream().map(ObjectKey::value).forEach(keys::add);
        }
        return arr;
    }

    static ObjectNode restore(RestoreResult r, String targetDatabase) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", r.manifest().id());
        o.put("engine", r.manifest().source().type());
        o.put("database", targetDatabase);
        o.put("rawBytes", r.rawBytes());
        o.put("durationMillis", millis(r.duration()));
        if (r.countsMatch() == null) {
            o.putNull("countsMatch");
        } else {
            o.put("countsMatch", r.countsMatch());
        }
        o.set("counts", counts(r.sinkResult().counts()));
        ObjectNode phases = o.putObject("phasesMillis");
        r.phases().forEach((name, d) -> phases.put(name, millis(d)));
        ObjectNode attributes = o.putObject("attributes");
        for (Map.Entry<String, String> e : r.sinkResult().attributes().entrySet()) {
            attributes.put(e.getKey(), e.getValue());
        }
        o.put("safetyBackupId", r.safetyBackupId());
        return o;
    }

    static ObjectNode unlock(String repository, io.github.neo4jbackup.core.lock.UnlockResult r, Instant now) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("repository", repository);
        ArrayNode removed = o.putArray("removed");
        r.removed().forEach(e -> removed.add(lockEntry(e, now)));
        ArrayNode kept = o.putArray("kept");
        r.kept().forEach(e -> kept.add(lockEntry(e, now)));
        return o;
    }

    private static ObjectNode lockEntry(io.github.neo4jbackup.core.lock.UnlockResult.Entry e, Instant now) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("key", e.lock().key().value());
        o.put("owner", e.lock().owner());
        o.put("host", e.lock().host());
        e.lock().process().ifPresent(p -> o.put("pid", p.pid()));
        o.put("operation", e.lock().operation());
        o.put("acquiredAt", e.lock().acquiredAt().toString());
        e.lock().heartbeatAt().ifPresent(h -> o.put("heartbeatAt", h.toString()));
        o.put("expiresAt", e.lock().expiresAt().toString());
        o.put("ageSeconds", e.lock().age(now).getSeconds());
        o.put("state", e.state().name());
        o.put("reason", e.state().reason());
        o.put("forced", e.forced());
        return o;
    }

    static ObjectNode error(Throwable failure, int exitCode) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("error", String.valueOf(failure.getMessage()));
        o.put("type", ExitCodes.type(failure));
        o.put("exitCode", exitCode);
        if (failure instanceof io.github.neo4jbackup.core.RestoreFailedException r && r.expected().isPresent()) {
            o.set("expected", counts(r.expected().get()));
            o.set("restored", counts(r.restored().orElse(GraphCounts.UNKNOWN)));
        }
        return o;
    }

    static ObjectNode counts(GraphCounts c) {
        ObjectNode o = MAPPER.createObjectNode();
        if (c == null || !c.known()) {
            o.putNull("nodes");
            o.putNull("relationships");
            return o;
        }
        o.put("nodes", c.nodes());
        o.put("relationships", c.relationships());
        return o;
    }

    private static String instant(Instant i) {
        return i == null ? null : i.toString();
    }

    private static long millis(Duration d) {
        return d == null ? 0 : d.toMillis();
    }
}
