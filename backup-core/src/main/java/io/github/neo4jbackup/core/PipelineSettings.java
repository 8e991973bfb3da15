package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.operation.Pruner;
import io.github.neo4jbackup.core.retention.RetentionPolicy;
import io.github.neo4jbackup.core.spi.BackupHook;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.Transformer;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The settings of a {@link BackupPipeline} and their fluent setters, which
 * {@link BackupPipeline.Builder} inherits: kept apart so that the pipeline's own file stays the
 * facade over the operations. Not thread-safe; not an API of its own.
 */
abstract class PipelineSettings {

    BackupSource source;
    final List<Transformer> transformers = new ArrayList<>();
    final List<Transformer> decoders = new ArrayList<>();
    StorageTarget target;
    KeyTemplate keyTemplate = KeyTemplate.of(KeyTemplate.DEFAULT);
    RetentionPolicy retention;
    final List<BackupListener> listeners = new ArrayList<>();
    Clock clock = Clock.systemUTC();
    final Map<String, String> labels = new TreeMap<>();
    final Map<String, String> metadata = new TreeMap<>();
    Duration lockStaleAfter;
    Duration lockRefreshInterval;
    Duration orphanGracePeriod = Duration.ofHours(24);
    VerifyLevel verifyAfterBackup = VerifyLevel.MANIFEST;
    String host;
    BackupHook hook;
    boolean recompress;
    ChangePolicy onChange = ChangePolicy.warn();
    Pruner.SafetyRetention safetyRetention = Pruner.SafetyRetention.DEFAULT;
    io.github.neo4jbackup.core.operation.ShrinkGuard shrinkGuard =
            io.github.neo4jbackup.core.operation.ShrinkGuard.NONE;

    /**
     * What to do when the source reports that the database changed during its export
     * (default {@link ChangePolicy#warn()}): keep it marked, fail, or export again.
     *
     * @param value the policy
     * @return this builder
     */
    public BackupPipeline.Builder onChange(ChangePolicy value) {
        this.onChange = Objects.requireNonNull(value, "onChange");
        return self();
    }


    /**
     * A hook run around the export, e.g. to stop and start a Community Edition database for
     * an offline dump (see {@link io.github.neo4jbackup.core.hook.BackupHooks}).
     *
     * @param value the hook, or {@code null} for none
     * @return this builder
     */
    public BackupPipeline.Builder hook(BackupHook value) {
        this.hook = value;
        return self();
    }

    /**
     * Whether compressing transformers also apply to sources whose output is already
     * compressed (default {@code false}: they are skipped, and the manifest says so).
     *
     * @param value {@code true} to compress anyway
     * @return this builder
     */
    public BackupPipeline.Builder recompressCompressedOutput(boolean value) {
        this.recompress = value;
        return self();
    }

    /**
     * The source to back up (required for {@link #backup()}, optional otherwise).
     *
     * @param value the source
     * @return this builder
     */
    public BackupPipeline.Builder source(BackupSource value) {
        this.source = Objects.requireNonNull(value, "source");
        return self();
    }

    /**
     * Appends a transformer to the chain (applied in the order added when writing).
     *
     * @param value the transformer
     * @return this builder
     */
    public BackupPipeline.Builder transform(Transformer value) {
        transformers.add(Objects.requireNonNull(value, "transformer"));
        return self();
    }

    /**
     * Replaces the transformer chain.
     *
     * @param values the transformers in encoding order
     * @return this builder
     */
    public BackupPipeline.Builder transformers(List<Transformer> values) {
        transformers.clear();
        values.forEach(this::transform);
        return self();
    }

    /**
     * Registers a transformer used only to decode backups whose manifest names its id (for
     * example an encryption transformer holding the decryption key).
     *
     * @param value the transformer
     * @return this builder
     */
    public BackupPipeline.Builder decoder(Transformer value) {
        decoders.add(Objects.requireNonNull(value, "decoder"));
        return self();
    }

    /**
     * The store (required).
     *
     * @param value the target
     * @return this builder
     */
    public BackupPipeline.Builder target(StorageTarget value) {
        this.target = Objects.requireNonNull(value, "target");
        return self();
    }

    /**
     * The key template; default {@value KeyTemplate#DEFAULT}.
     *
     * @param value the template
     * @return this builder
     */
    public BackupPipeline.Builder keyTemplate(String value) {
        this.keyTemplate = KeyTemplate.of(value);
        return self();
    }

    /**
     * The retention policy applied after each backup and by {@link #prune(boolean)}.
     *
     * @param value the policy, or {@code null} for none
     * @return this builder
     */
    public BackupPipeline.Builder retention(RetentionPolicy value) {
        this.retention = value;
        return self();
    }

    /**
     * Adds a listener.
     *
     * @param value the listener
     * @return this builder
     */
    public BackupPipeline.Builder listener(BackupListener value) {
        listeners.add(Objects.requireNonNull(value, "listener"));
        return self();
    }

    /**
     * The clock (for tests and for backups stamped with another time source).
     *
     * @param value the clock
     * @return this builder
     */
    public BackupPipeline.Builder clock(Clock value) {
        this.clock = Objects.requireNonNull(value, "clock");
        return self();
    }

    /**
     * Adds a label recorded in the manifest and usable as {@code {name}} in the key template.
     *
     * @param name  the label name
     * @param value the label value (at most {@value #MAX_LABEL_VALUE_CHARS} characters)
     * @return this builder
     * @throws InvalidInputException when the name is invalid or the name or value is too long
     */
    public BackupPipeline.Builder label(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        LabelLimits.checkLabelName(name);
        LabelLimits.checkSize("label", name, value);
        labels.put(name, value);
        return self();
    }

    /**
     * Adds free-form metadata recorded in the manifest (never put secrets here).
     *
     * @param name  the key (at most {@value #MAX_LABEL_NAME_CHARS} characters)
     * @param value the value (at most {@value #MAX_LABEL_VALUE_CHARS} characters)
     * @return this builder
     * @throws InvalidInputException when the name or value is too long
     */
    public BackupPipeline.Builder metadata(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        LabelLimits.checkSize("metadata", name, value);
        metadata.put(name, value);
        return self();
    }

    /**
     * How old a lock's heartbeat may get before another run may take the lock over (default:
     * five refresh intervals, at least 5 minutes). The holder's heartbeat rewrites its lock every
     * {@link #lockRefreshInterval(Duration) refresh interval}; a lock whose holder ran on the same
     * host and no longer runs is taken over at once, whatever its age. Must be at least twice the
     * refresh interval.
     *
     * @param value the duration
     * @return this builder
     */
    public BackupPipeline.Builder lockStaleAfter(Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new InvalidInputException("lockStaleAfter must be a positive duration");
        }
        this.lockStaleAfter = value;
        return self();
    }

    /**
     * How often a running backup or prune rewrites its lock (its heartbeat; default 1 minute, or
     * a fifth of {@link #lockStaleAfter(Duration)} when only that is set). A run whose heartbeat
     * cannot be written until the lock could be taken for stale stops rather than overlap.
     *
     * @param value the interval
     * @return this builder
     */
    public BackupPipeline.Builder lockRefreshInterval(Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new InvalidInputException("lockRefreshInterval must be a positive duration");
        }
        this.lockRefreshInterval = value;
        return self();
    }

    /**
     * How old a data object without a manifest must be before prune removes it (default 24 hours).
     *
     * @param value the duration
     * @return this builder
     */
    public BackupPipeline.Builder orphanGracePeriod(Duration value) {
        if (value == null || value.isNegative()) {
            throw new InvalidInputException("orphanGracePeriod must not be negative");
        }
        this.orphanGracePeriod = value;
        return self();
    }

    /**
     * How a new backup is checked before its manifest is written: {@link VerifyLevel#MANIFEST}
     * (default: size, and the stored hash where the store keeps one) or {@link VerifyLevel#FULL}
     * (read the object back and decode it).
     *
     * @param value the level
     * @return this builder
     */
    public BackupPipeline.Builder verifyAfterBackup(VerifyLevel value) {
        this.verifyAfterBackup = Objects.requireNonNull(value, "verifyAfterBackup");
        return self();
    }

    /**
     * How retention treats safety backups (taken before restores): by default the 3 newest of
     * each database are kept apart from the rules and older ones are deleted.
     *
     * @param keep          how many safety backups of a database to keep
     * @param includeSafety {@code true} to let the rules treat them like any other backup instead
     * @return this builder
     * @throws InvalidInputException when {@code keep} is negative
     */
    public BackupPipeline.Builder safetyRetention(int keep, boolean includeSafety) {
        this.safetyRetention = new Pruner.SafetyRetention(keep, includeSafety);
        return self();
    }

    /**
     * Guards against backing up a wiped or truncated graph: a new backup that fails the guard
     * is still committed, but its manifest is marked suspect with the reasons and retention is
     * not applied in that run (see {@link io.github.neo4jbackup.core.operation.ShrinkGuard}).
     *
     * @param value the guard ({@link io.github.neo4jbackup.core.operation.ShrinkGuard#NONE} by default)
     * @return this builder
     */
    public BackupPipeline.Builder shrinkGuard(io.github.neo4jbackup.core.operation.ShrinkGuard value) {
        this.shrinkGuard = Objects.requireNonNull(value, "shrinkGuard");
        return self();
    }

    /**
     * The host name recorded in manifests and locks (default: the local host name).
     *
     * @param value the host name
     * @return this builder
     */
    public BackupPipeline.Builder host(String value) {
        this.host = Objects.requireNonNull(value, "host");
        return self();
    }

    /**
     * This builder, as the type the setters return.
     *
     * @return this
     */
    abstract BackupPipeline.Builder self();
}
