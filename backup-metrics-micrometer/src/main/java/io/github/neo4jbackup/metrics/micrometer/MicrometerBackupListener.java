package io.github.neo4jbackup.metrics.micrometer;

import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.PruneResult;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link BackupListener} that publishes metrics to a Micrometer {@link MeterRegistry}.
 *
 * <pre>{@code
 * BackupPipeline pipeline = BackupPipeline.builder()
 *         ...
 *         .label("tier", "hourly")
 *         .listener(MicrometerBackupListener.builder(registry).build())
 *         .build();
 * }</pre>
 *
 * <p>Meters (names in Micrometer's dotted form; a Prometheus registry renders
 * {@code neo4j.backup.last.success} as {@code neo4j_backup_last_success_seconds}). Every backup meter
 * is tagged {@code database} and {@code tier}; the tier is the manifest label named by
 * {@link Builder#tierLabel(String)} (default {@code tier}), else the {@linkplain Builder#defaultTier(String)
 * default tier} ({@code none}).
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>extra tags</th><th>meaning</th></tr>
 * <tr><td>{@code neo4j.backup.last.success}</td><td>gauge, seconds</td><td></td><td>epoch time of the last committed backup (alert on {@code time() - x > 26h})</td></tr>
 * <tr><td>{@code neo4j.backup.duration}</td><td>timer</td><td>{@code outcome}</td><td>how long backups took, successful or failed</td></tr>
 * <tr><td>{@code neo4j.backup.stored.size}</td><td>gauge, bytes</td><td></td><td>stored (compressed) size of the last backup</td></tr>
 * <tr><td>{@code neo4j.backup.raw.size}</td><td>gauge, bytes</td><td></td><td>raw (exported) size of the last backup</td></tr>
 * <tr><td>{@code neo4j.backup.failures}</td><td>counter</td><td>{@code error}</td><td>failed backups, by exception type</td></tr>
 * <tr><td>{@code neo4j.backup.restores}</td><td>counter</td><td>{@code outcome}</td><td>restores completed or failed</td></tr>
 * <tr><td>{@code neo4j.backup.restore.duration}</td><td>timer</td><td></td><td>how long completed restores took</td></tr>
 * <tr><td>{@code neo4j.backup.verifications}</td><td>counter</td><td>{@code level}, {@code outcome}</td><td>verifications passed or failed</td></tr>
 * <tr><td>{@code neo4j.backup.pruned}</td><td>counter</td><td></td><td>backups deleted by retention (not dry runs)</td></tr>
 * <tr><td>{@code neo4j.backup.prune.failures}</td><td>counter</td><td></td><td>failed retention runs</td></tr>
 * </table>
 *
 * <p>Restore and verification events carry a backup id but not always its database: the listener
 * remembers the database and tier of backups it saw (and of restored manifests), and tags
 * {@code unknown} otherwise. The listener never throws; instances are thread-safe.
 */
public final class MicrometerBackupListener implements BackupListener {

    /** The tag value used when the database or tier of an event is not known. */
    public static final String UNKNOWN = "unknown";

    private static final int REMEMBERED_IDS = 1024;

    private final MeterRegistry registry;
    private final String prefix;
    private final String tierLabel;
    private final String defaultTier;
    private final Tags commonTags;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final Map<String, Origin> origins = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Origin> eldest) {
            return size() > REMEMBERED_IDS;
        }
    });
    private final Map<String, String> lastTierOfDatabase = new ConcurrentHashMap<>();
    private final Map<Origin, LastBackup> gauges = new ConcurrentHashMap<>();

    private record Origin(String database, String tier) {
    }

    private record Running(String database, long startNanos) {
    }

    /** The values behind the per-database gauges. */
    private static final class LastBackup {
        final AtomicLong successEpochMillis = new AtomicLong(0);
        final AtomicLong storedSize = new AtomicLong(0);
        final AtomicLong rawSize = new AtomicLong(0);
    }

    private MicrometerBackupListener(Builder b) {
        this.registry = b.registry;
        this.prefix = b.prefix;
        this.tierLabel = b.tierLabel;
        this.defaultTier = b.defaultTier;
        this.commonTags = b.tags;
    }

    /**
     * A listener with the default settings (prefix {@code neo4j.backup}, tier label {@code tier}).
     *
     * @param registry the registry to publish to
     * @return the listener
     */
    public static MicrometerBackupListener of(MeterRegistry registry) {
        return builder(registry).build();
    }

    /**
     * Starts a builder.
     *
     * @param registry the registry to publish to
     * @return the builder
     */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    private String name(String suffix) {
        return prefix + "." + suffix;
    }

    private Tags tags(Origin origin) {
        return commonTags.and(Tag.of("database", origin.database()), Tag.of("tier", origin.tier()));
    }

    private String tierOf(Manifest manifest) {
        String tier = manifest.labels().get(tierLabel);
        return tier == null || tier.isBlank() ? defaultTier : tier;
    }

    private Origin originOf(String id, String databaseIfKnown) {
        Origin known = id == null ? null : origins.get(id);
        if (known != null) {
            return known;
        }
        if (databaseIfKnown != null) {
            return new Origin(databaseIfKnown, lastTierOfDatabase.getOrDefault(databaseIfKnown, defaultTier));
        }
        return new Origin(UNKNOWN, defaultTier);
    }

    private LastBackup gaugesFor(Origin origin) {
        return gauges.computeIfAbsent(origin, o -> {
            LastBackup state = new LastBackup();
            Tags t = tags(o);
            Gauge.builder(name("last.success"), state, s -> s.successEpochMillis.get() / 1000.0)
                    .description("Epoch time of the last committed backup").baseUnit("seconds").tags(t)
                    .strongReference(true).register(registry);
            Gauge.builder(name("stored.size"), state, s -> s.storedSize.get())
                    .description("Stored (encoded) size of the last committed backup").baseUnit("bytes").tags(t)
                    .strongReference(true).register(registry);
            Gauge.builder(name("raw.size"), state, s -> s.rawSize.get())
                    .description("Raw (exported) size of the last committed backup").baseUnit("bytes").tags(t)
                    .strongReference(true).register(registry);
            return state;
        });
    }

    private Timer backupTimer(Origin origin, String outcome) {
        return Timer.builder(name("duration")).description("How long backups took")
                .tags(tags(origin)).tag("outcome", outcome).register(registry);
    }

    @Override
    public void backupStarted(String id, String database, ObjectKey dataKey) {
        running.put(id, new Running(database, System.nanoTime()));
    }

    @Override
    public void backupCommitted(BackupResult result) {
        running.remove(result.id());
        Manifest m = result.manifest();
        Origin origin = new Origin(m.database(), tierOf(m));
        origins.put(result.id(), origin);
        lastTierOfDatabase.put(m.database(), origin.tier());
        LastBackup state = gaugesFor(origin);
        state.storedSize.set(result.storedSize());
        state.rawSize.set(result.rawSize());
        state.successEpochMillis.set(m.finishedAt().toEpochMilli());
        backupTimer(origin, "success").record(result.duration());
    }

    @Override
    public void backupFailed(String id, BackupException failure) {
        Running run = running.remove(id);
        Origin origin = originOf(null, run == null ? null : run.database());
        gaugesFor(origin); // the gauges exist (at 0) even before the first success, so "never succeeded" alerts work
        if (run != null) {
            backupTimer(origin, "failure").record(Duration.ofNanos(System.nanoTime() - run.startNanos()));
        }
        Counter.builder(name("failures")).description("Failed backups").tags(tags(origin))
                .tag("error", failure.getClass().getSimpleName()).register(registry).increment();
    }

    @Override
    public void restoreCompleted(RestoreResult result) {
        Manifest m = result.manifest();
        Origin origin = new Origin(m.database(), tierOf(m));
        origins.put(m.id(), origin);
        restores(origin, "success").increment();
        Timer.builder(name("restore.duration")).description("How long completed restores took").tags(tags(origin))
                .register(registry).record(result.duration());
    }

    @Override
    public void restoreFailed(String id, BackupException failure) {
        restores(originOf(id, null), "failure").increment();
    }

    private Counter restores(Origin origin, String outcome) {
        return Counter.builder(name("restores")).description("Restores completed or failed").tags(tags(origin))
                .tag("outcome", outcome).register(registry);
    }

    @Override
    public void verified(VerifyReport report) {
        Counter.builder(name("verifications")).description("Verifications passed or failed")
                .tags(tags(originOf(report.id(), null)))
                .tag("level", report.level().name().toLowerCase(Locale.ROOT))
                .tag("outcome", report.ok() ? "success" : "failure").register(registry).increment();
    }

    @Override
    public void pruned(PruneResult result) {
        if (result.dryRun()) {
            return;
        }
        Counter.builder(name("pruned")).description("Backups deleted by retention").tags(commonTags)
                .register(registry).increment(result.deleted().size());
    }

    @Override
    public void pruneFailed(BackupException failure) {
        Counter.builder(name("prune.failures")).description("Failed retention runs").tags(commonTags)
                .register(registry).increment();
    }

    @Override
    public String toString() {
        return "MicrometerBackupListener[" + prefix + ", tier label '" + tierLabel + "']";
    }

    /** Builds a {@link MicrometerBackupListener}; obtain one from {@link MicrometerBackupListener#builder(MeterRegistry)}. */
    public static final class Builder {
        private final MeterRegistry registry;
        private String prefix = "neo4j.backup";
        private String tierLabel = "tier";
        private String defaultTier = "none";
        private Tags tags = Tags.empty();

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * The meter name prefix; default {@code neo4j.backup}.
         *
         * @param value the prefix (dotted, no trailing dot)
         * @return this builder
         */
        public Builder prefix(String value) {
            this.prefix = Objects.requireNonNull(value, "prefix");
            return this;
        }

        /**
         * The manifest label whose value becomes the {@code tier} tag; default {@code tier}.
         *
         * @param value the label name
         * @return this builder
         */
        public Builder tierLabel(String value) {
            this.tierLabel = Objects.requireNonNull(value, "tierLabel");
            return this;
        }

        /**
         * The {@code tier} tag value when the manifest has no tier label (and for failures of a
         * database not seen before); default {@code none}.
         *
         * @param value the tier
         * @return this builder
         */
        public Builder defaultTier(String value) {
            this.defaultTier = Objects.requireNonNull(value, "defaultTier");
            return this;
        }

        /**
         * Tags added to every meter (an application or environment name).
         *
         * @param value the tags
         * @return this builder
         */
        public Builder tags(Iterable<Tag> value) {
            this.tags = Tags.of(Objects.requireNonNull(value, "tags"));
            return this;
        }

        /**
         * Builds the listener.
         *
         * @return the listener
         */
        public MicrometerBackupListener build() {
            return new MicrometerBackupListener(this);
        }
    }
}
